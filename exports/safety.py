"""Export safety rules: safe file names, formula-injection protection, secrecy re-check.

Every writer of :mod:`exports` goes through these helpers, so the rules live in one place:

* file names are ASCII slugs (no path separator, no dot-dot, bounded length);
* text cells of CSV and XLSX files that a spreadsheet would read as a formula (starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``;
  numbers stay numbers;
* beneficiary counts below the département's secrecy threshold are checked again right
  before anything is written: a count that slipped through stops the export.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

#: Characters that make a spreadsheet cell a formula (OWASP « CSV injection »).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Longest file name stem produced by :func:`safe_filename` (extension excluded).
MAX_STEM = 96


class ExportError(ValueError):
    """An export that cannot be made; the message is French and says what to do."""


class SecrecyError(ExportError):
    """A beneficiary count below the secrecy threshold reached a writer."""


def slug(text: object, max_length: int = MAX_STEM) -> str:
    """ASCII slug of ``text``: lower case, accents removed, ``-`` between words."""
    normal = unicodedata.normalize("NFKD", str(text))
    ascii_text = normal.encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return out[:max_length].strip("-")


def safe_filename(*parts: object, ext: str = "", max_length: int = MAX_STEM) -> str:
    """A file name made of slugged ``parts`` joined by ``_`` (never empty, never a path).

    Parameters
    ----------
    *parts
        Pieces of the name (département code, scheme, territory…); empty ones are dropped.
    ext
        Extension without the dot (``csv``); slugged too.
    max_length
        Longest stem; the extension is added after.
    """
    pieces = [s for s in (slug(p, max_length) for p in parts if p is not None) if s]
    stem = "_".join(pieces)[:max_length].strip("-_") or "export"
    suffix = slug(ext, 10).replace("-", "")
    return f"{stem}.{suffix}" if suffix else stem


def protect_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def protect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells are protected; numeric columns are unchanged."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        out[col] = series.map(lambda v: protect_text(v) if isinstance(v, str) else v).astype(
            series.dtype if pd.api.types.is_string_dtype(series.dtype) else object
        )
    out.columns = [protect_text(str(c)) for c in out.columns]
    return out


def check_counts(values: Iterable, threshold: int, what: str) -> None:
    """Raise :class:`SecrecyError` if a known count in ``values`` is below ``threshold``."""
    numeric = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce")
    low = numeric[numeric.notna() & (numeric < threshold)]
    if not low.empty:
        raise SecrecyError(
            f"Export interrompu : {len(low)} effectif(s) inférieur(s) au seuil de secret "
            f"statistique ({threshold}) dans {what}. Rien n'a été écrit ; signalez ce "
            "problème (les effectifs doivent être masqués avant l'export)."
        )


def check_beneficiary_frame(frame: pd.DataFrame, threshold: int, what: str) -> None:
    """Counts of a beneficiary table (``count``/``beneficiaries`` columns) are not below
    the threshold; the rates derived from a hidden count must be hidden too."""
    for col in ("count", "beneficiaries"):
        if col in frame.columns:
            check_counts(frame[col], threshold, what)
    if {"count", "per_1000"} <= set(frame.columns):
        leaked = frame["count"].isna() & frame["per_1000"].notna()
        if bool(leaked.any()):
            raise SecrecyError(
                f"Export interrompu : un taux est donné pour un effectif masqué dans {what}. "
                "Rien n'a été écrit."
            )
