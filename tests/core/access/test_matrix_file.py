"""Imported time matrix: good files, French messages for bad rows and unusable files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.access.matrix_file import load_time_matrix
from core.access.model import Places

# --------------------------------------------------------------------------------------
# Imported matrix
# --------------------------------------------------------------------------------------

COMMUNES = ["03001", "03002", "41018"]
DEST_IDS = ["mds_a", "mds_b", "mds_vendôme"]


def load(source, name: str = "temps.csv"):
    return load_time_matrix(
        source, file_name=name, commune_codes=COMMUNES, destination_ids=DEST_IDS
    )


def check_counts(report) -> None:
    assert report.rows_read == report.rows_kept + report.rows_rejected


def test_import_good_file(tmp_path: Path) -> None:
    text = (
        "origine,destination,minutes\n"
        "03001,mds_a,12.5\n03001,mds_b,20\n03002,mds_a,7\n41018,mds_vendôme,0\n"
    )
    path = tmp_path / "temps.csv"
    path.write_text(text, encoding="utf-8")
    engine, report = load(path)
    assert engine is not None and report.errors == []
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (4, 4, 0)
    assert report.missing_pairs == 9 - 4
    assert report.encoding == "utf-8"
    (warn,) = report.warnings
    assert "5 paire(s)" in warn.message and "inaccessibles" in warn.message
    origins = Places(["41018", "03001", "99999"], [0, 0, 0], [0, 0, 0])
    dests = Places(["mds_b", "mds_a", "mds_vendôme", "hypothetique:1"], [0] * 4, [0] * 4)
    m = engine.matrix(origins, dests)
    expected = np.array([[np.inf, np.inf, 0.0, np.inf], [20.0, 12.5, np.inf, np.inf], [np.inf] * 4])
    np.testing.assert_array_equal(m, expected)
    near = engine.nearest(origins, dests)
    assert near.index.tolist() == [2, 1, -1]
    model = engine.model
    assert model.engine == "imported" and model.approximate is False
    assert "« temps.csv »" in model.text_fr and "inaccessibles" in model.text_fr
    assert model.params["file"] == "temps.csv" and model.params["missing_pairs"] == 5
    assert near.model is model
    # Same content as a str path and as text.
    e2, r2 = load(str(path))
    e3, r3 = load(text)
    assert r2.rows_kept == r3.rows_kept == 4
    np.testing.assert_array_equal(e2.matrix(origins, dests), m)
    np.testing.assert_array_equal(e3.matrix(origins, dests), m)


def test_import_semicolon_decimal_comma_bom_aliases() -> None:
    text = "\ufeffCode INSEE;Site_ID;Durée\r\n3001;mds_a;12,5\r\n03002;mds_b;1 234,5\r\n"
    engine, report = load(text.encode("utf-8"))
    assert engine is not None and report.errors == []
    assert report.rows_kept == 2
    origins = Places(["03001", "03002"], [0, 0], [0, 0])
    dests = Places(["mds_a", "mds_b"], [0, 0], [0, 0])
    m = engine.matrix(origins, dests)
    assert m[0, 0] == 12.5 and m[1, 1] == 1234.5
    (padded,) = [p for p in report.warnings if p.row is not None]
    assert padded.row == 2 and padded.column == "Code INSEE"
    assert "« 3001 » lu « 03001 »" in padded.message and "À faire" in padded.message


def test_import_prefers_the_code_column_over_a_name_column() -> None:
    text = "commune,code_insee,site,site_id,temps,minutes\nMoulins,03001,A,mds_a,x,4\n"
    engine, report = load(text)
    assert engine is not None and report.rows_kept == 1 and report.errors == []
    m = engine.matrix(Places(["03001"], [0], [0]), Places(["mds_a"], [0], [0]))
    assert m[0, 0] == 4.0


def test_import_cp1252() -> None:
    text = "origine;destination;minutes\n41018;mds_vendôme;9,5\n"
    engine, report = load(text.encode("cp1252"), "export.csv")
    assert engine is not None and report.encoding == "cp1252"
    assert report.rows_kept == 1 and report.errors == []
    assert any("Windows-1252" in p.message and p.file == "export.csv" for p in report.warnings)
    m = engine.matrix(Places(["41018"], [0], [0]), Places(["mds_vendôme"], [0], [0]))
    assert m[0, 0] == 9.5


def test_import_rejects_bad_rows_with_french_messages() -> None:
    text = (
        "origin,destination,minutes\n"  # line 1
        "03001,mds_a,10\n"  # 2 kept
        "41999,mds_a,4\n"  # 3 unknown commune
        "41018,mds_vendome,4\n"  # 4 unknown destination (accent lost)
        "41018,mds_a,-3\n"  # 5 negative
        "03001,mds_a,11\n"  # 6 duplicate of line 2
        "03002,mds_b,abc\n"  # 7 not a number
        "03002,mds_b,2000\n"  # 8 absurd
        "03002,mds_b,\n"  # 9 missing
        "\n"  # 10 blank, skipped
        "03002,mds_b,5\n"  # 11 kept
        "abc,mds_b,5\n"  # 12 malformed code
    )
    engine, report = load(text)
    assert engine is not None
    check_counts(report)
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (10, 2, 8)
    by_line = {p.row: p for p in report.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 12]
    assert all(p.file == "temps.csv" and "À faire :" in p.message for p in report.errors)
    assert by_line[3].column == "origin" and "« 41999 »" in by_line[3].message
    assert "n'est pas une commune du département" in by_line[3].message
    assert by_line[4].column == "destination" and "« mds_vendome » inconnue" in by_line[4].message
    assert "remplacez-le par « mds_vendôme »" in by_line[4].message
    assert by_line[5].column == "minutes" and "négative" in by_line[5].message
    assert (
        by_line[6].column == "origin, destination" and "déjà donnée ligne 2" in by_line[6].message
    )
    assert "temps.csv, ligne 6, colonnes « origin » et « destination »" in str(by_line[6])
    assert "n'est pas un nombre" in by_line[7].message
    assert "plus de 24 heures" in by_line[8].message
    assert "durée manquante" in by_line[9].message
    assert "n'est pas un code commune INSEE" in by_line[12].message
    assert str(by_line[5]).startswith("temps.csv, ligne 5, colonne « minutes » : ")
    # The first of the duplicates is kept.
    m = engine.matrix(Places(["03001"], [0], [0]), Places(["mds_a"], [0], [0]))
    assert m[0, 0] == 10.0


def test_import_unquoted_decimal_comma_is_rejected() -> None:
    engine, report = load("origine,destination,minutes\n03001,mds_a,12,5\n03002,mds_a,3\n")
    assert engine is not None and report.rows_kept == 1
    (p,) = report.errors
    assert p.row == 2 and "4 champs au lieu de 3" in p.message and "virgule décimale" in p.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "le fichier est vide"),
        ("   \n\n", "le fichier est vide"),
        ("origine,destination\n03001,mds_a\n", "colonne « minutes » absente"),
        ("a,b,c\n1,2,3\n", "aucune colonne reconnue"),
        ("03001,mds_a,3\n03002,mds_a,4\n", "n'a pas d'en-tête"),
        (b"\xff\xfeo\x00r\x00", "UTF-16"),
        (b"origine,destination,minutes\n03001,\x81\x8d,3\n", "ni en UTF-8 ni en Windows-1252"),
        ("origine,destination,minutes\n41999,mds_a,3\n", "aucune ligne utilisable"),
    ],
)
def test_import_unusable_files(content: str | bytes, expected: str) -> None:
    engine, report = load(content, "matrice.csv")
    assert engine is None
    check_counts(report)
    assert any(expected in p.message for p in report.errors), report.problems
    assert all(p.file == "matrice.csv" for p in report.problems)
    assert all("À faire :" in p.message for p in report.problems)


def test_import_missing_column_names_line_and_column() -> None:
    engine, report = load("origine,destination\n03001,mds_a\n")
    (p,) = report.errors
    assert (p.row, p.column) == (1, "minutes") and report.rows_read == 1
    assert "temps » : doit" not in str(p)  # plain French, one sentence per part
    assert "noms acceptés" in p.message


def test_import_unreadable_path(tmp_path: Path) -> None:
    engine, report = load(tmp_path / "absent.csv")
    assert engine is None and "fichier illisible" in report.errors[0].message


# --------------------------------------------------------------------------------------
