"""Validation findings in French: :class:`Problem`, message helpers, file and package reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from core.formatting import format_number_fr

Severity = Literal["error", "warning"]

#: Where package authors find the documentation of every file and column.
README_HINT = "voir data/departments/README.md"


@dataclass(frozen=True)
class Problem:
    """One validation finding, shown to package authors in French.

    Parameters
    ----------
    file : str
        File name (``sites.csv``) or GeoPackage layer (``41.gpkg (couche communes)``).
    row : int or None
        Line number in the file, header = line 1 (feature number for a layer).
    column : str or None
        Column concerned; several columns are joined by ``", "``.
    message : str
        French sentence saying what is wrong and, after « À faire : », what to do.
    severity : {"error", "warning"}
        An error rejects the row (or the file); a warning keeps it.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            word = "entité" if ".gpkg" in self.file else "ligne"
            parts.append(f"{word} {self.row}")
        if self.column:
            cols = [c.strip() for c in self.column.split(",") if c.strip()]
            if len(cols) == 1:
                parts.append(f"colonne « {cols[0]} »")
            else:
                quoted = [f"« {c} »" for c in cols]
                parts.append("colonnes " + ", ".join(quoted[:-1]) + " et " + quoted[-1])
        return ", ".join(parts) + " : " + self.message

    @property
    def severity_fr(self) -> str:
        """French label of the severity (« erreur » or « avertissement »)."""
        return "erreur" if self.severity == "error" else "avertissement"


def quote(value: object, limit: int = 60) -> str:
    """Quote a cell value for a French message, shortening long values."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"


def sentence(what: str, todo: str) -> str:
    """Build a message « <what>. À faire : <todo>. » with clean punctuation."""
    what = what.strip().rstrip(".")
    todo = todo.strip().rstrip(".")
    return f"{what}. À faire : {todo}."


class TableUnreadable(Exception):
    """A CSV file (or GeoPackage layer) that cannot be used at all.

    Attributes
    ----------
    problems : list of Problem
        Why, in French.
    rows_read : int
        Data rows found before giving up (all rejected).
    """

    def __init__(self, problems: Sequence[Problem], rows_read: int = 0) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)
        self.rows_read = rows_read

    @classmethod
    def about(
        cls,
        file: str,
        row: int | None,
        column: str | None,
        what: str,
        todo: str,
        rows_read: int = 0,
    ) -> TableUnreadable:
        """The file is unusable for one reason: « <what>. À faire : <todo>. »."""
        return cls([Problem(file, row, column, sentence(what, todo))], rows_read=rows_read)


def fatal_problem(file: str, what: str, todo: str, column: str | None = None) -> Problem:
    """An error about a whole file (no line): « <what>. À faire : <todo>. »."""
    return Problem(file, None, column, sentence(what, todo))


class _BySeverity:
    """``errors`` (rejected rows or files) and ``warnings`` (rows kept) of ``problems``."""

    def _all(self) -> list[Problem]:
        """Every problem (``problems`` of the subclass, a field or a property)."""
        raise NotImplementedError

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._all() if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._all() if p.severity == "warning"]


@dataclass
class FileReport(_BySeverity):
    """Validation outcome of one file or GeoPackage layer.

    Attributes
    ----------
    file : str
        File name (``sites.csv``) or layer label (``41.gpkg (couche communes)``).
    rows_read, rows_kept, rows_rejected : int
        Data rows; always ``rows_read == rows_kept + rows_rejected``.
    problems : list of Problem
        Ordered by line.
    present : bool
        False for an optional file that is absent (the layer is then empty).
    """

    file: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    present: bool = True

    def _all(self) -> list[Problem]:
        return self.problems

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_kept + self.rows_rejected:
            raise ValueError(
                f"{self.file}: rows_read {self.rows_read} != kept {self.rows_kept} "
                f"+ rejected {self.rows_rejected}"
            )


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    word = singular if n <= 1 else (plural or singular + "s")
    return format_number_fr(n) + " " + word


@dataclass
class LoadReport(_BySeverity):
    """Validation outcome of a whole package (« Qualité des données » panel)."""

    files: list[FileReport]

    @property
    def problems(self) -> list[Problem]:
        """All problems, file by file."""
        return [p for f in self.files for p in f.problems]

    def _all(self) -> list[Problem]:
        return self.problems

    def file(self, name: str) -> FileReport:
        """Report of one file, by name (``KeyError`` if absent)."""
        for f in self.files:
            if f.file == name:
                return f
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """Problems as a table: file, row, column, severity, message, text (French)."""
        rows = [
            {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "severity": p.severity,
                "message": p.message,
                "text": str(p),
            }
            for p in self.problems
        ]
        frame = pd.DataFrame(rows, columns=["file", "row", "column", "severity", "message", "text"])
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary_fr(self) -> str:
        """One French sentence, e.g. « 12 fichiers ou couches contrôlés : 1 234 lignes… »."""
        present = [f for f in self.files if f.present]
        read = sum(f.rows_read for f in present)
        kept = sum(f.rows_kept for f in present)
        rejected = sum(f.rows_rejected for f in present)
        n_err, n_warn = len(self.errors), len(self.warnings)
        text = (
            f"{_plural(len(present), 'fichier ou couche', 'fichiers ou couches')} contrôlé"
            f"{'s' if len(present) > 1 else ''} : {_plural(read, 'ligne lue', 'lignes lues')}, "
            f"{_plural(kept, 'conservée')}, {_plural(rejected, 'rejetée')}"
        )
        if n_err or n_warn:
            text += f" ; {_plural(n_err, 'erreur')}, {_plural(n_warn, 'avertissement')}."
        else:
            text += " ; aucune anomalie."
        return text


class PackageError(Exception):
    """A package that cannot be loaded at all.

    Attributes
    ----------
    problems : list of Problem
        The fatal problems (French), each saying what to do.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "Paquet départemental inutilisable :\n" + "\n".join(f"- {p}" for p in self.problems)
        )
