"""Saved views in the app: a link's framing, the URL writer, presentation over saved views."""

from __future__ import annotations

from datetime import datetime

from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from callbacks.access import write_url
from callbacks.page import render_page
from callbacks.presentation import present
from callbacks.selection import show_panel
from ui import controls as ctl
from ui import ids
from ui.page import serve_layout
from viewstate.controls import ACCESS_KEYS
from viewstate.saved import new_view
from viewstate.url import parse_query

CENTER = {"lon": 1.05, "lat": 47.79}
NOW = datetime(2026, 11, 22, 10, 30)


def save(reg, search, name=None, views=(), center=CENTER, zoom=9.5, now=NOW):
    return new_view(reg, search, name, center, zoom, list(views), now=now)


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None


def test_a_link_with_framing_draws_the_map_there(reg):
    view, notes = parse_query("?dep=41&carte=1.2,47.5,10")
    page = serve_layout(reg, "41", view, notes)
    figure = _find(page, ids.MAP).figure
    assert figure["layout"]["map"]["center"] == {"lon": 1.2, "lat": 47.5}
    assert figure["layout"]["map"]["zoom"] == 10
    assert page.className == "app"


def _write_url_args(page, search) -> dict:
    """The grouped inputs Dash gives ``write_url`` on ``page``."""
    keys = ("scheme", "axes", *ACCESS_KEYS, "layers", "beneficiaries_mode")
    controls = {}
    for key in keys:
        component_id, prop = ctl.CONTROL_PROPS[key]
        controls[key] = getattr(_find(page, component_id), prop)
    return {
        "code": _find(page, ids.DEPARTEMENT).value,
        "controls": controls,
        "selection": _find(page, ids.SELECTION).data,
        "current": search,
    }


def test_the_address_a_page_was_drawn_from_is_left_alone(reg, app_context):
    """Dash runs the URL writer when a page is drawn; the link (and its framing) stays."""
    search = "?dep=41&decoupage=mdcs_2019&sel=territory:vendome&acces=voiture&carte=1.2,47.5,10"
    view, notes = parse_query(search)
    page = serve_layout(reg, "41", view, notes)
    args = _write_url_args(page, search)
    assert write_url(**args) is no_update
    # Any change writes the new view, without the framing (the map may have moved).
    changed = {**args, "controls": {**args["controls"], "layers": ["territories"]}}
    query = write_url(**changed)
    assert query == "?dep=41&couches=territories&sel=territory:vendome&acces=voiture"


def _trigger(prop_id: str, value=1):
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": value}]))


PRESENT_OUTPUTS = ("state", "root_class", "selection", "figure", "header", "page", "search")


def _present(state, source, views, scheme, code) -> tuple:
    """``present`` as Dash runs it, then the page it asks ``render_page`` to draw.

    Returns the outputs in the order (state, class, selection, figure, header, page, search).
    """
    out = present(state=state, source=source, saved=views, scheme=scheme, code=code)
    page = search = no_update
    if out["request"] is not no_update:
        _trigger(f"{ids.PAGE_REQUEST}.data")
        drawn = render_page(None, out["request"], None, "rendered")
        page, search = drawn["children"], drawn["search"]
    return (*(out[k] for k in PRESENT_OUTPUTS[:5]), page, search)


def test_presentation_steps_through_saved_views_as_pages(reg, app_context):
    views, _ = save(reg, "?dep=41&sel=territory:vendome", "Vendôme")
    views, _ = save(reg, "?dep=47&acces=voiture", "Lot-et-Garonne", views)
    off = {"on": False, "index": -1}
    _trigger(f"{ids.PRESENT}.n_clicks")
    out = _present(off, "views", views, "mdcs_2019", "41")
    state_out, _, _, _, _, page, search = out
    assert state_out is no_update and search == views[0]["search"]
    assert page.className == "app presentation"
    assert _find(page, ids.PRES_HEADER).children == "Vendôme — 1 / 2"
    assert _find(page, ids.PRES_STATE).data == {"on": True, "index": 0, "source": "views"}
    assert _find(page, ids.SELECTION).data["code"] == "vendome"
    state = _find(page, ids.PRES_STATE).data
    _trigger(f"{ids.PRES_NEXT}.n_clicks")
    *_, page, search = _present(state, "views", views, "mdcs_2019", "41")
    assert search == views[1]["search"]
    assert _find(page, ids.DEPARTEMENT).value == "47"
    assert _find(page, ids.PRES_HEADER).children == "Lot-et-Garonne — 2 / 2"
    # The page stays in « views » mode even if the radio had been left elsewhere.
    assert _find(page, ids.PRES_SOURCE).value == "views"
    # Nothing selected in that view: the slide's panel shows the département.
    panel = str(show_panel(None, [], "47", _find(page, ids.PRES_STATE).data))
    assert "Lot-et-Garonne" in panel and "Chiffres clés" in panel and "Population" in panel
    assert "Chiffres clés" not in str(show_panel(None, [], "47", {"on": False, "index": -1}))
    state = _find(page, ids.PRES_STATE).data
    _trigger(f"{ids.PRES_NEXT}.n_clicks", 2)
    *_, page, _ = _present(state, "territories", views, None, "47")
    assert _find(page, ids.PRES_HEADER).children == "Vendôme — 1 / 2"  # wraps around
    _trigger(f"{ids.PRES_EXIT}.n_clicks")
    state_out, class_name, _, map_patch, header, page, _ = _present(
        _find(page, ids.PRES_STATE).data, "views", views, None, "41"
    )
    assert state_out == off and class_name == "app" and header is None
    assert map_patch is no_update and page is no_update  # the audience keeps the last view


def test_presentation_without_saved_views_says_what_to_do(app_context):
    _trigger(f"{ids.PRESENT}.n_clicks")
    out = _present(None, "views", [], None, "41")
    assert out[1] == "app presentation"
    assert "Aucune vue enregistrée" in out[4] and "Enregistrer la vue" in out[4]


def test_presentation_ignores_the_run_dash_makes_when_a_page_is_drawn(app_context):
    _trigger(f"{ids.PRESENT}.n_clicks", None)
    out = _present(None, "territories", [], "mdcs_2019", "41")
    assert all(v is no_update for v in out)
