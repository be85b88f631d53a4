"""Map figure callbacks: a département switch redraws it; every other control patches it."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, no_update

from layers import ViewState, access_meta, build_figure, is_visible, slots
from layers import access_times as access_layer
from layers import beneficiaries as beneficiaries_layer
from layers import communes as communes_layer
from layers import digital_points as digital_layer
from layers import epci as epci_layer
from layers import partners as partners_layer
from layers import sites as sites_layer
from layers import territories as terr_layer
from server import registry
from ui import controls as ctl
from ui import ids, layout
from viewstate.controls import ACCESS_KEYS, VIEW_KEYS, view_from_controls

DEFAULT_STYLE = "white-bg"


@callback(
    output=dict(
        figure=Output(ids.MAP, "figure"),
        meta=Output(ids.SLOTS, "data"),
        scheme_options=Output(ids.SCHEME, "options"),
        scheme=Output(ids.SCHEME, "value"),
        axes_options=Output(ids.AXES, "options"),
        axes=Output(ids.AXES, "value"),  # also written by panels.clear_axes
        plan_title=Output(ids.PLAN_TITLE, "children"),
        footer=Output(ids.FOOTER, "children"),
    ),
    inputs=dict(code=Input(ids.DEPARTEMENT, "value")),
    state=dict(
        controls=ctl.states(
            "layers",
            "beneficiaries_mode",
            "beneficiaries_estimate",
            "click_level",
            "map_style",
            *ctl.ACCESS_PARAMS,
        )
    ),
    prevent_initial_call=True,
)
def switch_department(code, controls):
    """Draw the newly selected département (the only callback sending whole geometries).

    Other writers of the figure: :func:`update_view` (patches) and
    ``callbacks.presentation.present`` (framing). Access parameters carry over; the what-if
    scenario belongs to the former département and is dropped (see
    ``callbacks.access.update_scenario``).
    """
    reg = registry.current()
    if not reg.has(code):
        return dict.fromkeys(SWITCH_OUTPUTS, no_update)
    entry = reg.get(code)
    dep = entry.dep
    state = view_from_controls({**controls, "scheme": dep.default_scheme, "axes": ()})
    style = controls.get("map_style") or DEFAULT_STYLE
    visible = controls.get("layers") or ()
    access = entry.access.shown_view(state)
    figure = build_figure(dep, entry.assets, state, visible, style, access=access)
    return dict(
        figure=figure,
        meta=figure["layout"]["meta"],
        scheme_options=layout.scheme_options(dep),
        scheme=dep.default_scheme,
        axes_options=layout.axes_dropdown_options(dep),
        axes=[],
        plan_title=layout.plan_title(dep),
        footer=layout.footer_text(dep),
    )


SWITCH_OUTPUTS = (
    "figure",
    "meta",
    "scheme_options",
    "scheme",
    "axes_options",
    "axes",
    "plan_title",
    "footer",
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
    # Both also written by switch_department (new département); the figure also by
    # presentation.present (framing of a slide).
    output=dict(
        figure=Output(ids.MAP, "figure", allow_duplicate=True),
        meta=Output(ids.SLOTS, "data", allow_duplicate=True),
    ),
    inputs=dict(controls=ctl.inputs(*VIEW_KEYS, *ACCESS_KEYS)),
    state=dict(code=State(ids.DEPARTEMENT, "value"), meta=State(ids.SLOTS, "data")),
    prevent_initial_call=True,
)
def update_view(controls, code, meta):
    """Patch only what differs between the drawn figure (``meta``) and the controls."""
    reg = registry.current()
    unchanged = dict(figure=no_update, meta=no_update)
    if not reg.has(code) or not meta or meta.get("departement") != code:
        return unchanged
    entry = reg.get(code)
    state = view_from_controls(controls, entry.dep.default_scheme)
    visible, style = controls.get("layers"), controls.get("map_style")
    patch, new_meta = view_patch(entry, meta, state, visible, style)
    if new_meta == meta:
        return unchanged
    return dict(figure=patch, meta=new_meta)


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


def visibility_patch(patch: Patch, meta: dict, shown: list[str], access_on: bool) -> None:
    """Traces and map layers shown by the layer checklist."""
    for index, m in enumerate(meta["slots"]):
        patch["data"][index]["visible"] = is_visible(m, shown, access_on)
    for index, m in enumerate(meta["layer_slots"]):
        patch["layout"]["map"]["layers"][index]["visible"] = is_visible(m, shown)


def beneficiaries_patch(patch: Patch, meta: dict, dep, assets, state: ViewState) -> None:
    """The beneficiaries trace follows its display (rate or count, estimate)."""
    index = slots(meta, beneficiaries_layer.LAYER_ID)[0]
    trace = beneficiaries_layer.traces(dep, assets, state)[0]
    for key, value in trace.items():
        if key != "visible":
            patch["data"][index][key] = value


def click_patch(patch: Patch, meta: dict, dep, assets, state: ViewState) -> None:
    """Hover and clicks answered by territories, EPCI or communes."""
    for index in slots(meta, terr_layer.LAYER_ID):
        patch["data"][index]["hoverinfo"] = "text" if state.click_level == "territory" else "skip"
    for module in (communes_layer, epci_layer):
        (index,) = slots(meta, f"{module.LAYER_ID}:click")
        target = module.traces(dep, assets, state)[-1]
        for key in ("geojson", "locations", "z", "customdata", "text", "hoverinfo"):
            patch["data"][index][key] = target[key]


def view_patch(
    entry, meta: dict, state: ViewState, visible, map_style: str | None = None
) -> tuple[Patch, dict]:
    """The ``Patch`` turning the figure drawn with ``meta`` into ``state`` (``entry``: the
    département's registry entry: package, map assets and access service)."""
    dep, assets = entry.dep, entry.assets
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
        visibility_patch(patch, meta, shown, state.access.enabled)
        new["visible"] = shown
    benef = [state.beneficiaries_mode, state.beneficiaries_estimate]
    if benef != meta["benef"]:
        beneficiaries_patch(patch, meta, dep, assets, state)
        new["benef"] = benef
    if state.click_level != meta["click"]:
        click_patch(patch, meta, dep, assets, state)
        new["click"] = state.click_level
    style = map_style or DEFAULT_STYLE
    if style != meta["style"]:
        patch["layout"]["map"]["style"] = style
        new["style"] = style
    old_access = dict(meta.get("access") or {})
    drawn = bool(old_access.pop("drawn", False))
    new_access = access_meta(state)
    new_access.pop("drawn")
    context_changed = state.scheme_id != old_scheme or sorted(state.axes) != old_axes
    if new_access != old_access or (state.access.enabled and context_changed):
        drawn = access_patch(patch, meta, dep, assets, state, entry.access.shown_view(state))
    new["access"] = {**new_access, "drawn": drawn}
    return patch, new


__all__ = ["switch_department", "update_view", "view_patch"]
