"""Road graph in CSR arrays (edge weights in minutes), its speeds and its ``.npz`` file."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import CRS, Geod
from scipy.sparse import csr_array

from core.package.problems import Problem, quote, sentence

# --------------------------------------------------------------------------------------
# Parameters and their sources
# --------------------------------------------------------------------------------------

#: Car speed per OSM ``highway`` class (km/h): the ``speeds.highway`` table of OSRM's car
#: profile (Project-OSRM/osrm-backend, ``profiles/car.lua``, API version 4). A way whose
#: class is not listed is not drivable.
CAR_SPEEDS_KMH: dict[str, float] = {
    "motorway": 90.0,
    "motorway_link": 45.0,
    "trunk": 85.0,
    "trunk_link": 40.0,
    "primary": 65.0,
    "primary_link": 30.0,
    "secondary": 55.0,
    "secondary_link": 25.0,
    "tertiary": 40.0,
    "tertiary_link": 20.0,
    "unclassified": 25.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}

#: Global speed factor: ``speed_reduction = 0.8`` of the same OSRM car profile. OSRM
#: multiplies the posted speed limit (``maxspeed``) by it; the atlas does not read
#: ``maxspeed`` and applies it to every class speed instead (see SPEED_SOURCES_FR).
OSRM_SPEED_FACTOR = 0.8

#: Speed of the straight leg between a place and its nearest graph node (km/h). 25 km/h
#: is OSRM's residential / unclassified speed; as the leg is a straight line, which is
#: 1.2-1.35 times shorter than the road actually driven (detour factors in
#: external-facts.md), 25 km/h along the straight line is 19-21 km/h along the road, the
#: residential speed once the 0.8 factor applies.
CONNECTOR_SPEED_KMH = 25.0

#: A place farther than this from every graph node lies outside the extract (metres).
MAX_SNAP_M = 5000.0

#: ``service=*`` values that take a ``highway=service`` way out of the network: parking
#: aisles and car parks (noise for access times), private and emergency roads. Same list
#: as OSMnx's ``drive_service`` network.
EXCLUDED_SERVICE = frozenset({"parking_aisle", "parking", "emergency_access", "private"})

#: Access values that close a way to cars, read in OSRM's access hierarchy
#: (``motorcar``, ``motor_vehicle``, ``vehicle``, ``access``: the most specific tag
#: present decides). OSRM's blacklist, except ``destination``, ``delivery`` and
#: ``customers`` which OSRM still routes to (« restricted »), and with ``private``
#: closed, as OSMnx does: a public service is not reached through a private road.
CLOSED_ACCESS = frozenset({"no", "private", "agricultural", "forestry", "emergency", "psv"})
ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
TAG_KEYS = ("highway", "area", "oneway", "service", "junction", *ACCESS_KEYS)

#: Sources of the default parameters, printed with every result (French).
SPEED_SOURCES_FR: tuple[str, ...] = (
    "Vitesses par classe de route : profil voiture du moteur d'itinéraires OSRM "
    "(Project-OSRM/osrm-backend, profiles/car.lua, table speeds.highway), en km/h : "
    "autoroute 90 (bretelle 45), voie rapide « trunk » 85 (bretelle 40), route principale "
    "65 (bretelle 30), secondaire 55 (bretelle 25), tertiaire 40 (bretelle 20), route non "
    "classée et rue résidentielle 25, zone de rencontre 10, voie de desserte 15.",
    "Facteur 0,8 : paramètre speed_reduction du même profil OSRM. OSRM l'applique aux "
    "limitations de vitesse affichées (maxspeed) ; l'atlas ne lit pas ces limitations et "
    "l'applique à toutes les vitesses de classe, ce qui donne des temps prudents (plus "
    "longs que ceux d'OSRM sur les grands axes).",
    "Sens uniques : oneway=yes/true/1, oneway=-1 (sens inverse), sens unique implicite des "
    "autoroutes et des giratoires (junction=roundabout ou circular), comme OSRM "
    "(profiles/lib/way_handlers.lua).",
    "Rattachement d'un lieu au réseau : distance à vol d'oiseau jusqu'au nœud routier le "
    "plus proche, parcourue à 25 km/h (vitesse OSRM des rues résidentielles ; la ligne "
    "droite étant 1,2 à 1,35 fois plus courte que la route, cela revient à 19-21 km/h sur "
    "la route). Au-delà de 5 km du réseau, un lieu est considéré hors de l'extrait.",
    "Ni feux, ni temps de tourne, ni congestion : temps de conduite à vide.",
)

#: Version tag stored in every compiled graph file.
GRAPH_FORMAT = "atlas-roads/1"

GEOD = Geod(ellps="WGS84")
KMH_TO_M_PER_MIN = 1000.0 / 60.0
ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
ONEWAY_NO = frozenset({"no", "false", "0"})


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class RoadNetworkError(Exception):
    """An extract or a compiled graph that cannot be used.

    Attributes
    ----------
    problems : list of Problem
        Why, in French, each saying what to do.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "Réseau routier inutilisable :\n" + "\n".join(f"- {p}" for p in self.problems)
        )


