"""Access-time callbacks: figures, what-if clicks, model defaults, suggestions, URL."""

from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, State, callback, ctx, no_update

from callbacks.map_view import ACCESS_INPUTS, access_state, view_state
from core.access.params import MODES
from layers import DEFAULT_VISIBLE
from server import registry
from ui import access_panels, ids, layout
from viewstate.url import UrlView, format_query, parse_query

POINT_KINDS = {"sites": "sites", "digital_points": "digital"}


def _entry(code):
    reg = registry.current()
    return reg.get(code) if code in reg.entries else None


@callback(
    Output(ids.ACCESS_FIGURES, "children"),
    Output(ids.ACCESS_MESSAGES, "children"),
    Input(ids.SCHEME, "value"),
    Input(ids.AXES, "value"),
    *(Input(i, "value") for i in ACCESS_INPUTS),
    Input(ids.ACCESS_SCENARIO, "data"),
    State(ids.DEPARTEMENT, "value"),
)
def show_figures(scheme, axes, *rest):
    """Figures per territory and EPCI, the summary and the scenario gain."""
    *values, scenario, code = rest
    entry = _entry(code)
    if entry is None:
        return no_update, no_update
    access = access_state(*values, scenario)
    if not access.enabled:
        return None, None
    state = view_state(scheme, axes, "rate", [], "territory", access)
    return access_panels.figures_view(entry.access, state)


def _dest_for_point(dests, layer: str, point_id: str) -> str | None:
    """The destination id behind a clicked site / digital point / partner marker."""
    if dests is None:
        return None
    ids_ = set(dests.frame["dest_id"])
    if layer in POINT_KINDS:
        candidate = f"{POINT_KINDS[layer]}:{point_id}"
        return candidate if candidate in ids_ else None
    if layer == "partners":
        matches = [i for i in ids_ if i.startswith("partners:") and i.endswith(f":{point_id}")]
        return matches[0] if matches else None
    return None


def toggle(items: list, value: str) -> list:
    return [i for i in items if i != value] if value in items else [*items, value]


def scenario_after_click(scenario: dict, custom: list, dests) -> dict | None:
    """The scenario once a map element is clicked in simulation mode (None = no change)."""
    layer, value = custom[0], str(custom[1])
    added, removed = list(scenario.get("added", [])), list(scenario.get("removed", []))
    if layer in ("communes", "access_added"):
        return {"added": toggle(added, value), "removed": removed}
    if layer in ("access_dest", "access_removed"):
        return {"added": added, "removed": toggle(removed, value)}
    dest = _dest_for_point(dests, layer, value)
    if dest is not None:
        return {"added": added, "removed": toggle(removed, dest)}
    return None


@callback(
    Output(ids.ACCESS_SCENARIO, "data"),
    Input(ids.MAP, "clickData"),
    Input(ids.ACCESS_RESET, "n_clicks"),
    Input(ids.SUGGEST_ADD, "n_clicks"),
    Input(ids.DEPARTEMENT, "value"),
    State(ids.ACCESS_SIMULATE, "value"),
    State(ids.ACCESS_SCENARIO, "data"),
    State(ids.SUGGEST_STORE, "data"),
    State(ids.SCHEME, "value"),
    State(ids.AXES, "value"),
    *(State(i, "value") for i in ACCESS_INPUTS),
    prevent_initial_call=True,
)
def update_scenario(
    click, _reset, _add, code, simulate, scenario, suggested, scheme, axes, *values
):
    """Clicks add or remove sites in simulation mode; reset and département switch clear."""
    trigger = ctx.triggered_id
    empty = {"added": [], "removed": []}
    if trigger in (ids.ACCESS_RESET, ids.DEPARTEMENT):
        return empty
    scenario = scenario or empty
    if trigger == ids.SUGGEST_ADD:
        if not suggested:
            return no_update
        added = list(dict.fromkeys([*scenario.get("added", []), *suggested.get("ids", [])]))
        return {"added": added, "removed": scenario.get("removed", [])}
    if "on" not in (simulate or ()) or not click or not click.get("points"):
        return no_update
    custom = click["points"][0].get("customdata")
    entry = _entry(code)
    if not custom or len(custom) < 2 or entry is None:
        return no_update
    access = access_state(*values, scenario)
    _comp, dests, _p, _n = entry.access.computation(scheme, axes or (), access)
    new = scenario_after_click(scenario, custom, dests)
    return no_update if new is None else new


