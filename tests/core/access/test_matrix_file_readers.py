"""The travel-time matrix reader shares the package readers' file-type and record rules."""

from __future__ import annotations

from core.access.matrix_file import load_time_matrix
from tests.core.package.corpus.build_corpus import ods_bytes, xlsx_bytes

HEADER = "origine,destination,minutes\n"


def _load(data: bytes):  # noqa: ANN202 - (engine, report)
    return load_time_matrix(
        data, file_name="matrice.csv", commune_codes=["03001", "03002"], destination_ids=["S1"]
    )


def test_huge_cell_rejects_its_row_only() -> None:
    text = HEADER + "03001,S1," + "9" * 140_000 + "\n03002,S1,12\n"
    engine, report = _load(text.encode())
    assert engine is not None
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (2, 1, 1)
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert str(problem).startswith("matrice.csv, ligne 2, colonne « minutes » : cellule de")
    assert "131\u202f072 caractères" in str(problem)


def test_unclosed_quote_rejects_only_its_line() -> None:
    text = HEADER + '03001,"S1,5\n03002,S1,12\n'
    engine, report = _load(text.encode())
    assert engine is not None
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (2, 1, 1)
    [problem] = [p for p in report.problems if p.severity == "error"]
    assert str(problem).startswith(
        "matrice.csv, ligne 2, colonne « destination » : guillemet ouvrant jamais refermé"
    )


def test_leading_blank_lines_keep_line_numbers() -> None:
    text = "\n,,\n" + HEADER + '03001,"S1,5\n03002,S1,12\n'
    _, report = _load(text.encode())
    assert [p.row for p in report.problems if p.severity == "error"] == [4]


def test_workbooks_saved_as_csv_are_named_and_their_rows_counted() -> None:
    for data, label in (
        (xlsx_bytes(HEADER + "03001,S1,5\n03002,S1,7\n"), "un classeur Excel (.xlsx)"),
        (ods_bytes(HEADER + "03001,S1,5\n03002,S1,7\n"), "un classeur LibreOffice Calc (.ods)"),
    ):
        engine, report = _load(data)
        assert engine is None
        assert (report.rows_read, report.rows_kept, report.rows_rejected) == (2, 0, 2)
        [problem] = report.problems
        assert f"est en réalité {label}" in str(problem)


def test_utf16_is_named_and_rows_counted() -> None:
    engine, report = _load((HEADER + "03001,S1,5\n").replace("\n", "\r\n").encode("utf-16"))
    assert engine is None
    assert (report.rows_read, report.rows_rejected) == (1, 1)
    assert "encodé en UTF-16" in str(report.problems[0])
