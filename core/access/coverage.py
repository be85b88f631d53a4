"""Population-weighted coverage figures per unit and for the département."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.access.model import (
    ModelInfo,
)
from core.access.params import (
    DEFAULT_THRESHOLD_MIN,
    check_threshold,
)
from core.access.scenario import (
    AccessResult,
)
from core.access.weighted_stats import weighted_mean, weighted_median
from core.formatting import format_number_fr
from core.formatting import format_short_number_fr as _num_fr

# --------------------------------------------------------------------------------------
# Coverage figures
# --------------------------------------------------------------------------------------

#: French definitions of the figures of :func:`coverage_by_unit` and :func:`summary`.
DEFINITIONS_FR: dict[str, str] = {
    "origine": (
        "Chaque commune est représentée par un point (point représentatif de son "
        "territoire) : un lieu placé au même point, faute d'adresse, y est à 0 min, biais à "
        "la baisse déjà connu du distancier Metric de l'INSEE pour les trajets internes."
    ),
    "communes": "Nombre de communes.",
    "population": "Population des communes (INSEE).",
    "mean_min": (
        "Temps moyen pondéré par la population, sur les communes d'où un lieu est "
        "accessible (les communes sans lieu accessible en sont exclues et comptées à part)."
    ),
    "median_min": (
        "Temps médian pondéré par la population : la plus petite durée telle qu'au moins "
        "la moitié de la population en est à cette durée ou moins (les communes sans lieu "
        "accessible comptent comme infiniment loin)."
    ),
    "pop_beyond": "Population des communes à plus du seuil (inaccessibles comprises).",
    "share_beyond": "Part de la population à plus du seuil.",
    "communes_beyond": "Communes à plus du seuil (inaccessibles comprises).",
    "pop_unreachable": "Population des communes d'où aucun lieu n'est accessible.",
    "communes_unreachable": "Communes d'où aucun lieu n'est accessible.",
    "beneficiaries": (
        "Effectif de bénéficiaires de l'unité (vide : inconnu ou masqué par le secret statistique)."
    ),
}

COVERAGE_COLUMNS = [
    "communes",
    "population",
    "mean_min",
    "median_min",
    "pop_beyond",
    "share_beyond",
    "communes_beyond",
    "pop_unreachable",
    "communes_unreachable",
]


def _figures(minutes: np.ndarray, pop: np.ndarray, threshold: float) -> dict[str, float]:
    beyond = ~(minutes <= threshold)
    unreachable = ~np.isfinite(minutes)
    total = float(pop.sum())
    pop_beyond = float(pop[beyond].sum())
    return {
        "communes": int(len(minutes)),
        "population": total,
        "mean_min": weighted_mean(minutes, pop),
        "median_min": weighted_median(minutes, pop),
        "pop_beyond": pop_beyond,
        "share_beyond": pop_beyond / total if total > 0 else math.nan,
        "communes_beyond": int(beyond.sum()),
        "pop_unreachable": float(pop[unreachable].sum()),
        "communes_unreachable": int(unreachable.sum()),
    }


def _aligned(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    model: ModelInfo | None,
) -> tuple[pd.Series, pd.Series, np.ndarray, ModelInfo | None]:
    """Minutes (Series by commune), units and population aligned on them."""
    if isinstance(result_minutes, AccessResult):
        minutes = result_minutes.series()
        model = model or result_minutes.model
    elif isinstance(result_minutes, pd.Series):
        minutes = result_minutes.astype(float)
        model = model or result_minutes.attrs.get("model")
    else:
        arr = np.asarray(result_minutes, dtype=float)
        if len(arr) != len(units):
            raise ValueError("minutes given as an array must follow the order of units.index")
        minutes = pd.Series(arr, index=units.index)
    if not minutes.index.is_unique:
        raise ValueError("commune codes must be unique")
    unit = units.reindex(minutes.index)
    pop = population.reindex(minutes.index).astype("Float64").to_numpy(dtype=float, na_value=0.0)
    pop = np.where(pop > 0, pop, 0.0)
    return minutes, unit, pop, model


def coverage_by_unit(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    threshold: float = DEFAULT_THRESHOLD_MIN,
    *,
    beneficiaries: pd.Series | None = None,
    model: ModelInfo | None = None,
) -> pd.DataFrame:
    """Access figures per unit (territory, EPCI…), weighted by population.

    Parameters
    ----------
    result_minutes : AccessResult, pandas.Series or numpy.ndarray
        Minutes per commune: a result, a Series indexed by commune code, or an array in the
        order of ``units.index``.
    units : pandas.Series
        Index commune code → unit id (communes without a unit are left out of the rows).
    population : pandas.Series
        Index commune code → population (missing = 0).
    threshold : float
        Minutes; a commune is within when its time is ``≤ threshold``.
    beneficiaries : pandas.Series, optional
        Index unit id → count, already secrecy-suppressed (NA = unknown or hidden).
    model : ModelInfo, optional
        Taken from the result when it is an :class:`AccessResult`.

    Returns
    -------
    pandas.DataFrame
        Index ``unit``; columns :data:`COVERAGE_COLUMNS` (+ ``beneficiaries``, Float64,
        when given). ``attrs``: ``model``, ``threshold``, ``definitions_fr``, ``notes_fr``.
        Unreachable communes (``inf``) are left out of the means, count in the median as
        infinitely far, beyond the threshold and as unreachable.
    """
    threshold = check_threshold(threshold)
    minutes, unit, pop, model = _aligned(result_minutes, units, population, model)
    values = minutes.to_numpy(dtype=float)
    codes, labels = pd.factorize(unit, sort=True)
    rows = []
    for k, label in enumerate(labels):
        sel = codes == k
        rows.append({"unit": label, **_figures(values[sel], pop[sel], threshold)})
    frame = pd.DataFrame(rows, columns=["unit", *COVERAGE_COLUMNS]).set_index("unit")
    frame = frame.astype(
        {"communes": "int64", "communes_beyond": "int64", "communes_unreachable": "int64"}
    )
    if beneficiaries is not None:
        b = pd.to_numeric(beneficiaries, errors="coerce").astype("Float64")
        frame["beneficiaries"] = b.reindex(frame.index).to_numpy(dtype=object)
        frame["beneficiaries"] = frame["beneficiaries"].astype("Float64")
    notes = []
    outside = int((codes < 0).sum())
    if outside:
        notes.append(f"{outside} commune(s) sans unité de rattachement, hors du tableau.")
    frame.attrs.update(
        model=model,
        threshold=threshold,
        definitions_fr=dict(DEFINITIONS_FR),
        notes_fr=notes,
    )
    return frame


@dataclass(frozen=True)
class AccessSummary:
    """Département-level access figures and the equity figure.

    Attributes
    ----------
    figures : dict
        Same keys as :data:`COVERAGE_COLUMNS`, over every commune given.
    threshold : float
    model : ModelInfo or None
    beneficiary_mean_min : float
        ``Σ_u B_u · mean_u / Σ_u B_u`` over the units whose count ``B_u`` is known (NaN
        when none): the mean time of a beneficiary, assuming that within each unit
        beneficiaries live where the population lives.
    population_mean_min_same_units : float
        Population-weighted mean over the same units (like-for-like comparison).
    equity_gap_min : float
        ``beneficiary_mean_min − population_mean_min_same_units`` (positive: beneficiaries
        are further than the population on average).
    units_used, units_left_out : tuple of str
        Units in / out of the equity figure.
    caveat_fr : str
        French caveat printed with the equity figure.
    """

    figures: dict[str, float]
    threshold: float
    model: ModelInfo | None
    beneficiary_mean_min: float = math.nan
    population_mean_min_same_units: float = math.nan
    equity_gap_min: float = math.nan
    units_used: tuple[str, ...] = ()
    units_left_out: tuple[str, ...] = ()
    caveat_fr: str = ""

    @property
    def population_mean_min(self) -> float:
        """Population-weighted mean over every reachable commune."""
        return float(self.figures["mean_min"])

    @property
    def share_beyond(self) -> float:
        """Share of the population beyond the threshold."""
        return float(self.figures["share_beyond"])

    def lines_fr(self) -> list[str]:
        """French lines for a panel or an export (model and threshold included)."""

        def minutes_fr(v: float) -> str:
            return "—" if not math.isfinite(v) else f"{format_number_fr(v, 1)} min"

        f = self.figures
        th = _num_fr(self.threshold)
        lines = []
        if self.model is not None:
            lines.append(f"Modèle : {self.model.text_fr}.")
        lines += [
            f"Temps moyen (pondéré par la population) : {minutes_fr(f['mean_min'])}.",
            f"Temps médian (pondéré par la population) : {minutes_fr(f['median_min'])}.",
            f"Population à plus de {th} min : {format_number_fr(f['pop_beyond'])} "
            + (
                f"({format_number_fr(100 * f['share_beyond'], 1)} %)."
                if math.isfinite(f["share_beyond"])
                else "(part inconnue)."
            ),
        ]
        if f["communes_unreachable"]:
            lines.append(
                f"{f['communes_unreachable']} commune(s) sans lieu accessible "
                f"({format_number_fr(f['pop_unreachable'])} habitants)."
            )
        if math.isfinite(self.beneficiary_mean_min):
            lines.append(
                f"Temps moyen d'un bénéficiaire : {minutes_fr(self.beneficiary_mean_min)}, "
                f"contre {minutes_fr(self.population_mean_min_same_units)} pour la population "
                f"des mêmes unités (écart {format_number_fr(self.equity_gap_min, 1)} min)."
            )
        if self.caveat_fr:
            lines.append(self.caveat_fr)
        return lines


def _sort_units(
    by_unit: pd.DataFrame, beneficiaries: pd.Series
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Units (used, count hidden, no time, no commune) for the beneficiary-weighted time."""
    b = pd.to_numeric(beneficiaries, errors="coerce").astype("Float64")
    hidden: list[str] = []
    no_time: list[str] = []
    no_commune: list[str] = []
    used: list[str] = []
    for u in dict.fromkeys([*by_unit.index, *b.index]):
        count = b.get(u, pd.NA)
        if u not in by_unit.index:
            if not pd.isna(count):
                no_commune.append(u)
            continue
        if pd.isna(count):
            hidden.append(u)
        elif not math.isfinite(by_unit.at[u, "mean_min"]):
            no_time.append(u)
        else:
            used.append(u)
    return used, hidden, no_time, no_commune


