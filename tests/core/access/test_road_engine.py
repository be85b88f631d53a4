"""Road engine: properties on a real graph, golden values and one-way streets on
hand-built graphs."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from core.access.model import Engine, Places, nearest_from_matrix
from core.access.road_engine import RoadEngine, RoadNearest, multi_source_minutes, node_matrix
from core.access.road_graph import (
    CAR_SPEEDS_KMH,
    OSRM_SPEED_FACTOR,
    RoadGraph,
)
from tests.core.access.road_cases import (
    L93,
    M_PER_MIN_25,
    places_at,
    random_places,
)

# --------------------------------------------------------------------------------------
# Engine properties on the real graph
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(helsinki: RoadGraph) -> RoadEngine:
    return RoadEngine(helsinki)


def test_engine_interface_and_model(engine: RoadEngine) -> None:
    assert isinstance(engine, Engine)
    m = engine.model
    assert (m.engine, m.mode, m.approximate) == ("road", "car", True)
    assert m.text_fr.startswith("Voiture, réseau routier OpenStreetMap (Helsinki.osm.pbf, ")
    assert "vitesses OSRM par classe de route × 0,8" in m.text_fr
    assert "rattachement au nœud le plus proche à 25 km/h" in m.text_fr
    assert any("profiles/car.lua" in s for s in m.sources_fr)
    assert m.params["connector_speed_kmh"] == 25.0 and m.params["nodes"] == engine.graph.n_nodes


def test_road_time_at_least_straight_line_at_top_speed(engine: RoadEngine) -> None:
    origins = random_places(engine.graph, 60, 1, "o")
    dests = random_places(engine.graph, 15, 2, "d")
    m = engine.matrix(origins, dests)
    assert np.all(np.isfinite(m)) and np.all(m >= 0)
    lon1, lon2 = np.meshgrid(origins.lon, dests.lon, indexing="ij")
    lat1, lat2 = np.meshgrid(origins.lat, dests.lat, indexing="ij")
    _, _, metres = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    top = max(CAR_SPEEDS_KMH.values()) * OSRM_SPEED_FACTOR * 1000 / 60
    assert np.all(m >= metres / top * (1 - 1e-6))


def test_nearest_equals_matrix_min(engine: RoadEngine) -> None:
    origins = random_places(engine.graph, 80, 3, "o")
    dests = random_places(engine.graph, 9, 4, "d")
    near = engine.nearest(origins, dests)
    m = engine.matrix(origins, dests)
    assert isinstance(near, RoadNearest) and near.model is engine.model
    np.testing.assert_allclose(near.minutes, m.min(axis=1), rtol=1e-9, atol=1e-9)
    # The index given reaches that minimum (ties may pick another destination).
    np.testing.assert_allclose(m[np.arange(len(origins)), near.index], near.minutes, atol=1e-9)
    ref = nearest_from_matrix(m, engine.model)
    np.testing.assert_allclose(ref.minutes, near.minutes, atol=1e-9)


def test_adding_a_destination_never_increases_times(engine: RoadEngine) -> None:
    origins = random_places(engine.graph, 50, 5, "o")
    dests = random_places(engine.graph, 6, 6, "d")
    before = engine.nearest(origins, dests.take([0, 1, 2])).minutes
    for k in range(3, 6):
        after = engine.nearest(origins, dests.take(list(range(k + 1)))).minutes
        assert np.all(after <= before + 1e-12)
        before = after
    # And the time to a destination from itself is its two connector legs at most.
    self_time = np.diag(engine.matrix(dests, dests))
    snap = engine.snap(dests)
    assert np.allclose(self_time, 2 * snap.minutes)


def test_places_outside_the_extract_are_listed(engine: RoadEngine) -> None:
    g = engine.graph
    inside = places_at(g, [g.x.mean()], [g.y.mean()], "in")
    far = places_at(g, [g.x.max() + 20_000, np.nan], [g.y.mean(), 0.0], "out")
    origins = Places.concat([inside, far])
    near = engine.nearest(origins, inside)
    assert np.isfinite(near.minutes[0]) and near.index[0] == 0
    assert np.all(np.isinf(near.minutes[1:])) and np.all(near.index[1:] == -1)
    assert list(near.outside_origins) == ["out0", "out1"]
    assert list(engine.outside(origins)) == ["out0", "out1"]
    m = engine.matrix(inside, far)
    assert np.all(np.isinf(m))
    back = engine.nearest(inside, Places.concat([far, inside]))
    assert back.index[0] == 2 and list(back.outside_destinations) == ["out0", "out1"]
    empty = engine.nearest(origins, far)
    assert np.all(np.isinf(empty.minutes)) and np.all(empty.index == -1)


def test_multi_source_offsets_are_folded_in(helsinki: RoadGraph) -> None:
    rng = np.random.default_rng(11)
    sites = rng.choice(helsinki.n_nodes, 6, replace=False)
    sites[1] = sites[0]  # two sites on one node stay apart
    offsets = rng.uniform(0, 3, 6)
    offsets[1] = offsets[0] + 1.0
    m, idx = multi_source_minutes(helsinki, sites, offsets)
    full = node_matrix(helsinki, np.arange(helsinki.n_nodes), sites) + offsets[None, :]
    np.testing.assert_allclose(m, full.min(axis=1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(full[np.arange(helsinki.n_nodes), idx], m, atol=1e-9)
    assert not np.any(idx == 1)  # always beaten by site 0 on the same node
    fwd, _ = multi_source_minutes(helsinki, sites[:1], to_sources=False)
    np.testing.assert_allclose(
        fwd, node_matrix(helsinki, sites[:1], np.arange(helsinki.n_nodes))[0]
    )


# --------------------------------------------------------------------------------------
# Hand-built graph: golden values and one-way streets
# --------------------------------------------------------------------------------------
#
#   D (0, 1000)
#   | 1.5 min both ways
#   A (0, 0) ==2 min both ways== B (1000, 0) --1 min, one way--> C (2000, 0)
#   ^                                                             |
#   +------------------- 5 min, one way C -> A -------------------+
# (the ``tiny`` fixture of conftest.py)


def test_golden_values_on_tiny_graph(tiny: RoadGraph) -> None:
    engine = RoadEngine(tiny)
    origins = places_at(tiny, tiny.x, tiny.y, "n")  # exactly on A, B, C, D
    dests = places_at(tiny, tiny.x[[2, 0]] + [0.0, 250.0], tiny.y[[2, 0]], "s")  # C, A + 250 m
    expected = np.array([[3.0, 0.6], [1.0, 2.6], [0.0, 5.6], [4.5, 2.1]])
    np.testing.assert_allclose(engine.matrix(origins, dests), expected, atol=1e-6)
    near = engine.nearest(origins, dests)
    np.testing.assert_allclose(near.minutes, [0.6, 1.0, 0.0, 2.1], atol=1e-6)
    assert near.index.tolist() == [1, 0, 0, 1]
    snap = engine.snap(dests)
    assert snap.node.tolist() == [2, 0]
    np.testing.assert_allclose(snap.minutes, [0.0, 250 / M_PER_MIN_25], atol=1e-6)


def test_one_way_streets_are_respected(tiny: RoadGraph) -> None:
    d = node_matrix(tiny, np.arange(4), np.arange(4))
    assert d[1, 2] == pytest.approx(1.0)  # B -> C along the one-way street
    assert d[2, 1] == pytest.approx(7.0)  # C -> B: round by A (5 + 2), not 1
    assert d[2, 0] == pytest.approx(5.0) and d[0, 2] == pytest.approx(3.0)
    to_c, idx = multi_source_minutes(tiny, [2])
    np.testing.assert_allclose(to_c, [3.0, 1.0, 0.0, 4.5])
    from_c, _ = multi_source_minutes(tiny, [2], to_sources=False)
    np.testing.assert_allclose(from_c, [5.0, 7.0, 0.0, 6.5])
    assert idx.tolist() == [0, 0, 0, 0]


def test_unreachable_node_gives_inf_and_minus_one() -> None:
    # 0 <-> 1, 2 -> 0 only: nothing reaches 2.
    g = RoadGraph.from_edges([0, 1, 2], [1, 0, 0], [1.0, 1.0, 1.0], [0, 1, 2], [0, 0, 0], crs=L93)
    m, idx = multi_source_minutes(g, [2])
    assert m.tolist() == [np.inf, np.inf, 0.0] and idx.tolist() == [-1, -1, 0]
    m, idx = multi_source_minutes(g, [])
    assert np.all(np.isinf(m)) and np.all(idx == -1)
    with pytest.raises(ValueError):
        multi_source_minutes(g, [5])
    with pytest.raises(ValueError):
        multi_source_minutes(g, [0], [-1.0])


def test_from_edges_drops_loops_and_keeps_shortest_parallel_edge() -> None:
    g = RoadGraph.from_edges(
        [0, 0, 0, 1], [1, 1, 0, 0], [3.0, 2.0, 1.0, 4.0], [0, 1], [0, 0], crs=L93
    )
    t, h, w = g.edges()
    assert t.tolist() == [0, 1] and h.tolist() == [1, 0] and w.tolist() == [2.0, 4.0]
    with pytest.raises(ValueError):
        RoadGraph.from_edges([0], [3], [1.0], [0, 1], [0, 0], crs=L93)
    with pytest.raises(ValueError):
        RoadGraph.from_edges([0], [1], [-1.0], [0, 1], [0, 0], crs=L93)


# --------------------------------------------------------------------------------------
