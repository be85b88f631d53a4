"""Recognising the real type of a file named .csv from its first bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.package.file_kind import sniff_kind

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize(
    ("file", "label", "rows", "encoding"),
    [
        ("excel_workbook_saved_as_csv.csv", "un classeur Excel (.xlsx)", 3, None),
        ("libreoffice_ods_saved_as_csv.csv", "un classeur LibreOffice Calc (.ods)", 3, None),
        ("word_document_saved_as_csv.csv", "un document Word (.docx)", None, None),
        ("excel97_xls_saved_as_csv.csv", "un classeur Excel 97-2003 (.xls)", None, None),
        ("pdf_saved_as_csv.csv", "un document PDF", None, None),
        ("notepad_utf16_bom_crlf.csv", "encodé en UTF-16 (", None, "utf-16"),
        ("utf16_be_without_bom.csv", "UTF-16 sans BOM", None, "utf-16-be"),
        ("binary_with_nul_bytes.csv", "un fichier binaire", None, "latin-1"),
    ],
)
def test_kind_from_magic_bytes(file: str, label: str, rows: int | None, encoding: str) -> None:
    kind = sniff_kind((CORPUS / file).read_bytes())
    assert kind is not None
    assert label in kind.label
    assert (kind.rows, kind.encoding) == (rows, encoding)


@pytest.mark.parametrize(
    "file",
    [
        "excel_fr_cp1252_semicolon.csv",
        "bom_crlf_header_typo.csv",
        "social_software_latin1_trailing_separator.csv",
    ],
)
def test_text_files_are_left_to_the_decoder(file: str) -> None:
    assert sniff_kind((CORPUS / file).read_bytes()) is None


def test_utf16_little_endian_without_bom() -> None:
    kind = sniff_kind("a,b\n1,2\n".encode("utf-16-le"))
    assert kind is not None and kind.encoding == "utf-16-le"


def test_other_zip_archive() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("export.csv", "a,b\n")
    kind = sniff_kind(buf.getvalue())
    assert kind is not None and kind.label == "une archive ZIP"
    assert "extrayez" in kind.todo


def test_ods_repeated_rows_are_counted() -> None:
    import io
    import zipfile

    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    rows = (
        f"<table:table-row>{cell}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="3">{cell}</table:table-row>'
        f"<table:table-row>{cell}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        "</table:table-row>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", f"<x><table:table>{rows}</table:table></x>")
    kind = sniff_kind(buf.getvalue())
    # Header, one row written 3 times, one more row; the empty filler rows are not rows.
    assert kind is not None and kind.rows == 4
