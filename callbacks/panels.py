"""Callbacks of the panels beside the map: actions, legend, « Aller à » list, tables."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from core.plan import actions_for
from server import registry
from ui import access_panels, ids, layout, panels
from ui import controls as ctl
from viewstate.controls import ACCESS_KEYS, view_from_controls


@callback(
    Output(ids.ACTIONS, "children"),
    Output(ids.ACTIONS_COUNT, "children"),
    Input(ids.AXES, "value"),
    Input(ids.DEPARTEMENT, "value"),
)
def list_actions(axes, code):
    """The plan's actions matching the axe filter."""
    reg = registry.current()
    if not reg.has(code):
        return no_update, no_update
    dep = reg.get(code).dep
    actions = actions_for(dep, axes or [])
    return panels.action_items(dep, actions), f"({len(actions)})"


@callback(
    # Also written by map_figure.switch_department (a new département clears the filter).
    Output(ids.AXES, "value", allow_duplicate=True),
    Input(ids.AXES_CLEAR, "n_clicks"),
    prevent_initial_call=True,
)
def clear_axes(_n_clicks):
    """« Effacer le filtre » empties the axe selection."""
    return []


@callback(
    output=dict(
        legend=Output(ids.LEGEND, "children"),
        caption=Output(ids.CAPTION, "children"),
        goto=Output(ids.GOTO, "options"),
    ),
    inputs=dict(
        controls=ctl.inputs("scheme", "layers", "beneficiaries_mode", "beneficiaries_estimate")
    ),
    state=dict(code=State(ids.DEPARTEMENT, "value")),
    prevent_initial_call=True,
)
def update_legend(controls, code):
    """Legend, caption and jump list follow the scheme and layers."""
    reg = registry.current()
    if not reg.has(code):
        return dict(legend=no_update, caption=no_update, goto=no_update)
    dep = reg.get(code).dep
    state = view_from_controls({**controls, "scheme": known_scheme(dep, controls)})
    return dict(
        legend=panels.legend(dep, state, controls.get("layers") or ()),
        caption=layout.caption_text(dep, state),
        goto=layout.goto_options(dep, state.scheme_id),
    )


def known_scheme(dep, controls) -> str:
    """The scheme control's value when the package has it, else the default scheme."""
    scheme = controls.get("scheme")
    return scheme if scheme in set(dep.schemes["scheme_id"]) else dep.default_scheme


@callback(
    output=Output(ids.TABLE, "children"),
    inputs=dict(
        tab=Input(ids.TABS, "value"),
        controls=ctl.inputs(
            "scheme", "axes", "layers", "beneficiaries_mode", "beneficiaries_estimate", *ACCESS_KEYS
        ),
    ),
    state=dict(code=State(ids.DEPARTEMENT, "value")),
)
def table(tab, controls, code):
    """Tables of what the map shows, built only while the table tab is open."""
    reg = registry.current()
    if tab != "table" or not reg.has(code):
        return no_update
    dep, service = reg.get(code).dep, reg.get(code).access
    state = view_from_controls({**controls, "scheme": known_scheme(dep, controls)})
    tables = [panels.table_view(dep, state, controls.get("layers") or ())]
    if state.access.enabled:
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
    if (failure := reg.failure(code)) is not None:
        return panels.failure_view(failure), no_update
    if tab not in ("quality", "sources") or not reg.has(code):
        return no_update, no_update
    dep = reg.get(code).dep
    if tab == "quality":
        return panels.quality_view(dep), no_update
    return no_update, panels.sources_view(dep)
