"""French number text, defined once for screens, exports, model texts and messages."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

NBSP = "\u202f"  # narrow no-break space, the French thousands separator
MISSING_FR = "n.d."


def is_missing(value: Any) -> bool:
    """True for None, NA and NaN."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number_fr(value: float, decimals: int = 0) -> str:
    """A number the French way: ``12345.6`` → ``12 345,6`` (narrow no-break space, comma)."""
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_short_number_fr(value: float) -> str:
    """Shortest French text of a parameter (``1.343`` → ``1,343``, ``58.0`` → ``58``)."""
    return f"{float(value):.6g}".replace(".", ",")


def fmt_int(value: Any) -> str:
    """``12345`` → ``12 345``; missing → ``n.d.``."""
    if is_missing(value):
        return MISSING_FR
    return format_number_fr(round(float(value)))


def fmt_float(value: Any, decimals: int = 1) -> str:
    """``3.14159`` → ``3,1``; missing or infinite → ``n.d.``."""
    if is_missing(value) or (isinstance(value, float) and math.isinf(value)):
        return MISSING_FR
    return format_number_fr(float(value), decimals)
