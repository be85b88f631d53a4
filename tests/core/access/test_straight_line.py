"""Straight-line engine: golden minutes, model text, mode defaults and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.access import straight_line
from core.access.model import Engine, Places
from core.access.params import (
    DEFAULT_THRESHOLD_MIN,
    MODES,
    PARAM_RANGES,
)
from core.access.straight_line import StraightLineEngine
from tests.core.access.access_cases import (
    DESTS,
    KM,
    ORIGINS,
    car_min,
    random_places,
)


def test_golden_default_car_minutes() -> None:
    engine = StraightLineEngine()
    m = engine.matrix(ORIGINS, DESTS)
    expected = np.array(
        [
            [0.0, 15.0 * 1.343 / 58 * 60],
            [5.0 * 1.343 / 58 * 60, 10.0 * 1.343 / 58 * 60],
            [10.0 * 1.343 / 58 * 60, math.sqrt(241.0) * 1.343 / 58 * 60],
        ]
    )
    np.testing.assert_allclose(m, expected, rtol=1e-9, atol=1e-6)
    assert m[1, 0] == pytest.approx(6.946551724, abs=1e-6)  # 5 km: 5 × 1.343 / 58 × 60
    near = engine.nearest(ORIGINS, DESTS)
    np.testing.assert_allclose(near.minutes, [0.0, car_min(5), car_min(10)], atol=1e-6)
    assert near.index.tolist() == [0, 0, 0]
    assert near.model == engine.model


def test_golden_custom_parameters() -> None:
    engine = StraightLineEngine("walk", speed_kmh=4.0, detour=1.5, terminal_min=2.0)
    m = engine.matrix(ORIGINS, DESTS)
    # 10 km × 1.5 ÷ 4 km/h = 3.75 h = 225 min, + 2 min.
    assert m[1, 1] == pytest.approx(10 * 1.5 / 4 * 60 + 2, abs=1e-6)
    assert m[0, 0] == pytest.approx(2.0)
    np.testing.assert_allclose(m, KM * 1.5 / 4 * 60 + 2, rtol=1e-9, atol=1e-6)
    text = engine.model.text_fr
    assert text == "Marche : distance à vol d'oiseau × 1,5 ÷ 4 km/h + 2 min (estimation)"
    assert engine.model.params == {"speed_kmh": 4.0, "detour": 1.5, "terminal_min": 2.0}
    assert any(
        "modifiés" in s and "vitesse 4 km/h au lieu de 3,6 km/h" in s
        for s in engine.model.sources_fr
    )


def test_model_text_with_french_decimal_commas() -> None:
    model = StraightLineEngine().model
    assert model.text_fr == (
        "Voiture : distance à vol d'oiseau × 1,343 ÷ 58 km/h + 0 min (estimation)"
    )
    assert model.engine == "straight_line" and model.mode == "car" and model.approximate
    assert model.params == {"speed_kmh": 58.0, "detour": 1.343, "terminal_min": 0.0}
    assert not any("modifiés" in s for s in model.sources_fr)
    assert StraightLineEngine("bike").model.text_fr.startswith("Vélo : ")
    assert "÷ 3,6 km/h" in StraightLineEngine("walk").model.text_fr
    assert isinstance(StraightLineEngine(), Engine)


def test_mode_defaults_follow_the_sources() -> None:
    assert set(MODES) == {"car", "walk", "bike"}
    assert (MODES["car"].speed_kmh, MODES["walk"].speed_kmh, MODES["bike"].speed_kmh) == (
        58.0,
        3.6,
        12.0,
    )
    assert all(m.detour == 1.343 and m.terminal_min == 0.0 for m in MODES.values())
    assert DEFAULT_THRESHOLD_MIN == 30
    for mode in MODES.values():
        text = " ".join(mode.sources_fr)
        assert "10.1177/23998083231168870" in text and "Newell" in text
        assert "aucune source : 0 min par défaut, réglable" in text
    assert "58 à 67 km/h" in " ".join(MODES["car"].sources_fr)
    assert "r5" in " ".join(MODES["walk"].sources_fr)
    assert "12 à 15 km/h" in " ".join(MODES["bike"].sources_fr)
    assert PARAM_RANGES == {
        "speed_kmh": (1.0, 130.0),
        "detour": (1.0, 3.0),
        "terminal_min": (0.0, 60.0),
        "threshold": (1.0, 240.0),
    }


# --------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------
# Straight-line engine: properties
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kdtree_nearest_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    origins = random_places(rng, 400, "o")
    dests = random_places(rng, 37, "d")
    engine = StraightLineEngine("bike", terminal_min=3)
    near = engine.nearest(origins, dests)
    d2 = ((origins.xy[:, None, :] - dests.xy[None, :, :]) ** 2).sum(axis=2)
    brute_idx = d2.argmin(axis=1)
    brute_min = np.sqrt(d2.min(axis=1)) * 1.343 / (12 * 1000 / 60) + 3
    assert near.index.tolist() == brute_idx.tolist()
    np.testing.assert_allclose(near.minutes, brute_min, rtol=1e-9)
    m = engine.matrix(origins, dests)
    np.testing.assert_allclose(near.minutes, m.min(axis=1), rtol=1e-9)
    assert (m >= 3).all() and (near.minutes >= 0).all()


def test_matrix_by_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    origins, dests = random_places(rng, 101, "o"), random_places(rng, 7, "d")
    whole = StraightLineEngine().matrix(origins, dests)
    monkeypatch.setattr(straight_line, "_CHUNK_CELLS", 10)
    blocks = StraightLineEngine().matrix(origins, dests)
    np.testing.assert_array_equal(whole, blocks)


def test_missing_coordinates_and_empty_destinations() -> None:
    origins = Places(["a", "b"], [1.3, np.nan], [47.6, np.nan])
    dests = Places(["x", "y"], [np.nan, 1.35], [np.nan, 47.6])
    engine = StraightLineEngine()
    m = engine.matrix(origins, dests)
    assert np.isinf(m[:, 0]).all() and np.isinf(m[1]).all() and np.isfinite(m[0, 1])
    near = engine.nearest(origins, dests)
    assert near.index.tolist() == [1, -1] and np.isinf(near.minutes[1])
    none = engine.nearest(origins, Places([], [], []))
    assert none.index.tolist() == [-1, -1] and np.isinf(none.minutes).all()
    assert engine.matrix(origins, Places([], [], [])).shape == (2, 0)