def road_error(file: str, what: str, todo: str) -> RoadNetworkError:
    return RoadNetworkError([Problem(file, None, None, sentence(what, todo))])


RECOMPILE_TODO = (
    "recompiler le graphe avec « python scripts/compile_roads.py extrait.osm.pbf --out roads.npz »"
)


# --------------------------------------------------------------------------------------
# Graph
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph in CSR arrays, edge weights in minutes.

    The out-edges of node ``i`` are ``indices[indptr[i]:indptr[i + 1]]`` with their
    driving times ``minutes[indptr[i]:indptr[i + 1]]``.

    Parameters
    ----------
    indptr : ndarray of int64, shape (n_nodes + 1,)
    indices : ndarray of int32, shape (n_edges,)
        Head node of each edge.
    minutes : ndarray of float32, shape (n_edges,)
        Driving time of each edge (minutes, ≥ 0).
    x, y : ndarray of float64, shape (n_nodes,)
        Node coordinates in ``crs`` (metres).
    crs : str
        Metric CRS of ``x`` and ``y`` (``EPSG:2154`` in metropolitan France).
    meta : dict
        Provenance and counts (JSON-serialisable): source file, its size and SHA-256,
        OSM date, speeds, factor, counts, compile date.
    node_ids : ndarray of int64, optional
        OpenStreetMap id of each node (empty for graphs not built from OSM).
    """

    indptr: np.ndarray
    indices: np.ndarray
    minutes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    crs: str
    meta: dict[str, Any] = field(default_factory=dict)
    node_ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return len(self.indices)

    @classmethod
    def from_edges(
        cls,
        tails: np.ndarray,
        heads: np.ndarray,
        minutes: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        *,
        crs: str,
        meta: Mapping[str, Any] | None = None,
        node_ids: np.ndarray | None = None,
    ) -> RoadGraph:
        """Build a graph from directed edges ``tails[k] -> heads[k]``.

        Self-loops are dropped and parallel edges keep their shortest time. Nodes are
        kept as given (no connectivity filtering, see :func:`compile_pbf` for that).
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n = len(x)
        t, h, w = dedupe_edges(
            np.asarray(tails, dtype=np.int64),
            np.asarray(heads, dtype=np.int64),
            np.asarray(minutes, dtype=np.float64),
        )
        if len(t) and (t.max() >= n or h.max() >= n or min(t.min(), h.min()) < 0):
            raise ValueError("edge endpoints must be node positions in x and y")
        if np.any(~np.isfinite(w)) or np.any(w < 0):
            raise ValueError("edge minutes must be finite and non-negative")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
        ids = (
            np.empty(0, dtype=np.int64)
            if node_ids is None
            else np.asarray(node_ids, dtype=np.int64)
        )
        return cls(
            indptr=indptr,
            indices=h.astype(np.int32),
            minutes=w.astype(np.float32),
            x=x,
            y=y,
            crs=str(crs),
            meta=dict(meta or {}),
            node_ids=ids,
        )

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges as ``(tails, heads, minutes)`` arrays."""
        tails = np.repeat(np.arange(self.n_nodes, dtype=np.int64), np.diff(self.indptr))
        return tails, self.indices.astype(np.int64), self.minutes.astype(np.float64)

    @cached_property
    def forward_csr(self) -> csr_array:
        """The graph as a SciPy CSR matrix (float64 minutes), as csgraph wants it."""
        n = self.n_nodes
        itype = np.int32 if self.n_edges < np.iinfo(np.int32).max else np.int64
        return csr_array(
            (
                self.minutes.astype(np.float64),
                self.indices.astype(itype),
                self.indptr.astype(itype),
            ),
            shape=(n, n),
        )

    @cached_property
    def reverse_csr(self) -> csr_array:
        """The reversed graph (every edge turned around) as a SciPy CSR matrix."""
        return csr_array(self.forward_csr.T.tocsr())

    # ----------------------------------------------------------------------------- io

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the graph to a compressed ``.npz`` file (written atomically)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "format": np.array(GRAPH_FORMAT),
            "indptr": self.indptr.astype(np.int64),
            "indices": self.indices.astype(np.int32),
            "minutes": self.minutes.astype(np.float32),
            "x": self.x.astype(np.float64),
            "y": self.y.astype(np.float64),
            "node_ids": self.node_ids.astype(np.int64),
            "crs": np.array(self.crs),
            "meta": np.array(json.dumps(self.meta, ensure_ascii=False, sort_keys=True)),
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as fh:
                np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RoadGraph:
        """Read a graph written by :meth:`save`, checking it thoroughly.

        Raises
        ------
        RoadNetworkError
            Missing, unreadable, corrupt or inconsistent file (French message).
        """
        path = Path(path)
        name = path.name
        if not path.is_file():
            raise road_error(
                name,
                f"Le graphe routier {quote(name)} est introuvable ({path})",
                "vérifier le chemin, ou " + RECOMPILE_TODO,
            )
        try:
            # Opened here, so that numpy never leaves it open when the file is corrupt.
            with path.open("rb") as fh:
                z = np.load(fh, allow_pickle=False)
                if not isinstance(z, np.lib.npyio.NpzFile):  # a bare .npy array
                    raise ValueError("not an npz archive")
                with z:
                    data = {k: z[k] for k in z.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            raise road_error(
                name,
                f"Le fichier {quote(name)} n'est pas un graphe routier lisible ou il est "
                f"endommagé ({type(exc).__name__})",
                RECOMPILE_TODO,
            ) from exc
        return cls._validated(name, data)

    @classmethod
    def _validated(cls, name: str, data: Mapping[str, np.ndarray]) -> RoadGraph:
        required = ("format", "indptr", "indices", "minutes", "x", "y", "crs", "meta")
        missing = [k for k in required if k not in data]
        if missing:
            raise road_error(
                name,
                f"Le fichier {quote(name)} n'est pas un graphe routier de l'atlas "
                f"(tableaux absents : {', '.join(missing)})",
                RECOMPILE_TODO,
            )
        fmt = str(data["format"])
        if fmt != GRAPH_FORMAT:
            raise road_error(
                name,
                f"Le graphe routier {quote(name)} est au format {quote(fmt)}, "
                f"l'atlas attend {quote(GRAPH_FORMAT)}",
                RECOMPILE_TODO,
            )

        def bad(what: str) -> RoadNetworkError:
            return road_error(
                name, f"Le graphe routier {quote(name)} est incohérent : {what}", RECOMPILE_TODO
            )

        indptr, indices, minutes = data["indptr"], data["indices"], data["minutes"]
        x, y = data["x"], data["y"]
        node_ids = data.get("node_ids", np.empty(0, dtype=np.int64))
        what = _array_inconsistency(indptr, indices, minutes, x, y, node_ids)
        if what:
            raise bad(what)
        crs = str(data["crs"])
        try:
            CRS.from_user_input(crs)
        except Exception as exc:  # pyproj raises CRSError, keep any parse failure
            raise bad(f"système de coordonnées {quote(crs)} inconnu") from exc
        try:
            meta = json.loads(str(data["meta"]))
        except json.JSONDecodeError as exc:
            raise bad("métadonnées illisibles") from exc
        if not isinstance(meta, dict):
            raise bad("métadonnées illisibles")
        return cls(
            indptr=indptr.astype(np.int64),
            indices=indices.astype(np.int32),
            minutes=minutes.astype(np.float32),
            x=x.astype(np.float64),
            y=y.astype(np.float64),
            crs=crs,
            meta=meta,
            node_ids=node_ids.astype(np.int64),
        )


def _array_inconsistency(
    indptr: np.ndarray,
    indices: np.ndarray,
    minutes: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    node_ids: np.ndarray,
) -> str | None:
    """What makes the CSR arrays of a graph file inconsistent (French), or None."""
    arrays = (indptr, indices, minutes, x, y, node_ids)
    if any(a.ndim != 1 for a in arrays):
        return "un tableau n'a pas une dimension"
    kinds = (indptr, indices, node_ids)
    if any(a.dtype.kind not in "iu" for a in kinds) or any(
        a.dtype.kind != "f" for a in (minutes, x, y)
    ):
        return "types de tableaux inattendus"
    n = len(x)
    if len(indptr) != n + 1 or len(y) != n or len(node_ids) not in (0, n):
        return "le nombre de nœuds diffère d'un tableau à l'autre"
    m = len(indices)
    if len(minutes) != m or indptr[0] != 0 or indptr[-1] != m:
        return "le nombre d'arcs diffère d'un tableau à l'autre"
    if np.any(np.diff(indptr) < 0):
        return "les pointeurs d'arcs (indptr) ne sont pas croissants"
    if m and (indices.min() < 0 or indices.max() >= n):
        return "un arc pointe vers un nœud inexistant"
    if not np.all(np.isfinite(minutes)) or (m and minutes.min() < 0):
        return "un temps de parcours est négatif ou non fini"
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return "une coordonnée de nœud n'est pas finie"
    return None


def dedupe_edges(
    tails: np.ndarray, heads: np.ndarray, minutes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop self-loops, keep the shortest of parallel edges, sort by (tail, head)."""
    keep = tails != heads
    tails, heads, minutes = tails[keep], heads[keep], minutes[keep]
    order = np.lexsort((minutes, heads, tails))
    tails, heads, minutes = tails[order], heads[order], minutes[order]
    if len(tails):
        first = np.ones(len(tails), dtype=bool)
        first[1:] = (tails[1:] != tails[:-1]) | (heads[1:] != heads[:-1])
        tails, heads, minutes = tails[first], heads[first], minutes[first]
    return tails, heads, minutes
