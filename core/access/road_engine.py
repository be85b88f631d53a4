"""Car travel times on a compiled road graph: snapping and multi-source shortest paths."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from core.access.model import (
    ModelInfo,
    Nearest,
    Places,
)
from core.access.road_graph import (
    CONNECTOR_SPEED_KMH,
    KMH_TO_M_PER_MIN,
    MAX_SNAP_M,
    OSRM_SPEED_FACTOR,
    SPEED_SOURCES_FR,
    RoadGraph,
)
from core.formatting import format_short_number_fr as _num_fr

# --------------------------------------------------------------------------------------


def multi_source_minutes(
    graph: RoadGraph,
    source_nodes: Sequence[int] | np.ndarray,
    source_offsets: Sequence[float] | np.ndarray | None = None,
    *,
    to_sources: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes between every node and its nearest source, in one Dijkstra pass.

    Parameters
    ----------
    graph : RoadGraph
    source_nodes : array-like of int
        Graph nodes of the sources (repeats allowed).
    source_offsets : array-like of float, optional
        Minutes added at each source (e.g. the leg from the node to the site itself);
        default 0.
    to_sources : bool
        True (default): minutes *from* each node *to* its nearest source, i.e. the
        access time to the nearest site, computed on the reversed graph. False: minutes
        from the nearest source to each node.

    Returns
    -------
    minutes : ndarray of float64, shape (n_nodes,)
        ``min_k offset[k] + time(node, source_k)``; ``inf`` when no source is reachable.
    index : ndarray of intp, shape (n_nodes,)
        Position in ``source_nodes`` of the source achieving the minimum, ``-1`` if none.

    Notes
    -----
    Each source ``k`` becomes a virtual node ``n + k`` with one edge of weight
    ``offset[k]`` to its graph node; SciPy's Dijkstra then runs once from all virtual
    nodes (``min_only=True``) and returns, for each node, the virtual node its shortest
    path starts from, which is the source index. This folds the offsets in exactly,
    keeps two sources on the same node apart and costs one pass whatever their number.
    """
    nodes = np.asarray(source_nodes, dtype=np.int64).ravel()
    k = len(nodes)
    n = graph.n_nodes
    if k == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.intp)
    if nodes.min() < 0 or nodes.max() >= n:
        raise ValueError("source node out of range")
    offsets = (
        np.zeros(k)
        if source_offsets is None
        else np.asarray(source_offsets, dtype=np.float64).ravel()
    )
    if len(offsets) != k or not np.all(np.isfinite(offsets)) or np.any(offsets < 0):
        raise ValueError("source_offsets must be finite, non-negative, one per source")
    base = graph.reverse_csr if to_sources else graph.forward_csr
    itype = base.indices.dtype
    indptr = np.concatenate([base.indptr, base.indptr[-1] + np.arange(1, k + 1, dtype=itype)])
    g = csr_array(
        (
            np.concatenate([base.data, offsets]),
            np.concatenate([base.indices, nodes.astype(itype)]),
            indptr.astype(itype),
        ),
        shape=(n + k, n + k),
    )
    dist, _, src = dijkstra(
        g,
        directed=True,
        indices=np.arange(n, n + k),
        min_only=True,
        return_predecessors=True,
    )
    index = np.where(src[:n] >= n, src[:n] - n, -1).astype(np.intp)
    return dist[:n].astype(np.float64), index


