"""What a package "CSV" file really is, from its first bytes: :func:`sniff_kind`.

Spreadsheets saved under a ``.csv`` name, UTF-16 text from Notepad or Excel « Unicode »,
PDF and other binary files are recognised *before* any decoding, so the message names the
real file type instead of a misleading encoding error.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

#: What to do, for every kind that is not a UTF-8 CSV.
SAVE_AS_CSV = (
    "ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format "
    "« CSV UTF-8 (délimité par des virgules) » (séparateur virgule)"
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class FileKind:
    """A file that is not a UTF-8 text file.

    Attributes
    ----------
    label : str
        French description, e.g. « un classeur Excel (.xlsx) ».
    todo : str
        What the author should do.
    rows : int or None
        Data rows found (header excluded) in a workbook; ``None`` when they cannot be
        counted from the structure (the caller counts lines when ``encoding`` is set).
    encoding : str or None
        Codec to decode the file with to count its lines (``utf-16``, ``utf-16-le``,
        ``utf-16-be``, ``latin-1`` for a binary file, where a line is a byte run ending in
        a newline byte).
    text : bool
        The file is text in another encoding (UTF-16) rather than another file type.
    """

    label: str
    todo: str
    rows: int | None = None
    encoding: str | None = None
    text: bool = False


def _xlsx_rows(zf: zipfile.ZipFile) -> int:
    """Rows holding a value in the first worksheet, header excluded."""
    sheets = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        return 0
    xml = zf.read(sheets[0]).decode("utf-8", "replace")
    bodies = re.findall(r"<row\b[^>]*?(?:/>|>(.*?)</row>)", xml, re.S)
    return max(sum(1 for b in bodies if re.search(r"<(?:v|is)\b", b)) - 1, 0)


def _ods_rows(zf: zipfile.ZipFile) -> int:
    """Rows holding text in the first table of ``content.xml``, header excluded.

    LibreOffice writes identical consecutive rows once with ``number-rows-repeated``.
    """
    try:
        xml = zf.read("content.xml").decode("utf-8", "replace")
    except KeyError:
        return 0
    table = re.search(r"<table:table\b.*?</table:table>", xml, re.S)
    if table is None:
        return 0
    rows = re.findall(
        r"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", table.group(0), re.S
    )
    count = 0
    for attrs, body in rows:
        if "<text:p" in body:
            repeated = re.search(r'table:number-rows-repeated="(\d+)"', attrs)
            count += int(repeated.group(1)) if repeated else 1
    return max(count - 1, 0)


def _zip_kind(data: bytes) -> FileKind:
    """XLSX, DOCX, ODS, ODT or another ZIP archive."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        mimetype = zf.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return FileKind("une archive ZIP endommagée", SAVE_AS_CSV)
    with zf:
        if any(n.startswith("xl/") for n in names):
            return FileKind("un classeur Excel (.xlsx)", SAVE_AS_CSV, _xlsx_rows(zf))
        if mimetype == ODS_MIMETYPE:
            return FileKind("un classeur LibreOffice Calc (.ods)", SAVE_AS_CSV, _ods_rows(zf))
        if any(n.startswith("word/") for n in names):
            return FileKind(
                "un document Word (.docx)",
                "copiez le tableau dans un tableur puis enregistrez-le au format "
                "« CSV UTF-8 (délimité par des virgules) »",
            )
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return FileKind("un document LibreOffice (OpenDocument)", SAVE_AS_CSV)
    return FileKind("une archive ZIP", "extrayez le fichier CSV de l'archive")


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NUL bytes fill every other position (ASCII text)."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def sniff_kind(data: bytes) -> FileKind | None:
    """Recognise a file that is not UTF-8 text, from its magic bytes.

    Parameters
    ----------
    data : bytes
        The whole file.

    Returns
    -------
    FileKind or None
        ``None`` for a file that may be UTF-8 text (with or without BOM); otherwise what
        it is: XLSX, DOCX, ODS (ZIP « PK\\x03\\x04 »), old Office (OLE2 « D0 CF 11 E0 »),
        UTF-16 with or without BOM, PDF or another binary file (NUL bytes).
    """
    utf16 = (
        "le fichier est un texte encodé en UTF-16{} (« Texte Unicode » d'Excel ou du "
        "Bloc-notes), pas en UTF-8"
    )
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return FileKind(
            "un classeur Excel 97-2003 (.xls) ou un autre document Office ancien", SAVE_AS_CSV
        )
    if data.startswith(b"%PDF"):
        return FileKind(
            "un document PDF",
            "exportez les données d'origine (tableur ou logiciel métier) au format "
            "« CSV UTF-8 (délimité par des virgules) » ; un PDF ne peut pas être lu",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return FileKind(utf16.format(""), SAVE_AS_CSV, None, "utf-16", text=True)
    encoding = _utf16_without_bom(data[:4096])
    if encoding is not None:
        return FileKind(utf16.format(" sans BOM"), SAVE_AS_CSV, None, encoding, text=True)
    if b"\x00" in data:
        return FileKind(
            "un fichier binaire (il contient des octets nuls)",
            "exportez les données au format « CSV UTF-8 (délimité par des virgules) »",
            encoding="latin-1",
        )
    return None
