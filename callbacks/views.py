"""Callbacks of the views beside the map: actions, legend, « Aller à » list, tables."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.map_view import ACCESS_INPUTS, access_state, view_state
from core.plan import actions_for
from server import registry
from ui import access_panels, ids, layout, panels


@callback(
    Output(ids.ACTIONS, "children"),
    Output(ids.ACTIONS_COUNT, "children"),
    Input(ids.AXES, "value"),
    Input(ids.DEPARTEMENT, "value"),
)
def list_actions(axes, code):
    """The plan's actions matching the axe filter."""
    reg = registry.current()
    if code not in reg.entries:
        return no_update, no_update
    dep = reg.get(code).dep
    actions = actions_for(dep, axes or [])
    return panels.action_items(dep, actions), f"({len(actions)})"


@callback(
    Output(ids.AXES, "value", allow_duplicate=True),
    Input(ids.AXES_CLEAR, "n_clicks"),
    prevent_initial_call=True,
)
def clear_axes(_n_clicks):
    """« Effacer le filtre » empties the axe selection."""
    return []


@callback(
    Output(ids.LEGEND, "children"),
    Output(ids.CAPTION, "children"),
    Output(ids.GOTO, "options"),
    Input(ids.SCHEME, "value"),
    Input(ids.LAYERS, "value"),
    Input(ids.BENEF_MODE, "value"),
    Input(ids.BENEF_ESTIMATE, "value"),
    State(ids.DEPARTEMENT, "value"),
    prevent_initial_call=True,
)
def update_legend(scheme, visible, benef_mode, estimate, code):
    """Legend, caption and jump list follow the scheme and layers."""
    reg = registry.current()
    if code not in reg.entries:
        return no_update, no_update, no_update
    dep = reg.get(code).dep
    if scheme not in set(dep.schemes["scheme_id"]):
        scheme = dep.default_scheme
    state = view_state(scheme, (), benef_mode, estimate, "territory")
    return (
        panels.legend(dep, state, visible or ()),
        layout.caption_text(dep, state),
        layout.goto_options(dep, scheme),
    )


@callback(
    Output(ids.TABLE, "children"),
    Input(ids.TABS, "value"),
    Input(ids.SCHEME, "value"),
    Input(ids.AXES, "value"),
    Input(ids.LAYERS, "value"),
    Input(ids.BENEF_MODE, "value"),
    Input(ids.BENEF_ESTIMATE, "value"),
    *(Input(i, "value") for i in ACCESS_INPUTS),
    Input(ids.ACCESS_SCENARIO, "data"),
    State(ids.DEPARTEMENT, "value"),
)
def table(tab, scheme, axes, visible, benef_mode, estimate, *rest):
    """Tables of what the map shows, built only while the table tab is open."""
    *access_values, scenario, code = rest
    reg = registry.current()
    if tab != "table" or code not in reg.entries:
        return no_update
    dep, service = reg.get(code).dep, reg.get(code).access
    if scheme not in set(dep.schemes["scheme_id"]):
        scheme = dep.default_scheme
    access = access_state(*access_values, scenario)
    state = view_state(scheme, axes, benef_mode, estimate, "territory", access)
    tables = [panels.table_view(dep, state, visible or ())]
    if access.enabled:
        figures, _messages = access_panels.figures_view(service, state)
        if figures:
            tables = [*figures, access_panels.commune_table(service, state), *tables]
    return tables


@callback(
    Output(ids.QUALITY, "children"),
    Output(ids.SOURCES, "children"),
    Input(ids.TABS, "value"),
    Input(ids.DEPARTEMENT, "value"),
    prevent_initial_call=True,
)
def quality_and_sources(tab, code):
    """Data-quality and sources tabs, built when opened (not sent with every switch)."""
    reg = registry.current()
    if code in reg.failures:
        return panels.failure_view(reg.failures[code]), no_update
    if tab not in ("quality", "sources") or code not in reg.entries:
        return no_update, no_update
    dep = reg.get(code).dep
    if tab == "quality":
        return panels.quality_view(dep), no_update
    return no_update, panels.sources_view(dep)
