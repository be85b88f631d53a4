"""Reading a CSV file: encoding, separator, header, fields per line."""

from __future__ import annotations

import pytest

from core.package import (
    PackageError,
    load_department,
)
from tests.core.package_fixture import (
    PARTNERS_CSV,
    PLAN_CSV,
    SITES_CSV,
    TERRITORY_COMMUNES_CSV,
    edit,
    expect_problem,
)


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
    expect_problem(
        dep.report, "sites.csv", 3, "name", "pas encodé en UTF-8", "0xE7", "« ç »", "CSV UTF-8"
    )
    assert dep.sites.empty
    f = dep.report.file("sites.csv")
    # The true number of data rows, counted on the bytes, all rejected.
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (2, 0, 2)


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
