"""The one view-state builder: grouped control values → ViewState, and the URL mapping the
app, the API and the CLI share."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core import terms
from viewstate.controls import (
    ACCESS_KEYS,
    VIEW_KEYS,
    access_from_controls,
    url_view_from_controls,
    view_from_controls,
)
from viewstate.state import AccessState, ViewState
from viewstate.url import UrlView, canonical, format_query, parse_query, view_state_of

CONTROLS = {
    "scheme": "mds_2024",
    "axes": ["A1", "A8"],
    "layers": ["territories", "sites"],
    "beneficiaries_mode": "count",
    "beneficiaries_estimate": ["estimate"],
    "click_level": "epci",
    "map_style": "white-bg",
    "access_on": ["on"],
    "access_mode": "bike",
    "access_engine": "straight_line",
    "access_threshold": 20,
    "access_dest": ["sites", "digital"],
    "access_day": "1",
    "access_speed": "15",
    "access_detour": None,
    "access_terminal": "",
    "access_show": "difference",
    "scenario": {"added": ["41059"], "removed": ["sites:mds_blois"]},
}


def test_grouped_controls_give_the_view_state():
    assert set(CONTROLS) == {*VIEW_KEYS, *ACCESS_KEYS}
    state = view_from_controls(CONTROLS)
    assert state == ViewState(
        scheme_id="mds_2024",
        axes=("A1", "A8"),
        beneficiaries_mode="count",
        beneficiaries_estimate=True,
        click_level="epci",
        access=AccessState(
            enabled=True,
            mode="bike",
            speed_kmh=15.0,
            threshold=20.0,
            destinations=("sites", "digital"),
            day=1,
            added=("41059",),
            removed=("sites:mds_blois",),
            show="difference",
        ),
    )


def test_missing_or_empty_controls_take_the_defaults():
    assert view_from_controls({}) == ViewState()
    assert view_from_controls({}, default_scheme="mdcs_2019").scheme_id == "mdcs_2019"
    empty = dict.fromkeys((*VIEW_KEYS, *ACCESS_KEYS))
    # No destination ticked is no destination (the access panel then says so).
    assert view_from_controls(empty) == ViewState(access=AccessState(destinations=()))
    odd = access_from_controls({"access_mode": "boat", "access_show": "?"})
    assert odd == AccessState(destinations=())


@pytest.mark.parametrize("value", [None, "", "abc"])
def test_unreadable_numbers_are_the_sourced_defaults(value):
    access = access_from_controls({"access_speed": value, "access_threshold": value})
    assert access.speed_kmh is None and access.threshold == 30.0


def test_controls_give_the_link_and_the_link_gives_the_same_view():
    selection = {"type": "territory", "code": "blois", "scheme": "mds_2024"}
    url = url_view_from_controls("41", CONTROLS, selection)
    search = format_query(url)
    assert search.startswith("?dep=41&decoupage=mds_2024&axes=A1,A8&couches=territories,sites")
    assert "benef=nombre" in search and "acces=velo" in search and "jour=mardi" in search
    back, notes = parse_query(search)
    assert notes == []
    assert back == url
    # The link does not carry the estimate nor the click level (screen-only choices).
    expected = replace(view_from_controls(CONTROLS), beneficiaries_estimate=False)
    assert view_state_of(back, back.scheme, back.axes) == replace(expected, click_level="territory")


def test_canonical_links_leave_defaults_and_framing_out():
    url = UrlView(code="41", scheme="mdcs_2019", layers=("b", "a"), framing=(1.0, 47.0, 9.0))
    assert canonical(url, "mdcs_2019", ("a", "b")) == UrlView(code="41")


def test_url_values_and_labels_come_from_core_terms():
    from viewstate import url

    assert url.MODES_FR == {"voiture": "car", "marche": "walk", "velo": "bike"}
    assert url.ENGINES_FR == {"vol": "straight_line", "route": "road", "matrice": "imported"}
    assert url.DAYS == terms.DAYS_FR


SEARCH = "?dep=41&decoupage=mds_2024&axes=A1&acces=velo&seuil=20&ajout=41059"


def test_the_api_reads_a_link_as_the_app_does(app):
    """The API parses its query with the app's URL mapping (``scheme`` names the scheme)."""
    from server.api import view_from_request

    dep = app.server.extensions["atlas"].get("41").dep
    axe = dep.plan.loc[dep.plan["level"] == dep.axe_level, "node_id"].iloc[0]
    search = SEARCH.replace("A1", axe)
    url, _ = parse_query(search)
    query = search.replace("decoupage=", "scheme=")
    with app.server.test_request_context(f"/api/departements/41/layers/access.geojson{query}"):
        state = view_from_request("41", dep)
    assert state == view_state_of(url, "mds_2024", (axe,))


def test_the_cli_reads_a_link_as_the_app_does(reg):
    """``scripts/snapshot.py --lien`` builds the same view state as the page."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "snapshot.py"
    spec = importlib.util.spec_from_file_location("snapshot_for_link", script)
    snapshot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(snapshot)
    dep = reg.get("41").dep
    axe = dep.plan.loc[dep.plan["level"] == dep.axe_level, "node_id"].iloc[0]
    search = SEARCH.replace("A1", axe)
    args = snapshot.build_parser().parse_args(["--lien", f"http://127.0.0.1:8050/{search}"])
    snapshot._apply_link(args)
    state, _visible = snapshot._state(args, dep)
    url, _ = parse_query(search)
    assert state == view_state_of(url, "mds_2024", (axe,))