@callback(
    Output(ids.ACCESS_SPEED, "value"),
    Output(ids.ACCESS_DETOUR, "value"),
    Output(ids.ACCESS_TERMINAL, "value"),
    Output(ids.ACCESS_SPEED, "placeholder"),
    Output(ids.ACCESS_DETOUR, "placeholder"),
    Output(ids.ACCESS_TERMINAL, "placeholder"),
    Input(ids.ACCESS_MODE, "value"),
    Input(ids.ACCESS_DEFAULTS, "n_clicks"),
    prevent_initial_call=True,
)
def mode_defaults(mode, _n):
    """A new mode (or « Valeurs par défaut ») brings back that mode's sourced defaults."""
    d = MODES.get(mode, MODES["car"])
    return None, None, None, d.speed_kmh, d.detour, d.terminal_min


def _canonical(view: UrlView, default_scheme: str | None) -> UrlView:
    """The view with its defaults left out (scheme, layers) and without map framing."""
    layers = view.layers
    return replace(
        view,
        scheme=None if view.scheme in (None, "", default_scheme) else view.scheme,
        layers=None if layers is None or set(layers) == set(DEFAULT_VISIBLE) else layers,
        map_view=None,
    )


@callback(
    Output(ids.URL, "search"),
    Input(ids.DEPARTEMENT, "value"),
    Input(ids.SCHEME, "value"),
    Input(ids.AXES, "value"),
    *(Input(i, "value") for i in ACCESS_INPUTS),
    Input(ids.ACCESS_SCENARIO, "data"),
    Input(ids.LAYERS, "value"),
    Input(ids.BENEF_MODE, "value"),
    Input(ids.SELECTION, "data"),
    State(ids.URL, "search"),
    prevent_initial_call=True,
)
def write_url(code, scheme, axes, *rest):
    """Keep the address bar in step with the view, so a link restores it.

    Left alone when the view is the one the address already describes (the page was just
    drawn from it), so a link's map framing (``carte=``) survives; any change drops it."""
    *values, scenario, visible, benef_mode, selection, current = rest
    entry = _entry(code)
    if entry is None:
        return no_update
    view = UrlView(
        code=code,
        scheme=scheme,
        axes=tuple(axes or ()),
        access=access_state(*values, scenario),
        layers=tuple(visible or ()),
        selection=(selection["type"], selection["code"]) if selection else None,
        benef_mode=benef_mode if benef_mode in ("rate", "count") else "rate",
    )
    query = format_query(_canonical(view, entry.dep.default_scheme))
    old = format_query(_canonical(parse_query(current)[0], entry.dep.default_scheme))
    return no_update if old == query else query


@callback(
    Output(ids.SUGGEST_OUT, "children"),
    Output(ids.SUGGEST_STORE, "data"),
    Output(ids.SUGGEST_ADD, "hidden"),
    Input(ids.SUGGEST_GO, "n_clicks"),
    Input(ids.DEPARTEMENT, "value"),
    State(ids.SUGGEST_K, "value"),
    State(ids.SUGGEST_WEIGHT, "value"),
    State(ids.SCHEME, "value"),
    State(ids.AXES, "value"),
    *(State(i, "value") for i in ACCESS_INPUTS),
    State(ids.ACCESS_SCENARIO, "data"),
    prevent_initial_call=True,
)
def suggest(_n, code, k, weight, scheme, axes, *rest):
    """k sites chosen greedily among the communes, each with its gain."""
    if ctx.triggered_id == ids.DEPARTEMENT:
        return None, None, True
    *values, scenario = rest
    entry = _entry(code)
    if entry is None:
        return no_update, no_update, no_update
    access = access_state(*values, scenario)
    state = view_state(scheme, axes, "rate", [], "territory", access)
    children, store = access_panels.suggestions_view(entry.access, state, k, weight)
    return children, store, store is None


@callback(
    Output(ids.ACCESS_DETAILS, "hidden"),
    Input(ids.ACCESS_ON, "value"),
    prevent_initial_call=True,
)
def show_access_controls(on):
    """Access parameters appear once the access layer is switched on."""
    return "on" not in (on or ())


@callback(
    Output(ids.ACCESS_ENGINE, "options"),
    Output(ids.ACCESS_DEST, "options"),
    Input(ids.DEPARTEMENT, "value"),
    prevent_initial_call=True,
)
def access_options(code):
    """Engines and destination kinds available in the newly selected package."""
    entry = _entry(code)
    if entry is None:
        return no_update, no_update
    return layout.engine_options(entry.dep), layout.destination_options(entry.dep)
