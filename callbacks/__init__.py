"""Dash callbacks, registered with ``dash.callback`` when their module is imported."""

from callbacks import access, exports, map_view, page, presentation, selection, views  # noqa: F401
