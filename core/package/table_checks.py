"""Row-level validation of one table: :class:`TableCheck` (types, domains, references)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from core.package.contracts import (
    BOOLEANS,
    DATE_RE,
    FR_DATE_RE,
    INT_RE,
    SIREN_RE,
    Column,
    FileSchema,
)
from core.package.coordinates import check_coordinates
from core.package.csv_reader import RawTable
from core.package.geo import DepartmentShape, unknown_commune_message, unknown_commune_todo
from core.package.problems import Problem, Severity, quote, sentence
from core.package.values import fold, grouping_problem, normalize_code_insee, split_multi


@dataclass(frozen=True)
class ParseContext:
    """What the per-column checks need to know about the package.

    Attributes
    ----------
    shape : DepartmentShape
        Communes and outline of the département.
    source_ids : frozenset of str
        Sources declared in ``department.toml``.
    """

    shape: DepartmentShape
    source_ids: frozenset[str]


GENERIC_HINTS: dict[str, str] = {
    "id": "utilisez seulement les caractères autorisés ({pattern}), sans espace",
    "int": "écrivez un nombre entier sans espace ni décimale",
    "year": "écrivez une année sur 4 chiffres (ex. 2024)",
    "float": "écrivez un nombre avec un point décimal, sans espace ni unité",
    "siren": "écrivez le SIREN à 9 chiffres",
    "date": "écrivez la date au format AAAA-MM-JJ (ex. 2025-05-21)",
}


def _constant(text: str) -> Callable[[int], str]:
    """A message function giving ``text`` for every row."""
    return lambda _position: text


class TableCheck:
    """Row-level validation of one table: types, domains, references, coordinates.

    Rows with an error are flagged as rejected; :meth:`kept` returns the others. Every
    check adds :class:`Problem` objects naming the file line.

    Parameters
    ----------
    raw : RawTable
        The table as read by :func:`read_csv_table`.
    schema : FileSchema
        Its contract.
    """

    def __init__(self, raw: RawTable, schema: FileSchema) -> None:
        self.file = raw.file
        self.schema = schema
        self.frame = raw.frame.copy()
        self.lines = raw.lines
        self.problems: list[Problem] = list(raw.problems)
        self.rejected = raw.rejected.copy()
        # Rows rejected for their structure: their cells are not checked (noise).
        self.structural = raw.rejected.copy()
        self.header = raw.header

    # -- bookkeeping -------------------------------------------------------------------

    @property
    def rows_read(self) -> int:
        """Number of data rows in the file."""
        return len(self.frame)

    def add(
        self,
        positions: Iterable[int] | np.ndarray,
        column: str | None,
        message: str | Callable[[int], str],
        severity: Severity = "error",
    ) -> None:
        """Record a problem for each row position; an error rejects the row."""
        for p in np.asarray(list(positions), dtype=np.int64).tolist():
            if self.structural[p]:
                continue
            text = message(p) if callable(message) else message
            self.problems.append(Problem(self.file, int(self.lines[p]), column, text, severity))
            if severity == "error":
                self.rejected[p] = True

    def live(self) -> np.ndarray:
        """Boolean mask of the rows not rejected so far."""
        return ~self.rejected

    def line_of(self, position: int) -> int:
        """File line number of a row position."""
        return int(self.lines[position])

    def kept(self) -> pd.DataFrame:
        """Rows without error, re-indexed from 0."""
        return self.frame.loc[~self.rejected].reset_index(drop=True)

    def sorted_problems(self) -> list[Problem]:
        """Problems ordered by line, then column."""
        return sorted(
            self.problems, key=lambda p: (p.row if p.row is not None else 0, p.column or "")
        )

    # -- typing ------------------------------------------------------------------------

    def parse(self, ctx: ParseContext) -> None:
        """Check and type every column of the contract."""
        for col in self.schema.columns:
            self._parse_column(col, ctx)

    def _empty(self, col: Column) -> None:
        s = self.frame[col.name]
        if col.empty == "ok" or (not col.required and col.name not in self.header):
            return
        pos = np.flatnonzero(s.isna().to_numpy())
        if not len(pos):
            return
        todo = col.hint or "renseignez cette cellule"
        if col.empty == "error":
            self.add(
                pos,
                col.name,
                sentence(
                    "cellule vide alors que la valeur est obligatoire ; la ligne est rejetée", todo
                ),
            )
        else:
            self.add(pos, col.name, sentence("cellule vide", todo), "warning")

    def _invalid(
        self,
        col: Column,
        positions: Iterable[int],
        what: Callable[[int], str],
        todo: str | None = None,
    ) -> None:
        """Report invalid values; with ``on_invalid=warning`` the cell is emptied."""
        positions = list(positions)
        if not positions:
            return
        hint = (
            todo
            or col.hint
            or GENERIC_HINTS.get(col.kind, "corrigez la valeur").format(pattern=col.pattern)
        )
        if col.on_invalid == "error":
            self.add(
                positions, col.name, lambda p: sentence(what(p) + " ; la ligne est rejetée", hint)
            )
        else:
            self.add(
                positions,
                col.name,
                lambda p: sentence(what(p) + " ; la valeur est ignorée", hint),
                "warning",
            )
            self.frame.loc[positions, col.name] = pd.NA

    def _parse_column(self, col: Column, ctx: ParseContext) -> None:
        self._empty(col)
        values = self.frame[col.name].to_numpy(dtype=object)
        present = [i for i, v in enumerate(values) if isinstance(v, str)]
        if col.kind == "text":
            return
        if col.kind == "id":
            self._parse_id(col, present, values)
        elif col.kind in ("enum", "bool"):
            self._parse_enum(col, present, values)
            if col.kind == "bool":
                out = self.frame[col.name].map({"true": True, "false": False}, na_action="ignore")
                self.frame[col.name] = out.astype("boolean")
        elif col.kind in ("int", "year"):
            self._parse_int(col, present, values)
        elif col.kind in ("float", "latitude", "longitude"):
            self._parse_float(col, present, values)
        elif col.kind == "code_insee":
            self._parse_code_insee(col, present, values, ctx)
        elif col.kind == "siren":
            bad = [i for i in present if not SIREN_RE.fullmatch(values[i])]
            self._invalid(col, bad, lambda p: f"SIREN {quote(values[p])} invalide")
        elif col.kind == "date":
            self._parse_date(col, present, values)
        elif col.kind == "source_id":
            self._parse_source_id(col, present, values, ctx)
        else:
            raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover

    def _parse_id(self, col: Column, present: list[int], values: np.ndarray) -> None:
        rx = re.compile(col.pattern or r".+")
        bad = []
        new = values.copy()
        for i in present:
            tokens = split_multi(values[i]) if col.multi else [values[i]]
            if col.multi:
                new[i] = "|".join(tokens) if tokens else None
            if any(not rx.fullmatch(t) for t in tokens):
                bad.append(i)
        if col.multi:
            self.frame[col.name] = pd.Series(new, index=self.frame.index, dtype="str")
        self._invalid(col, bad, lambda p: f"identifiant {quote(values[p])} invalide")

    def _parse_source_id(
        self, col: Column, present: list[int], values: np.ndarray, ctx: ParseContext
    ) -> None:
        bad = [i for i in present if values[i] not in ctx.source_ids]
        self._invalid(
            col,
            bad,
            lambda p: f"source {quote(values[p])} non déclarée dans department.toml",
            f"déclarez la source dans department.toml ([sources.<identifiant>]) ou "
            f"corrigez {col.name}",
        )

    def _parse_enum(self, col: Column, present: list[int], values: np.ndarray) -> None:
        domain = BOOLEANS if col.kind == "bool" else col.domain
        folded = {fold(d): d for d in domain}
        bad, fixed = [], []
        new = values.copy()
        for i in present:
            tokens = split_multi(values[i]) if col.multi else [values[i]]
            out = []
            ok = True
            for t in tokens:
                if t in domain:
                    out.append(t)
                elif fold(t) in folded:
                    out.append(folded[fold(t)])
                    fixed.append((i, t, folded[fold(t)]))
                else:
                    ok = False
            if not ok:
                bad.append(i)
            else:
                new[i] = "|".join(out)
        self.frame[col.name] = pd.Series(new, index=self.frame.index, dtype="str")
        allowed = ", ".join(domain)
        todo = (
            "écrivez true ou false ; laissez la cellule vide si c'est inconnu (jamais 0)"
            if col.kind == "bool"
            else f"utilisez une des valeurs : {allowed}"
        )
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} non reconnue", todo)
        for i, before, after in fixed:
            self.add(
                [i],
                col.name,
                sentence(
                    f"valeur {quote(before)} lue comme {quote(after)}",
                    f"écrivez exactement {quote(after)}",
                ),
                "warning",
            )

    def _parse_int(self, col: Column, present: list[int], values: np.ndarray) -> None:
        out = np.full(len(values), np.nan)
        bad, neg = [], []
        grouped = self._grouped(col, present, values, True) if col.kind == "int" else set()
        for i in present:
            v = values[i]
            if i in grouped:
                continue
            if col.kind == "year":
                if not re.fullmatch(r"\d{4}", v):
                    bad.append(i)
                    continue
            elif not INT_RE.fullmatch(v):
                bad.append(i)
                continue
            n = int(float(v))
            if col.min_value is not None and n < col.min_value:
                neg.append(i)
                continue
            out[i] = n
        what = "une année" if col.kind == "year" else "un nombre entier"
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} : {what} est attendu")
        self._invalid(
            col,
            neg,
            lambda p: f"valeur {quote(values[p])} inférieure au minimum {col.min_value:g}",
        )
        rejected_or_blank = set(bad) | set(neg) | grouped
        keep = np.array([i not in rejected_or_blank for i in range(len(values))])
        self.frame[col.name] = pd.array(np.where(keep, out, np.nan), dtype="Float64").astype(
            "Int64"
        )

    def _parse_float(self, col: Column, present: list[int], values: np.ndarray) -> None:
        out = np.full(len(values), np.nan)
        bad, comma = [], []
        grouped = self._grouped(col, present, values, integer=False)
        for i in present:
            v = values[i]
            if i in grouped:
                continue
            text = v
            if re.fullmatch(r"[+-]?\d+,\d+", v):
                text = v.replace(",", ".")
                comma.append(i)
            try:
                f = float(text)
            except ValueError:
                bad.append(i)
                continue
            if not np.isfinite(f):
                bad.append(i)
                continue
            out[i] = f
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} : un nombre est attendu")
        for i in comma:
            self.add(
                [i],
                col.name,
                sentence(
                    f"valeur {quote(values[i])} lue comme {out[i]:g} (virgule décimale)",
                    "utilisez le point comme séparateur décimal",
                ),
                "warning",
            )
        out[bad] = np.nan
        self.frame[col.name] = out

    def _grouped(
        self, col: Column, present: list[int], values: np.ndarray, integer: bool
    ) -> set[int]:
        """Report numbers with an ambiguous thousands separator (see ``grouping_problem``)."""
        found = set()
        for i in present:
            problem = grouping_problem(values[i], integer)
            if problem is not None:
                found.add(i)
                what, todo = problem
                self._invalid(col, [i], _constant(what), todo)
        return found

    def _parse_date(self, col: Column, present: list[int], values: np.ndarray) -> None:
        bad = []
        for i in present:
            v = values[i]
            m = FR_DATE_RE.fullmatch(v)
            if m:
                d, mo, y = (int(g) for g in m.groups())
                try:
                    iso = date(y, mo, d).isoformat()
                except ValueError:
                    bad.append(i)
                    continue
                self.frame.loc[i, col.name] = iso
                self.add(
                    [i],
                    col.name,
                    sentence(
                        f"date {quote(v)} lue comme {quote(iso)}",
                        "écrivez les dates au format AAAA-MM-JJ",
                    ),
                    "warning",
                )
                continue
            if not DATE_RE.fullmatch(v):
                bad.append(i)
                continue
            try:
                date.fromisoformat(v)
            except ValueError:
                bad.append(i)
        self._invalid(col, bad, lambda p: f"date {quote(values[p])} invalide")

    def _parse_code_insee(
        self, col: Column, present: list[int], values: np.ndarray, ctx: ParseContext
    ) -> None:
        bad, unknown = [], []
        for i in present:
            code, status = normalize_code_insee(values[i])
            if status == "malformed":
                bad.append(i)
                continue
            if status == "padded":
                self.add(
                    [i],
                    col.name,
                    sentence(
                        f"code {quote(values[i])} complété en {quote(code)} (zéro initial perdu)",
                        "enregistrez la colonne en texte pour garder les zéros initiaux",
                    ),
                    "warning",
                )
                self.frame.loc[i, col.name] = code
            if code not in ctx.shape.code_index:
                unknown.append((i, code))
        self._invalid(
            col,
            bad,
            lambda p: (
                f"code commune {quote(values[p])} invalide (5 caractères attendus, "
                "ex. 03185, 2A004)"
            ),
            "écrivez le code INSEE de la commune (pas le code postal), sur 5 caractères",
        )
        codes = dict(unknown)
        self._invalid(
            col,
            [i for i, _ in unknown],
            lambda p: unknown_commune_message(codes[p], ctx.shape),
            unknown_commune_todo(),
        )

    # -- cross checks ------------------------------------------------------------------

    def check_unique(self, columns: Sequence[str], what: str = "identifiant") -> None:
        """Reject the 2nd and later occurrences of a key, naming the first line."""
        live = np.flatnonzero(self.live())
        if not len(live):
            return
        sub = self.frame.loc[live, list(columns)]
        keys = list(sub.itertuples(index=False, name=None))
        first: dict[tuple[Any, ...], int] = {}
        dupes: list[tuple[int, int, tuple[Any, ...]]] = []
        for pos, key in zip(live.tolist(), keys, strict=True):
            norm = tuple(
                None if (k is pd.NA or (isinstance(k, float) and np.isnan(k))) else k for k in key
            )
            if norm in first:
                dupes.append((pos, first[norm], norm))
            else:
                first[norm] = pos
        column = columns[-1] if len(columns) == 1 else ", ".join(columns)
        for pos, orig, key in dupes:
            shown = " / ".join("" if k is None else str(k) for k in key)
            self.add(
                [pos],
                column,
                sentence(
                    f"{what} {quote(shown)} en double (déjà ligne {self.line_of(orig)}) ; "
                    "cette ligne est rejetée",
                    "supprimez le doublon ou donnez un identifiant unique à chaque ligne",
                ),
            )

    def check_in(
        self,
        column: str,
        allowed: Iterable[str],
        what: Callable[[str], str],
        todo: str,
        mask: np.ndarray | None = None,
        severity: Severity = "error",
    ) -> None:
        """Every ``|`` token of ``column`` (rows in ``mask``) must be in ``allowed``."""
        allowed = set(allowed)
        values = self.frame[column].to_numpy(dtype=object)
        rows = np.flatnonzero(self.live() if mask is None else (self.live() & mask))
        for i in rows.tolist():
            missing = [t for t in split_multi(values[i]) if t not in allowed]
            if missing:
                self.add([i], column, sentence(what(", ".join(missing)), todo), severity)

    def check_pairs_in(
        self,
        columns: tuple[str, str],
        allowed: set[tuple[str, str]],
        what: Callable[[str, str], str],
        todo: str,
        mask: np.ndarray | None = None,
    ) -> None:
        """The pair of values in ``columns`` must be in ``allowed`` (rows in ``mask``)."""
        a = self.frame[columns[0]].to_numpy(dtype=object)
        b = self.frame[columns[1]].to_numpy(dtype=object)
        rows = np.flatnonzero(self.live() if mask is None else (self.live() & mask))
        for i in rows.tolist():
            if (a[i], b[i]) not in allowed:
                self.add([i], ", ".join(columns), sentence(what(str(a[i]), str(b[i])), todo))

    def check_coordinates(self, shape: DepartmentShape, code_column: str = "code_insee") -> None:
        """Check ``latitude``/``longitude`` and settle ``precision``.

        See :func:`core.package.coordinates.check_coordinates`.
        """
        check_coordinates(self, shape, code_column)
