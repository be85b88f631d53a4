"""Access parameter checks with French messages."""

from __future__ import annotations

import pytest

from core.access.params import (
    AccessParamError,
    validate_params,
)
from core.access.straight_line import StraightLineEngine

# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


def test_validate_params_accepts_defaults_and_bounds() -> None:
    assert validate_params("car") == []
    assert validate_params("walk", 1, 1.0, 0, 1) == []
    assert validate_params("bike", 130, 3.0, 60, 240) == []


def test_validate_params_speed_out_of_range() -> None:
    (p,) = validate_params("car", speed_kmh=200)
    assert p.file == "paramètres d'accès" and p.column == "vitesse" and p.severity == "error"
    assert "200 km/h" in p.message and "de 1 km/h à 130 km/h" in p.message
    assert "À faire :" in p.message and "58 km/h" in p.message
    assert str(p).startswith("paramètres d'accès, colonne « vitesse » : ")


def test_validate_params_unknown_mode_and_others() -> None:
    problems = validate_params("avion", detour=0.5, terminal_min=-1, threshold=0)
    assert [p.column for p in problems] == [
        "mode de déplacement",
        "facteur de détour",
        "temps terminal",
        "seuil",
    ]
    assert "« avion » inconnu" in problems[0].message
    assert "« car » (voiture)" in problems[0].message
    assert "de 1 à 3" in problems[1].message
    assert "de 0 min à 60 min" in problems[2].message
    assert "de 1 min à 240 min" in problems[3].message and "30 min" in problems[3].message
    (nan,) = validate_params("car", speed_kmh=float("nan"))
    assert "n'est pas un nombre" in nan.message
    (text,) = validate_params("car", detour="beaucoup")  # type: ignore[arg-type]
    assert "« beaucoup »" in text.message


def test_invalid_engine_raises_french_error() -> None:
    with pytest.raises(AccessParamError) as info:
        StraightLineEngine("car", speed_kmh=0)
    assert [p.column for p in info.value.problems] == ["vitesse"]
    assert "Paramètres d'accès invalides" in str(info.value)
    assert "colonne « vitesse »" in str(info.value)
    with pytest.raises(AccessParamError):
        StraightLineEngine("train")
