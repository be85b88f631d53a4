"""Presentation mode: full screen, large type; arrow keys step through the territories of
the scheme, or through the saved views (each drawn as its own page)."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, ctx, no_update

from callbacks.page import page_for
from layers import view_for_bounds
from server import registry
from ui import ids, labels
from viewstate.saved import clean_views


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


NOTHING = (no_update,) * 7


@callback(
    Output(ids.PRES_STATE, "data"),
    Output(ids.APP_ROOT, "className"),
    Output(ids.SELECTION, "data", allow_duplicate=True),
    Output(ids.MAP, "figure", allow_duplicate=True),
    Output(ids.PRES_HEADER, "children"),
    Output(ids.PAGE, "children", allow_duplicate=True),
    Output(ids.URL, "search", allow_duplicate=True),
    Input(ids.PRESENT, "n_clicks"),
    Input(ids.PRES_PREV, "n_clicks"),
    Input(ids.PRES_NEXT, "n_clicks"),
    Input(ids.PRES_EXIT, "n_clicks"),
    State(ids.PRES_STATE, "data"),
    State(ids.PRES_SOURCE, "value"),
    State(ids.SAVED_VIEWS, "data"),
    State(ids.SCHEME, "value"),
    State(ids.DEPARTEMENT, "value"),
    prevent_initial_call=True,
)
def present(_start, _prev, _next, _exit, state, source, saved, scheme, code):
    """Enter, step through or leave the presentation."""
    reg = registry.current()
    # Dash also runs this when a page is drawn (its outputs reach outside the page): a
    # button that was never pressed has n_clicks None.
    if code not in reg.entries or not ctx.triggered or ctx.triggered[0]["value"] is None:
        return NOTHING
    entry = reg.get(code)
    trigger = ctx.triggered_id
    state = state or {"on": False, "index": -1}
    on = bool(state.get("on"))
    source = state.get("source", "territories") if on else (source or "territories")
    if trigger == ids.PRES_EXIT:
        zoom = _zoom(Patch(), entry.assets.bounds) if source == "territories" else no_update
        off = {"on": False, "index": -1}
        return off, "app", no_update, zoom, None, no_update, no_update
    index = state.get("index", -1) if on else -1
    step = -1 if trigger == ids.PRES_PREV else 1
    if source == "views":
        return _step_views(clean_views(saved), index, step)
    items = slides(entry.dep, scheme)
    if not items:
        header = "Aucun territoire à présenter."
        return no_update, "app presentation", no_update, no_update, header, no_update, no_update
    index = (index + step) % len(items)
    slide = items[index]
    header = f"{slide['title']} — {index + 1} / {len(items)}"
    return (
        {"on": True, "index": index, "source": "territories"},
        "app presentation",
        slide["selection"],
        _zoom(Patch(), slide["bounds"]),
        header,
        no_update,
        no_update,
    )


def _step_views(views: list[dict], index: int, step: int):
    """The saved view ``index + step`` drawn as a presentation page (and its link)."""
    if not views:
        state = {"on": True, "index": -1, "source": "views"}
        return state, "app presentation", no_update, no_update, labels.PRES_NO_VIEWS, *NOTHING[:2]
    index = (index + step) % len(views)
    view = views[index]
    page = page_for(
        view["search"],
        presentation={
            "state": {"on": True, "index": index, "source": "views"},
            "header": f"{view['title']} — {index + 1} / {len(views)}",
        },
    )
    return *NOTHING[:5], page, view["search"]
