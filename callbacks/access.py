"""Access-time callbacks: figures, what-if clicks, model defaults, suggestions, URL."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update

from core.access.params import MODES
from layers import DEFAULT_VISIBLE
from server import registry
from ui import access_panels, ids, layout
from ui import controls as ctl
from viewstate.controls import (
    ACCESS_KEYS,
    access_from_controls,
    url_view_from_controls,
    view_from_controls,
)
from viewstate.url import canonical, format_query, parse_query

POINT_KINDS = {"sites": "sites", "digital_points": "digital"}
#: What the access figures and suggestions depend on.
ACCESS_CONTEXT = ("scheme", "axes", *ACCESS_KEYS)


def _entry(code):
    reg = registry.current()
    return reg.get(code) if reg.has(code) else None


@callback(
    output=dict(
        figures=Output(ids.ACCESS_FIGURES, "children"),
        messages=Output(ids.ACCESS_MESSAGES, "children"),
    ),
    inputs=dict(controls=ctl.inputs(*ACCESS_CONTEXT)),
    state=dict(code=State(ids.DEPARTEMENT, "value")),
)
def show_figures(controls, code):
    """Figures per territory and EPCI, the summary and the scenario gain."""
    entry = _entry(code)
    if entry is None:
        return dict(figures=no_update, messages=no_update)
    state = view_from_controls(controls)
    if not state.access.enabled:
        return dict(figures=None, messages=None)
    figures, messages = access_panels.figures_view(entry.access, state)
    return dict(figures=figures, messages=messages)


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


EMPTY_SCENARIO = {"added": [], "removed": []}


def _scenario_from_click(click, simulate, controls, code):
    """The scenario after a map click (``no_update`` outside simulation mode)."""
    if "on" not in (simulate or ()) or not click or not click.get("points"):
        return no_update
    custom = click["points"][0].get("customdata")
    entry = _entry(code)
    if not custom or len(custom) < 2 or entry is None:
        return no_update
    access = access_from_controls(controls)
    scheme, axes = controls.get("scheme"), controls.get("axes") or ()
    _comp, dests, _p, _n = entry.access.computation(scheme, axes, access)
    new = scenario_after_click(controls.get("scenario") or EMPTY_SCENARIO, custom, dests)
    return no_update if new is None else new


@callback(
    output=Output(ids.ACCESS_SCENARIO, "data"),
    inputs=dict(
        click=Input(ids.MAP, "clickData"),
        buttons=dict(
            reset=Input(ids.ACCESS_RESET, "n_clicks"), add=Input(ids.SUGGEST_ADD, "n_clicks")
        ),
        code=Input(ids.DEPARTEMENT, "value"),
    ),
    state=dict(
        simulate=State(ids.ACCESS_SIMULATE, "value"),
        suggested=State(ids.SUGGEST_STORE, "data"),
        controls=ctl.states(*ACCESS_CONTEXT),
    ),
    prevent_initial_call=True,
)
def update_scenario(click, buttons, code, simulate, suggested, controls):
    """Clicks add or remove sites in simulation mode; reset and département switch clear
    (``buttons``: their n_clicks; the one pressed is ``ctx.triggered_id``)."""
    trigger = ctx.triggered_id
    if trigger in (ids.ACCESS_RESET, ids.DEPARTEMENT):
        return dict(EMPTY_SCENARIO)
    scenario = controls.get("scenario") or EMPTY_SCENARIO
    if trigger == ids.SUGGEST_ADD:
        if not suggested:
            return no_update
        added = list(dict.fromkeys([*scenario.get("added", []), *suggested.get("ids", [])]))
        return {"added": added, "removed": scenario.get("removed", [])}
    return _scenario_from_click(click, simulate, {**controls, "scenario": scenario}, code)


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


@callback(
    # The only writer of the address bar except callbacks.page.render_page, which puts a
    # saved view's link there when it draws that view.
    output=Output(ids.URL, "search"),
    inputs=dict(
        code=Input(ids.DEPARTEMENT, "value"),
        controls=ctl.inputs("scheme", "axes", *ACCESS_KEYS, "layers", "beneficiaries_mode"),
        selection=Input(ids.SELECTION, "data"),
    ),
    state=dict(current=State(ids.URL, "search")),
    prevent_initial_call=True,
)
def write_url(code, controls, selection, current):
    """Keep the address bar in step with the view, so a link restores it.

    Left alone when the view is the one the address already describes (the page was just
    drawn from it), so a link's map framing (``carte=``) survives; any change drops it."""
    entry = _entry(code)
    if entry is None:
        return no_update
    default_scheme = entry.dep.default_scheme
    view = url_view_from_controls(code, controls, selection)
    query = format_query(canonical(view, default_scheme, DEFAULT_VISIBLE))
    old = format_query(canonical(parse_query(current)[0], default_scheme, DEFAULT_VISIBLE))
    return no_update if old == query else query


@callback(
    output=dict(
        children=Output(ids.SUGGEST_OUT, "children"),
        store=Output(ids.SUGGEST_STORE, "data"),
        hidden=Output(ids.SUGGEST_ADD, "hidden"),
    ),
    inputs=dict(_n=Input(ids.SUGGEST_GO, "n_clicks"), code=Input(ids.DEPARTEMENT, "value")),
    state=dict(
        k=State(ids.SUGGEST_K, "value"),
        weight=State(ids.SUGGEST_WEIGHT, "value"),
        controls=ctl.states(*ACCESS_CONTEXT),
    ),
    prevent_initial_call=True,
)
def suggest(_n, code, k, weight, controls):
    """k sites chosen greedily among the communes, each with its gain."""
    if ctx.triggered_id == ids.DEPARTEMENT:
        return dict(children=None, store=None, hidden=True)
    entry = _entry(code)
    if entry is None:
        return dict(children=no_update, store=no_update, hidden=no_update)
    state = view_from_controls(controls)
    children, store = access_panels.suggestions_view(entry.access, state, k, weight)
    return dict(children=children, store=store, hidden=store is None)


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
