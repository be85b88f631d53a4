"""Coordinates: outline, swapped pairs, Lambert-93, commune, precision."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.package.coordinates import diagnose_coordinates
from core.package.geo import geoms_to_l93, to_l93
from tests.core.package_fixture import (
    DIGITAL_CSV,
    PARTNERS_CSV,
    SITES_CSV,
    digital_row,
    edit,
    expect_problem,
)


def test_diagnose_coordinates_classifies_each_case(dep) -> None:  # noqa: ANN001
    outline = geoms_to_l93(np.asarray([dep.outline.geometry.iloc[0]]))[0]
    x, y = to_l93(np.array([3.05]), np.array([46.45]))
    lat = np.array([46.45, 3.05, y[0], x[0], 147.5, 46.45, 48.8566, 46.41])
    lon = np.array([3.05, 46.45, x[0], y[0], 3.05, 190.0, 2.3522, 3.21])
    diag = diagnose_coordinates(lat, lon, outline)
    assert diag["status"].tolist() == [
        "ok",
        "swapped",
        "lambert93",
        "lambert93",
        "range_lat",
        "range_lon",
        "outside",
        "ok",  # 0.01° (≈ 770 m) east of the outline: inside the 2 km tolerance
    ]
    assert diag.loc[2, "fixed_lat"] == pytest.approx(46.45, abs=1e-6)
    assert diag.loc[3, "fixed_lon"] == pytest.approx(3.05, abs=1e-6)
    # Paris is about 250 km from this fictitious Allier.
    assert 200 < diag.loc[6, "distance_km"] < 300


def test_swapped_latitude_longitude(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, ",46.35,3.15,", ",3.15,46.35,")})
    p = expect_problem(dep.report, "partners.csv", 4, "latitude, longitude", "sont inversées")
    assert "échangez" in p.message
    assert "P3" not in dep.partners["partner_id"].tolist()


def test_latitude_out_of_range_suggests_swap(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, ",46.35,3.15,", ",147.5,3.15,")})
    p = expect_problem(dep.report, "partners.csv", 4, "latitude")
    assert str(p) == (
        "partners.csv, ligne 4, colonne « latitude » : valeur « 147.5 » hors de la plage -90 "
        "à 90 ; la ligne est rejetée. À faire : vérifiez que latitude et longitude ne sont pas "
        "inversées."
    )


def test_lambert93_coordinates_are_recognised(load) -> None:  # noqa: ANN001
    x, y = to_l93(np.array([3.15]), np.array([46.35]))
    text = edit(PARTNERS_CSV, ",46.35,3.15,", f",{y[0]:.1f},{x[0]:.1f},")
    dep = load({"partners.csv": text})
    p = expect_problem(
        dep.report,
        "partners.csv",
        4,
        "latitude, longitude",
        "coordonnées en Lambert-93 (EPSG:2154) au lieu de degrés WGS84",
    )
    assert "convertissez-les" in p.message
    assert "latitude 46.35000, longitude 3.15000" in p.message


def test_point_far_outside_says_how_far(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, ",46.45,3.05,", ",48.8566,2.3522,")})
    p = expect_problem(
        dep.report, "sites.csv", 2, "latitude, longitude", "hors du département 03 (Allier)"
    )
    km = float(
        re.search(r"à ([\d\u202f]+,\d) km", p.message)
        .group(1)
        .replace("\u202f", "")
        .replace(",", ".")
    )
    assert 200 < km < 300
    assert dep.sites["site_id"].tolist() == ["S2"]


def test_point_just_outside_is_tolerated(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, ",46.45,3.05,", ",46.45,2.996,")})  # ~300 m west
    assert not dep.report.problems
    # ~770 m west: inside the 2 km outline tolerance, but away from its commune.
    dep = load({"sites.csv": edit(SITES_CSV, ",46.45,3.05,", ",46.45,2.99,")})
    expect_problem(
        dep.report,
        "sites.csv",
        2,
        "latitude, longitude",
        "hors des communes",
        "Alpha (03001)",
        severity="warning",
    )
    assert dep.sites["site_id"].tolist() == ["S1", "S2"]


def test_point_in_another_commune_is_only_a_warning(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, ",46.45,3.15,", ",46.35,3.05,")})
    p = expect_problem(
        dep.report,
        "partners.csv",
        2,
        "latitude, longitude",
        "dans la commune Gamma (03185)",
        "Beta (03002)",
        severity="warning",
    )
    assert "vérifiez les coordonnées ou le code INSEE" in p.message
    assert "P1" in dep.partners["partner_id"].tolist()


def test_non_numeric_and_decimal_comma_coordinates(load) -> None:  # noqa: ANN001
    text = edit(PARTNERS_CSV, ",46.35,3.15,", ',"46,35",3.15,')
    text = edit(text, ",46.45,3.15,", ",46.45,abc,")
    dep = load({"partners.csv": text})
    expect_problem(dep.report, "partners.csv", 4, "latitude", "lue comme 46.35", severity="warning")
    expect_problem(dep.report, "partners.csv", 2, "longitude", "« abc » : un nombre est attendu")
    assert dep.partners["partner_id"].tolist() == ["P2", "P3"]


def test_half_coordinates_and_precision_settlement(load) -> None:  # noqa: ANN001
    text = edit(PARTNERS_CSV, ",46.35,3.15,address,", ",46.35,,address,")
    text = edit(text, ",46.45,3.15,address,", ",,,address,")
    dep = load({"partners.csv": text})
    expect_problem(
        dep.report, "partners.csv", 4, "latitude, longitude", "une seule des deux coordonnées"
    )
    expect_problem(
        dep.report, "partners.csv", 2, "precision", "sans coordonnées", severity="warning"
    )
    p1 = dep.partners.set_index("partner_id").loc["P1"]
    assert p1["precision"] == "commune"
    beta = dep.communes.set_index("code_insee").loc["03002"]
    assert (p1["lon"], p1["lat"]) == (beta["rep_lon"], beta["rep_lat"])


def test_digital_point_without_code_gets_it_from_its_coordinates(load) -> None:  # noqa: ANN001
    text = (
        DIGITAL_CSV
        + digital_row(
            id="D3",
            nom="Point mobile",
            latitude="46.45",
            longitude="3.15",
            source="ext",
            source_ref="p.5",
        )
        + "\n"
    )
    text += digital_row(id="D4", nom="Sans lieu", source="ext", source_ref="p.6") + "\n"
    dep = load({"digital_points.csv": text})
    expect_problem(
        dep.report,
        "digital_points.csv",
        4,
        "code_insee",
        "déduit des coordonnées : 03002",
        severity="warning",
    )
    expect_problem(
        dep.report, "digital_points.csv", 5, "code_insee", "ni code_insee ni coordonnées"
    )
    d = dep.digital_points.set_index("id")
    assert d.loc["D3", "code_insee"] == "03002"
    assert d.loc["D3", "precision"] == "address"
    assert d.loc["D2", "precision"] == "commune"
    assert d.loc["D2", "source_id"] == "ext"


def test_digital_points_missing_national_columns_warns(load) -> None:  # noqa: ANN001
    lines = DIGITAL_CSV.splitlines()
    cols = lines[0].split(",")
    drop = {cols.index("pivot"), cols.index("telephone")}
    text = (
        "\n".join(
            ",".join(c for i, c in enumerate(line.split(",")) if i not in drop) for line in lines
        )
        + "\n"
    )
    dep = load({"digital_points.csv": text})
    expect_problem(
        dep.report,
        "digital_points.csv",
        1,
        "pivot, telephone",
        "schéma national",
        severity="warning",
    )
    assert len(dep.digital_points) == 2
