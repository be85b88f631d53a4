"""Presentation mode: full screen, large type; arrow keys step through the territories."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, ctx, no_update

import ids
import registry
from layers import view_for_bounds


def slides(dep, scheme: str | None) -> list[dict]:
    """The territories of the scheme that are drawn, in package order; the EPCI when the
    scheme has no known perimeter. Each slide: selection, title, bounds."""
    scheme = scheme or dep.default_scheme
    shapes = dep.territory_shapes
    shapes = shapes[shapes["scheme_id"] == scheme].set_index("territory_id")
    order = dep.territories[dep.territories["scheme_id"] == scheme]
    out = [
        {
            "selection": {"type": "territory", "code": r.territory_id, "scheme": scheme},
            "title": r.name,
            "bounds": tuple(float(v) for v in shapes.loc[r.territory_id, "geometry"].bounds),
        }
        for r in order.itertuples(index=False)
        if r.territory_id in shapes.index
    ]
    if out:
        return out
    return [
        {
            "selection": {"type": "epci", "code": r.siren_epci, "scheme": None},
            "title": f"{r.nom} (EPCI — périmètres du découpage inconnus)",
            "bounds": tuple(float(v) for v in r.geometry.bounds),
        }
        for r in dep.epci.sort_values("nom").itertuples(index=False)
    ]


def _zoom(patch: Patch, bounds) -> Patch:
    centre, zoom = view_for_bounds(bounds, width=1100, height=760)
    patch["layout"]["map"]["center"] = centre
    patch["layout"]["map"]["zoom"] = zoom
    return patch


@callback(
    Output(ids.PRES_STATE, "data"),
    Output(ids.APP_ROOT, "className"),
    Output(ids.SELECTION, "data", allow_duplicate=True),
    Output(ids.MAP, "figure", allow_duplicate=True),
    Output(ids.PRES_HEADER, "children"),
    Input(ids.PRESENT, "n_clicks"),
    Input(ids.PRES_PREV, "n_clicks"),
    Input(ids.PRES_NEXT, "n_clicks"),
    Input(ids.PRES_EXIT, "n_clicks"),
    State(ids.PRES_STATE, "data"),
    State(ids.SCHEME, "value"),
    State(ids.DEPARTEMENT, "value"),
    prevent_initial_call=True,
)
def present(_start, _prev, _next, _exit, state, scheme, code):
    """Enter, step through or leave the presentation."""
    reg = registry.current()
    if code not in reg.entries:
        return (no_update,) * 5
    entry = reg.get(code)
    trigger = ctx.triggered_id
    state = state or {"on": False, "index": -1}
    if trigger == ids.PRES_EXIT:
        return (
            {"on": False, "index": -1},
            "app",
            no_update,
            _zoom(Patch(), entry.assets.bounds),
            None,
        )
    items = slides(entry.dep, scheme)
    if not items:
        return no_update, "app presentation", no_update, no_update, "Aucun territoire à présenter."
    index = state.get("index", -1) if state.get("on") else -1
    step = -1 if trigger == ids.PRES_PREV else 1
    index = (index + step) % len(items)
    slide = items[index]
    header = f"{slide['title']} — {index + 1} / {len(items)}"
    return (
        {"on": True, "index": index},
        "app presentation",
        slide["selection"],
        _zoom(Patch(), slide["bounds"]),
        header,
    )
