"""Splitting CSV text into records line by line: :func:`split_records`.

The standard :mod:`csv` module parses each record, but records are delimited here, from
the physical lines, so that one broken line never hides the others:

- a quote opened and never closed (« runaway » field) would swallow every following row
  into one cell. A quoted field spanning several lines is taken as a runaway when it
  reaches the end of the file, or when one of the lines it swallows is itself a whole row
  (it parses alone, with its quotes balanced, into exactly as many fields as the header),
  or when the swallowed record does not have the header width while its last line does.
  Only the line where the quote opens is then rejected; the next lines are read again on
  their own.
- a cell longer than :data:`FIELD_LIMIT` characters rejects its row only (the :mod:`csv`
  module would stop reading the whole file).
- any other :class:`csv.Error` rejects its row only, with a French message.

Line numbers count ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac) alike, header = line 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from core.formatting import format_number_fr

#: Longest cell read (the :mod:`csv` module's default limit); a longer cell rejects its row.
FIELD_LIMIT = 131_072

_START, _FIELD, _QUOTED, _QUOTE_IN_QUOTED = range(4)

#: French translation of the messages of :class:`csv.Error`.
CSV_ERRORS_FR = {
    "field larger than field limit": "une cellule dépasse la taille maximale lue",
    "line contains nul": "la ligne contient un octet nul",
    "new-line character seen in unquoted field": (
        "un retour à la ligne se trouve dans une cellule qui n'est pas entre guillemets"
    ),
    "unexpected end of data": "le fichier se termine à l'intérieur d'une cellule entre guillemets",
}


@dataclass(frozen=True)
class Broken:
    """A record rejected while splitting the file.

    Attributes
    ----------
    index : int
        Position of the record in :attr:`Records.rows`.
    field : int or None
        0-based field (column) concerned, when known.
    what, todo : str
        French description and what to do.
    """

    index: int
    field: int | None
    what: str
    todo: str


@dataclass
class Records:
    """Header, non-blank data records, the line where each starts, and broken records."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)


def physical_lines(text: str) -> list[str]:
    """Lines of ``text`` without their endings (``\\r\\n``, ``\\n`` or ``\\r``)."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def scan(line: str, in_quotes: bool, sep: str = ",") -> tuple[bool, int | None, int]:
    """Follow the :mod:`csv` quoting rules along one physical line.

    Returns
    -------
    in_quotes, opened, fields : bool, int or None, int
        Whether the line ends inside a quoted field, the 0-based field where that
        still-open quote started (``None`` if it started on an earlier line), and the
        number of separators seen outside quotes.
    """
    if '"' not in line:
        return in_quotes, None, 0 if in_quotes else line.count(sep)
    state = _QUOTED if in_quotes else _START
    fields, opened = 0, None
    for ch in line:
        if state == _QUOTED:
            if ch == '"':
                state = _QUOTE_IN_QUOTED
        elif state == _QUOTE_IN_QUOTED and ch == '"':
            state = _QUOTED
        elif ch == sep:
            state, fields = _START, fields + 1
        elif state == _START and ch == '"':
            state, opened = _QUOTED, fields
        else:
            state = _FIELD
    return state == _QUOTED, opened if state == _QUOTED else None, fields


def longest_field(text: str, sep: str = ",") -> tuple[int, int]:
    """0-based index and length of the longest field of a record (quotes included)."""
    best, best_len, current, length = 0, 0, 0, 0
    in_quotes = False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        if ch == sep and not in_quotes:
            current, length = current + 1, 0
            continue
        length += 1
        if length > best_len:
            best, best_len = current, length
    return best, best_len


def parse_record(text: str, sep: str = ",") -> list[str]:
    """Fields of one record (may raise :class:`csv.Error`)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])


def csv_error_fr(exc: csv.Error) -> str:
    """French text of a :class:`csv.Error`."""
    raw = str(exc).lower()
    for key, text in CSV_ERRORS_FR.items():
        if key in raw:
            return text
    return "structure CSV illisible à cette ligne"


def _row_like(line: str, width: int, sep: str) -> bool:
    """A line that is, on its own, a whole record of the header width."""
    if not line.strip() or scan(line, False, sep)[0]:
        return False
    try:
        return len(parse_record(line, sep)) == width
    except csv.Error:
        return False


def _runaway(chunk: list[str], reached_end: bool, width: int, sep: str) -> bool:
    """Whether a quoted field spanning ``chunk`` swallowed whole rows."""
    if reached_end:
        return True
    if any(_row_like(line, width, sep) for line in chunk[1:-1]):
        return True
    try:
        whole = len(parse_record("\n".join(chunk), sep))
    except csv.Error:
        whole = -1
    return whole != width and _row_like(chunk[-1], width, sep)


