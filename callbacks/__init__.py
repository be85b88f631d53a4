"""Dash callbacks, registered with ``dash.callback`` when their module is imported."""

from callbacks import (  # noqa: F401
    access,
    exports,
    map_figure,
    page,
    presentation,
    saved_views,
    selection,
    views,
)
