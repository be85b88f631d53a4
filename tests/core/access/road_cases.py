"""Shared road-graph helpers: places at graph coordinates, constants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from core.access.model import Places
from core.access.road_graph import (
    RoadGraph,
    RoadNetworkError,
)

ROOT = Path(__file__).resolve().parents[3]
L93 = "EPSG:2154"
M_PER_MIN_25 = 25_000 / 60  # connector speed, metres per minute


def lonlat_of(crs: str, x, y) -> tuple[np.ndarray, np.ndarray]:
    t = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = t.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def places_at(graph: RoadGraph, x, y, prefix: str) -> Places:
    lon, lat = lonlat_of(graph.crs, x, y)
    return Places([f"{prefix}{i}" for i in range(len(lon))], lon, lat)


def random_places(graph: RoadGraph, n: int, seed: int, prefix: str) -> Places:
    """Points spread over the graph's bounding box (off the nodes)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(graph.x.min(), graph.x.max(), n)
    y = rng.uniform(graph.y.min(), graph.y.max(), n)
    return places_at(graph, x, y, prefix)


# --------------------------------------------------------------------------------------


def error_message(exc: pytest.ExceptionInfo[RoadNetworkError]) -> str:
    """The French message of a road error, checking every problem is an error."""
    problems = exc.value.problems
    assert problems and all(p.severity == "error" for p in problems)
    return str(exc.value)
