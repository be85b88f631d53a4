"""Straight-line engine: distance à vol d'oiseau × detour ÷ speed + terminal time."""

from __future__ import annotations

from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from core.access.model import (
    ModelInfo,
    Nearest,
    Places,
)
from core.access.params import (
    MODES,
    PARAM_LABELS_FR,
    AccessParamError,
    validate_params,
    with_unit,
)
from core.formatting import format_short_number_fr as _num_fr

# --------------------------------------------------------------------------------------
# Straight-line engine
# --------------------------------------------------------------------------------------

#: Cells computed at once by :meth:`StraightLineEngine.matrix` (bounds temporary memory).
_CHUNK_CELLS = 4_000_000


def _finite_xy(places: Places) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 coordinates and the mask of places whose coordinates are finite."""
    xy = places.xy
    ok = np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, dtype=bool)
    return xy, ok


class StraightLineEngine:
    """Minutes = straight-line distance (Lambert-93) × detour ÷ speed + terminal time.

    Parameters
    ----------
    mode : {"car", "walk", "bike"}
    speed_kmh, detour, terminal_min : float, optional
        ``None`` takes the mode default from :data:`MODES`.

    Raises
    ------
    AccessParamError
        When a parameter is out of :data:`PARAM_RANGES` or the mode is unknown.

    Notes
    -----
    The time is a monotone function of the distance, so the nearest destination in time
    is the nearest in distance: :meth:`nearest` queries a k-d tree, exactly, in
    ``O((n + m) log m)`` time and ``O(n + m)`` memory. Places whose coordinates are not
    finite are unreachable (``inf``).
    """

    engine_name = "straight_line"

    def __init__(
        self,
        mode: str = "car",
        speed_kmh: float | None = None,
        detour: float | None = None,
        terminal_min: float | None = None,
    ) -> None:
        problems = validate_params(mode, speed_kmh, detour, terminal_min)
        if problems:
            raise AccessParamError(problems)
        d = MODES[mode]
        self.mode = mode
        self.speed_kmh = float(d.speed_kmh if speed_kmh is None else speed_kmh)
        self.detour = float(d.detour if detour is None else detour)
        self.terminal_min = float(d.terminal_min if terminal_min is None else terminal_min)

    @property
    def minutes_per_metre(self) -> float:
        """Minutes per metre of straight line (detour included)."""
        return self.detour / (self.speed_kmh * 1000.0 / 60.0)

    @cached_property
    def model(self) -> ModelInfo:
        """Model description: engine, parameters, French sentence, sources."""
        d = MODES[self.mode]
        text = (
            f"{d.label_fr} : distance à vol d'oiseau × {_num_fr(self.detour)} ÷ "
            f"{_num_fr(self.speed_kmh)} km/h + {_num_fr(self.terminal_min)} min (estimation)"
        )
        changed = [
            f"{PARAM_LABELS_FR[k]} {with_unit(k, v)} au lieu de {with_unit(k, getattr(d, k))}"
            for k, v in (
                ("speed_kmh", self.speed_kmh),
                ("detour", self.detour),
                ("terminal_min", self.terminal_min),
            )
            if v != getattr(d, k)
        ]
        sources = d.sources_fr
        if changed:
            sources = (
                *sources,
                "Paramètres modifiés par l'utilisateur : " + ", ".join(changed) + ".",
            )
        return ModelInfo(
            engine=self.engine_name,
            mode=self.mode,
            params={
                "speed_kmh": self.speed_kmh,
                "detour": self.detour,
                "terminal_min": self.terminal_min,
            },
            text_fr=text,
            sources_fr=sources,
            approximate=True,
        )

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        """Minutes from every origin to every destination, ``(n, m)`` float64.

        Computed by blocks of origins so that temporaries stay small; the result itself
        takes ``8 × n × m`` bytes (use :meth:`nearest` for large sets).
        """
        oxy, ook = _finite_xy(origins)
        dxy, dok = _finite_xy(destinations)
        n, m = len(oxy), len(dxy)
        out = np.empty((n, m), dtype=np.float64)
        if n == 0 or m == 0:
            return out
        k = self.minutes_per_metre
        step = max(1, _CHUNK_CELLS // m)
        dsafe = np.where(dok[:, None], dxy, 0.0)
        for start in range(0, n, step):
            stop = min(n, start + step)
            osafe = np.where(ook[start:stop, None], oxy[start:stop], 0.0)
            block = out[start:stop]
            block[:] = cdist(osafe, dsafe)
            block *= k
            block += self.terminal_min
        if not (ook.all() and dok.all()):
            out[~ook, :] = np.inf
            out[:, ~dok] = np.inf
        return out

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        """Nearest destination of every origin, exactly, with a k-d tree."""
        oxy, ook = _finite_xy(origins)
        dxy, dok = _finite_xy(destinations)
        n = len(oxy)
        minutes = np.full(n, np.inf)
        index = np.full(n, -1, dtype=np.intp)
        if n and dok.any() and ook.any():
            kept = np.flatnonzero(dok)
            tree = cKDTree(dxy[kept])
            dist, pos = tree.query(oxy[ook], k=1)
            minutes[ook] = dist * self.minutes_per_metre + self.terminal_min
            index[ook] = kept[pos]
        return Nearest(minutes, index, self.model)


# --------------------------------------------------------------------------------------
# Imported matrix
# --------------------------------------------------------------------------------------
