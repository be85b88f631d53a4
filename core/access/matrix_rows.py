"""Row checks of an imported time matrix: width, origins, destinations, minutes, duplicates.

Each check rejects rows with one French problem per cause; problems are sorted by line,
then by check order (width, origin, destination, minutes, duplicate).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.package.problems import Problem, quote, sentence
from core.package.values import normalize_code_insee

#: Longest trip accepted in an imported matrix (minutes); beyond, the value is absurd.
MAX_IMPORTED_MINUTES = 1440.0


def parse_minutes(raw: np.ndarray) -> np.ndarray:
    """Floats from text cells (decimal comma, spaces as thousand separators); NaN if not."""
    cleaned = (
        pd.Series(raw, dtype="str")
        .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        .str.replace(",", ".", regex=False)
    )
    ok = cleaned.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").fillna(False)
    values = np.full(len(cleaned), np.nan)
    if ok.any():
        values[ok.to_numpy()] = cleaned[ok].astype(float).to_numpy()
    return values


def _minutes_problem(raw: str, value: float) -> tuple[str, str]:
    """(what, todo) for a minutes cell that is missing, not a number, negative or absurd."""
    if raw == "":
        return "durée manquante", "indiquez la durée du trajet en minutes"
    if np.isnan(value):
        return (
            f"{quote(raw)} n'est pas un nombre de minutes",
            "écrivez la durée en minutes, par exemple 12 ou 12,5",
        )
    if value < 0:
        return (
            f"durée négative ({quote(raw)})",
            "corrigez la durée : elle doit être positive ou nulle",
        )
    return (
        f"durée de {quote(raw)} minutes : plus de 24 heures, valeur absurde",
        "vérifiez l'unité (minutes, pas secondes) et corrigez la valeur",
    )


@dataclass
class MatrixRowChecks:
    """Rejected rows of a matrix file and their problems.

    Parameters
    ----------
    file_name : str
        Name used in messages.
    line_no : ndarray of int
        Line of each row in the file (the header is line 1).
    col_names : dict
        Header cell of each column (``origine``, ``destination``, ``minutes``).
    """

    file_name: str
    line_no: np.ndarray
    col_names: dict[str, str]
    rejected: np.ndarray = field(init=False)
    found: list[tuple[int, int, Problem]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.rejected = np.zeros(len(self.line_no), dtype=bool)

    def reject(self, i: int, key: str | None, what: str, todo: str, order: int) -> None:
        """Reject row ``i`` for a cause of check ``order``, on column(s) ``key``."""
        self.rejected[i] = True
        col = ", ".join(self.col_names[k] for k in key.split(", ")) if key else None
        line = int(self.line_no[i])
        self.found.append((line, order, Problem(self.file_name, line, col, sentence(what, todo))))

    def problems(self) -> list[Problem]:
        """Row problems by line, then by check order."""
        return [p for _, _, p in sorted(self.found, key=lambda t: (t[0], t[1]))]

    def check_width(self, rows: Sequence[Sequence[str]], width: int, sep: str) -> None:
        """Rows with more fields than the header (e.g. an unquoted decimal comma)."""
        hint = " (virgule décimale dans un fichier séparé par des virgules ?)" if sep == "," else ""
        for i, r in enumerate(rows):
            if len(r) > width:
                self.reject(
                    i,
                    None,
                    f"{len(r)} champs au lieu de {width}{hint}",
                    "mettez la valeur entre guillemets, utilisez le point décimal ou le "
                    "séparateur « ; »",
                    0,
                )

    def check_origins(
        self, orig_raw: np.ndarray, commune_codes: Sequence[str]
    ) -> tuple[np.ndarray, list[int]]:
        """Commune codes of the département, leading zero restored; (codes, padded rows)."""
        known = set(map(str, commune_codes))
        codes = np.empty(len(orig_raw), dtype=object)
        padded: list[int] = []
        cache: dict[str, tuple[str, str]] = {}
        for i, raw in enumerate(orig_raw):
            if raw == "":
                codes[i] = ""
                self.reject(
                    i,
                    "origine",
                    "code commune manquant",
                    "indiquez le code INSEE de la commune d'origine",
                    1,
                )
                continue
            code, status = cache.get(raw) or cache.setdefault(raw, normalize_code_insee(raw))
            codes[i] = code
            if status == "malformed":
                self.reject(
                    i,
                    "origine",
                    f"{quote(raw)} n'est pas un code commune INSEE (5 caractères)",
                    "indiquez le code INSEE de la commune (pas son code postal ni son nom)",
                    1,
                )
            elif code not in known:
                self._unknown_commune(i, raw, code)
            elif status == "padded" and code != raw:
                padded.append(i)
        return codes, padded

    def _unknown_commune(self, i: int, raw: str, code: str) -> None:
        shown = quote(raw) + (f" (lu {quote(code)})" if code != raw else "")
        self.reject(
            i,
            "origine",
            f"la commune {shown} n'est pas une commune du département",
            "vérifiez le code INSEE (code officiel géographique en vigueur, pas le code "
            "postal) ou retirez la ligne",
            1,
        )

    def check_destinations(self, dest_raw: np.ndarray, known_dest: Sequence[str]) -> None:
        """Destination ids given by the application (a close id is suggested)."""
        known_set = set(known_dest)
        suggestions: dict[str, str] = {}
        for i, raw in enumerate(dest_raw):
            if raw == "":
                self.reject(
                    i,
                    "destination",
                    "identifiant de destination manquant",
                    "indiquez l'identifiant du site ou du point",
                    2,
                )
                continue
            if raw in known_set:
                continue
            if raw not in suggestions:
                close = difflib.get_close_matches(raw, list(known_dest), n=1, cutoff=0.8)
                suggestions[raw] = (
                    f"remplacez-le par {quote(close[0])} s'il s'agit de ce lieu, ou "
                    if close
                    else ""
                )
            self.reject(
                i,
                "destination",
                f"destination {quote(raw)} inconnue : ce n'est l'identifiant d'aucun lieu retenu",
                f"{suggestions[raw]}utilisez l'identifiant du site ou du point tel qu'il figure "
                "dans le paquet départemental (colonne site_id de sites.csv ou id des points), "
                "ou retirez la ligne",
                2,
            )

    def check_minutes(self, min_raw: np.ndarray) -> np.ndarray:
        """Minutes as floats; missing, non-numeric, negative or absurd values rejected."""
        minutes = parse_minutes(min_raw)
        for i in np.flatnonzero(~(minutes >= 0) | (minutes > MAX_IMPORTED_MINUTES)):
            what, todo = _minutes_problem(min_raw[i], minutes[i])
            self.reject(int(i), "minutes", what, todo, 3)
        return minutes

    def check_duplicates(self, codes: np.ndarray, dest_raw: np.ndarray) -> None:
        """Pairs already given among otherwise valid rows: the first is kept."""
        valid = np.flatnonzero(~self.rejected)
        if not len(valid):
            return
        pairs = pd.DataFrame({"o": codes[valid], "d": dest_raw[valid]})
        dup = pairs.duplicated(keep="first").to_numpy()
        if not dup.any():
            return
        first_line = (
            pd.Series(self.line_no[valid]).groupby([pairs["o"], pairs["d"]]).transform("first")
        ).to_numpy()
        for j in np.flatnonzero(dup):
            i = int(valid[j])
            self.reject(
                i,
                "origine, destination",
                f"paire {quote(codes[i])} → {quote(dest_raw[i])} déjà donnée ligne "
                f"{int(first_line[j])} (la première est gardée)",
                "supprimez le doublon ou corrigez l'identifiant",
                4,
            )
