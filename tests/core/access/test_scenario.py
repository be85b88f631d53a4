"""What-if: hand case, differences and properties of added and removed sites."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.access.model import Places
from core.access.scenario import AccessComputation, Scenario, difference
from core.access.straight_line import StraightLineEngine
from tests.core.access.access_cases import (
    DESTS,
    ORIGINS,
    car_min,
    random_places,
)

# --------------------------------------------------------------------------------------
# What-if
# --------------------------------------------------------------------------------------


def test_what_if_hand_case() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    base = comp.evaluate()
    np.testing.assert_allclose(base.minutes, [0.0, car_min(5), car_min(10)], atol=1e-6)
    assert base.nearest_id.tolist() == ["d0", "d0", "d0"]
    # Removing d0 sends everyone to d1.
    removed = comp.evaluate(Scenario(removed=("d0",)))
    np.testing.assert_allclose(
        removed.minutes, [car_min(15), car_min(10), car_min(math.sqrt(241))], atol=1e-6
    )
    assert removed.nearest_name.tolist() == ["Site un"] * 3
    # A hypothetical site in commune 41003 (at its point) serves it in 0 min.
    added = comp.evaluate(Scenario(added=("41003",), removed=("d0",)))
    assert added.minutes[2] == pytest.approx(0.0, abs=1e-6)
    assert added.nearest_id[2] == "hypothetique:41003"
    assert added.nearest_name[2] == "Site hypothétique — 41003"
    # 41003 is 10 km from O0 (vs 15 km to d1) and √(9² + 4²) = √97 km from O1 (vs 10 km).
    assert added.hypothetical.tolist() == [True, True, True]
    assert added.minutes[1] == pytest.approx(car_min(math.sqrt(97)), abs=1e-6)
    assert added.minutes[0] == pytest.approx(car_min(10), abs=1e-6)
    diff = difference(removed, added)
    assert diff.loc["41003"] == pytest.approx(-car_min(math.sqrt(241)), abs=1e-6)
    assert diff.loc["41001"] == pytest.approx(car_min(10) - car_min(15), abs=1e-6)
    assert diff.attrs["model"] == comp.model
    assert list(added.destinations.ids) == ["d1", "hypothetique:41003"]
    with pytest.raises(ValueError):
        comp.evaluate(Scenario(removed=("nope",)))
    with pytest.raises(ValueError):
        comp.evaluate(Scenario(added=("99999",)))


def test_difference_with_unreachable() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    none = comp.evaluate(Scenario(removed=("d0", "d1")))
    assert np.isinf(none.minutes).all() and (none.index == -1).all()
    assert list(none.nearest_id) == [None, None, None]
    back = comp.evaluate()
    assert (difference(none, none) == 0).all()
    assert np.isneginf(difference(none, back)).all()
    assert np.isposinf(difference(back, none)[1:]).all()


@pytest.mark.parametrize("seed", [10, 11, 12, 13])
def test_what_if_properties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    origins = random_places(rng, 150, "c")
    dests = random_places(rng, 12, "s")
    engine = StraightLineEngine(terminal_min=float(rng.uniform(0, 10)))
    comp = AccessComputation(engine, origins, dests)
    base = comp.evaluate()
    np.testing.assert_allclose(base.minutes, engine.nearest(origins, dests).minutes, rtol=1e-9)
    assert (base.minutes >= 0).all()
    for _ in range(10):
        added = tuple(rng.choice(origins.ids, size=rng.integers(1, 4), replace=False))
        removed = tuple(rng.choice(dests.ids, size=rng.integers(1, 4), replace=False))
        with_added = comp.evaluate(Scenario(added=added))
        with_removed = comp.evaluate(Scenario(removed=removed))
        both = comp.evaluate(Scenario(added=added, removed=removed))
        assert (with_added.minutes <= base.minutes + 1e-12).all()
        assert (with_removed.minutes >= base.minutes - 1e-12).all()
        assert (both.minutes <= with_removed.minutes + 1e-12).all()
        # Same answer as recomputing from scratch on the changed network.
        kept = dests.take(np.flatnonzero(~np.isin(dests.ids, removed)))
        extra = origins.take([int(np.flatnonzero(origins.ids == a)[0]) for a in added])
        scratch = engine.nearest(origins, Places.concat([kept, extra]))
        np.testing.assert_allclose(both.minutes, scratch.minutes, rtol=1e-9, atol=1e-9)
        for r in (with_added, both):
            hyp = r.hypothetical
            assert all(str(n).startswith("Site hypothétique — ") for n in r.nearest_name[hyp])
            assert all(str(i).startswith("hypothetique:") for i in r.nearest_id[hyp])
        # Nearest names match the destination at the index.
        ok = both.index >= 0
        assert (both.destinations.ids[both.index[ok]] == both.nearest_id[ok]).all()


def test_what_if_on_a_large_departement_reuses_one_computation() -> None:
    """Scenarios answered from one cached computation equal fresh computations (the
    timing of this path is measured in ``benchmarks/access_bench.py``)."""
    rng = np.random.default_rng(3)
    origins = random_places(rng, 600, "c")
    dests = random_places(rng, 100, "s")
    comp = AccessComputation(StraightLineEngine(), origins, dests)
    comp.evaluate(Scenario(added=(origins.ids[0],)))  # candidate matrix, built once
    scenarios = [
        Scenario(added=(origins.ids[i],), removed=(dests.ids[i % 100],)) for i in range(20)
    ]
    for sc in scenarios:
        fresh = AccessComputation(StraightLineEngine(), origins, dests).evaluate(sc)
        result = comp.evaluate(sc)
        np.testing.assert_array_equal(result.minutes, fresh.minutes)
        np.testing.assert_array_equal(result.nearest_id, fresh.nearest_id)


# --------------------------------------------------------------------------------------
