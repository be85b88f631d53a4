"""Suggestion of new sites by greedy maximal coverage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.access.model import (
    ModelInfo,
)
from core.access.params import check_threshold
from core.access.weighted_stats import weighted_mean
from core.formatting import format_short_number_fr as _num_fr

#: Minutes standing for « unreachable » in the tie-break (a drop from unreachable to
#: reachable outweighs any finite drop).
_UNREACHABLE_MIN = 1e6


@dataclass(frozen=True)
class Suggestion:
    """One suggested site, in the order chosen.

    Attributes
    ----------
    id, name : str
        Candidate id (commune code) and name.
    gain : float
        Weight newly within the threshold thanks to this site.
    covered_after : float
        Weight within the threshold once this site and the previous ones are added.
    share_after : float
        ``covered_after`` / total weight.
    mean_after : float
        Weighted mean minutes afterwards (reachable communes only).
    """

    id: str
    name: str
    gain: float
    covered_after: float
    share_after: float
    mean_after: float


@dataclass(frozen=True)
class SuggestionResult:
    """Greedy maximal-coverage suggestions.

    Attributes
    ----------
    suggestions : tuple of Suggestion
    covered_before, share_before, mean_before : float
        Weight within the threshold, its share and the weighted mean minutes with the
        current network.
    total_weight : float
    threshold : float
    weights_label : str
        What the weights are (``population``, ``bénéficiaires estimés``…).
    model : ModelInfo or None
    method_fr : str
        French description of the method.
    """

    suggestions: tuple[Suggestion, ...]
    covered_before: float
    share_before: float
    mean_before: float
    total_weight: float
    threshold: float
    weights_label: str
    model: ModelInfo | None
    method_fr: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per suggestion; ``attrs``: model, threshold, weights label, method."""
        frame = pd.DataFrame(
            [vars(s) for s in self.suggestions],
            columns=["id", "name", "gain", "covered_after", "share_after", "mean_after"],
        )
        frame.attrs.update(
            model=self.model,
            threshold=self.threshold,
            weights_label=self.weights_label,
            method_fr=self.method_fr,
            covered_before=self.covered_before,
        )
        return frame


@dataclass(frozen=True)
class Candidates:
    """Places where a new site could go, with the minutes a site there would give.

    Attributes
    ----------
    minutes : numpy.ndarray
        ``(n, c)`` minutes from each origin to a site placed at each candidate.
    ids, names : sequence of str
        One id and one name per candidate column.
    """

    minutes: np.ndarray
    ids: Sequence[str] | np.ndarray
    names: Sequence[str] | np.ndarray


def _checked_inputs(
    candidates: Candidates, current_minutes: np.ndarray, weights: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate minutes, current minutes copy, weights ≥ 0) after shape checks."""
    cm = np.asarray(candidates.minutes, dtype=float)
    cur = np.asarray(current_minutes, dtype=float).copy()
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    w = np.where(w > 0, w, 0.0)
    n = len(cur)
    if cm.ndim != 2 or cm.shape[0] != n or len(w) != n:
        raise ValueError("candidate_minutes must be (n, c) with n = len(current_minutes)")
    c = cm.shape[1]
    if len(candidates.ids) != c or len(candidates.names) != c:
        raise ValueError("one id and one name per candidate column")
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    return cm, cur, w


def _best_candidate(
    gain: np.ndarray, drop: np.ndarray, chosen: np.ndarray
) -> tuple[int, float, float]:
    """(column, gain, drop) of the best candidate not chosen yet (ties: larger drop, first)."""
    gain[chosen] = -np.inf
    best_gain = gain.max()
    tied = gain >= best_gain - 1e-9 * max(1.0, abs(best_gain))
    d = np.where(tied, drop, -np.inf)
    best_drop = d.max()
    tied &= d >= best_drop - 1e-9 * max(1.0, abs(best_drop))
    return int(np.flatnonzero(tied)[0]), float(best_gain), float(best_drop)


def suggest_sites(
    candidates: Candidates,
    current_minutes: np.ndarray,
    weights: np.ndarray,
    threshold: float,
    k: int,
    *,
    weights_label: str = "population",
    model: ModelInfo | None = None,
) -> SuggestionResult:
    """Greedy maximal coverage: add, one at a time, the site covering the most weight.

    Parameters
    ----------
    candidates : Candidates
        ``(n, c)`` minutes from each origin to a site at each candidate, ids and names.
    current_minutes : numpy.ndarray
        ``(n,)`` minutes to the nearest current destination.
    weights : numpy.ndarray
        ``(n,)`` weight of each origin (population, estimated beneficiaries; NaN = 0).
    threshold : float
        An origin is covered when its time is ``≤ threshold``.
    k : int
        Number of sites to suggest (fewer when no candidate improves anything).

    Returns
    -------
    SuggestionResult

    Notes
    -----
    Each step picks the candidate that adds the most weight newly within the threshold;
    ties are broken by the larger drop of the weighted sum of minutes (an unreachable
    origin counts as 10⁶ min), then by candidate order. A candidate improving neither
    ends the search. Greedy selection guarantees at least ``1 − 1/e`` of the best
    possible coverage with ``k`` sites; each step is one matrix–vector product.
    """
    threshold = check_threshold(threshold)
    cm, cur, w = _checked_inputs(candidates, current_minutes, weights, k)
    within = cm <= threshold
    capped = np.where(np.isfinite(cm), cm, _UNREACHABLE_MIN)
    covered = cur <= threshold
    total = float(w.sum())

    def state() -> tuple[float, float, float]:
        cov = float(w[covered].sum())
        return cov, (cov / total if total > 0 else math.nan), weighted_mean(cur, w)

    cov0, share0, mean0 = state()
    chosen = np.zeros(cm.shape[1], dtype=bool)
    out: list[Suggestion] = []
    for _ in range(min(int(k), cm.shape[1])):
        gain = (w * ~covered) @ within
        cur_capped = np.where(np.isfinite(cur), cur, _UNREACHABLE_MIN)
        drop = w @ np.maximum(cur_capped[:, None] - capped, 0.0)
        j, best_gain, best_drop = _best_candidate(gain, drop, chosen)
        if best_gain <= 0 and best_drop <= 0:
            break
        chosen[j] = True
        covered |= within[:, j]
        cur = np.minimum(cur, cm[:, j])
        out.append(
            Suggestion(
                str(candidates.ids[j]), str(candidates.names[j]), max(best_gain, 0.0), *state()
            )
        )
    return SuggestionResult(
        suggestions=tuple(out),
        covered_before=cov0,
        share_before=share0,
        mean_before=mean0,
        total_weight=total,
        threshold=threshold,
        weights_label=weights_label,
        model=model,
        method_fr=_method_fr(weights_label, threshold),
    )


def _method_fr(weights_label: str, threshold: float) -> str:
    return (
        f"Sélection gloutonne : à chaque étape, la commune candidate qui place le plus de "
        f"{weights_label} à {_num_fr(threshold)} min ou moins est retenue (à égalité, celle "
        "qui réduit le plus le temps total) ; un site hypothétique est placé au point "
        "représentatif de la commune. Ce n'est pas une optimisation exacte."
    )
