"""Typed column checks: commune codes, ids, domains, numbers, dates, sources."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.core.package_fixture import (
    BENEFICIARIES_CSV,
    PARTNERS_CSV,
    SCHEMES_CSV,
    SITES_CSV,
    TERRITORY_COMMUNES_CSV,
    edit,
    expect_problem,
)


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