def _caveat_fr(
    names: Mapping[str, str], hidden: list[str], no_time: list[str], no_commune: list[str]
) -> str:
    """The French caveat of the beneficiary-weighted time, naming the units left out."""
    caveat = (
        "Temps moyen d'un bénéficiaire : estimation qui suppose qu'au sein de chaque unité "
        "les bénéficiaires sont répartis comme la population."
    )

    def listing(ids: list[str]) -> str:
        return ", ".join(names.get(u, u) for u in ids)

    if hidden:
        caveat += (
            f" Unités non prises en compte car leur effectif est inconnu ou masqué (secret "
            f"statistique) : {listing(hidden)}."
        )
    if no_time:
        caveat += f" Unités sans temps calculable, non prises en compte : {listing(no_time)}."
    if no_commune:
        caveat += (
            f" Unités dont les communes sont inconnues, non prises en compte : "
            f"{listing(no_commune)}."
        )
    return caveat


def summary(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    threshold: float = DEFAULT_THRESHOLD_MIN,
    *,
    beneficiaries: pd.Series | None = None,
    model: ModelInfo | None = None,
    unit_names: Mapping[str, str] | None = None,
) -> AccessSummary:
    """Département-level figures and the beneficiary-weighted mean time.

    Parameters are those of :func:`coverage_by_unit`; ``unit_names`` labels the units
    named in the caveat. The département figures cover every commune of
    ``result_minutes`` (with or without a unit).
    """
    threshold = check_threshold(threshold)
    minutes, unit, pop, model = _aligned(result_minutes, units, population, model)
    figures = _figures(minutes.to_numpy(dtype=float), pop, threshold)
    result = AccessSummary(figures=figures, threshold=threshold, model=model)
    if beneficiaries is None:
        return result
    by_unit = coverage_by_unit(
        minutes, units, population, threshold, beneficiaries=beneficiaries, model=model
    )
    used, hidden, no_time, no_commune = _sort_units(by_unit, beneficiaries)
    caveat = _caveat_fr(unit_names or {}, hidden, no_time, no_commune)
    if used:
        sub = by_unit.loc[used]
        bu = sub["beneficiaries"].to_numpy(dtype=float)
        mu = sub["mean_min"].to_numpy(dtype=float)
        if bu.sum() > 0:
            ben_mean = float((bu * mu).sum() / bu.sum())
        else:
            ben_mean = math.nan
        in_units = unit.isin(used).to_numpy()
        pop_mean = weighted_mean(minutes.to_numpy(dtype=float)[in_units], pop[in_units])
    else:
        ben_mean = pop_mean = math.nan
        caveat += " Aucune unité n'a d'effectif connu : pas de temps moyen des bénéficiaires."
    return AccessSummary(
        figures=figures,
        threshold=threshold,
        model=model,
        beneficiary_mean_min=ben_mean,
        population_mean_min_same_units=pop_mean,
        equity_gap_min=ben_mean - pop_mean,
        units_used=tuple(used),
        units_left_out=tuple(hidden + no_time + no_commune),
        caveat_fr=caveat,
    )


# --------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------
