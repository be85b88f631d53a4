"""Saved views: records kept in the browser and their links (viewstate.saved)."""

from __future__ import annotations

from datetime import datetime

import pytest

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
    assert parsed.framing == pytest.approx((1.05, 47.79, 9.5))
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
    assert parse_query(views[0]["search"])[0].framing is None


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
