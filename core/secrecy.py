"""Small-count suppression (statistical secrecy), applied before any display or export."""

from __future__ import annotations

import pandas as pd

from core.formatting import format_number_fr

#: Shown in place of a suppressed count, on screen and in exports.
SECRECY_LABEL_FR = "< seuil (secret statistique)"
SECRECY_NOTE_FR = "Les effectifs inférieurs à {threshold} sont masqués (secret statistique)."


def _as_counts(values: pd.Series) -> pd.Series:
    series = pd.Series(values)
    if pd.api.types.is_bool_dtype(series.dtype):
        raise TypeError("counts must be numeric, not booleans")
    numeric = pd.to_numeric(series, errors="raise")
    try:
        return numeric.astype("Int64")
    except (TypeError, ValueError):
        # Non-integral values (e.g. averaged estimates) keep a nullable float dtype.
        return numeric.astype("Float64")


def _check_threshold(threshold: int) -> None:
    if isinstance(threshold, bool) or int(threshold) != threshold or threshold < 0:
        raise ValueError(f"secrecy threshold must be a non-negative integer, got {threshold!r}")


def suppress(values: pd.Series, threshold: int) -> pd.Series:
    """Hide counts strictly below ``threshold``.

    Parameters
    ----------
    values : pandas.Series
        Counts (integers; NA = unknown).
    threshold : int
        ``secrecy_threshold`` of the département (e.g. 11).

    Returns
    -------
    pandas.Series
        Same index, dtype ``Int64`` (``Float64`` for non-integral input); counts below the
        threshold become NA.
    """
    _check_threshold(threshold)
    counts = _as_counts(values)
    return counts.mask(counts < threshold)


def is_suppressed(values: pd.Series, threshold: int) -> pd.Series:
    """True where a known count is hidden by :func:`suppress` (unknown counts are False)."""
    _check_threshold(threshold)
    counts = _as_counts(values)
    return (counts < threshold).fillna(False).astype(bool)


def format_count(value: object, suppressed: bool = False) -> str:
    """French text of one count: ``1 234``, :data:`SECRECY_LABEL_FR` or « inconnu »."""
    if suppressed:
        return SECRECY_LABEL_FR
    if value is None or pd.isna(value):
        return "inconnu"
    number = float(value)  # type: ignore[arg-type]
    return format_number_fr(number, 0 if number.is_integer() else 1)


def format_counts(values: pd.Series, threshold: int) -> pd.Series:
    """French texts of raw counts, with suppression applied (for tables and exports)."""
    hidden = is_suppressed(values, threshold)
    counts = suppress(values, threshold)
    return pd.Series(
        [format_count(v, bool(h)) for v, h in zip(counts, hidden, strict=True)],
        index=counts.index,
        dtype="str",
    )
