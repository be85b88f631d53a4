"""Selection callbacks: a map click or the « Aller à » list opens the side panel."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, html, no_update

from server import registry
from ui import ids, labels, panels

POINT_LAYERS = ("sites", "partners", "digital_points")
POLYGON_TYPES = {"territories": "territory", "epci": "epci", "communes": "commune"}


def selection_from_click(click_data: dict | None) -> dict | None:
    """``{"type", "code", "scheme"}`` from a Plotly click on a trace with customdata."""
    if not click_data or not click_data.get("points"):
        return None
    custom = click_data["points"][0].get("customdata")
    if not custom or len(custom) < 2:
        return None
    layer, code = custom[0], str(custom[1])
    scheme = custom[2] if len(custom) > 2 else None
    if layer in POLYGON_TYPES:
        return {"type": POLYGON_TYPES[layer], "code": code, "scheme": scheme}
    if layer in POINT_LAYERS:
        return {"type": layer, "code": code, "scheme": None}
    if layer in ("access_dest", "access_removed"):  # ``kind:id`` of an access destination
        kind, _, point = code.partition(":")
        if kind.startswith("partners"):
            return {"type": "partners", "code": point.rpartition(":")[2], "scheme": None}
        kinds = {"sites": "sites", "digital": "digital_points"}
        return {"type": kinds[kind], "code": point, "scheme": None} if kind in kinds else None
    return None


def selection_from_goto(value: str | None) -> dict | None:
    """Selection from an « Aller à » option value ``type|code|scheme``."""
    if not value:
        return None
    kind, code, scheme = (value.split("|") + ["", ""])[:3]
    return {"type": kind, "code": code, "scheme": scheme or None}


@callback(
    # Also written by presentation.present (a slide selects its territory).
    Output(ids.SELECTION, "data"),
    Output(ids.GOTO, "value"),
    Input(ids.MAP, "clickData"),
    Input(ids.GOTO, "value"),
    Input(ids.PANEL_CLOSE, "n_clicks"),
    Input(ids.DEPARTEMENT, "value"),
    State(ids.ACCESS_SIMULATE, "value"),
    prevent_initial_call=True,
)
def select(click_data, goto_value, _close, _code, simulate=None):
    """Keep the current selection in a Store (ids only, never data).

    In simulation mode a map click edits the what-if scenario instead.
    """
    trigger = ctx.triggered_id
    if trigger == ids.MAP:
        if "on" in (simulate or ()):
            return no_update, no_update
        found = selection_from_click(click_data)
        return (found, no_update) if found else (no_update, no_update)
    if trigger == ids.GOTO:
        found = selection_from_goto(goto_value)
        return (found, no_update) if found else (no_update, no_update)
    return None, None


@callback(
    Output(ids.PANEL, "children"),
    Input(ids.SELECTION, "data"),
    Input(ids.AXES, "value"),
    State(ids.DEPARTEMENT, "value"),
    State(ids.PRES_STATE, "data"),
)
def show_panel(selection, axes, code, presentation=None):
    """The side panel of the selection, or the invitation to select; a presentation slide
    without selection shows the département's key figures and actions."""
    reg = registry.current()
    if (failure := reg.failure(code)) is not None:
        return panels.failure_view(failure)
    if not selection and (presentation or {}).get("on") and reg.has(code):
        selection = {"type": "departement", "code": code, "scheme": None}
    if not selection or not reg.has(code):
        return html.P(labels.PANEL_EMPTY, className="muted")
    try:
        return panels.unit_panel(reg.get(code).dep, selection, axes or [])
    except (KeyError, IndexError):
        return html.P("Cet élément n'existe pas dans ce département.", className="warning")
