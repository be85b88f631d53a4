"""Presentation mode: full screen, large type; arrow keys step through the territories of
the scheme, or through the saved views (each drawn as its own page)."""

from __future__ import annotations

from dash import Input, Output, Patch, State, callback, ctx, no_update

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


OUTPUTS = ("state", "root_class", "selection", "figure", "header", "request")


def _nothing(**values) -> dict:
    """Every output left alone but ``values``."""
    return {**dict.fromkeys(OUTPUTS, no_update), **values}


@callback(
    output=dict(
        state=Output(ids.PRES_STATE, "data"),
        root_class=Output(ids.APP_ROOT, "className"),
        # Also written by selection.select (clicks, « Aller à »): a slide selects its territory.
        selection=Output(ids.SELECTION, "data", allow_duplicate=True),
        # Also written by map_figure (switch, patches): a slide frames its territory.
        figure=Output(ids.MAP, "figure", allow_duplicate=True),
        header=Output(ids.PRES_HEADER, "children"),
        # Also written by saved_views.open_view: a saved view as a slide asks for its page.
        request=Output(ids.PAGE_REQUEST, "data", allow_duplicate=True),
    ),
    inputs=dict(
        buttons=dict(
            start=Input(ids.PRESENT, "n_clicks"),
            prev=Input(ids.PRES_PREV, "n_clicks"),
            next=Input(ids.PRES_NEXT, "n_clicks"),
            exit=Input(ids.PRES_EXIT, "n_clicks"),
        )
    ),
    state=dict(
        state=State(ids.PRES_STATE, "data"),
        source=State(ids.PRES_SOURCE, "value"),
        saved=State(ids.SAVED_VIEWS, "data"),
        scheme=State(ids.SCHEME, "value"),
        code=State(ids.DEPARTEMENT, "value"),
    ),
    prevent_initial_call=True,
)
def present(state, source, saved, scheme, code, buttons=None):
    """Enter, step through or leave the presentation (``buttons``: their n_clicks; which
    one was pressed comes from ``ctx.triggered_id``)."""
    reg = registry.current()
    # Dash also runs this when a page is drawn (its outputs reach outside the page): a
    # button that was never pressed has n_clicks None.
    if not reg.has(code) or not ctx.triggered or ctx.triggered[0]["value"] is None:
        return _nothing()
    entry = reg.get(code)
    trigger = ctx.triggered_id
    state = state or {"on": False, "index": -1}
    on = bool(state.get("on"))
    source = state.get("source", "territories") if on else (source or "territories")
    if trigger == ids.PRES_EXIT:
        zoom = _zoom(Patch(), entry.assets.bounds) if source == "territories" else no_update
        return _nothing(
            state={"on": False, "index": -1}, root_class="app", figure=zoom, header=None
        )
    index = state.get("index", -1) if on else -1
    step = -1 if trigger == ids.PRES_PREV else 1
    if source == "views":
        return _step_views(clean_views(saved), index, step)
    items = slides(entry.dep, scheme)
    if not items:
        return _nothing(root_class="app presentation", header="Aucun territoire à présenter.")
    index = (index + step) % len(items)
    slide = items[index]
    return _nothing(
        state={"on": True, "index": index, "source": "territories"},
        root_class="app presentation",
        selection=slide["selection"],
        figure=_zoom(Patch(), slide["bounds"]),
        header=f"{slide['title']} — {index + 1} / {len(items)}",
    )


def _step_views(views: list[dict], index: int, step: int) -> dict:
    """The saved view ``index + step``, requested as a presentation page (with its link)."""
    if not views:
        return _nothing(
            state={"on": True, "index": -1, "source": "views"},
            root_class="app presentation",
            header=labels.PRES_NO_VIEWS,
        )
    index = (index + step) % len(views)
    view = views[index]
    presentation = {
        "state": {"on": True, "index": index, "source": "views"},
        "header": f"{view['title']} — {index + 1} / {len(views)}",
    }
    return _nothing(request={"search": view["search"], "presentation": presentation})
