"""Saved views: records kept in the browser, their links, and presentation mode over them."""

from __future__ import annotations

from datetime import datetime

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from callbacks.access import write_url
from callbacks.map_view import ACCESS_INPUTS
from callbacks.presentation import present
from callbacks.selection import show_panel
from ui import ids, layout
from viewstate.saved import MAX_VIEWS, clean_views, describe, find_view, new_view, remove_view
from viewstate.url import parse_query

CENTER = {"lon": 1.05, "lat": 47.79}
NOW = datetime(2026, 11, 22, 10, 30)


def save(reg, search, name=None, views=(), center=CENTER, zoom=9.5, now=NOW):
    return new_view(reg, search, name, center, zoom, list(views), now=now)


def test_new_view_keeps_link_framing_and_pins_the_scheme(reg):
    views, message = save(reg, "?dep=41&sel=territory:vendome&acces=voiture&seuil=20", "COPIL")
    assert message == "Vue « COPIL » enregistrée (1 au total)."
    (view,) = views
    assert view["title"] == "COPIL"
    assert view["saved"] == "22/11/2026 10:30"
    parsed, notes = parse_query(view["search"])
    assert notes == []
    assert parsed.code == "41" and parsed.selection == ("territory", "vendome")
    # The package's default scheme is written out: the view must not move if it changes.
    assert parsed.scheme == reg.get("41").dep.default_scheme == "mdcs_2019"
    assert parsed.access.enabled and parsed.access.threshold == 20
    assert parsed.map_view == pytest.approx((1.05, 47.79, 9.5))
    assert view["detail"] == (
        "Vendôme — Loir-et-Cher (41) · Maisons départementales de la cohésion sociale (MDCS)"
        " · accès voiture, seuil 20 min"
    )


def test_unnamed_view_is_titled_by_what_it_shows(reg):
    views, _ = save(reg, "?dep=47&axes=FA1.1,FA1.2&ajout=47001", name="   ")
    title = views[0]["title"]
    assert title == views[0]["detail"]
    assert title.startswith("Lot-et-Garonne (47) · ")
    assert "2 axes du plan" in title and "scénario +1 / −0 site(s)" in title


@pytest.mark.parametrize(
    ("center", "zoom"),
    [(None, None), ({"lon": 300, "lat": 47}, 9), ({"lon": 1, "lat": 47}, float("nan")), ({}, 3)],
)
def test_a_framing_out_of_range_or_missing_is_not_saved(reg, center, zoom):
    views, _ = save(reg, "?dep=41", center=center, zoom=zoom)
    assert "carte=" not in views[0]["search"]
    assert parse_query(views[0]["search"])[0].map_view is None


def test_the_list_is_capped_and_each_view_has_its_own_id(reg):
    views: list[dict] = []
    for i in range(MAX_VIEWS):
        views, _ = save(reg, "?dep=41", f"vue {i}", views, now=datetime(2026, 1, 1, 0, 0, i % 60))
    assert len(views) == MAX_VIEWS
    assert len({v["id"] for v in views}) == MAX_VIEWS
    again, message = save(reg, "?dep=41", "une de trop", views)
    assert len(again) == MAX_VIEWS
    assert message == f"{MAX_VIEWS} vues déjà enregistrées : supprimez-en une avant d'en ajouter."
    first = views[0]["id"]
    assert find_view(views, first)["title"] == "vue 0"
    assert [v["id"] for v in remove_view(views, first)] == [v["id"] for v in views[1:]]


def test_stored_lists_are_read_defensively(reg):
    good, _ = save(reg, "?dep=41", "ok")
    stored = [
        *good,
        "not a view",
        {"id": "x", "title": "no search"},
        {"id": "y", "title": "absolute", "search": "https://example.org/?dep=41"},
        {"id": good[0]["id"], "title": "duplicate id", "search": "?dep=41"},
        {"id": 3, "title": "id not a string", "search": "?dep=41"},
    ]
    assert [v["title"] for v in clean_views(stored)] == ["ok"]
    assert clean_views(None) == [] and clean_views({"id": "x"}) == []


