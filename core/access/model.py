"""Places, engine interface and the model description travelling with every result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pyproj import Transformer

#: Coordinate system of every distance computed in metropolitan France.
LAMBERT93 = "EPSG:2154"


@dataclass(frozen=True, eq=False)
class Places:
    """Points that travel times go from or to.

    Parameters
    ----------
    ids : sequence of str
        Commune codes for origins, site / point ids for destinations.
    lon, lat : array-like of float
        WGS 84 degrees.
    names : sequence of str, optional
        Labels shown in hovers and tables (default: the ids).
    """

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    names: np.ndarray = field(default=None)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        ids = np.asarray(self.ids, dtype=object)
        lon = np.asarray(self.lon, dtype=np.float64)
        lat = np.asarray(self.lat, dtype=np.float64)
        names = ids if self.names is None else np.asarray(self.names, dtype=object)
        if not (len(ids) == len(lon) == len(lat) == len(names)):
            raise ValueError("ids, lon, lat and names must have the same length")
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "names", names)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def xy(self) -> np.ndarray:
        """Lambert-93 coordinates in metres, shape ``(n, 2)``."""
        return self.projected(LAMBERT93)

    def projected(self, crs: str) -> np.ndarray:
        """Coordinates in ``crs`` (metres), shape ``(n, 2)``."""
        if crs == LAMBERT93 and "xy" in self.__dict__:
            return self.__dict__["xy"]
        t = _transformer(crs)
        x, y = t.transform(self.lon, self.lat)
        return np.column_stack([x, y]).astype(np.float64)

    def take(self, index: Sequence[int] | np.ndarray) -> Places:
        """Subset by position."""
        i = np.asarray(index, dtype=np.intp)
        return Places(self.ids[i], self.lon[i], self.lat[i], self.names[i])

    @staticmethod
    def concat(parts: Sequence[Places]) -> Places:
        """Join several sets of places, in order."""
        if not parts:
            return Places(np.array([], dtype=object), np.array([]), np.array([]))
        return Places(
            np.concatenate([p.ids for p in parts]),
            np.concatenate([p.lon for p in parts]),
            np.concatenate([p.lat for p in parts]),
            np.concatenate([p.names for p in parts]),
        )


@lru_cache(maxsize=8)
def _transformer(crs: str) -> Transformer:
    """WGS 84 → ``crs`` transformer, built once per CRS (building one costs milliseconds)."""
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


@dataclass(frozen=True)
class ModelInfo:
    """What computed a travel time, printed with every result.

    Parameters
    ----------
    engine : str
        ``"straight_line"``, ``"road"`` or ``"imported"``.
    mode : str
        ``"car"``, ``"walk"`` or ``"bike"``.
    params : dict
        Parameter values (speed, detour factor, terminal time, graph file…).
    text_fr : str
        One French sentence stating the model and its parameters, for screens and files.
    sources_fr : tuple of str
        Where the default parameters come from.
    approximate : bool
        True when the times are an approximation (always, except an imported matrix the
        département vouches for).
    """

    engine: str
    mode: str
    params: dict[str, Any]
    text_fr: str
    sources_fr: tuple[str, ...] = ()
    approximate: bool = True


@dataclass(frozen=True)
class Nearest:
    """Minutes from each origin to its nearest destination.

    ``index`` is the position of that destination in the destinations given
    (``-1`` when none is reachable, with ``minutes`` = ``inf``).
    """

    minutes: np.ndarray
    index: np.ndarray
    model: ModelInfo


@runtime_checkable
class Engine(Protocol):
    """Interface shared by the travel-time engines."""

    @property
    def model(self) -> ModelInfo: ...

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray: ...

    def nearest(self, origins: Places, destinations: Places) -> Nearest: ...


def nearest_from_matrix(m: np.ndarray, model: ModelInfo) -> Nearest:
    """Nearest destination per row of a minutes matrix (``inf`` = unreachable)."""
    n = m.shape[0]
    if m.shape[1] == 0:
        return Nearest(np.full(n, np.inf), np.full(n, -1, dtype=np.intp), model)
    idx = np.argmin(m, axis=1)
    minutes = m[np.arange(n), idx]
    idx = np.where(np.isfinite(minutes), idx, -1)
    return Nearest(minutes.astype(np.float64), idx.astype(np.intp), model)


# --------------------------------------------------------------------------------------
# Modes, defaults and their sources
# --------------------------------------------------------------------------------------
