"""Links carry the view: département, scheme, axes, access parameters and scenario."""

from __future__ import annotations

import pytest

from viewstate.state import AccessState
from viewstate.url import UrlView, format_query, parse_query


def test_round_trip_keeps_every_access_parameter():
    view = UrlView(
        code="41",
        scheme="mds_2024",
        axes=("A1", "A8"),
        access=AccessState(
            enabled=True,
            mode="bike",
            engine="imported",
            speed_kmh=14.0,
            detour=1.2,
            terminal_min=2.5,
            threshold=45.0,
            destinations=("sites", "partners:emploi"),
            day=1,
            added=("41018", "41269"),
            removed=("sites:mds_blois",),
            show="difference",
        ),
    )
    query = format_query(view)
    assert "acces=velo" in query and "jour=mardi" in query and "ajout=41018,41269" in query
    parsed, notes = parse_query(query)
    assert parsed == view
    assert notes == []


def test_defaults_are_left_out_of_the_link():
    query = format_query(UrlView(code="41", access=AccessState(enabled=True)))
    assert query == "?dep=41&acces=voiture"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?acces=avion", "mode d'accès « avion » inconnu"),
        ("?acces=voiture&seuil=abc", "« seuil=abc » n'est pas un nombre"),
        ("?acces=voiture&vitesse=500", "« vitesse=500 » hors de l'intervalle 1–130"),
        ("?acces=voiture&detour=0.5", "« detour=0.5 » hors de l'intervalle 1–3"),
        ("?acces=voiture&jour=dimanch", "jour « dimanch » inconnu"),
        ("?moteur=osrm", "moteur « osrm » inconnu"),
    ],
)
def test_bad_values_fall_back_to_defaults_with_a_french_note(query, expected):
    view, notes = parse_query(query)
    assert any(expected in n for n in notes), notes
    assert view.access.speed_kmh is None
    assert view.access.threshold == 30.0


def test_scenario_survives_without_access_layer():
    view, _ = parse_query("?dep=47&ajout=47001&retrait=sites:cms_marmande")
    assert view.access.added == ("47001",)
    assert view.access.removed == ("sites:cms_marmande",)
    assert "ajout=47001" in format_query(view)


def test_layers_selection_and_beneficiaries_round_trip():
    view = UrlView(
        code="41",
        layers=("territories", "beneficiaries"),
        selection=("territory", "vendome"),
        beneficiaries_mode="count",
    )
    query = format_query(view)
    assert "couches=territories,beneficiaries" in query
    assert "sel=territory:vendome" in query and "benef=nombre" in query
    assert parse_query(query) == (view, [])


def test_unreadable_selection_is_ignored_with_a_note():
    view, notes = parse_query("?sel=vendome")
    assert view.selection is None
    assert "sélection « vendome » illisible" in notes[0]


def test_map_framing_round_trip():
    view, notes = parse_query("?dep=41&carte=1.33,47.59,8.5")
    assert notes == [] and view.framing == (1.33, 47.59, 8.5)
    assert format_query(view) == "?dep=41&carte=1.33000,47.59000,8.50"


@pytest.mark.parametrize("raw", ["1.33,47.59", "1.33,95,8", "a,b,c", "1,47,30", "nan,47,8"])
def test_unreadable_map_framing_is_ignored_with_a_note(raw):
    view, notes = parse_query(f"?dep=41&carte={raw}")
    assert view.framing is None
    assert notes == [
        f"Lien : cadrage « carte={raw} » illisible (forme attendue : longitude,latitude,zoom, "
        "par exemple carte=1.33,47.59,8.5) ; carte cadrée sur le département."
    ]
