"""Reading a package CSV file as stripped text cells: :func:`read_csv_table`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.package.contracts import FileSchema
from core.package.csv_records import Broken, physical_lines, scan, split_records
from core.package.file_kind import FileKind, sniff_kind
from core.package.problems import README_HINT, Problem, TableUnreadable, sentence


@dataclass
class RawTable:
    """A CSV file read as text cells, before typing.

    Attributes
    ----------
    file : str
        File name.
    frame : pandas.DataFrame
        One column per known column (missing optional ones added empty), ``str`` cells
        stripped, NA for empty cells.
    lines : numpy.ndarray
        Line number (header = 1) where each row starts.
    problems : list of Problem
        Problems found while reading.
    rejected : numpy.ndarray
        Rows already rejected (structural problems such as too many fields).
    header : list of str
        Columns as found in the file.
    """

    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    problems: list[Problem]
    rejected: np.ndarray
    header: list[str]


def not_text_file(data: bytes, name: str, kind: FileKind) -> TableUnreadable:
    """The file is not UTF-8 text (:func:`sniff_kind`): say what it is, with its true rows."""
    rows = kind.rows
    if kind.encoding is not None:
        text = data.decode(kind.encoding, "replace").lstrip("\ufeff")
        rows = len(split_records(text).rows)
    if kind.text:
        return TableUnreadable.about(name, 1, None, kind.label, kind.todo, rows_read=rows or 0)
    return TableUnreadable.about(
        name,
        None,
        None,
        f"ce fichier, nommé {name}, est en réalité {kind.label}, pas un fichier CSV texte"
        + ("" if rows is not None else " (nombre de lignes inconnu)"),
        kind.todo,
        rows_read=rows or 0,
    )


def _not_utf8(data: bytes, name: str, exc: UnicodeDecodeError) -> TableUnreadable:
    """Name the line and column of the first byte that is not UTF-8; count rows on bytes."""
    text = data.decode("latin-1")  # one character per byte: offsets are byte offsets
    lines = physical_lines(text)
    # French Excel writes « ; »: name the column with the separator the header uses.
    sep = max((",", ";", "\t", "|"), key=lambda c: (lines[0].count(c) if lines else 0, c == ","))
    records = split_records(text, sep)
    before = physical_lines(text[: exc.start] + "x")
    line = len(before)
    column = None
    header = [h.strip().lower().lstrip("\ufeff\u00ef\u00bb\u00bf") for h in records.header]
    fields = scan(before[-1], False, sep)[2]
    if line > 1 and len(header) > 1 and fields < len(header):
        column = header[fields] or None
    byte = data[exc.start]
    shown = bytes([byte]).decode("cp1252", "replace")
    return TableUnreadable.about(
        name,
        line,
        column,
        f"le fichier n'est pas encodé en UTF-8 (octet 0x{byte:02X} invalide, « {shown} » en "
        "Windows-1252 : probablement un export Windows-1252/Latin-1 d'Excel ou d'un "
        "logiciel métier)",
        "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
        rows_read=len(records.rows),
    )


def _decode(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableUnreadable.about(
            name,
            None,
            None,
            f"fichier illisible ({exc.strerror or exc})",
            "vérifiez que le fichier existe et que ses droits permettent la lecture",
        ) from exc
    kind = sniff_kind(data)
    if kind is not None:
        raise not_text_file(data, name, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, name, exc) from exc


def _sniff_separator(first_line: str, schema: FileSchema) -> str | None:
    """Return ``;``/tab/``|`` if the header splits better with it than with a comma."""
    known = set(schema.column_names)

    def score(sep: str) -> int:
        return sum(1 for c in first_line.split(sep) if c.strip().strip('"').lower() in known)

    comma = score(",")
    best = max((";", "\t", "|"), key=score)
    return best if score(best) > comma else None


SEPARATOR_NAMES = {";": "le point-virgule « ; »", "\t": "la tabulation", "|": "la barre « | »"}


def read_csv_table(path: Path, schema: FileSchema) -> RawTable:
    """Read a package CSV file as stripped text cells.

    Parameters
    ----------
    path : pathlib.Path
        File to read (UTF-8, comma separator, header row, ``"`` quoting).
    schema : FileSchema
        Its contract (used to detect a wrong separator and missing columns).

    Returns
    -------
    RawTable

    Raises
    ------
    TableUnreadable
        File not readable, not UTF-8, empty, wrong separator, duplicated or missing
        required columns: the whole file is rejected.
    """
    name = schema.name
    text = _decode(path, name)
    if not text.strip():
        raise TableUnreadable.about(
            name,
            None,
            None,
            "fichier vide",
            "ajoutez au moins la ligne d'en-tête (" + ",".join(schema.required_columns) + ")",
        )
    found = split_records(text)
    records, starts = found.rows, found.starts
    header = [h.strip().lower() for h in found.header]
    _check_header(header, physical_lines(text)[0], schema, len(records))
    problems = _unknown_columns(header, schema)
    broken = _broken_problems(found.broken, header, starts, name)
    rows, rejected = _fit_to_header(records, starts, len(header), name, problems, broken)
    return RawTable(
        name,
        _text_frame(header, rows, schema),
        np.asarray(starts, dtype=np.int64),
        problems,
        rejected,
        header,
    )


def _check_header(header: list[str], first_line: str, schema: FileSchema, n_rows: int) -> None:
    """Reject the file for a wrong separator, missing required or duplicated columns."""
    name = schema.name
    missing = [c for c in schema.required_columns if c not in header]
    if missing:
        sep = _sniff_separator(first_line, schema)
        if sep is not None:
            raise TableUnreadable.about(
                name,
                1,
                None,
                f"le fichier utilise {SEPARATOR_NAMES[sep]} comme séparateur au lieu de la virgule",
                "réenregistrez-le en « CSV UTF-8 (délimité par des virgules) » ; "
                "les nombres décimaux s'écrivent avec un point",
                rows_read=n_rows,
            )
        raise _missing_columns(header, missing, name, n_rows)
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise TableUnreadable.about(
            name,
            1,
            ", ".join(dupes),
            "colonne(s) présente(s) deux fois dans l'en-tête : " + ", ".join(dupes),
            "supprimez ou renommez la colonne en double",
            rows_read=n_rows,
        )


def _missing_columns(
    header: list[str], missing: list[str], name: str, n_rows: int
) -> TableUnreadable:
    """The file lacks required columns; suggest close spellings found in the header."""
    hints = []
    for m in missing:
        close = difflib.get_close_matches(m, [h for h in header if h], n=1, cutoff=0.75)
        if close:
            hints.append(f"« {close[0]} » devrait sans doute s'écrire « {m} »")
    todo = "ajoutez ces colonnes à la ligne d'en-tête (" + README_HINT + ")"
    if hints:
        todo += " ; " + " ; ".join(hints)
    return TableUnreadable.about(
        name,
        1,
        ", ".join(missing),
        "colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing) + " ; le fichier est rejeté",
        todo,
        rows_read=n_rows,
    )


def _unknown_columns(header: list[str], schema: FileSchema) -> list[Problem]:
    """A warning for each header column the contract does not know."""
    problems: list[Problem] = []
    known = set(schema.column_names)
    for h in header:
        if h and h not in known:
            close = difflib.get_close_matches(h, list(known), n=1, cutoff=0.75)
            todo = (
                f"renommez-la « {close[0]} » si c'est bien cette colonne"
                if close
                else "supprimez-la ou ignorez cet avertissement"
            )
            problems.append(
                Problem(
                    schema.name,
                    1,
                    h,
                    sentence("colonne inconnue, ignorée par l'application", todo),
                    "warning",
                )
            )
    return problems


def _broken_problems(
    broken: list[Broken], header: list[str], starts: list[int], name: str
) -> dict[int, Problem]:
    """Problems of the records rejected while splitting the file, by record position."""
    out = {}
    for b in broken:
        column = header[b.field] if b.field is not None and b.field < len(header) else None
        out[b.index] = Problem(name, starts[b.index], column or None, sentence(b.what, b.todo))
    return out


def _fit_to_header(
    records: list[list[str]],
    starts: list[int],
    width: int,
    name: str,
    problems: list[Problem],
    broken: dict[int, Problem],
) -> tuple[list[list[str]], np.ndarray]:
    """Cut or pad each record to the header width; too many fields reject the row."""
    rejected = np.zeros(len(records), dtype=bool)
    rows: list[list[str]] = []
    for i, rec in enumerate(records):
        if i in broken:
            rejected[i] = True
            problems.append(broken[i])
            rows.append([""] * width)
            continue
        if len(rec) > width:
            # Even empty extra fields mean shifted values: never guess the alignment.
            rejected[i] = True
            problems.append(
                Problem(
                    name,
                    starts[i],
                    None,
                    sentence(
                        f"la ligne a {len(rec)} champs au lieu de {width} ; elle est rejetée",
                        "mettez entre guillemets doubles les valeurs qui contiennent une "
                        'virgule (ex. "Blois, Vendôme") et retirez les virgules en trop',
                    ),
                )
            )
            rec = rec[:width]
        elif len(rec) < width:
            problems.append(
                Problem(
                    name,
                    starts[i],
                    None,
                    sentence(
                        f"la ligne a {len(rec)} champs au lieu de {width} ; les dernières "
                        "colonnes sont considérées vides",
                        "ajoutez les virgules manquantes en fin de ligne",
                    ),
                    "warning",
                )
            )
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)
    return rows, rejected


def _text_frame(header: list[str], rows: list[list[str]], schema: FileSchema) -> pd.DataFrame:
    """One stripped ``str`` column per known column (NA for empty cells, absent ones added)."""
    known = set(schema.column_names)
    data: dict[str, pd.Series] = {}
    for j, h in enumerate(header):
        if not h or h not in known:
            continue
        s = pd.Series([r[j] for r in rows], dtype="str").str.strip()
        data[h] = s.mask(s == "")
    for col in schema.columns:
        if col.name not in data:
            data[col.name] = pd.Series([pd.NA] * len(rows), dtype="str")
    return pd.DataFrame({c: data[c] for c in schema.column_names}, index=range(len(rows)))