RUNAWAY_TODO = (
    "fermez le guillemet de cette cellule, ou retirez-le (un guillemet à l'intérieur "
    "d'une cellule entre guillemets s'écrit en double : \"\")"
)
HUGE_TODO = (
    "vérifiez qu'un guillemet n'a pas été oublié ; sinon raccourcissez le texte de cette "
    "cellule (un fichier du paquet ne contient pas de long texte)"
)


class _Splitter:
    """Walks the physical lines, one record at a time, then parses the records in one pass."""

    def __init__(self, lines: list[str], sep: str) -> None:
        self.lines = lines
        self.sep = sep
        #: In file order: (start line, record text) or (start line, rejection).
        self.items: list[tuple[int, str | tuple[int | None, str, str]]] = []

    def record_at(self, i: int, width: int | None) -> tuple[list[str], int]:
        """The lines of the record starting at line ``i`` and the next line to read."""
        line = self.lines[i]
        open_, opened, _ = scan(line, False, self.sep)
        if not open_:
            return [line], i + 1
        j = i + 1
        while j < len(self.lines) and open_:
            open_ = scan(self.lines[j], True, self.sep)[0]
            j += 1
        chunk = self.lines[i:j]
        if width is not None and _runaway(chunk, open_, width, self.sep):
            self.reject(
                i,
                opened,
                "guillemet ouvrant jamais refermé : la cellule avalerait les lignes "
                "suivantes ; seule cette ligne est rejetée, les suivantes sont lues normalement",
                RUNAWAY_TODO,
            )
            return [], i + 1
        return chunk, j

    def reject(self, i: int, column: int | None, what: str, todo: str) -> None:
        self.items.append((i + 1, (column, what, todo)))

    def add(self, i: int, chunk: list[str]) -> None:
        text = "\n".join(chunk)
        if len(text) > FIELD_LIMIT:
            column, length = longest_field(text, self.sep)
            if length > FIELD_LIMIT:
                self.reject(
                    i,
                    column,
                    f"cellule de {format_number_fr(length)} caractères, plus que la taille "
                    f"maximale lue ({format_number_fr(FIELD_LIMIT)} caractères) ; la ligne "
                    "est rejetée",
                    HUGE_TODO,
                )
                return
        self.items.append((i + 1, text))

    def _parse_all(self, texts: list[str]) -> list[list[str] | csv.Error]:
        """Fields of every record: one :mod:`csv` pass, record by record on an error."""
        try:
            parsed: list[list[str] | csv.Error] = list(csv.reader(texts, delimiter=self.sep))
            if len(parsed) == len(texts):
                return parsed
        except csv.Error:
            pass
        out: list[list[str] | csv.Error] = []
        for text in texts:
            try:
                out.append(parse_record(text, self.sep))
            except csv.Error as exc:
                out.append(exc)
        return out

    def records(self, header: list[str]) -> Records:
        """Parse the collected records; blank ones are dropped, broken ones listed."""
        out = Records(header)
        texts = [item for _, item in self.items if isinstance(item, str)]
        parsed = iter(self._parse_all(texts))
        for start, item in self.items:
            fields = next(parsed) if isinstance(item, str) else None
            if isinstance(fields, csv.Error):
                item = (
                    None,
                    csv_error_fr(fields) + " ; la ligne est rejetée",
                    "vérifiez les guillemets : un champ qui contient une virgule ou un retour "
                    "à la ligne doit être entre guillemets doubles",
                )
            if isinstance(item, tuple):
                out.broken.append(Broken(len(out.rows), *item))
                row: list[str] = []
            elif isinstance(fields, list) and any(c.strip() for c in fields):
                row = fields
            else:
                continue
            out.rows.append(row)
            out.starts.append(start)
        return out


def split_records(text: str, sep: str = ",") -> Records:
    """Split CSV text into header and records, rejecting only broken lines.

    Parameters
    ----------
    text : str
        Decoded file content.
    sep : str
        Field separator.

    Returns
    -------
    Records
        Blank records (only empty cells) are skipped; a broken record is kept as an empty
        row listed in :attr:`Records.broken`, so every data row is counted.
    """
    splitter = _Splitter(physical_lines(text), sep)
    n = len(splitter.lines)
    if n == 0:
        return Records([])
    chunk, i = splitter.record_at(0, None)
    if len(chunk) > 1:
        # A header cell never spans lines: an unclosed quote there must not swallow the rows.
        chunk, i = chunk[:1], 1
    try:
        header = parse_record("\n".join(chunk), sep)
    except csv.Error:
        header = chunk[0].split(sep)
    width = len(header)
    while i < n:
        if not splitter.lines[i].strip():
            i += 1
            continue
        start = i
        chunk, i = splitter.record_at(i, width)
        if chunk:
            splitter.add(start, chunk)
    return splitter.records(header)
