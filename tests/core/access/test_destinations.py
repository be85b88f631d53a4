"""Which places count as « the nearest service », on the real 41 and 47 packages.

Sites follow the scheme, digital points follow the plan's digital axes, partners follow
their typology group and the axe filter, and a day filter drops only places whose hours
say they are closed (places with unknown hours are kept and counted, never dropped
silently).
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from core.access.destinations import FRAME_COLUMNS, commune_places, select_destinations
from core.access.opening_hours import DAYS_FR
from core.package import DEFAULT_DATA_DIR, DEFAULT_GEO_DIR, load_department
from core.plan import digital_points_visible

#: Partner groups as the UI defines them (layers.style.PARTNER_GROUPS), copied here so
#: that core tests do not import the UI; « autres » lists no typology (catch-all).
GROUPS = {
    "emploi": ("FT", "PE", "ML", "PLIE", "MDE", "CAP_EMPLOI", "E2C", "EPIDE", "GEIQ"),
    "iae": ("ACI", "AI", "EI", "ETTI", "EITI", "SIAE"),
    "social": ("CCAS", "CIAS", "CAF", "CPAM", "MSA", "CHRS", "CD", "MDS", "CMS"),
    "services": ("RFS", "MSAP", "PIMMS", "EPN"),
    "autres": (),
}
COMMUNE_NOTE = "placé(s) au centre de leur commune faute d'adresse géolocalisée"
DIGITAL_NOTE = "Points d'accès numériques non retenus"


@pytest.fixture(scope="module")
def d41():
    return load_department(DEFAULT_DATA_DIR / "41-loir-et-cher", [DEFAULT_GEO_DIR])


@pytest.fixture(scope="module")
def d47():
    return load_department(DEFAULT_DATA_DIR / "47-lot-et-garonne", [DEFAULT_GEO_DIR])


def _note(notes, fragment: str) -> str:
    found = [n for n in notes if fragment in n]
    assert len(found) == 1, (fragment, notes)
    return found[0]


# ---- sites ---------------------------------------------------------------------------


def test_sites_follow_the_scheme(d41) -> None:
    mds = select_destinations(d41, ["sites"], scheme_id="mds_2024")
    assert len(mds) == 12
    assert list(mds.frame.columns) == FRAME_COLUMNS
    assert all(i.startswith("sites:mds_") for i in mds.places.ids)
    expected = d41.sites[d41.sites["scheme_id"] == "mds_2024"]
    assert set(mds.places.ids) == {f"sites:{s}" for s in expected["site_id"]}
    # Coordinates and names are the package's, in the same order.
    np.testing.assert_allclose(mds.places.lon, expected["lon"].to_numpy())
    np.testing.assert_allclose(mds.places.lat, expected["lat"].to_numpy())
    assert list(mds.places.names) == list(expected["name"])
    assert "MDS de Mer" in set(mds.places.names)
    assert set(mds.frame["kind"]) == {"sites"}

    mdcs = select_destinations(d41, ["sites"], scheme_id="mdcs_2019")
    assert len(mdcs) == 4
    assert all(i.startswith("sites:mdcs_") for i in mdcs.places.ids)
    assert not set(mdcs.places.ids) & set(mds.places.ids)


def test_default_scheme_is_the_departements(d41) -> None:
    assert d41.default_scheme == "mdcs_2019"
    default = select_destinations(d41, ["sites"], scheme_id=None)
    assert list(default.places.ids) == list(
        select_destinations(d41, ["sites"], scheme_id="mdcs_2019").places.ids
    )


def test_sites_without_scheme_are_kept_for_every_scheme(d41) -> None:
    sites = d41.sites.copy()
    sites.loc[sites["site_id"] == "mdcs_vendome", "scheme_id"] = np.nan
    dep = dataclasses.replace(d41, sites=sites)
    mds = select_destinations(dep, ["sites"], scheme_id="mds_2024")
    assert len(mds) == 13
    assert "sites:mdcs_vendome" in set(mds.places.ids)
    assert len(select_destinations(dep, ["sites"], scheme_id="mdcs_2019")) == 4


def test_commune_precision_note_counts_the_places(d41) -> None:
    mds = select_destinations(d41, ["sites"], scheme_id="mds_2024")
    assert (mds.frame["precision"] == "commune").sum() == 12
    note = _note(mds.notes_fr, COMMUNE_NOTE)
    assert note.startswith("12 lieu(x) ")
    assert "temps approximatifs" in note

    both = select_destinations(d41, ["sites", "digital"], scheme_id="mds_2024")
    n_commune = int((both.frame["precision"] == "commune").sum())
    assert n_commune == 12 + len(d41.digital_points) == 17
    assert _note(both.notes_fr, COMMUNE_NOTE).startswith(f"{n_commune} lieu(x) ")


def test_no_commune_note_when_places_are_geolocated(d41) -> None:
    sites = d41.sites.assign(precision="adresse")
    dep = dataclasses.replace(d41, sites=sites)
    out = select_destinations(dep, ["sites"], scheme_id="mds_2024")
    assert len(out) == 12
    assert not [n for n in out.notes_fr if COMMUNE_NOTE in n]


def test_unknown_kind_raises(d41) -> None:
    with pytest.raises(ValueError, match="unknown destination kind: pharmacies"):
        select_destinations(d41, ["sites", "pharmacies"], scheme_id="mds_2024")
    with pytest.raises(ValueError, match="unknown destination kind"):
        select_destinations(d41, ["partner:social"], scheme_id="mds_2024")


def test_repeated_kinds_count_once(d41) -> None:
    out = select_destinations(d41, ["sites", "sites"], scheme_id="mds_2024")
    assert len(out) == 12
    assert out.frame["dest_id"].is_unique


# ---- digital points ------------------------------------------------------------------


def test_digital_points_without_axe_filter(d41, d47) -> None:
    for dep, n in ((d41, 5), (d47, 12)):
        out = select_destinations(dep, ["digital"], scheme_id=None)
        assert len(out) == n == len(dep.digital_points)
        assert set(out.places.ids) == {f"digital:{i}" for i in dep.digital_points["id"]}
        assert not [x for x in out.notes_fr if DIGITAL_NOTE in x]


@pytest.mark.parametrize(
    ("code", "axes", "included"),
    [
        ("41", ("A11",), True),  # the digital axe itself (department.toml digital_axes)
        ("41", ("A11.1",), True),  # below the digital axe
        ("41", ("O3",), True),  # above it
        ("41", ("A4",), False),
        ("41", ("A9", "A9.2"), False),
        ("47", ("FA1.1",), True),
        ("47", ("T22-1.1",), True),
        ("47", ("OO1",), True),  # parent of FA1.1
        ("47", ("FA2.5",), False),
    ],
)
def test_digital_points_follow_the_digital_axes(d41, d47, code, axes, included) -> None:
    dep = d41 if code == "41" else d47
    assert digital_points_visible(dep, axes) is included
    out = select_destinations(dep, ["sites", "digital"], scheme_id=None, axes=axes)
    digital = out.frame[out.frame["kind"] == "digital"]
    notes = [n for n in out.notes_fr if DIGITAL_NOTE in n]
    if included:
        assert len(digital) == len(dep.digital_points) > 0
        assert not notes
    else:
        assert digital.empty
        assert len(notes) == 1
        assert "axes sélectionnés" in notes[0]
    # Sites are not filtered by axes.
    assert (out.frame["kind"] == "sites").sum() == len(
        select_destinations(dep, ["sites"], scheme_id=None)
    )


def test_digital_axes_come_from_the_package(d41) -> None:
    assert d41.digital_axes == ("A11",)
    dep = dataclasses.replace(d41, digital_axes=())
    out = select_destinations(dep, ["digital"], scheme_id=None, axes=("A11",))
    assert len(out) == 0
    _note(out.notes_fr, DIGITAL_NOTE)


# ---- partners ------------------------------------------------------------------------


def _typologies(out) -> pd.Series:
    return out.frame["typologie"].value_counts()


def test_partner_groups_by_typology(d41) -> None:
    social = select_destinations(d41, ["partners:social"], scheme_id=None, partner_groups=GROUPS)
    assert _typologies(social).to_dict() == {"CIAS": 2, "CCAS": 1}
    assert all(i.startswith("partners:social:") for i in social.places.ids)
    assert "partners:social:cias_blaisois" in set(social.places.ids)
    assert set(social.frame["kind"]) == {"partners:social"}

    services = select_destinations(
        d41, ["partners:services"], scheme_id=None, partner_groups=GROUPS
    )
    assert _typologies(services).to_dict() == {"RFS": 4, "MSAP": 1}

    emploi = select_destinations(d41, ["partners:emploi"], scheme_id=None, partner_groups=GROUPS)
    assert _typologies(emploi).to_dict() == {"FT": 4, "MDE": 1}
    iae = select_destinations(d41, ["partners:iae"], scheme_id=None, partner_groups=GROUPS)
    assert len(iae) == 0


def test_catch_all_partner_group_takes_unlisted_typologies(d41) -> None:
    """« Autres partenaires » is offered in the UI: it holds every partner of no group."""
    listed = {t for members in GROUPS.values() for t in members}
    expected = d41.partners[~d41.partners["typologie"].isin(listed)]
    assert len(expected) == 12
    out = select_destinations(d41, ["partners:autres"], scheme_id=None, partner_groups=GROUPS)
    assert sorted(out.frame["dest_id"]) == sorted(
        "partners:autres:" + expected["partner_id"].astype(str)
    )
    assert set(out.frame["typologie"]) == {"CS", "AUTRE", "ASSO"}
    # Every partner falls in exactly one group.
    every = select_destinations(
        d41, [f"partners:{g}" for g in GROUPS], scheme_id=None, partner_groups=GROUPS
    )
    assert len(every) == len(d41.partners) == 25
    assert every.frame["dest_id"].str.split(":").str[-1].is_unique


def test_partner_group_unknown_to_the_grouping_is_empty(d41) -> None:
    out = select_destinations(d41, ["partners:social"], scheme_id=None, partner_groups=None)
    assert len(out) == 0
    out = select_destinations(d41, ["partners:nope"], scheme_id=None, partner_groups=GROUPS)
    assert len(out) == 0


def test_partner_groups_follow_the_axes(d41, d47) -> None:
    emploi = select_destinations(
        d41, ["partners:emploi"], scheme_id=None, axes=("A1",), partner_groups=GROUPS
    )
    # France Travail agencies serve A1; the MDE (A9.2|A11.1) does not.
    assert _typologies(emploi).to_dict() == {"FT": 4}
    social = select_destinations(
        d41, ["partners:social"], scheme_id=None, axes=("A4",), partner_groups=GROUPS
    )
    assert len(social) == 0
    # A parent axe takes its children: A9 covers partners tagged A9.2 only.
    autres = select_destinations(
        d41, ["partners:autres"], scheme_id=None, axes=("A9",), partner_groups=GROUPS
    )
    assert "partners:autres:secours_catholique_montoire" in set(autres.places.ids)
    assert "partners:autres:ecopia" not in set(autres.places.ids)

    services = select_destinations(
        d47, ["partners:services"], scheme_id=None, partner_groups=GROUPS
    )
    assert _typologies(services).to_dict() == {"RFS": 11, "EPN": 1}
    services = select_destinations(
        d47, ["partners:services"], scheme_id=None, axes=("FA2.5",), partner_groups=GROUPS
    )
    assert _typologies(services).to_dict() == {"RFS": 11}


def test_kinds_combine_without_id_collisions(d47) -> None:
    out = select_destinations(
        d47,
        ["digital", "partners:services"],
        scheme_id=None,
        partner_groups=GROUPS,
    )
    # The same France Services appear as digital points and as partners: both kept, with
    # distinct prefixed ids.
    assert len(out) == 12 + 12
    assert out.frame["dest_id"].is_unique
    assert "digital:47-france-services-agen" in set(out.places.ids)
    assert "partners:services:france_services_agen" in set(out.places.ids)


# ---- opening days --------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_hours(d41):
    """41 with hours on the MDS 2024: 4 open on Tuesday only, 3 on weekdays, 5 unknown."""
    sites = d41.sites.copy()
    mds = sites.index[sites["scheme_id"] == "mds_2024"]
    assert len(mds) == 12
    hours = pd.Series(pd.NA, index=sites.index, dtype=object)
    hours[mds[:4]] = "Tu 09:00-12:00"
    hours[mds[4:7]] = "Mo-Fr 09:00-17:00"
    hours[mds[7:]] = ""  # empty: unknown
    sites["horaires"] = hours
    dep = dataclasses.replace(d41, sites=sites)
    ids = "sites:" + sites["site_id"]
    return dep, list(ids[mds[:4]]), list(ids[mds[4:7]]), list(ids[mds[7:]])


def test_day_filter_drops_closed_places_and_keeps_unknown_ones(with_hours) -> None:
    dep, tuesday_only, weekdays, unknown = with_hours
    monday = select_destinations(dep, ["sites"], scheme_id="mds_2024", day=0)
    kept = set(monday.places.ids)
    assert kept == set(weekdays) | set(unknown)
    assert not kept & set(tuesday_only)
    closed = _note(monday.notes_fr, "fermé(s)")
    assert closed == f"4 lieu(x) fermé(s) le {DAYS_FR[0]} d'après leurs horaires."
    unknown_note = _note(monday.notes_fr, "sans horaires connus")
    assert unknown_note.startswith("5 lieu(x) sans horaires connus comptés comme ouverts le lundi")
    # Rows in = kept + dropped.
    assert len(monday) + 4 == 12
    assert monday.frame["hours_unknown"].sum() == 5
    flagged = set(monday.frame.loc[monday.frame["hours_unknown"], "dest_id"])
    assert flagged == set(unknown)
    # The commune-precision note counts the places kept, not those dropped.
    assert _note(monday.notes_fr, COMMUNE_NOTE).startswith("8 lieu(x) ")
    assert len(monday.places) == len(monday.frame) == 8


def test_day_filter_on_an_open_day_drops_nothing(with_hours) -> None:
    dep, tuesday_only, weekdays, unknown = with_hours
    tuesday = select_destinations(dep, ["sites"], scheme_id="mds_2024", day=1)
    assert len(tuesday) == 12
    assert not [n for n in tuesday.notes_fr if "fermé(s)" in n]
    assert _note(tuesday.notes_fr, "sans horaires connus").startswith("5 lieu(x) ")
    assert "le mardi" in _note(tuesday.notes_fr, "sans horaires connus")

    sunday = select_destinations(dep, ["sites"], scheme_id="mds_2024", day=6)
    assert set(sunday.places.ids) == set(unknown)
    assert _note(sunday.notes_fr, "fermé(s)") == (
        "7 lieu(x) fermé(s) le dimanche d'après leurs horaires."
    )


def test_no_day_keeps_every_place_without_notes(with_hours) -> None:
    dep, *_ = with_hours
    out = select_destinations(dep, ["sites"], scheme_id="mds_2024", day=None)
    assert len(out) == 12
    assert not out.frame["hours_unknown"].any()
    assert [n for n in out.notes_fr if COMMUNE_NOTE not in n] == []


def test_itinerant_place_needs_its_day_named(d41) -> None:
    sites = d41.sites.copy()
    mds = sites.index[sites["scheme_id"] == "mds_2024"]
    sites["horaires"] = pd.Series("Mo-Fr 09:00-17:00", index=sites.index, dtype=object)
    sites["itinerance"] = pd.Series(pd.NA, index=sites.index, dtype=object)
    sites.loc[mds[0], ["horaires", "itinerance"]] = ["09:00-12:00", "Itinérant"]  # no day
    sites.loc[mds[1], ["horaires", "itinerance"]] = ["We 09:00-12:00", "Itinérant"]
    dep = dataclasses.replace(d41, sites=sites)
    ids = "sites:" + sites["site_id"]
    out = select_destinations(dep, ["sites"], scheme_id="mds_2024", day=0)
    assert ids[mds[0]] in set(out.places.ids)  # present some day, unknown which: kept
    assert ids[mds[1]] not in set(out.places.ids)  # named Wednesday only: dropped
    assert len(out) == 11
    assert _note(out.notes_fr, "fermé(s)").startswith("1 lieu(x) ")
    assert _note(out.notes_fr, "sans horaires connus").startswith("1 lieu(x) ")


def test_day_filter_applies_to_every_kind(d41) -> None:
    out = select_destinations(
        d41,
        ["sites", "digital", "partners:social"],
        scheme_id="mds_2024",
        day=0,
        partner_groups=GROUPS,
    )
    # No hours anywhere in the package: everything is kept and counted as unknown.
    assert len(out) == 12 + 5 + 3
    assert out.frame["hours_unknown"].all()
    assert _note(out.notes_fr, "sans horaires connus").startswith("20 lieu(x) ")


# ---- origins -------------------------------------------------------------------------


def test_commune_places_are_the_representative_points(d41) -> None:
    places = commune_places(d41)
    assert len(places) == 267
    assert list(places.ids) == list(d41.communes["code_insee"])
    i = list(places.ids).index("41018")
    assert places.names[i] == "Blois"
    assert places.lon[i] == pytest.approx(d41.communes["rep_lon"].iloc[i])
    assert places.lat[i] == pytest.approx(d41.communes["rep_lat"].iloc[i])
    # Each origin lies inside its own commune.
    points = gpd.GeoSeries(gpd.points_from_xy(places.lon, places.lat), crs=d41.communes.crs)
    assert d41.communes.geometry.reset_index(drop=True).covers(points).all()