def test_describe_an_unavailable_departement(reg):
    view, _ = parse_query("?dep=99")
    assert describe(reg, view) == "Département 99"


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
    page = layout.serve_layout(reg, "41", view, notes)
    figure = _find(page, ids.MAP).figure
    assert figure["layout"]["map"]["center"] == {"lon": 1.2, "lat": 47.5}
    assert figure["layout"]["map"]["zoom"] == 10
    assert page.className == "app"


def _write_url_args(page, search):
    value = lambda i: _find(page, i).value  # noqa: E731
    data = lambda i: _find(page, i).data  # noqa: E731
    return (
        value(ids.DEPARTEMENT),
        value(ids.SCHEME),
        value(ids.AXES),
        *(value(i) for i in ACCESS_INPUTS),
        data(ids.ACCESS_SCENARIO),
        value(ids.LAYERS),
        value(ids.BENEF_MODE),
        data(ids.SELECTION),
        search,
    )


def test_the_address_a_page_was_drawn_from_is_left_alone(reg):
    """Dash runs the URL writer when a page is drawn; the link (and its framing) stays."""
    search = "?dep=41&decoupage=mdcs_2019&sel=territory:vendome&acces=voiture&carte=1.2,47.5,10"
    view, notes = parse_query(search)
    page = layout.serve_layout(reg, "41", view, notes)
    args = _write_url_args(page, search)
    assert write_url(*args) is no_update
    # Any change writes the new view, without the framing (the map may have moved).
    changed = list(args)
    changed[-4] = ["territories"]  # one layer switched off
    query = write_url(*changed)
    assert query == "?dep=41&couches=territories&sel=territory:vendome&acces=voiture"


def _trigger(prop_id: str, value=1):
    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": value}]))


def test_presentation_steps_through_saved_views_as_pages(reg):
    views, _ = save(reg, "?dep=41&sel=territory:vendome", "Vendôme")
    views, _ = save(reg, "?dep=47&acces=voiture", "Lot-et-Garonne", views)
    off = {"on": False, "index": -1}

    _trigger(f"{ids.PRESENT}.n_clicks")
    out = present(1, None, None, None, off, "views", views, "mdcs_2019", "41")
    state_out, _, _, _, _, page, search = out
    assert state_out is no_update and search == views[0]["search"]
    assert page.className == "app presentation"
    assert _find(page, ids.PRES_HEADER).children == "Vendôme — 1 / 2"
    assert _find(page, ids.PRES_STATE).data == {"on": True, "index": 0, "source": "views"}
    assert _find(page, ids.SELECTION).data["code"] == "vendome"

    state = _find(page, ids.PRES_STATE).data
    _trigger(f"{ids.PRES_NEXT}.n_clicks")
    *_, page, search = present(None, None, 1, None, state, "views", views, "mdcs_2019", "41")
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
    *_, page, _ = present(None, None, 2, None, state, "territories", views, None, "47")
    assert _find(page, ids.PRES_HEADER).children == "Vendôme — 1 / 2"  # wraps around

    _trigger(f"{ids.PRES_EXIT}.n_clicks")
    state_out, class_name, _, map_patch, header, page, _ = present(
        None, None, None, 1, _find(page, ids.PRES_STATE).data, "views", views, None, "41"
    )
    assert state_out == off and class_name == "app" and header is None
    assert map_patch is no_update and page is no_update  # the audience keeps the last view


def test_presentation_without_saved_views_says_what_to_do(reg):
    _trigger(f"{ids.PRESENT}.n_clicks")
    out = present(1, None, None, None, None, "views", [], None, "41")
    assert out[1] == "app presentation"
    assert "Aucune vue enregistrée" in out[4] and "Enregistrer la vue" in out[4]


def test_presentation_ignores_the_run_dash_makes_when_a_page_is_drawn(reg):
    _trigger(f"{ids.PRESENT}.n_clicks", None)
    out = present(None, None, None, None, None, "territories", [], "mdcs_2019", "41")
    assert all(v is no_update for v in out)
