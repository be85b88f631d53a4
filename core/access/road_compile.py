"""Compile an OpenStreetMap extract (``.osm.pbf``) into a :class:`RoadGraph`."""

from __future__ import annotations

import hashlib
import math
import os
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import CRS, Transformer
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from core.access.model import (
    LAMBERT93,
)
from core.access.road_graph import (
    ACCESS_KEYS,
    CAR_SPEEDS_KMH,
    CLOSED_ACCESS,
    EXCLUDED_SERVICE,
    GEOD,
    GRAPH_FORMAT,
    KMH_TO_M_PER_MIN,
    ONEWAY_BACKWARD,
    ONEWAY_FORWARD,
    ONEWAY_NO,
    OSRM_SPEED_FACTOR,
    TAG_KEYS,
    RoadGraph,
    dedupe_edges,
    road_error,
)
from core.package.problems import quote

# Compilation from OpenStreetMap
# --------------------------------------------------------------------------------------


def way_rule(tags: Mapping[str, str], speeds: Mapping[str, float]) -> tuple[float, int] | None:
    """Speed (km/h, before the factor) and direction of a way, or None if not drivable.

    Direction: ``0`` both ways, ``1`` along the node order only, ``-1`` against it.
    Rules: a class of ``speeds``; not ``area=yes``; not ``oneway=reversible``; not a
    parking aisle, car park, private or emergency service road (:data:`EXCLUDED_SERVICE`);
    not closed to cars by the most specific access tag (:data:`ACCESS_KEYS`,
    :data:`CLOSED_ACCESS`, ``;``-separated values closing when any of them does).
    """
    highway = tags.get("highway")
    if highway is None or highway not in speeds:
        return None
    if tags.get("area") == "yes":
        return None
    oneway = tags.get("oneway")
    if oneway == "reversible":
        return None
    if highway == "service" and tags.get("service") in EXCLUDED_SERVICE:
        return None
    for key in ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            if any(part.strip() in CLOSED_ACCESS for part in value.split(";")):
                return None
            break
    if oneway in ONEWAY_FORWARD:
        direction = 1
    elif oneway in ONEWAY_BACKWARD:
        direction = -1
    elif oneway in ONEWAY_NO:
        direction = 0
    elif highway == "motorway" or tags.get("junction") in ("roundabout", "circular"):
        direction = 1
    else:
        direction = 0
    return float(speeds[highway]), direction


