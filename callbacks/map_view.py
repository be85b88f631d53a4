"""Map callbacks: a département switch redraws the figure; every other control patches it."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, no_update

from layers import ViewState, access_meta, build_figure, is_visible, slots
from layers import access_times as access_layer
from layers import beneficiaries as benef_layer
from layers import communes as communes_layer
from layers import digital_points as digital_layer
from layers import epci as epci_layer
from layers import partners as partners_layer
from layers import sites as sites_layer
from layers import territories as terr_layer
from server import registry
from ui import ids, layout
from viewstate.state import ACCESS_ENGINES, ACCESS_MODES, AccessState


def _number(value) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def access_state(
    on, mode, engine, threshold, dests, day, speed, detour, terminal, show, scenario
) -> AccessState:
    """AccessState from raw control values (empty parameter inputs = sourced defaults)."""
    scenario = scenario or {}
    return AccessState(
        enabled="on" in (on or ()),
        mode=mode if mode in ACCESS_MODES else "car",
        engine=engine if engine in ACCESS_ENGINES else "straight_line",
        speed_kmh=_number(speed),
        detour=_number(detour),
        terminal_min=_number(terminal),
        threshold=_number(threshold) or 30.0,
        destinations=tuple(dests or ()),
        day=None if day in (None, "any") else int(day),
        added=tuple(scenario.get("added", ())),
        removed=tuple(scenario.get("removed", ())),
        show=show if show in ("minutes", "difference") else "minutes",
    )


#: Access controls feeding :func:`access_state`, in its argument order.
ACCESS_INPUTS = (
    ids.ACCESS_ON,
    ids.ACCESS_MODE,
    ids.ACCESS_ENGINE,
    ids.ACCESS_THRESHOLD,
    ids.ACCESS_DEST,
    ids.ACCESS_DAY,
    ids.ACCESS_SPEED,
    ids.ACCESS_DETOUR,
    ids.ACCESS_TERMINAL,
    ids.ACCESS_SHOW,
)


def view_state(scheme, axes, benef_mode, estimate, click_level, access=None) -> ViewState:
    """ViewState from raw control values."""
    return ViewState(
        scheme_id=scheme or None,
        axes=tuple(axes or ()),
        beneficiaries_mode=benef_mode or "rate",
        beneficiaries_estimate="estimate" in (estimate or ()),
        click_level=click_level or "territory",
        access=access or AccessState(),
    )


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.SLOTS, "data"),
    Output(ids.SCHEME, "options"),
    Output(ids.SCHEME, "value"),
    Output(ids.AXES, "options"),
    Output(ids.AXES, "value"),
    Output(ids.PLAN_TITLE, "children"),
    Output(ids.FOOTER, "children"),
    Input(ids.DEPARTEMENT, "value"),
    State(ids.LAYERS, "value"),
    State(ids.BENEF_MODE, "value"),
    State(ids.BENEF_ESTIMATE, "value"),
    State(ids.CLICK_LEVEL, "value"),
    State(ids.MAP_STYLE, "value"),
    *(State(i, "value") for i in ACCESS_INPUTS),
    prevent_initial_call=True,
)
def switch_departement(code, visible, benef_mode, estimate, click_level, map_style, *access):
    """Draw the newly selected département (the only callback sending whole geometries).

    Access parameters carry over; the what-if scenario belongs to the former département
    and is dropped (see ``callbacks.access.reset_scenario``).
    """
    reg = registry.current()
    if code not in reg.entries:
        return (no_update,) * 8
    entry = reg.get(code)
    dep = entry.dep
    state = view_state(
        dep.default_scheme,
        (),
        benef_mode,
        estimate,
        click_level,
        access_state(*access, None) if access else AccessState(),
    )
    figure = build_figure(
        dep,
        entry.assets,
        state,
        visible or (),
        map_style or "white-bg",
        access=entry.access.view_for(state),
    )
    return (
        figure,
        figure["layout"]["meta"],
        layout.scheme_options(dep),
        dep.default_scheme,
        layout.axes_dropdown_options(dep),
        [],
        layout.plan_title(dep),
        layout.footer_text(dep),
    )


def scheme_patch(patch: Patch, meta: dict, dep, assets, state: ViewState) -> None:
    """Territories and their sites follow the selected scheme."""
    for module in (terr_layer, sites_layer):
        for index, trace in zip(
            slots(meta, module.LAYER_ID), module.traces(dep, assets, state), strict=False
        ):
            for key in (
                "locations",
                "z",
                "zmax",
                "colorscale",
                "customdata",
                "text",
                "lon",
                "lat",
                "geojson",
            ):
                if key in trace:
                    patch["data"][index][key] = trace[key]


def markers_patch(patch: Patch, meta: dict, dep, state: ViewState) -> None:
    """Partners and digital points follow the axe filter."""
    for module in (partners_layer, digital_layer):
        for index, fields in zip(
            slots(meta, module.LAYER_ID), module.patch(dep, state), strict=True
        ):
            for key, value in fields.items():
                patch["data"][index][key] = value


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Output(ids.SLOTS, "data", allow_duplicate=True),
    Input(ids.SCHEME, "value"),
    Input(ids.AXES, "value"),
    Input(ids.LAYERS, "value"),
    Input(ids.BENEF_MODE, "value"),
    Input(ids.BENEF_ESTIMATE, "value"),
    Input(ids.CLICK_LEVEL, "value"),
    Input(ids.MAP_STYLE, "value"),
    *(Input(i, "value") for i in ACCESS_INPUTS),
    Input(ids.ACCESS_SCENARIO, "data"),
    State(ids.DEPARTEMENT, "value"),
    State(ids.SLOTS, "data"),
    prevent_initial_call=True,
)
def update_view(scheme, axes, visible, benef_mode, estimate, click_level, map_style, *rest):
    """Patch only what differs between the drawn figure (``meta``) and the controls."""
    *access_values, code, meta = rest
    reg = registry.current()
    if code not in reg.entries or not meta or meta.get("departement") != code:
        return no_update, no_update
    entry = reg.get(code)
    patch, new_meta = view_patch(
        entry.dep,
        entry.assets,
        meta,
        scheme,
        axes,
        visible,
        benef_mode,
        estimate,
        click_level,
        map_style,
        access_state(*access_values),
        access_service=entry.access,
    )
    if new_meta == meta:
        return no_update, no_update
    return patch, new_meta


def access_patch(patch: Patch, meta: dict, dep, assets, state: ViewState, view) -> bool:
    """Access traces: the commune polygons are sent when the minutes layer is first drawn;
    afterwards only minutes, hovers and markers travel. Returns whether it is drawn."""
    (choro, *markers) = slots(meta, access_layer.LAYER_ID)
    for index in (choro, *markers):
        patch["data"][index]["visible"] = state.access.enabled
    was_drawn = bool(meta.get("access", {}).get("drawn"))
    fields = access_layer.choropleth_fields(state, view)
    drawn = bool(fields["locations"])
    if drawn and not was_drawn:
        trace = access_layer.traces(dep, assets, state, view)[0]
        fields = {k: v for k, v in trace.items() if k not in ("visible", "meta", "type")}
    elif drawn:  # same communes as drawn: only values and hovers travel
        fields = {k: v for k, v in fields.items() if k not in ("locations", "customdata")}
    else:
        fields["geojson"] = access_layer.EMPTY_FC
    for key, value in fields.items():
        patch["data"][choro][key] = value
    for index, values in zip(markers, access_layer.points_fields(dep, state, view), strict=True):
        for key, value in values.items():
            patch["data"][index][key] = value
    return drawn


def view_patch(
    dep,
    assets,
    meta,
    scheme,
    axes,
    visible,
    benef_mode,
    estimate,
    click_level,
    map_style,
    access: AccessState | None = None,
    access_service=None,
) -> tuple[Patch, dict]:
    """The ``Patch`` turning the figure drawn with ``meta`` into the requested view."""
    state = view_state(
        scheme or dep.default_scheme, axes, benef_mode, estimate, click_level, access
    )
    old_scheme, old_axes = meta["scheme"], meta["axes"]
    shown = sorted(visible or ())
    patch = Patch()
    new = dict(meta)
    if state.scheme_id != meta["scheme"]:
        scheme_patch(patch, meta, dep, assets, state)
        new["scheme"] = state.scheme_id
    if sorted(state.axes) != meta["axes"]:
        markers_patch(patch, meta, dep, state)
        new["axes"] = sorted(state.axes)
    if shown != meta["visible"]:
        for index, m in enumerate(meta["slots"]):
            patch["data"][index]["visible"] = is_visible(m, shown, state.access.enabled)
        for index, m in enumerate(meta["layer_slots"]):
            patch["layout"]["map"]["layers"][index]["visible"] = is_visible(m, shown)
        new["visible"] = shown
    benef = [state.beneficiaries_mode, state.beneficiaries_estimate]
    if benef != meta["benef"]:
        index = slots(meta, benef_layer.LAYER_ID)[0]
        trace = benef_layer.traces(dep, assets, state)[0]
        for key, value in trace.items():
            if key != "visible":
                patch["data"][index][key] = value
        new["benef"] = benef
    if state.click_level != meta["click"]:
        for index in slots(meta, terr_layer.LAYER_ID):
            patch["data"][index]["hoverinfo"] = (
                "text" if state.click_level == "territory" else "skip"
            )
        for module in (communes_layer, epci_layer):
            (index,) = slots(meta, f"{module.LAYER_ID}:click")
            target = module.traces(dep, assets, state)[-1]
            for key in ("geojson", "locations", "z", "customdata", "text", "hoverinfo"):
                patch["data"][index][key] = target[key]
        new["click"] = state.click_level
    style = map_style or "white-bg"
    if style != meta["style"]:
        patch["layout"]["map"]["style"] = style
        new["style"] = style
    old_access = dict(meta.get("access") or {})
    drawn = bool(old_access.pop("drawn", False))
    new_access = access_meta(state)
    new_access.pop("drawn")
    context_changed = state.scheme_id != old_scheme or sorted(state.axes) != old_axes
    if new_access != old_access or (state.access.enabled and context_changed):
        drawn = access_patch(patch, meta, dep, assets, state, access_service.view_for(state))
    new["access"] = {**new_access, "drawn": drawn}
    return patch, new


__all__ = ["switch_departement", "update_view", "view_patch", "view_state"]
