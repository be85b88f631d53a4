"""French number and text formatting for hovers, tables and panels."""

from __future__ import annotations

from typing import Any

from core.formatting import fmt_float, fmt_int, is_missing  # noqa: F401 (re-exported)
from core.secrecy import SECRECY_LABEL_FR


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
