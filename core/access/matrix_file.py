"""Imported time matrix: a CSV supplied by the département, checked row by row."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from core.access.matrix_engine import ImportedMatrixEngine
from core.access.matrix_rows import MatrixRowChecks
from core.formatting import format_number_fr
from core.package.csv_reader import not_text_file
from core.package.csv_records import physical_lines, split_records
from core.package.file_kind import sniff_kind
from core.package.problems import FileReport, Problem, quote, sentence
from core.package.values import fold

#: Accepted header names of each column of an imported matrix (compared after folding
#: case and accents, with spaces and hyphens read as ``_``).
MATRIX_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "origine": (
        "origine",
        "origin",
        "code_insee",
        "code_insee_origine",
        "insee",
        "code_commune",
        "commune",
        "depart",
        "from",
    ),
    "destination": (
        "destination",
        "dest",
        "destination_id",
        "id_destination",
        "site_id",
        "site",
        "arrivee",
        "to",
    ),
    "minutes": (
        "minutes",
        "minute",
        "min",
        "mn",
        "duree",
        "duree_min",
        "duree_minutes",
        "temps",
        "temps_min",
        "temps_minutes",
        "time",
        "time_min",
        "travel_time",
        "duration",
    ),
}
_MATRIX_TODO_FORMAT = (
    "enregistrez le fichier au format CSV (UTF-8) avec l'en-tête "
    "« origine,destination,minutes » : code INSEE de la commune, identifiant de la "
    "destination, durée en minutes"
)


def _header_key(name: str) -> str:
    key = fold(name.strip().strip('"').strip("'").strip())
    return re.sub(r"[\s\-]+", "_", key)


_ALIAS_TO_COLUMN = {
    _header_key(alias): col for col, aliases in MATRIX_COLUMN_ALIASES.items() for alias in aliases
}


@dataclass
class MatrixReport(FileReport):
    """Outcome of reading an imported time matrix: a :class:`FileReport` (rows read = kept +
    rejected, French problems file-level first then by line, ``errors``/``warnings``) plus

    Attributes
    ----------
    missing_pairs : int
        Commune–destination pairs of the département absent from the kept rows (they are
        counted as unreachable).
    encoding : str
        ``utf-8`` or ``cp1252`` (empty when the file could not be decoded).
    """

    missing_pairs: int = 0
    encoding: str = ""

    def summary_fr(self) -> str:
        """One French sentence: lines read, kept, rejected and missing pairs."""
        text = (
            f"Fichier « {self.file} » : {format_number_fr(self.rows_read)} ligne(s) lue(s), "
            f"{format_number_fr(self.rows_kept)} conservée(s), "
            f"{format_number_fr(self.rows_rejected)} rejetée(s)"
        )
        if self.missing_pairs:
            text += (
                f" ; {format_number_fr(self.missing_pairs)} paire(s) commune–destination "
                "absente(s), comptée(s) comme inaccessible(s)"
            )
        return text + "."


def _file_problem(name: str, what: str, todo: str, row: int | None = None) -> Problem:
    return Problem(name, row, None, sentence(what, todo))


def _decode_matrix(data: bytes, name: str) -> tuple[str | None, str, list[Problem]]:
    """Text of the file, its encoding and problems (text None when undecodable).

    Workbooks, UTF-16 and binary files are recognised from their first bytes
    (:func:`~core.package.file_kind.sniff_kind`) and reported by the caller.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            "",
            [
                _file_problem(
                    name,
                    "le fichier n'est encodé ni en UTF-8 ni en Windows-1252 (caractère "
                    "invalide à cette ligne)",
                    "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
                    row=line,
                )
            ],
        )
    warn = Problem(
        name,
        None,
        None,
        sentence(
            "le fichier n'est pas en UTF-8 : il a été lu en Windows-1252 (export Excel "
            "« CSV (séparateur : point-virgule) »)",
            "vérifiez les accents des identifiants ; à l'avenir, enregistrez-le au format "
            "« CSV UTF-8 »",
        ),
        "warning",
    )
    return text, "cp1252", [warn]


