"""Dash callbacks, registered with ``dash.callback`` when their module is imported."""

from callbacks import map_view, selection, views  # noqa: F401
