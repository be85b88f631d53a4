"""Dash callbacks, registered with ``dash.callback`` when their module is imported."""

from callbacks import (  # noqa: F401
    access,
    exports,
    map_figure,
    page,
    panels,
    presentation,
    saved_views,
    selection,
)
