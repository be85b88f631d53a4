"""Weighted mean and lower weighted median of minutes (weights: population, beneficiaries)."""

from __future__ import annotations

import math

import numpy as np


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean over finite values with positive weight; NaN when there is none."""
    v = np.asarray(values, dtype=float)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    ok = np.isfinite(v) & (w > 0)
    total = w[ok].sum()
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else math.nan


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Lower weighted median: smallest ``v`` such that the weight of values ``≤ v`` is at
    least half the total weight.

    ``inf`` values take part (they sort last); NaN values and non-positive weights are
    ignored. Returns NaN when no weight is left. With equal weights and an even count it
    returns the lower of the two middle values.
    """
    v = np.asarray(values, dtype=float)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    ok = ~np.isnan(v) & (w > 0)
    v, w = v[ok], w[ok]
    if not len(v):
        return math.nan
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    pos = int(np.searchsorted(cum, cum[-1] / 2.0, side="left"))
    return float(v[order][min(pos, len(v) - 1)])
