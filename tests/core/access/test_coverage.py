"""Coverage figures: weighted statistics, per unit and for the département."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.access.coverage import AccessSummary, coverage_by_unit, summary
from core.access.params import (
    AccessParamError,
)
from core.access.scenario import AccessComputation, Scenario
from core.access.straight_line import StraightLineEngine
from core.access.weighted_stats import weighted_mean, weighted_median
from tests.core.access.access_cases import (
    DESTS,
    ORIGINS,
)

# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def test_weighted_mean_and_median_known_values() -> None:
    assert weighted_mean(np.array([10.0, 20.0]), np.array([1.0, 3.0])) == pytest.approx(17.5)
    assert weighted_mean(np.array([10.0, np.inf]), np.array([1.0, 100.0])) == 10.0
    assert math.isnan(weighted_mean(np.array([np.inf]), np.array([1.0])))
    # cumulative weights 1, 4 (of 5): half = 2.5 reached at 20.
    assert weighted_median(np.array([20.0, 10.0]), np.array([3.0, 1.0])) == 20.0
    # equal weights, even count: the lower middle value.
    assert weighted_median(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4)) == 2.0
    assert weighted_median(np.array([5.0, 1.0, 9.0]), np.ones(3)) == 5.0
    # unreachable population counts as infinitely far.
    assert weighted_median(np.array([5.0, np.inf]), np.array([1.0, 2.0])) == np.inf
    assert weighted_median(np.array([5.0, np.inf]), np.array([2.0, 1.0])) == 5.0
    assert math.isnan(weighted_median(np.array([1.0]), np.array([0.0])))


def _hand_figures():
    minutes = pd.Series(
        [10.0, 40.0, np.inf, 20.0, 35.0],
        index=["c1", "c2", "c3", "c4", "c5"],
    )
    units = pd.Series(["A", "A", "A", "B", "B"], index=minutes.index)
    population = pd.Series([100, 300, 50, 1000, 0], index=minutes.index)
    model = StraightLineEngine().model
    return minutes, units, population, model


def test_coverage_by_unit_hand_case() -> None:
    minutes, units, population, model = _hand_figures()
    frame = coverage_by_unit(minutes, units, population, 30, model=model)
    a, b = frame.loc["A"], frame.loc["B"]
    assert a["communes"] == 3 and a["population"] == 450
    assert a["mean_min"] == pytest.approx((10 * 100 + 40 * 300) / 400)  # inf excluded
    assert a["median_min"] == 40.0  # half of 450 = 225: 100 ≤ 10 min, 400 ≤ 40 min
    assert a["pop_beyond"] == 350 and a["share_beyond"] == pytest.approx(350 / 450)
    assert a["communes_beyond"] == 2
    assert a["pop_unreachable"] == 50 and a["communes_unreachable"] == 1
    assert b["mean_min"] == 20.0 and b["pop_beyond"] == 0 and b["communes_beyond"] == 1
    assert frame.attrs["model"] == model and frame.attrs["threshold"] == 30.0
    assert "median_min" in frame.attrs["definitions_fr"]
    with pytest.raises(AccessParamError):
        coverage_by_unit(minutes, units, population, 0)


def test_summary_equity_figure_and_caveat() -> None:
    minutes, units, population, model = _hand_figures()
    units = pd.concat([units, pd.Series(["C"], index=["c6"])])
    minutes = pd.concat([minutes, pd.Series([5.0], index=["c6"])])
    population = pd.concat([population, pd.Series([10], index=["c6"])])
    beneficiaries = pd.Series([40, 10, pd.NA, 99], index=["A", "B", "C", "D"], dtype="Int64")
    s = summary(
        minutes,
        units,
        population,
        30,
        beneficiaries=beneficiaries,
        model=model,
        unit_names={"C": "Territoire C", "D": "Territoire D"},
    )
    assert isinstance(s, AccessSummary) and s.model == model and s.threshold == 30.0
    mean_a, mean_b = (10 * 100 + 40 * 300) / 400, 20.0
    assert s.beneficiary_mean_min == pytest.approx((40 * mean_a + 10 * mean_b) / 50)
    same_units = (10 * 100 + 40 * 300 + 20 * 1000) / 1400
    assert s.population_mean_min_same_units == pytest.approx(same_units)
    assert s.equity_gap_min == pytest.approx(s.beneficiary_mean_min - same_units)
    all_pop = (10 * 100 + 40 * 300 + 20 * 1000 + 5 * 10) / 1410
    assert s.population_mean_min == pytest.approx(all_pop)
    assert s.units_used == ("A", "B") and s.units_left_out == ("C", "D")
    assert "répartis comme la population" in s.caveat_fr
    assert "inconnu ou masqué (secret statistique) : Territoire C" in s.caveat_fr
    assert "Territoire D" in s.caveat_fr
    assert s.figures["pop_unreachable"] == 50 and s.figures["communes"] == 6
    lines = s.lines_fr()
    assert lines[0] == f"Modèle : {model.text_fr}."
    assert any("plus de 30 min" in line for line in lines)
    plain = summary(minutes, units, population, 30, model=model)
    assert math.isnan(plain.beneficiary_mean_min) and plain.caveat_fr == ""


def test_figures_from_an_access_result_carry_its_model() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    result = comp.evaluate()
    units = pd.Series(["U", "U", "V"], index=ORIGINS.ids)
    pop = pd.Series([10, 20, 30], index=ORIGINS.ids)
    frame = coverage_by_unit(result, units, pop, 10)
    assert frame.attrs["model"] is result.model and frame.attrs["threshold"] == 10.0
    assert frame.loc["V", "communes_beyond"] == 1  # 10 km by car > 10 min
    assert summary(result, units, pop, 10).model is result.model
    table = result.to_frame()
    assert table.attrs["model"] is result.model and table.attrs["scenario"] == Scenario()


# --------------------------------------------------------------------------------------
