"""Validation of package files: every bad input gives a French message naming file/row/column."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import shapely

from core.package.departments import PackageError, load_department
from core.package.schema import (
    SCHEMAS,
    Problem,
    diagnose_coordinates,
    geoms_to_l93,
    normalize_code_insee,
    to_l93,
)
from tests.core.package_fixture import (
    ACTIONS_CSV,
    BENEFICIARIES_CSV,
    DIGITAL_CSV,
    PARTNERS_CSV,
    PLAN_CSV,
    SCHEMES_CSV,
    SITES_CSV,
    TERRITORIES_CSV,
    TERRITORY_COMMUNES_CSV,
    TOML,
    check_invariants,
    digital_row,
    edit,
    expect_problem,
    write_geo,
)

# --------------------------------------------------------------------------------------
# Problem and helpers
# --------------------------------------------------------------------------------------


def test_problem_str_is_a_french_sentence_naming_file_row_column() -> None:
    p = Problem(
        "partners.csv",
        12,
        "latitude",
        "valeur « 147.5 » hors de la plage -90 à 90. À faire : vérifiez que latitude et "
        "longitude ne sont pas inversées.",
    )
    assert str(p) == (
        "partners.csv, ligne 12, colonne « latitude » : valeur « 147.5 » hors de la plage "
        "-90 à 90. À faire : vérifiez que latitude et longitude ne sont pas inversées."
    )
    assert p.severity == "error" and p.severity_fr == "erreur"
    two = Problem("sites.csv", 3, "latitude, longitude", "x. À faire : y.", "warning")
    assert "colonnes « latitude » et « longitude »" in str(two)
    assert two.severity_fr == "avertissement"
    assert str(Problem("department.toml", None, None, "m")) == "department.toml : m"
    with pytest.raises(AttributeError):
        p.row = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03185", ("03185", "ok")),
        (" 03185 ", ("03185", "ok")),
        ("3185", ("03185", "padded")),
        ("3185.0", ("03185", "padded")),
        ("2A004", ("2A004", "ok")),
        ("2b033", ("2B033", "padded")),
        ("97411", ("97411", "ok")),
        ("318", ("318", "malformed")),
        ("031850", ("031850", "malformed")),
        ("2C004", ("2C004", "malformed")),
        ("abcde", ("abcde", "malformed")),
    ],
)
def test_normalize_code_insee(raw: str, expected: tuple[str, str]) -> None:
    assert normalize_code_insee(raw) == expected


def test_every_schema_has_source_columns_and_known_key() -> None:
    for schema in SCHEMAS.values():
        names = schema.column_names
        assert schema.source_column in names and "source_ref" in names, schema.name
        assert set(schema.key) <= set(names), schema.name
        assert len(set(names)) == len(names), schema.name


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


# --------------------------------------------------------------------------------------
# File level: encoding, separator, columns
# --------------------------------------------------------------------------------------


def test_semicolon_separated_optional_file_is_rejected_with_advice(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": PARTNERS_CSV.replace(",", ";")})
    p = expect_problem(dep.report, "partners.csv", 1, None, "point-virgule « ; »", "virgule")
    assert "réenregistrez" in p.message
    f = dep.report.file("partners.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (3, 0, 3)
    assert dep.partners.empty
    assert {"partner_id", "axes", "lon", "lat", "precision", "geometry"} <= set(dep.partners)


def test_semicolon_separated_required_file_is_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package({"plan.csv": PLAN_CSV.replace(",", ";")})
    with pytest.raises(PackageError) as exc:
        load_department(folder, geo_dirs=[geo_dir])
    assert len(exc.value.problems) == 1
    assert str(exc.value.problems[0]).startswith(
        "plan.csv, ligne 1 : le fichier utilise le point-virgule « ; »"
    )
    assert "Paquet départemental inutilisable" in str(exc.value)


def test_missing_required_column_rejects_file_and_lists_columns(load) -> None:  # noqa: ANN001
    text = "\n".join(
        ",".join(cell for i, cell in enumerate(line.split(",")) if i not in (8, 9))
        for line in PARTNERS_CSV.splitlines()
    )
    assert text.splitlines()[0].endswith(
        "longitude,source_ref,date_maj"
    )  # precision, source_id gone
    dep = load({"partners.csv": text + "\n"})
    expect_problem(
        dep.report,
        "partners.csv",
        1,
        "precision, source_id",
        "obligatoire(s) absente(s) : precision, source_id",
        "rejeté",
    )
    f = dep.report.file("partners.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (3, 0, 3)


def test_misspelt_column_gets_a_suggestion(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, "site_id,", "site_idd,")})
    p = expect_problem(dep.report, "sites.csv", 1, "site_id", "site_id")
    assert "« site_idd » devrait sans doute s'écrire « site_id »" in p.message


def test_unknown_extra_column_is_a_warning(load) -> None:  # noqa: ANN001
    text = "\n".join(line + ",x" for line in SITES_CSV.splitlines()) + "\n"
    text = edit(text, "date_maj,x", "date_maj,lattitude")
    dep = load({"sites.csv": text})
    p = expect_problem(
        dep.report, "sites.csv", 1, "lattitude", "colonne inconnue", severity="warning"
    )
    assert "renommez-la « latitude »" in p.message
    assert len(dep.sites) == 2


def test_missing_required_column_of_required_file_is_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    text = TERRITORY_COMMUNES_CSV.replace("code_insee,", "commune,")
    with pytest.raises(PackageError) as exc:
        load_department(make_package({"territory_communes.csv": text}), geo_dirs=[geo_dir])
    msg = str(exc.value.problems[0])
    assert msg.startswith("territory_communes.csv, ligne 1, colonne « code_insee »")


def test_file_not_utf8_names_the_line(make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package()
    text = edit(SITES_CSV, "MDS Sud,", "MDS Sud Montluçon,")
    (folder / "sites.csv").write_bytes(text.encode("cp1252"))
    dep = load_department(folder, geo_dirs=[geo_dir])
    expect_problem(dep.report, "sites.csv", 3, None, "pas encodé en UTF-8", "CSV UTF-8")
    assert dep.sites.empty
    f = dep.report.file("sites.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (0, 0, 0)


def test_row_with_too_many_fields_is_rejected(load) -> None:  # noqa: ANN001
    text = edit(PARTNERS_CSV, "P2,CCAS Beta,", "P2,CCAS, Beta,")
    dep = load({"partners.csv": text})
    expect_problem(dep.report, "partners.csv", 3, None, "13 champs au lieu de 12", "guillemets")
    # The shifted cells of the rejected row are not reported one by one.
    assert len([p for p in dep.report.problems if p.row == 3]) == 1
    assert dep.partners["partner_id"].tolist() == ["P1", "P3"]


def test_quoted_multiline_cell_keeps_file_line_numbers(load) -> None:  # noqa: ANN001
    text = edit(PARTNERS_CSV, "P2,CCAS Beta,", 'P2,"CCAS\nBeta",')
    text = edit(
        text, "P3,Mission locale Delta,ML,A1.1|A2,03190", "P3,Mission locale Delta,ML,A1.1|A2,03999"
    )
    dep = load({"partners.csv": text})
    # P3 starts on line 5 because P2's name spans lines 3-4.
    expect_problem(dep.report, "partners.csv", 5, "code_insee", "« 03999 »")


# --------------------------------------------------------------------------------------
# Commune codes
# --------------------------------------------------------------------------------------


def test_four_digit_code_gets_its_leading_zero_back(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, ",03190,", ",3190,")})
    expect_problem(
        dep.report,
        "partners.csv",
        4,
        "code_insee",
        "« 3190 » complété en « 03190 »",
        severity="warning",
    )
    assert "03190" in dep.partners["code_insee"].tolist()
    assert len(dep.partners) == 3


def test_unknown_commune_code_rejects_the_row(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, ",03190,", ",03999,")})
    p = expect_problem(dep.report, "partners.csv", 4, "code_insee", "« 03999 »")
    assert "absente de la liste COG 2026 des communes du département 03 (Allier)" in p.message
    assert "code postal" in p.message
    assert dep.partners["partner_id"].tolist() == ["P1", "P2"]
    f = dep.report.file("partners.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (3, 2, 1)


def test_commune_of_another_departement_is_named_as_such(load) -> None:  # noqa: ANN001
    dep = load({"territory_communes.csv": TERRITORY_COMMUNES_CSV + "zones,Z2,41018,seed,l.22\n"})
    p = expect_problem(dep.report, "territory_communes.csv", 10, "code_insee", "« 41018 »")
    assert "le code commence par 41" in p.message


def test_malformed_commune_code(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, ",03185,", ",031,")})
    expect_problem(dep.report, "sites.csv", 3, "code_insee", "« 031 »", "5 caractères")


# --------------------------------------------------------------------------------------
# Ids, domains, numbers, references
# --------------------------------------------------------------------------------------


def test_duplicate_id_rejects_second_occurrence_naming_first(load) -> None:  # noqa: ANN001
    text = SITES_CSV + SITES_CSV.splitlines()[1].replace("MDS Nord", "MDS Nord bis") + "\n"
    dep = load({"sites.csv": text})
    expect_problem(dep.report, "sites.csv", 4, "site_id", "« S1 » en double (déjà ligne 2)")
    assert dep.sites["name"].tolist() == ["MDS Nord", "MDS Sud"]


def test_enum_out_of_domain_and_case_variant(load) -> None:  # noqa: ANN001
    text = edit(SITES_CSV, ",ouvert,", ",ouvertt,")
    text = edit(text, ",prevu,", ",Prévu,")
    dep = load({"sites.csv": text})
    p = expect_problem(dep.report, "sites.csv", 2, "status", "« ouvertt » non reconnue")
    assert "ouvert, prevu, ferme" in p.message
    expect_problem(
        dep.report, "sites.csv", 3, "status", "« Prévu » lue comme « prevu »", severity="warning"
    )
    assert dep.sites["status"].tolist() == ["prevu"]


@pytest.mark.parametrize(
    ("column", "old", "new", "fragment"),
    [
        ("perimeter_status", ",official,", ",officiel,", "official, approximate, unknown"),
        ("precision", ",address,mds", ",adresse,mds", "address, commune"),
    ],
)
def test_enum_domains(load, column: str, old: str, new: str, fragment: str) -> None:  # noqa: ANN001

    files = (
        {"schemes.csv": edit(SCHEMES_CSV, old, new)}
        if column == "perimeter_status"
        else {"sites.csv": edit(SITES_CSV, old, new)}
    )
    dep = load(files)
    name = next(iter(files))
    expect_problem(dep.report, name, 2, column, fragment)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("-3", "inférieure au minimum 0"),
        ("12.5", "un nombre entier est attendu"),
        ("1 234", "un nombre entier est attendu"),
        ("", "cellule vide"),
    ],
)
def test_count_must_be_a_non_negative_integer(load, value: str, fragment: str) -> None:  # noqa: ANN001
    text = edit(BENEFICIARIES_CSV, "2023,120,false", f"2023,{value},false")
    dep = load({"beneficiaries.csv": text})
    p = expect_problem(dep.report, "beneficiaries.csv", 3, "count", fragment)
    assert "la ligne est rejetée" in p.message
    assert len(dep.beneficiaries) == 5
    assert dep.beneficiaries["count"].dtype == "Int64"


def test_count_written_as_float_integer_is_accepted(load) -> None:  # noqa: ANN001
    dep = load({"beneficiaries.csv": edit(BENEFICIARIES_CSV, "2023,120,false", "2023,120.0,false")})
    assert not dep.report.problems
    assert 120 in dep.beneficiaries["count"].tolist()


@pytest.mark.parametrize("value", ["0", "oui", "VRAI"])
def test_boolean_must_be_true_or_false(load, value: str) -> None:  # noqa: ANN001
    dep = load(
        {"beneficiaries.csv": edit(BENEFICIARIES_CSV, "2023,120,false", f"2023,120,{value}")}
    )
    p = expect_problem(dep.report, "beneficiaries.csv", 3, "estimated", f"« {value} »")
    assert "jamais 0" in p.message


def test_boolean_case_variant_is_read_with_warning(load) -> None:  # noqa: ANN001
    dep = load({"beneficiaries.csv": edit(BENEFICIARIES_CSV, "2023,120,false", "2023,120,TRUE")})
    expect_problem(
        dep.report, "beneficiaries.csv", 3, "estimated", "lue comme « true »", severity="warning"
    )
    assert dep.beneficiaries["estimated"].dtype == "boolean"
    assert dep.beneficiaries["estimated"].sum() == 2


def test_dangling_source_id(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, ",ext,p.2,", ",ext2,p.2,")})
    p = expect_problem(
        dep.report, "sites.csv", 3, "source_id", "« ext2 »", "non déclarée dans department.toml"
    )
    assert "[sources.<identifiant>]" in p.message
    assert dep.sites["site_id"].tolist() == ["S1"]


def test_empty_source_ref_is_a_warning(load) -> None:  # noqa: ANN001
    dep = load({"sites.csv": edit(SITES_CSV, ",ext,p.2,", ",ext,,")})
    expect_problem(dep.report, "sites.csv", 3, "source_ref", "cellule vide", severity="warning")
    assert len(dep.sites) == 2


def test_dangling_axe(load) -> None:  # noqa: ANN001
    dep = load({"partners.csv": edit(PARTNERS_CSV, "A1.1|A2,", "A1.1|A9,")})
    expect_problem(dep.report, "partners.csv", 4, "axes", "« A9 » absent(s) de plan.csv")
    assert "P3" not in dep.partners["partner_id"].tolist()


def test_dangling_territory_and_scheme(load) -> None:  # noqa: ANN001
    text = TERRITORY_COMMUNES_CSV + "mds,X,03001,seed,l.13\nnope,N,03002,seed,l.14\n"
    sites = edit(SITES_CSV, ",mds,S,", ",mds,Q,")
    dep = load({"territory_communes.csv": text, "sites.csv": sites})
    expect_problem(
        dep.report,
        "territory_communes.csv",
        10,
        "scheme_id, territory_id",
        "territoire « X » absent du schéma « mds »",
    )
    expect_problem(
        dep.report,
        "territory_communes.csv",
        11,
        "scheme_id, territory_id",
        "territoire « N » absent du schéma « nope »",
    )
    expect_problem(dep.report, "sites.csv", 3, "scheme_id, territory_id", "« Q »")
    assert len(dep.territory_communes) == 8


def test_territory_of_unknown_scheme(load) -> None:  # noqa: ANN001

    dep = load({"territories.csv": TERRITORIES_CSV + "cms,C1,CMS 1,,,,,seed,l.1\n"})
    expect_problem(dep.report, "territories.csv", 6, "scheme_id", "schéma « cms » absent")


def test_commune_in_two_territories_of_a_scheme(load) -> None:  # noqa: ANN001
    dep = load({"territory_communes.csv": TERRITORY_COMMUNES_CSV + "mds,S,03001,seed,l.12\n"})
    p = expect_problem(
        dep.report,
        "territory_communes.csv",
        10,
        "code_insee",
        "« 03001 » est déjà dans le territoire « N » du schéma « mds » (ligne 2)",
    )
    assert "retirez la commune de l'un des deux territoires" in p.message
    f = dep.report.file("territory_communes.csv")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (9, 8, 1)


def test_dangling_parent_cascades_to_children(load) -> None:  # noqa: ANN001
    dep = load({"plan.csv": edit(PLAN_CSV, "A1,O1,axe", "A1,O9,axe")})
    expect_problem(dep.report, "plan.csv", 3, "parent_id", "parent « O9 » absent de plan.csv")
    expect_problem(
        dep.report, "plan.csv", 4, "parent_id", "le parent « A1 » a été rejeté (ligne 3)"
    )
    assert "A1" not in dep.plan["node_id"].tolist()
    # Actions and partners citing the rejected nodes are rejected in turn.
    expect_problem(dep.report, "actions.csv", 2, "axes", "« A1 »")


def test_parent_cycle_is_rejected(load) -> None:  # noqa: ANN001
    text = PLAN_CSV + "X1,X2,axe,9,Boucle 1,seed,l.1\nX2,X1,axe,9,Boucle 2,seed,l.1\n"
    dep = load({"plan.csv": text})
    expect_problem(dep.report, "plan.csv", 9, "parent_id", "boucle")
    expect_problem(dep.report, "plan.csv", 10, "parent_id", "boucle")


def test_action_scope_references(load) -> None:  # noqa: ANN001

    text = edit(ACTIONS_CSV, "territories,mds,S,", "territories,mds,S|W,")
    text = edit(text, "communes,,03001,", "communes,,3002|03999,")
    dep = load({"actions.csv": text})
    expect_problem(dep.report, "actions.csv", 3, "scope_codes", "« W » absent(s) du schéma")
    expect_problem(
        dep.report, "actions.csv", 4, "scope_codes", "« 3002 » complété", severity="warning"
    )
    expect_problem(dep.report, "actions.csv", 4, "scope_codes", "« 03999 »")
    assert dep.actions["action_id"].tolist() == ["F1", "F4", "F5"]


def test_beneficiary_codes_follow_their_level(load) -> None:  # noqa: ANN001
    text = BENEFICIARIES_CSV + (
        "epci,,200000099,rsa,Allocataires RSA,2023,50,false,,seed,l.66\n"
        "departement,,3,rsa,Allocataires RSA,2022,480,false,,seed,l.67\n"
        "territory,,N,rsa,Allocataires RSA,2022,100,false,,seed,l.68\n"
        "commune,,3190,rsa,Allocataires RSA,2023,30,false,,seed,l.69\n"
    )
    dep = load({"beneficiaries.csv": text})
    expect_problem(dep.report, "beneficiaries.csv", 8, "code", "EPCI « 200000099 » inconnu")
    expect_problem(dep.report, "beneficiaries.csv", 10, "scheme_id", "scheme_id vide")
    expect_problem(
        dep.report, "beneficiaries.csv", 11, "code", "complété en « 03190 »", severity="warning"
    )
    assert {"03", "03190"} <= set(dep.beneficiaries["code"])
    assert len(dep.beneficiaries) == 8


def test_duplicate_beneficiary_count(load) -> None:  # noqa: ANN001
    line = BENEFICIARIES_CSV.splitlines()[2]
    dep = load({"beneficiaries.csv": BENEFICIARIES_CSV + line + "\n"})
    expect_problem(
        dep.report,
        "beneficiaries.csv",
        8,
        "level, scheme_id, code, indicator, year",
        "en double (déjà ligne 3)",
    )


# --------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# department.toml
# --------------------------------------------------------------------------------------


def test_missing_toml_keys_are_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    toml = edit(TOML, "secrecy_threshold = 11\n", "")
    with pytest.raises(PackageError) as exc:
        load_department(make_package({"department.toml": toml}), geo_dirs=[geo_dir])
    assert str(exc.value.problems[0]).startswith(
        "department.toml, colonne « secrecy_threshold » : clé(s) obligatoire(s) absente(s)"
    )


def test_invalid_toml_is_fatal(make_package, geo_dir) -> None:  # noqa: ANN001
    with pytest.raises(PackageError) as exc:
        load_department(make_package({"department.toml": TOML + "code = \n"}), geo_dirs=[geo_dir])
    assert "syntaxe TOML invalide" in str(exc.value.problems[0])
    with pytest.raises(PackageError) as exc:
        load_department(
            make_package({"department.toml": None}, folder_name="03-autre"), geo_dirs=[geo_dir]
        )
    assert str(exc.value.problems[0]).startswith("department.toml : fichier absent")


@pytest.mark.parametrize("value", ["0", "-1", '"11"', "true"])
def test_secrecy_threshold_must_be_a_positive_integer(make_package, geo_dir, value: str) -> None:  # noqa: ANN001
    toml = edit(TOML, "secrecy_threshold = 11", f"secrecy_threshold = {value}")
    with pytest.raises(PackageError, match="secret statistique"):
        load_department(make_package({"department.toml": toml}), geo_dirs=[geo_dir])


def test_toml_references_are_checked(load) -> None:  # noqa: ANN001
    toml = edit(TOML, 'default_scheme = "mds"', 'default_scheme = "cms"')
    toml = edit(toml, 'digital_axes = ["A2"]', 'digital_axes = ["A2", "Z9"]')
    toml = edit(toml, 'axe_group_level = "orientation"', 'axe_group_level = "orientations"')
    dep = load({"department.toml": toml})
    expect_problem(dep.report, "department.toml", None, "default_scheme", "« cms »")
    expect_problem(dep.report, "department.toml", None, "digital_axes", "« Z9 »")
    expect_problem(
        dep.report,
        "department.toml",
        None,
        "axe_group_level",
        "« orientations »",
        severity="warning",
    )
    assert dep.default_scheme is None
    assert dep.digital_axes == ("A2",)


def test_numeric_toml_code_is_restored(load) -> None:  # noqa: ANN001
    dep = load({"department.toml": edit(TOML, 'code = "03"', "code = 3")})
    expect_problem(
        dep.report, "department.toml", None, "code", "lu comme « 03 »", severity="warning"
    )
    assert dep.code == "03"


# --------------------------------------------------------------------------------------
# GeoPackage layers
# --------------------------------------------------------------------------------------


def test_invalid_geometry_is_repaired_with_warning(make_package, tmp_path) -> None:  # noqa: ANN001
    def bowtie(layers: dict) -> None:
        communes = layers["communes"]
        communes.loc[0, "geometry"] = shapely.Polygon(
            [(3.0, 46.4), (3.1, 46.5), (3.1, 46.4), (3.0, 46.5), (3.0, 46.4)]
        )

    geo = write_geo(tmp_path / "g" / "03.gpkg", bowtie)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(
        dep.report,
        "03.gpkg (couche communes)",
        1,
        "geometry",
        "géométrie invalide (Self-intersection",
        "réparée",
        severity="warning",
    )
    assert dep.communes.geometry.is_valid.all()
    assert len(dep.communes) == 4


def test_empty_geometry_rejects_the_feature(make_package, tmp_path) -> None:  # noqa: ANN001
    def empty(layers: dict) -> None:
        layers["communes"].loc[3, "geometry"] = shapely.from_wkt("MULTIPOLYGON EMPTY")

    geo = write_geo(tmp_path / "g" / "03.gpkg", empty)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(dep.report, "03.gpkg (couche communes)", 4, "geometry", "géométrie vide")
    f = dep.report.file("03.gpkg (couche communes)")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (4, 3, 1)
    # Its commune is now unknown: the rows citing it are rejected.
    expect_problem(dep.report, "partners.csv", 4, "code_insee", "« 03190 »")


def test_lambert93_layer_is_reprojected_with_warning(make_package, tmp_path) -> None:  # noqa: ANN001
    def to_2154(layers: dict) -> None:
        layers["communes"] = layers["communes"].to_crs(2154)

    geo = write_geo(tmp_path / "g" / "03.gpkg", to_2154)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(
        dep.report,
        "03.gpkg (couche communes)",
        None,
        "geometry",
        "EPSG:2154 (Lambert-93), reprojetée en WGS84",
        severity="warning",
    )
    assert dep.communes.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = dep.communes.total_bounds
    assert minx == pytest.approx(3.0, abs=1e-6) and maxy == pytest.approx(46.5, abs=1e-6)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_layer_without_crs_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    def no_crs(layers: dict) -> None:
        layers["epci"] = layers["epci"].set_crs(None, allow_override=True)

    geo = write_geo(tmp_path / "g" / "03.gpkg", no_crs)
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[geo.parent])
    assert str(exc.value.problems[0]).startswith(
        "03.gpkg (couche epci), colonne « geometry » : système de coordonnées inconnu"
    )


def test_layer_missing_column_or_layer_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    def drop(layers: dict) -> None:
        layers["communes"] = layers["communes"].drop(columns=["population"])
        del layers["departement"]

    geo = write_geo(tmp_path / "g" / "03.gpkg", drop)
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[geo.parent])
    texts = [str(p) for p in exc.value.problems]
    assert any("couche communes" in t and "« population »" in t for t in texts), texts
    assert any("couche departement" in t and "couche absente" in t for t in texts), texts


def test_geodata_missing_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[tmp_path / "nowhere"])
    assert "python scripts/build_geo.py 03" in str(exc.value.problems[0])


def test_report_invariants_hold_on_a_messy_package(load) -> None:  # noqa: ANN001
    dep = load(
        {
            "partners.csv": edit(PARTNERS_CSV, ",03190,", ",03999,"),
            "sites.csv": edit(SITES_CSV, ",46.45,3.05,", ",3.05,46.45,"),
            "beneficiaries.csv": edit(BENEFICIARIES_CSV, "2023,120,false", "2023,-1,false"),
            "figures.csv": None,
        }
    )
    check_invariants(dep.report)
    assert dep.report.file("figures.csv").present is False
    assert len(dep.report.errors) == 3
    frame = dep.report.to_frame()
    assert list(frame.columns) == ["file", "row", "column", "severity", "message", "text"]
    assert frame["row"].dtype == "Int64"
    assert "3 erreurs" in dep.report.summary_fr()
    assert pd.api.types.is_string_dtype(frame["text"])


def test_excel_export_with_bom_and_crlf_is_read(make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package()
    text = edit(PARTNERS_CSV, ",03190,", ",03999,").replace("\n", "\r\n")
    (folder / "partners.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    dep = load_department(folder, geo_dirs=[geo_dir])
    # Line numbers are unchanged by CRLF; the BOM does not spoil the first column name.
    expect_problem(dep.report, "partners.csv", 4, "code_insee", "« 03999 »")
    assert dep.partners["partner_id"].tolist() == ["P1", "P2"]


def test_utf16_file_is_rejected(make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package()
    (folder / "partners.csv").write_bytes(PARTNERS_CSV.encode("utf-16"))
    dep = load_department(folder, geo_dirs=[geo_dir])
    expect_problem(dep.report, "partners.csv", 1, None, "encodé en UTF-16")


def test_dates(load) -> None:  # noqa: ANN001
    text = edit(PARTNERS_CSV, "l.50,2025-01-01", "l.50,21/05/2025")
    text = edit(text, "l.52,", "l.52,2025-13-01")
    dep = load({"partners.csv": text})
    expect_problem(
        dep.report,
        "partners.csv",
        2,
        "date_maj",
        "« 21/05/2025 » lue comme « 2025-05-21 »",
        severity="warning",
    )
    expect_problem(
        dep.report,
        "partners.csv",
        4,
        "date_maj",
        "« 2025-13-01 » invalide",
        "ignorée",
        severity="warning",
    )
    p = dep.partners.set_index("partner_id")
    assert p.loc["P1", "date_maj"] == "2025-05-21" and pd.isna(p.loc["P3", "date_maj"])
