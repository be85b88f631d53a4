"""Cell value helpers: accent folding, commune code normalisation, ``|``-separated cells."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import numpy as np
import pandas as pd

from core.package.contracts import CODE_INSEE_RE


def fold(text: str) -> str:
    """Casefold and strip accents (to match ``Prévu`` with ``prevu``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_code_insee(value: str) -> tuple[str, Literal["ok", "padded", "malformed"]]:
    """Normalise a commune code.

    Parameters
    ----------
    value : str
        Code as written (already stripped).

    Returns
    -------
    code, status : str, {"ok", "padded", "malformed"}
        ``padded`` when a lost leading zero was restored (``3185`` → ``03185``, also from a
        spreadsheet float ``3185.0``); ``malformed`` when the value is not a COG code.
    """
    code = value.strip().upper()
    status: Literal["ok", "padded", "malformed"] = "ok"
    if re.fullmatch(r"\d+\.0+", code):
        code = code.split(".")[0]
        status = "padded"
    if re.fullmatch(r"\d{4}", code):
        code = "0" + code
        status = "padded"
    if re.fullmatch(r"2[AB]\d{3}", code) and value.strip() != code:
        status = "padded"
    if not CODE_INSEE_RE.fullmatch(code):
        return value, "malformed"
    return code, status


def dept_prefix(code_insee: str, dept_code: str) -> str:
    """Département prefix of a commune code, with as many characters as ``dept_code``."""
    return code_insee[: len(dept_code)]


def split_multi(value: object) -> list[str]:
    """Split a ``|``-separated cell into stripped, non-empty tokens (NA gives ``[]``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [t.strip() for t in str(value).split("|") if t.strip()]


#: Digits grouped by three with a dot or a comma: ``1.000``, ``12,500``, ``1.234.567``.
GROUPED_RE = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})+")


def grouping_problem(text: str, integer: bool) -> tuple[str, str] | None:
    """French (what, todo) when a number may be written with a thousands separator.

    The rule (documented in data/departments/README.md):

    - integer (count) columns: any ``d{1,3}([.,]ddd)+`` is refused, because ``1.000`` may
      be a thousand (separator) or one (decimal point) and ``3.337`` a count or a typo;
      the message gives both readings (« 1.000 : 1000 ou 1 ? »).
    - float columns: the point is the decimal separator of the format, so ``3.337`` is
      3.337 (coordinates need it). A comma grouping (``1,000``: one in French, a thousand
      in English) and any repeated grouping (``1.000.000``) are refused with both readings.

    Parameters
    ----------
    text : str
        Cell, stripped.
    integer : bool
        Integer (count) column rather than float column.

    Returns
    -------
    tuple of str or None
        ``None`` when the value has no ambiguous grouping.
    """
    m = GROUPED_RE.fullmatch(text)
    if m is None:
        return None
    sep = m.group(1)
    groups = text.count(sep)
    if not integer and sep == "." and groups == 1:
        return None
    thousands = text.replace(sep, "")
    if groups > 1:
        return (
            f"valeur « {text} » écrite avec des séparateurs de milliers « {sep} », "
            "ambigus avec le séparateur décimal",
            f"écrivez {thousands}, sans séparateur de milliers",
        )
    decimal = text.replace(",", ".")
    todo = f"écrivez {thousands} ou {decimal}, en chiffres seuls sans séparateur de milliers"
    if integer and re.fullmatch(r"[+-]?\d+\.0+", decimal):
        decimal = decimal.split(".")[0]
        todo = f"écrivez {thousands} ou {decimal}, en chiffres seuls sans séparateur de milliers"
    elif integer:
        todo = f"écrivez {thousands} (un nombre entier est attendu), sans séparateur de milliers"
    return (
        f"valeur « {text} » ambiguë : {thousands} ou {decimal} ? (« {sep} » peut séparer "
        "les milliers ou les décimales)",
        todo,
    )