def node_matrix(
    graph: RoadGraph, from_nodes: np.ndarray, to_nodes: np.ndarray, *, chunk_mb: float = 64.0
) -> np.ndarray:
    """Minutes from each of ``from_nodes`` to each of ``to_nodes`` (``inf`` unreachable).

    Runs one Dijkstra per distinct node on the smaller side (forward graph from the
    origins, or reversed graph from the destinations), in chunks that keep the
    distance rows under ``chunk_mb`` megabytes.
    """
    from_nodes = np.asarray(from_nodes, dtype=np.int64)
    to_nodes = np.asarray(to_nodes, dtype=np.int64)
    out = np.full((len(from_nodes), len(to_nodes)), np.inf)
    if len(from_nodes) == 0 or len(to_nodes) == 0:
        return out
    uf, f_inv = np.unique(from_nodes, return_inverse=True)
    ut, t_inv = np.unique(to_nodes, return_inverse=True)
    reverse = len(ut) <= len(uf)
    roots, targets = (ut, uf) if reverse else (uf, ut)
    g = graph.reverse_csr if reverse else graph.forward_csr
    block = np.empty((len(roots), len(targets)))
    step = max(1, int(chunk_mb * 1e6 // (8 * max(graph.n_nodes, 1))))
    for s in range(0, len(roots), step):
        d = dijkstra(g, directed=True, indices=roots[s : s + step])
        block[s : s + step] = d[:, targets]
    # block[r, t]: from root r to target t (forward) or from target t to root r (reverse).
    return block[t_inv][:, f_inv].T if reverse else block[f_inv][:, t_inv]


# --------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snap:
    """Where places attach to the graph.

    ``node`` is the nearest graph node (``-1`` beyond ``max_snap_m``), ``distance_m``
    the straight distance to it in the graph CRS, ``minutes`` the connector leg time
    (``inf`` beyond ``max_snap_m``).
    """

    node: np.ndarray
    distance_m: np.ndarray
    minutes: np.ndarray

    @property
    def inside(self) -> np.ndarray:
        """True for the places close enough to the graph."""
        return self.node >= 0


def _empty_ids() -> np.ndarray:
    return np.empty(0, dtype=object)


@dataclass(frozen=True)
class RoadNearest(Nearest):
    """A :class:`core.access.Nearest` that also lists the places outside the graph.

    ``outside_origins`` / ``outside_destinations`` hold the ids of the places farther
    than the engine's ``max_snap_m`` from every road node (outside the extract): their
    times are ``inf`` and the UI names them.
    """

    outside_origins: np.ndarray = field(default_factory=_empty_ids)
    outside_destinations: np.ndarray = field(default_factory=_empty_ids)


class RoadEngine:
    """Car travel times on a compiled OpenStreetMap road graph.

    A trip is: straight connector leg from the origin to its nearest graph node, the
    shortest path on the graph, connector leg from the destination's node to the
    destination. Connector legs are driven at ``connector_speed_kmh``; a place farther
    than ``max_snap_m`` from every node is unreachable (``inf``).

    Parameters
    ----------
    graph : RoadGraph
    connector_speed_kmh : float
        Speed of the connector legs, default :data:`CONNECTOR_SPEED_KMH` (25 km/h).
    max_snap_m : float
        Largest connector leg (metres), default :data:`MAX_SNAP_M` (5 km).
    """

    engine_name = "road"

    def __init__(
        self,
        graph: RoadGraph,
        *,
        connector_speed_kmh: float = CONNECTOR_SPEED_KMH,
        max_snap_m: float = MAX_SNAP_M,
    ) -> None:
        if not connector_speed_kmh > 0 or not max_snap_m >= 0:
            raise ValueError("connector_speed_kmh must be > 0 and max_snap_m >= 0")
        if graph.n_nodes == 0:
            raise ValueError("the graph has no node")
        self.graph = graph
        self.connector_speed_kmh = float(connector_speed_kmh)
        self.max_snap_m = float(max_snap_m)
        self._tree = cKDTree(np.column_stack([graph.x, graph.y]))
        # Built now, so that queries from several threads only read.
        _ = graph.forward_csr, graph.reverse_csr
        self.model = self._model()

    # ---------------------------------------------------------------------- describe

    def _model(self) -> ModelInfo:
        meta = self.graph.meta
        source = meta.get("source", {})
        file = source.get("file") or "graphe construit en mémoire"
        factor = float(meta.get("speed_factor", OSRM_SPEED_FACTOR))
        date = _date_fr(source.get("osm_replication_timestamp"))
        if date:
            when = f"données du {date}"
        elif _date_fr(source.get("latest_way_timestamp")):
            when = f"dernière modification le {_date_fr(source.get('latest_way_timestamp'))}"
        elif _date_fr(meta.get("compiled_at")):
            when = f"compilé le {_date_fr(meta.get('compiled_at'))}"
        else:
            when = "date inconnue"
        text = (
            f"Voiture, réseau routier OpenStreetMap ({file}, {when}) : vitesses OSRM par "
            f"classe de route × {_num_fr(factor)} ; rattachement au nœud le plus proche à "
            f"{_num_fr(self.connector_speed_kmh)} km/h, lieux à plus de "
            f"{_num_fr(self.max_snap_m / 1000)} km du réseau considérés hors de l'extrait"
        )
        params = {
            "graph_file": file,
            "osm_date": source.get("osm_replication_timestamp")
            or source.get("latest_way_timestamp"),
            "sha256": source.get("sha256"),
            "speeds_kmh": meta.get("speeds_kmh", {}),
            "speed_factor": factor,
            "connector_speed_kmh": self.connector_speed_kmh,
            "max_snap_m": self.max_snap_m,
            "crs": self.graph.crs,
            "nodes": self.graph.n_nodes,
            "edges": self.graph.n_edges,
        }
        return ModelInfo(
            engine="road",
            mode="car",
            params=params,
            text_fr=text,
            sources_fr=SPEED_SOURCES_FR,
            approximate=True,
        )

    # ------------------------------------------------------------------------- query

    def snap(self, places: Places) -> Snap:
        """Nearest graph node of each place, its distance and connector minutes.

        Places without finite coordinates are outside, like those beyond ``max_snap_m``.
        """
        n = len(places)
        if n == 0:
            return Snap(np.empty(0, dtype=np.intp), np.empty(0), np.empty(0))
        xy = places.projected(self.graph.crs)
        finite = np.isfinite(xy).all(axis=1)
        dist = np.full(n, np.inf)
        node = np.full(n, -1, dtype=np.intp)
        if finite.any():
            d, i = self._tree.query(xy[finite], k=1)
            dist[finite], node[finite] = d, i
        ok = dist <= self.max_snap_m
        node = np.where(ok, node, -1).astype(np.intp)
        minutes = np.where(ok, dist / (self.connector_speed_kmh * KMH_TO_M_PER_MIN), np.inf)
        return Snap(node, dist, minutes)

    def outside(self, places: Places) -> np.ndarray:
        """Ids of the places farther than ``max_snap_m`` from the graph."""
        return places.ids[~self.snap(places).inside]

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        """Minutes from each origin to each destination, shape ``(n, m)``, ``inf`` if
        unreachable."""
        so, sd = self.snap(origins), self.snap(destinations)
        out = np.full((len(origins), len(destinations)), np.inf)
        io_, id_ = np.flatnonzero(so.inside), np.flatnonzero(sd.inside)
        if len(io_) and len(id_):
            road = node_matrix(self.graph, so.node[io_], sd.node[id_])
            out[np.ix_(io_, id_)] = so.minutes[io_, None] + road + sd.minutes[None, id_]
        return out

    def nearest(self, origins: Places, destinations: Places) -> RoadNearest:
        """Minutes to the nearest destination, one multi-source pass on the graph."""
        so, sd = self.snap(origins), self.snap(destinations)
        n = len(origins)
        minutes = np.full(n, np.inf)
        index = np.full(n, -1, dtype=np.intp)
        id_ = np.flatnonzero(sd.inside)
        io_ = np.flatnonzero(so.inside)
        if len(id_) and len(io_):
            node_min, node_src = multi_source_minutes(
                self.graph, sd.node[id_], sd.minutes[id_], to_sources=True
            )
            src = node_src[so.node[io_]]
            reach = src >= 0
            minutes[io_[reach]] = node_min[so.node[io_[reach]]] + so.minutes[io_[reach]]
            index[io_[reach]] = id_[src[reach]]
        return RoadNearest(
            minutes=minutes,
            index=index,
            model=self.model,
            outside_origins=origins.ids[~so.inside],
            outside_destinations=destinations.ids[~sd.inside],
        )


def _date_fr(stamp: Any) -> str | None:
    """``2025-03-12T21:21:02Z`` → ``12/03/2025`` (None when absent or unreadable)."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).strftime("%d/%m/%Y")
    except ValueError:
        return None
