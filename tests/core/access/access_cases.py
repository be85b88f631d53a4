"""Shared access-time cases: places at Lambert-93 offsets and a hand-computed 3 × 2 case."""

from __future__ import annotations

import math

import numpy as np
from pyproj import Transformer

from core.access.model import Places

TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
CENTRE = (700_000.0, 6_600_000.0)  # Lambert-93, near Loir-et-Cher


def l93_places(ids, dxy, names=None) -> Places:
    """Places at Lambert-93 offsets (metres) from :data:`CENTRE`."""
    xy = np.asarray(dxy, dtype=float) + np.asarray(CENTRE)
    lon, lat = TO_WGS84.transform(xy[:, 0], xy[:, 1])
    return Places(np.asarray(ids, dtype=object), lon, lat, names)


def random_places(rng: np.random.Generator, n: int, prefix: str, spread: float = 60_000.0):
    ids = [f"{prefix}{i:05d}" for i in range(n)]
    return l93_places(ids, rng.uniform(-spread, spread, size=(n, 2)))


def car_min(km: float) -> float:
    """Default car model by hand: km × 1.343 ÷ 58 km/h, in minutes."""
    return km * 1.343 / 58.0 * 60.0


# --------------------------------------------------------------------------------------
# Hand-computed case: 3 origins, 2 destinations
# --------------------------------------------------------------------------------------

# O0 at the centre, O1 at (+3 km, +4 km), O2 at (-6 km, +8 km); D0 at the centre,
# D1 at (+9 km, +12 km). Distances (km): O0→D0 0, O0→D1 15; O1→D0 5, O1→D1 10;
# O2→D0 10, O2→D1 √(15² + 4²) = √241.
ORIGINS = l93_places(["41001", "41002", "41003"], [[0, 0], [3000, 4000], [-6000, 8000]])
DESTS = l93_places(["d0", "d1"], [[0, 0], [9000, 12000]], ["Site zéro", "Site un"])
KM = np.array([[0.0, 15.0], [5.0, 10.0], [10.0, math.sqrt(241.0)]])
