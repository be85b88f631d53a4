"""French number and text formatting for hovers, tables and panels."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from core.secrecy import SECRECY_LABEL_FR

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def is_missing(value: Any) -> bool:
    """True for None, NA and NaN."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value: Any) -> str:
    """12345 -> '12 345'; missing -> 'n.d.'."""
    if is_missing(value):
        return "n.d."
    return f"{int(round(float(value))):,}".replace(",", NBSP)


def fmt_float(value: Any, decimals: int = 1) -> str:
    """3.14159 -> '3,1'; missing -> 'n.d.'."""
    if is_missing(value) or (isinstance(value, float) and math.isinf(value)):
        return "n.d."
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", NBSP)


def fmt_count(value: Any, threshold: int) -> str:
    """Beneficiary count for display: hidden under the secrecy threshold."""
    if is_missing(value) or float(value) < threshold:  # NA = already suppressed
        return SECRECY_LABEL_FR
    return fmt_int(value)


def badge_text(approximate: bool = False, estimated: bool = False) -> str:
    """Short French flag appended to a figure."""
    flags = []
    if approximate:
        flags.append("périmètre approximatif")
    if estimated:
        flags.append("estimation")
    return f" ({', '.join(flags)})" if flags else ""
