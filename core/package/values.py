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
