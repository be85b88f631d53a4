"""Write the corpus of malformed package files.

Run: ``python -m tests.core.package.corpus.build_corpus``.

Each file imitates what a real tool produces (Excel, LibreOffice, Notepad, the export of a
social-services software...). The files are committed; this script documents how each one
was made and rebuilds them. Expectations live in ``tests/core/package/test_corpus.py``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.core.package_fixture import BENEFICIARIES_CSV, FIGURES_CSV, PARTNERS_CSV

HERE = Path(__file__).parent


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()]


def xlsx_bytes(text: str) -> bytes:
    """A real workbook written by openpyxl (what « Enregistrer sous » .xlsx produces)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in _rows(text):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_bytes(text: str) -> bytes:
    """A minimal OpenDocument spreadsheet (mimetype first, stored), as LibreOffice writes."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in _rows(text)
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
        f'{cells}<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buf.getvalue()


def docx_bytes() -> bytes:
    """The skeleton of a Word document (``word/document.xml``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def quote_all(text: str) -> str:
    """LibreOffice « Mettre entre guillemets toutes les cellules de texte »."""
    return "\n".join(",".join(f'"{c}"' for c in row) for row in _rows(text)) + "\n"


def corpus() -> dict[str, bytes]:
    """File name → bytes."""
    p = PARTNERS_CSV
    files: dict[str, bytes] = {
        "excel_workbook_saved_as_csv.csv": xlsx_bytes(p),
        "libreoffice_ods_saved_as_csv.csv": ods_bytes(p),
        "word_document_saved_as_csv.csv": docx_bytes(),
        # OLE2 compound file header of an Excel 97-2003 workbook (first sector only).
        "excel97_xls_saved_as_csv.csv": bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        "pdf_saved_as_csv.csv": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
        "notepad_utf16_bom_crlf.csv": p.replace("\n", "\r\n").encode("utf-16"),
        "utf16_be_without_bom.csv": p.encode("utf-16-be"),
        "binary_with_nul_bytes.csv": p.encode() + b"\x00\x01\x02",
        # French Excel « CSV (séparateur : point-virgule) »: Windows-1252, « ; », CRLF.
        "excel_fr_cp1252_semicolon.csv": p.replace(
            "Mission locale Delta", "Mission locale Montluçon"
        )
        .replace(",", ";")
        .replace("\n", "\r\n")
        .encode("cp1252"),
        "excel_fr_utf8_semicolon.csv": p.replace(",", ";").encode("utf-8-sig"),
        "libreoffice_all_quoted.csv": quote_all(p)
        .replace('"2 rue B"', '"2 rue B, bâtiment C"')
        .replace('"03190"', '"03999"')
        .encode(),
        "bom_crlf_header_typo.csv": (
            b"\xef\xbb\xbf"
            + p.replace("partner_id,", "partner_idd,").replace("\n", "\r\n").encode()
        ),
        # \r\n, \n and a lone \r (old Mac) in one file: line 4 has an unknown commune.
        "mixed_line_endings.csv": (
            p.splitlines()[0]
            + "\r\n"
            + p.splitlines()[1]
            + "\n"
            + p.splitlines()[2]
            + "\r"
            + p.splitlines()[3].replace("03190", "03999")
            + "\r\n"
        ).encode(),
        "huge_cell.csv": p.replace(
            "CCAS Beta,CCAS,A2.1,03002,,", "CCAS Beta,CCAS,A2.1,03002," + "x" * 140_000 + ","
        ).encode(),
        "unclosed_quote.csv": p.replace("P2,CCAS Beta,", 'P2,"CCAS Beta,').encode(),
        "unclosed_quote_then_quoted_row.csv": p.replace("P2,CCAS Beta,", 'P2,"CCAS Beta,')
        .replace("P3,Mission locale Delta,", 'P3,"Mission locale, Delta",')
        .encode(),
        "unclosed_quote_on_last_row.csv": p.replace(
            "P3,Mission locale Delta,", 'P3,"Mission locale Delta,'
        ).encode(),
        "multiline_address_kept.csv": p.replace(
            ",,,,commune,seed,l.51,", ',"12 rue X\n41000 Blois",,,commune,seed,l.51,'
        )
        .replace(",03190,", ",03999,")
        .encode(),
    }
    # Export of a social-services software: Latin-1, padded values, trailing separators.
    social = (
        "\n".join(
            ",".join(c.rjust(6) if c.isdigit() else c for c in row) + ","
            for row in _rows(BENEFICIARIES_CSV.replace("Allocataires RSA", "Bénéficiaires RSA"))
        )
        + "\n"
    )
    files["social_software_latin1_trailing_separator.csv"] = social.encode("latin-1")
    files["social_software_utf8_trailing_separator.csv"] = social.encode("utf-8")
    files["counts_with_thousands_separators.csv"] = (
        BENEFICIARIES_CSV.replace(",2023,500,", ",2023,1.000,")
        .replace(",2023,120,", ",2023,1\u00a0000,")
        .replace(",2023,100,", ',2023,"1,5",')
        .replace(",2023,40,", ",2023,3.337,")
        .encode()
    )
    files["figures_with_ambiguous_grouping.csv"] = (
        FIGURES_CSV.replace(",40,places,", ',"1,000",places,')
        .replace(",14.5,%,", ",3.337,%,")
        .encode()
    )
    return files


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