def default_crs(lon: np.ndarray, lat: np.ndarray) -> str:
    """Metric CRS for points given in WGS 84 degrees.

    Lambert-93 (``EPSG:2154``) when their bounding box lies inside its area of use
    (metropolitan France and its sea), else the WGS 84 UTM zone of the box centre
    (``EPSG:326zz`` north, ``EPSG:327zz`` south), e.g. for the overseas départements.
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    w, s, e, n = float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())
    area = CRS.from_user_input(LAMBERT93).area_of_use
    if area is not None:
        aw, as_, ae, an = area.bounds
        if aw <= w and e <= ae and as_ <= s and n <= an:
            return LAMBERT93
    lon_c, lat_c = (w + e) / 2, (s + n) / 2
    zone = min(max(int(math.floor((lon_c + 180.0) / 6.0)) + 1, 1), 60)
    return f"EPSG:{(32600 if lat_c >= 0 else 32700) + zone}"


def _metric_crs(crs: str, file: str) -> str:
    """Check that a user-given CRS exists and is projected in metres."""
    try:
        parsed = CRS.from_user_input(crs)
    except Exception as exc:  # pyproj's CRSError, or a TypeError on odd input
        raise road_error(
            file,
            f"Le système de coordonnées {quote(crs)} est inconnu",
            "donner un code EPSG projeté en mètres, par exemple EPSG:2154 (Lambert-93)",
        ) from exc
    units = {axis.unit_name for axis in parsed.axis_info}
    if not parsed.is_projected or units - {"metre"}:
        raise road_error(
            file,
            f"Le système de coordonnées {quote(crs)} n'est pas projeté en mètres",
            "donner un code EPSG projeté en mètres, par exemple EPSG:2154 (Lambert-93)",
        )
    return crs


def _check_pbf(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise road_error(
            name,
            f"L'extrait OpenStreetMap {quote(name)} est introuvable ({path})",
            "vérifier le chemin du fichier .osm.pbf",
        )
    with path.open("rb") as fh:
        head = fh.read(64)
    # A PBF starts with the length of its first BlobHeader, whose type is "OSMHeader".
    if len(head) < 16 or b"OSMHeader" not in head[4:32]:
        raise road_error(
            name,
            f"Le fichier {quote(name)} n'est pas un extrait OpenStreetMap au format PBF",
            "fournir un fichier .osm.pbf, par exemple l'extrait régional de Geofabrik "
            "(download.geofabrik.de) découpé au département avec osmium extract",
        )


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()[:16]}


def _read_ways(path: Path, speeds: Mapping[str, float]) -> dict[str, Any]:
    """Drivable ways of a PBF as flat node arrays (``nan`` for a node missing from it)."""
    import osmium  # imported here: only compilation needs it, loading a graph does not

    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    way_len: list[int] = []
    way_speed: list[float] = []
    way_dir: list[int] = []
    classes: Counter[str] = Counter()
    latest: datetime | None = None
    nan = math.nan
    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            header = reader.header()
            replication = header.get("osmosis_replication_timestamp") or None
        finally:
            reader.close()
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            if not isinstance(way, osmium.osm.Way):  # the entity filter lets ways only
                continue
            tags = way.tags
            wanted = {k: tags[k] for k in TAG_KEYS if k in tags}
            rule = way_rule(wanted, speeds)
            if rule is None:
                continue
            nodes = way.nodes
            if len(nodes) < 2:
                continue
            for nd in nodes:
                refs.append(nd.ref)
                loc = nd.location
                if loc.valid():
                    lons.append(loc.lon)
                    lats.append(loc.lat)
                else:
                    lons.append(nan)
                    lats.append(nan)
            way_len.append(len(nodes))
            way_speed.append(rule[0])
            way_dir.append(rule[1])
            classes[wanted["highway"]] += 1
            ts = way.timestamp
            if ts is not None and ts.year >= 2004 and (latest is None or ts > latest):
                latest = ts
    except Exception as exc:  # osmium raises RuntimeError on truncated / corrupt data
        raise road_error(
            path.name,
            f"L'extrait OpenStreetMap {quote(path.name)} est illisible ou tronqué ({exc})",
            "télécharger à nouveau l'extrait .osm.pbf",
        ) from exc
    return {
        "refs": np.asarray(refs, dtype=np.int64),
        "lon": np.asarray(lons, dtype=np.float64),
        "lat": np.asarray(lats, dtype=np.float64),
        "way_len": np.asarray(way_len, dtype=np.int64),
        "way_speed": np.asarray(way_speed, dtype=np.float64),
        "way_dir": np.asarray(way_dir, dtype=np.int8),
        "classes": dict(sorted(classes.items())),
        "replication": replication,
        "latest": latest.isoformat().replace("+00:00", "Z") if latest else None,
    }


def compile_pbf(
    path: str | os.PathLike[str],
    *,
    crs: str | None = None,
    speeds: Mapping[str, float] | None = None,
    speed_factor: float | None = None,
    contract: bool = True,
) -> RoadGraph:
    """Compile the drivable road network of an OpenStreetMap extract.

    Parameters
    ----------
    path : path-like
        ``.osm.pbf`` extract (e.g. a Geofabrik region cut to the département).
    crs : str, optional
        Metric CRS of the node coordinates; default :func:`default_crs` (Lambert-93 in
        metropolitan France, else the UTM zone of the extract's centre).
    speeds : mapping, optional
        Speed per ``highway`` class (km/h), replacing :data:`CAR_SPEEDS_KMH` (a class
        left out is not drivable).
    speed_factor : float, optional
        Multiplier of every speed; default :data:`OSRM_SPEED_FACTOR`.
    contract : bool
        Merge chains of pass-through nodes (no junction: two neighbours on a two-way
        road, or one in and one out on a one-way road) into single edges. Times between
        the remaining nodes are unchanged; the graph is several times smaller; places
        then attach to junctions and dead ends only.

    Returns
    -------
    RoadGraph
        The largest strongly connected component (every node can reach every other);
        ``meta["counts"]`` says how many nodes the smaller components held.

    Notes
    -----
    Edge length is the geodesic distance on the WGS 84 ellipsoid between consecutive way
    nodes (pyproj ``Geod.inv``), so it does not depend on the chosen CRS; the CRS only
    serves to attach places to nodes. A way is cut where it refers to a node missing
    from the extract (ways crossing the extract's border). Edge minutes =
    length ÷ (class speed × factor).

    Raises
    ------
    RoadNetworkError
        File missing, not a PBF, unreadable, or without any drivable road (French).
    """
    path = Path(path)
    _check_pbf(path)
    if crs is not None:
        crs = _metric_crs(crs, path.name)
    speeds, factor = _checked_speeds(speeds, speed_factor)
    ways = _read_ways(path, speeds)
    e = _way_edges(ways, factor, path.name)
    tails, heads, weights = e["tails"], e["heads"], e["weights"]
    node_lon, node_lat, n_read = e["lon"], e["lat"], len(e["node_ids"])
    # Largest strongly connected component: elsewhere a trip may be unable to return.
    tails, heads, weights, old, n_scc = _largest_component(tails, heads, weights, n_read)
    n_contracted = 0
    if contract:
        tails, heads, weights, kept = _contract(tails, heads, weights, n_scc)
        n_contracted = n_scc - len(kept)
        old = old[kept]
    crs = crs or default_crs(node_lon[old], node_lat[old])
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_crs.transform(node_lon[old], node_lat[old])
    counts = {
        "ways": len(ways["way_len"]),
        "ways_by_class": ways["classes"],
        "segments": int(e["segments"]),
        "nodes_read": int(n_read),
        "nodes_outside_largest_component": int(n_read - n_scc),
        "nodes_contracted": int(n_contracted),
        "nodes": int(len(old)),
        "edges": int(len(tails)),
    }
    meta = _graph_meta(path, ways, speeds, factor, crs, counts)
    return RoadGraph.from_edges(
        tails, heads, weights, x, y, crs=crs, meta=meta, node_ids=e["node_ids"][old]
    )


def _checked_speeds(
    speeds: Mapping[str, float] | None, speed_factor: float | None
) -> tuple[dict[str, float], float]:
    """Speed table (km/h) and factor, defaults filled; ``ValueError`` unless positive."""
    table = dict(CAR_SPEEDS_KMH if speeds is None else speeds)
    factor = OSRM_SPEED_FACTOR if speed_factor is None else float(speed_factor)
    if factor <= 0 or any(not (v > 0) for v in table.values()):
        raise ValueError("speeds and speed_factor must be positive")
    return table, factor


def _largest_component(
    tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Edges of the largest strongly connected component, renumbered; old node positions."""
    keep = _largest_scc(tails, heads, n)
    tails, heads, weights, old = _subgraph(tails, heads, weights, keep)
    return tails, heads, weights, old, len(old)


def _graph_meta(
    path: Path,
    ways: dict[str, Any],
    speeds: dict[str, float],
    factor: float,
    crs: str,
    counts: dict[str, Any],
) -> dict[str, Any]:
    """What a compiled graph says about itself: source file, speeds, CRS, counts, date."""
    return {
        "format": GRAPH_FORMAT,
        "source": {
            **_file_facts(path),
            "osm_replication_timestamp": ways["replication"],
            "latest_way_timestamp": ways["latest"],
        },
        "speeds_kmh": speeds,
        "speed_factor": factor,
        "length": "geodesic, WGS 84 ellipsoid",
        "crs": crs,
        "counts": counts,
        "compiled_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }


def _way_edges(ways: dict[str, Any], factor: float, file: str) -> dict[str, Any]:
    """Directed edges (minutes) between consecutive located nodes of the same way.

    Returns tails, heads, weights (deduplicated), node ids and lon/lat of the nodes read,
    and the number of way segments.
    """
    refs, lon, lat, way_len = ways["refs"], ways["lon"], ways["lat"], ways["way_len"]
    n_ways = len(way_len)
    # Segments between consecutive nodes of the same way, both located.
    way_of = np.repeat(np.arange(n_ways), way_len)
    a = np.arange(len(refs) - 1) if len(refs) else np.empty(0, dtype=np.int64)
    seg = a[(way_of[a] == way_of[a + 1]) & np.isfinite(lon[a]) & np.isfinite(lon[a + 1])]
    if len(seg) == 0:
        raise road_error(
            file,
            f"L'extrait {quote(file)} ne contient aucune route praticable en voiture",
            "vérifier que l'extrait couvre bien le département et contient le réseau "
            "routier (chemins highway=* de type route, rue ou autoroute)",
        )
    u_pos, v_pos = seg, seg + 1
    node_ids, inverse = np.unique(np.concatenate([refs[u_pos], refs[v_pos]]), return_inverse=True)
    u, v = inverse[: len(seg)], inverse[len(seg) :]
    node_lon = np.empty(len(node_ids))
    node_lat = np.empty(len(node_ids))
    node_lon[u], node_lat[u] = lon[u_pos], lat[u_pos]
    node_lon[v], node_lat[v] = lon[v_pos], lat[v_pos]

    _, _, length_m = GEOD.inv(lon[u_pos], lat[u_pos], lon[v_pos], lat[v_pos])
    speed = ways["way_speed"][way_of[u_pos]] * factor
    minutes = np.asarray(length_m, dtype=np.float64) / (speed * KMH_TO_M_PER_MIN)
    direction = ways["way_dir"][way_of[u_pos]]
    fwd = direction >= 0
    bwd = direction <= 0
    tails = np.concatenate([u[fwd], v[bwd]])
    heads = np.concatenate([v[fwd], u[bwd]])
    weights = np.concatenate([minutes[fwd], minutes[bwd]])
    tails, heads, weights = dedupe_edges(tails, heads, weights)

    return {
        "tails": tails,
        "heads": heads,
        "weights": weights,
        "node_ids": node_ids,
        "lon": node_lon,
        "lat": node_lat,
        "segments": len(seg),
    }


def _largest_scc(tails: np.ndarray, heads: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of the nodes in the largest strongly connected component."""
    g = csr_array((np.ones(len(tails)), (tails, heads)), shape=(n, n))
    _, labels = connected_components(g, directed=True, connection="strong")
    return labels == np.argmax(np.bincount(labels))


def _subgraph(
    tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edges between kept nodes, renumbered; also the old position of each new node."""
    old = np.flatnonzero(keep)
    new = np.full(len(keep), -1, dtype=np.int64)
    new[old] = np.arange(len(old))
    e = keep[tails] & keep[heads]
    return new[tails[e]], new[heads[e]], weights[e], old


def _contract(
    tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge chains of pass-through nodes into single edges.

    Edges must be deduplicated, without self-loops, sorted by (tail, head). A node is a
    pass-through when it has exactly two neighbours reached both ways (two-way road) or
    one in-neighbour and a different out-neighbour (one-way road). Every edge leaving a
    kept node is followed through pass-through nodes to the next kept node, summing
    minutes. Returns the new edges (renumbered) and the old position of each kept node.
    """
    out_deg = np.bincount(tails, minlength=n)
    in_deg = np.bincount(heads, minlength=n)
    out_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out_deg, out=out_start[1:])
    by_head = np.lexsort((tails, heads))
    in_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(in_deg, out=in_start[1:])

    m = len(tails)
    o1 = np.full(n, -1, dtype=np.int64)
    o2 = np.full(n, -1, dtype=np.int64)
    i1 = np.full(n, -1, dtype=np.int64)
    i2 = np.full(n, -1, dtype=np.int64)
    has = out_deg >= 1
    o1[has] = heads[out_start[:-1][has]]
    has = out_deg >= 2
    o2[has] = heads[out_start[:-1][has] + 1]
    has = in_deg >= 1
    i1[has] = tails[by_head[in_start[:-1][has]]]
    has = in_deg >= 2
    i2[has] = tails[by_head[in_start[:-1][has] + 1]]
    two_way = (out_deg == 2) & (in_deg == 2) & (o1 == i1) & (o2 == i2)
    one_way = (out_deg == 1) & (in_deg == 1) & (o1 != i1)
    through = two_way | one_way
    if through.all():  # a lone ring: keep one node so that something remains
        through[0] = False

    # Next edge after edge e when its head is a pass-through node.
    nxt = np.full(m, -1, dtype=np.int64)
    hv = heads
    t_mask = through[hv]
    first_out = out_start[:-1][hv]
    nxt[t_mask] = first_out[t_mask]
    # Two-way pass-through: leave by the edge that does not go back where we came from.
    tw = t_mask & two_way[hv]
    nxt[tw] = first_out[tw] + (o1[hv[tw]] == tails[tw])

    start = np.flatnonzero(~through[tails])
    cur = start.copy()
    total = weights[start].astype(np.float64)
    active = np.flatnonzero(through[heads[cur]])
    for _ in range(int(through.sum()) + 1):
        if len(active) == 0:
            break
        cur[active] = nxt[cur[active]]
        total[active] += weights[cur[active]]
        active = active[through[heads[cur[active]]]]
    else:  # pragma: no cover - cannot happen once every chain ends at a kept node
        raise RuntimeError("degree-2 contraction did not terminate")
    new_t, new_h = tails[start], heads[cur]
    kept = np.flatnonzero(~through)
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[kept] = np.arange(len(kept))
    t, h, w = dedupe_edges(new_id[new_t], new_id[new_h], total)
    return t, h, w, kept


# --------------------------------------------------------------------------------------
# Shortest paths
