"""Travel modes' defaults and their sources, and checks of user-edited access parameters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.formatting import format_short_number_fr as _num_fr
from core.package.problems import Problem, quote, sentence


@dataclass(frozen=True)
class ModeDefaults:
    """Default parameters of one travel mode and where they come from.

    Parameters
    ----------
    label_fr : str
        French name of the mode (« Voiture »).
    speed_kmh : float
        Average speed along the way, km/h.
    detour : float
        Ratio of the network distance to the straight-line distance.
    terminal_min : float
        Minutes added to every trip (parking, walking to the door…).
    sources_fr : tuple of str
        One French sentence per parameter saying where its value comes from.
    """

    label_fr: str
    speed_kmh: float
    detour: float
    terminal_min: float
    sources_fr: tuple[str, ...]


_DETOUR_SOURCE_FR = (
    "Facteur de détour 1,343 : moyenne mesurée sur 300 villes européennes (Environment "
    "and Planning B, 2023, doi 10.1177/23998083231168870) ; environ 1,2 en zone urbaine "
    "dense (Newell, 1980), davantage sur les courts trajets ruraux."
)
_TERMINAL_SOURCE_FR = (
    "Temps terminal (stationnement, accès au guichet) : aucune source : 0 min par défaut, réglable."
)

#: Defaults of the straight-line model per mode, strictly from the documented sources.
MODES: dict[str, ModeDefaults] = {
    "car": ModeDefaults(
        "Voiture",
        58.0,
        1.343,
        0.0,
        (
            "Vitesse 58 km/h : borne basse de la vitesse moyenne en voiture hors "
            "agglomération sur route à chaussée unique selon les données routières de l'IGN "
            "(Road2 : 58 à 67 km/h ; 30 à 50 km/h en agglomération).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
    "walk": ModeDefaults(
        "Marche",
        3.6,
        1.343,
        0.0,
        (
            "Vitesse 3,6 km/h : valeur par défaut du calculateur d'itinéraires r5 (valeurs "
            "usuelles de 3,6 à 5 km/h).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
    "bike": ModeDefaults(
        "Vélo",
        12.0,
        1.343,
        0.0,
        (
            "Vitesse 12 km/h : valeur par défaut du calculateur d'itinéraires r5 (valeurs "
            "usuelles de 12 à 15 km/h).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
}

#: France Services target: every inhabitant under 30 minutes by car.
DEFAULT_THRESHOLD_MIN = 30
#: Where :data:`DEFAULT_THRESHOLD_MIN` comes from.
THRESHOLD_SOURCE_FR = (
    "Seuil de 30 min : objectif de la politique France Services, chaque habitant à moins "
    "de 30 minutes en voiture."
)

#: Allowed ranges (inclusive) of the user-settable parameters.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    "speed_kmh": (1.0, 130.0),
    "detour": (1.0, 3.0),
    "terminal_min": (0.0, 60.0),
    "threshold": (1.0, 240.0),
}
#: French names of the parameters (the ``column`` of their :class:`Problem`).
PARAM_LABELS_FR: dict[str, str] = {
    "mode": "mode de déplacement",
    "speed_kmh": "vitesse",
    "detour": "facteur de détour",
    "terminal_min": "temps terminal",
    "threshold": "seuil",
}
_PARAM_UNITS_FR = {"speed_kmh": " km/h", "detour": "", "terminal_min": " min", "threshold": " min"}
#: ``file`` of the problems found in access parameters.
PARAMS_FILE_FR = "paramètres d'accès"


def with_unit(name: str, value: float) -> str:
    return _num_fr(value) + _PARAM_UNITS_FR[name]


def validate_params(
    mode: str = "car",
    speed_kmh: float | None = None,
    detour: float | None = None,
    terminal_min: float | None = None,
    threshold: float | None = None,
) -> list[Problem]:
    """Check access parameters; ``None`` means « default » and is always valid.

    Returns
    -------
    list of Problem
        Empty when everything is valid; otherwise one French error per parameter, with
        ``file`` = :data:`PARAMS_FILE_FR`, ``column`` = the parameter's French name, the
        allowed range and what to do.
    """
    problems: list[Problem] = []
    defaults = MODES.get(mode) if isinstance(mode, str) else None
    if defaults is None:
        choices = ", ".join(f"« {k} » ({d.label_fr.lower()})" for k, d in MODES.items())
        problems.append(
            Problem(
                PARAMS_FILE_FR,
                None,
                PARAM_LABELS_FR["mode"],
                sentence(
                    f"mode de déplacement {quote(mode)} inconnu",
                    f"choisissez l'un des modes {choices}",
                ),
            )
        )
    values = {
        "speed_kmh": speed_kmh,
        "detour": detour,
        "terminal_min": terminal_min,
        "threshold": threshold,
    }
    for name, value in values.items():
        if value is None:
            continue
        lo, hi = PARAM_RANGES[name]
        label = PARAM_LABELS_FR[name]
        allowed = f"de {with_unit(name, lo)} à {with_unit(name, hi)}"
        if name == "threshold":
            default_text = with_unit(name, DEFAULT_THRESHOLD_MIN)
        elif defaults is not None:
            default_text = with_unit(name, getattr(defaults, name))
        else:
            default_text = ""
        hint = f" (valeur par défaut : {default_text})" if default_text else ""
        number: float | None
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            number = None
        else:
            number = float(value)
        if number is None or not math.isfinite(number):
            what = f"{label} {quote(value)} : ce n'est pas un nombre"
        elif not lo <= number <= hi:
            what = f"{label} {with_unit(name, number)} hors de la plage admise ({allowed})"
        else:
            continue
        problems.append(
            Problem(
                PARAMS_FILE_FR,
                None,
                label,
                sentence(what, f"saisissez une valeur {allowed}{hint}"),
            )
        )
    return problems


class AccessParamError(ValueError):
    """Invalid access parameters.

    Attributes
    ----------
    problems : list of Problem
        French errors from :func:`validate_params`.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "Paramètres d'accès invalides :\n" + "\n".join(f"- {p}" for p in self.problems)
        )


def check_threshold(threshold: float) -> float:
    """The threshold (minutes) as a float; :class:`AccessParamError` when out of range."""
    problems = validate_params("car", threshold=threshold)
    if problems:
        raise AccessParamError(problems)
    return float(threshold)
