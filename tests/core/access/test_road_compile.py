"""Road graph compilation: a real extract against an independent computation, tag rules,
bad inputs, CRS and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from core.access.road_compile import compile_pbf, default_crs, way_rule
from core.access.road_engine import RoadEngine, multi_source_minutes, node_matrix
from core.access.road_graph import (
    CAR_SPEEDS_KMH,
    CLOSED_ACCESS,
    EXCLUDED_SERVICE,
    OSRM_SPEED_FACTOR,
    RoadGraph,
    RoadNetworkError,
)
from tests.core.access.road_cases import (
    L93,
    ROOT,
    error_message,
)

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
    text = error_message(exc)
    assert expected in text and "extrait.osm.pbf" in text and "À faire :" in text


def test_user_crs_must_be_metric(tmp_path: Path) -> None:
    pbf = write_pbf(tmp_path / "x.osm.pbf", SQUARE, WAYS)
    with pytest.raises(RoadNetworkError) as exc:
        compile_pbf(pbf, crs="EPSG:4326")
    assert "n'est pas projeté en mètres" in error_message(exc)
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