def _source_bytes(
    source: str | bytes | os.PathLike[str], name: str
) -> tuple[bytes | None, list[Problem]]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), []
    if isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and Path(source).is_file():
            return _source_bytes(Path(source), name)
        return source.encode("utf-8"), []
    try:
        return Path(source).read_bytes(), []
    except OSError as exc:
        return None, [
            _file_problem(
                name,
                f"fichier illisible ({exc.strerror or exc})",
                "vérifiez que le fichier existe et que ses droits permettent la lecture",
            )
        ]


@dataclass
class _Table:
    """The non-blank records of a matrix file: header, data rows and their line numbers."""

    sep: str
    first_line: str
    header: list[str] | None = None
    header_line: int = 1
    rows: list[list[str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    broken: list[Problem] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        """Data rows read: usable records plus broken ones (runaway quote, huge cell)."""
        return len(self.rows) + len(self.broken)


def _read_text(
    source: str | bytes | os.PathLike[str], report: MatrixReport
) -> tuple[str | None, list[Problem]]:
    """Decoded text (None when unusable: ``report.problems`` then says why) and warnings."""
    name = report.file
    data, problems = _source_bytes(source, name)
    if data is None:
        report.problems = problems
        return None, []
    kind = sniff_kind(data)
    if kind is not None:
        unreadable = not_text_file(data, name, kind)
        report.problems = unreadable.problems
        report.rows_read = report.rows_rejected = unreadable.rows_read
        return None, []
    text, encoding, problems = _decode_matrix(data, name)
    report.encoding = encoding
    if text is None:
        report.problems = problems
        return None, []
    if not text.strip():
        report.problems = [
            *problems,
            _file_problem(name, "le fichier est vide", _MATRIX_TODO_FORMAT),
        ]
        return None, []
    return text, problems


def _split_table(text: str, table_name: str) -> _Table:
    """Separator guessed from the first non-blank line, then records split by it."""
    first = ""
    for raw_line in io.StringIO(text, newline=""):
        if raw_line.strip():
            first = raw_line.rstrip("\r\n")
            break

    def score(sep: str) -> int:
        return len({_ALIAS_TO_COLUMN.get(_header_key(c)) for c in first.split(sep)} - {None})

    table = _Table(max((",", ";", "\t", "|"), key=lambda s: (score(s), s == ",")), first)
    lines = physical_lines(text)
    skip = next((i for i, line in enumerate(lines) if re.sub(r'[\s,;|"]', "", line)), len(lines))
    records = split_records("\n".join(lines[skip:]), table.sep)
    if not records.header or not any(f.strip() for f in records.header):
        return table
    table.header, table.header_line = records.header, skip + 1
    broken = {b.index: b for b in records.broken}
    for i, (fields, start) in enumerate(zip(records.rows, records.starts, strict=True)):
        if i in broken:
            b = broken[i]
            col = records.header[b.field].strip() if b.field is not None else None
            table.broken.append(
                Problem(table_name, start + skip, col or None, sentence(b.what, b.todo))
            )
            continue
        table.rows.append(fields)
        table.starts.append(start + skip)
    return table


def _by_line(problems: list[Problem]) -> list[Problem]:
    """Row problems ordered by line (stable: causes of one line keep their order)."""
    return sorted(problems, key=lambda p: p.row or 0)


def _header_positions(header: Sequence[str]) -> dict[str, int]:
    """Position of each recognised column.

    Each column takes the header cell whose alias comes first in its list (``code_insee``
    beats ``commune``, which may hold names), then the leftmost.
    """
    positions: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for i, col in enumerate(header):
        key = _header_key(col)
        target = _ALIAS_TO_COLUMN.get(key)
        if target is None:
            continue
        rank = [_header_key(a) for a in MATRIX_COLUMN_ALIASES[target]].index(key)
        if target not in positions or rank < ranks[target]:
            positions[target], ranks[target] = i, rank
    return positions


def _header_fails(
    table: _Table, positions: dict[str, int], problems: list[Problem], report: MatrixReport
) -> bool:
    """Whether the header is unusable (no header, no column or a missing column)."""
    name = report.file
    if table.header is None:
        report.problems = [
            *problems,
            _file_problem(
                name, "le fichier ne contient que des séparateurs vides", _MATRIX_TODO_FORMAT
            ),
        ]
        return True
    found = ", ".join(quote(c) for c in table.header)
    if not positions:
        looks_like_data = bool(re.match(r"\s*\"?(?:\d{4,5}|2[AB]\d{3})\b", table.first_line))
        what = (
            "la première ligne ressemble à des données : le fichier n'a pas d'en-tête"
            if looks_like_data
            else f"aucune colonne reconnue dans l'en-tête (colonnes trouvées : {found})"
        )
        report.problems = [
            *problems,
            _file_problem(name, what, _MATRIX_TODO_FORMAT, row=table.header_line),
        ]
        report.rows_read = report.rows_rejected = table.n_read + (1 if looks_like_data else 0)
        return True
    missing = [c for c in MATRIX_COLUMN_ALIASES if c not in positions]
    if not missing:
        return False
    for col in missing:
        accepted = ", ".join(MATRIX_COLUMN_ALIASES[col][:6])
        report.problems.append(
            Problem(
                name,
                table.header_line,
                col,
                sentence(
                    f"colonne {quote(col)} absente de l'en-tête (colonnes trouvées : {found})",
                    f"ajoutez une colonne {quote(col)} (noms acceptés : {accepted}…)",
                ),
            )
        )
    report.problems[:0] = problems
    report.rows_read = report.rows_rejected = table.n_read
    return True


def _padding_warning(
    name: str, checks: MatrixRowChecks, padded: list[int], orig_raw: np.ndarray, codes: np.ndarray
) -> Problem | None:
    """One warning for the kept rows whose commune code got its leading zero back."""
    padded_kept = [i for i in padded if not checks.rejected[i]]
    if not padded_kept:
        return None
    i = padded_kept[0]
    return Problem(
        name,
        int(checks.line_no[i]),
        checks.col_names["origine"],
        sentence(
            f"{format_number_fr(len(padded_kept))} code(s) commune remis au format "
            f"INSEE (par exemple {quote(orig_raw[i])} lu {quote(codes[i])}) : zéro "
            "initial perdu ou « .0 » ajouté, probablement par un tableur",
            "enregistrez la colonne au format texte pour garder le zéro initial",
        ),
        "warning",
    )


def _missing_pairs_warning(name: str, missing: int, size: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        sentence(
            f"{format_number_fr(missing)} paire(s) commune–destination "
            f"sur {format_number_fr(size)} absente(s) du fichier : elles sont "
            "comptées comme inaccessibles",
            "complétez le fichier si ces trajets sont possibles",
        ),
        "warning",
    )


def _row_checks(
    table: _Table, positions: dict[str, int], file_name: str
) -> tuple[MatrixRowChecks, np.ndarray, np.ndarray, np.ndarray]:
    """Row checks started with the width check; raw origin, destination and minutes cells."""
    header, rows = table.header or [], table.rows

    def column(key: str) -> np.ndarray:
        i = positions[key]
        return np.array([r[i].strip() if i < len(r) else "" for r in rows], dtype=object)

    checks = MatrixRowChecks(
        file_name,
        np.asarray(table.starts, dtype=np.int64),
        {k: header[i].strip() for k, i in positions.items()},
    )
    checks.check_width(rows, len(header), table.sep)
    return checks, column("origine"), column("destination"), column("minutes")


def _filled_matrix(
    communes: list[str],
    dests: list[str],
    codes: np.ndarray,
    dest_ids: np.ndarray,
    minutes: np.ndarray,
) -> np.ndarray:
    """Commune × destination minutes of the kept rows (``inf`` for pairs not given)."""
    matrix = np.full((len(communes), len(dests)), np.inf)
    r = pd.Index(communes).get_indexer(codes)
    c = pd.Index(dests).get_indexer(dest_ids)
    matrix[r, c] = minutes
    return matrix


def load_time_matrix(
    source: str | bytes | os.PathLike[str],
    *,
    file_name: str,
    commune_codes: Sequence[str],
    destination_ids: Sequence[str],
    mode: str = "car",
) -> tuple[ImportedMatrixEngine | None, MatrixReport]:
    """Read a travel-time matrix supplied by the département.

    Parameters
    ----------
    source : path, str or bytes
        A path (:class:`os.PathLike`) is read from disk; ``bytes`` are the file's content
        (an uploaded file); a ``str`` is the file's text itself (or, when it is one line
        naming an existing file, that file's path).
    file_name : str
        Name used in messages and in the model description.
    commune_codes : sequence of str
        INSEE codes of the département's communes (the accepted origins).
    destination_ids : sequence of str
        Ids of the accepted destinations.
    mode : str
        Travel mode the times are for (label of the model only).

    Returns
    -------
    engine, report : ImportedMatrixEngine or None, MatrixReport
        ``engine`` is None when the file is unusable as a whole (unreadable, empty, no
        header, missing column, no valid row); the report then holds a file-level error.

    Notes
    -----
    Format: one row per pair, columns ``origine`` (INSEE code), ``destination`` (id) and
    ``minutes``; English names and usual variants are accepted
    (:data:`MATRIX_COLUMN_ALIASES`); separator ``,``, ``;`` or tab; UTF-8 with or
    without BOM, or Windows-1252; decimal comma accepted. A 4-digit commune code gets its
    lost leading zero back (one warning). Rows are rejected (one error per cause, line
    numbers with the header as line 1) for an unknown commune or destination, missing,
    non-numeric, negative or absurd (> 1 440) minutes, too many fields, or a pair already
    given (the first is kept).
    """
    report = MatrixReport(file_name)
    text, problems = _read_text(source, report)
    if text is None:
        return None, report
    table = _split_table(text, file_name)
    positions = _header_positions(table.header or [])
    if _header_fails(table, positions, problems, report):
        return None, report
    known_dest = [str(d) for d in destination_ids]
    checks, orig_raw, dest_raw, min_raw = _row_checks(table, positions, file_name)
    codes, padded = checks.check_origins(orig_raw, commune_codes)
    checks.check_destinations(dest_raw, known_dest)
    minutes = checks.check_minutes(min_raw)
    checks.check_duplicates(codes, dest_raw)
    warning = _padding_warning(file_name, checks, padded, orig_raw, codes)
    if warning is not None:
        problems.append(warning)
    kept = np.flatnonzero(~checks.rejected)
    report.rows_read, report.rows_kept = table.n_read, len(kept)
    report.rows_rejected = table.n_read - len(kept)
    if not len(kept):
        problems.append(
            _file_problem(
                file_name,
                "aucune ligne utilisable : la matrice de temps ne peut pas être importée",
                "corrigez les lignes signalées",
            )
        )
        report.problems = problems + _by_line(table.broken + checks.problems())
        return None, report
    communes = list(dict.fromkeys(map(str, commune_codes)))
    dests = list(dict.fromkeys(known_dest))
    matrix = _filled_matrix(communes, dests, codes[kept], dest_raw[kept], minutes[kept])
    report.missing_pairs = int(matrix.size - len(kept))
    if report.missing_pairs:
        problems.append(_missing_pairs_warning(file_name, report.missing_pairs, matrix.size))
    report.problems = problems + _by_line(table.broken + checks.problems())
    return ImportedMatrixEngine(communes, dests, matrix, file_name, mode), report
