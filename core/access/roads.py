"""Road-network travel times: compile an OpenStreetMap extract to a CSR graph and query it.

An extract (``.osm.pbf``) is compiled once (:func:`compile_pbf`, or
``python scripts/compile_roads.py``) into a :class:`RoadGraph`: the drivable ways of the
speed table as a directed graph in CSR arrays, edge weights in minutes, node coordinates
in a metric CRS. It is saved as a small ``.npz`` file and loaded read-only by the app.

:class:`RoadEngine` implements the :class:`core.access.Engine` interface on that graph.
A place is attached to its nearest graph node by a straight "connector" leg at
:data:`CONNECTOR_SPEED_KMH`; the nearest-destination question is answered by one
multi-source Dijkstra pass on the reversed graph (:func:`multi_source_minutes`).

Units: minutes for times, metres for distances, km/h for speeds.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pyproj import CRS, Geod, Transformer
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from core.access import LAMBERT93, ModelInfo, Nearest, Places
from core.formatting import format_short_number_fr as _num_fr
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
_TAG_KEYS = ("highway", "area", "oneway", "service", "junction", *ACCESS_KEYS)

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

_GEOD = Geod(ellps="WGS84")
_KMH_TO_M_PER_MIN = 1000.0 / 60.0
_ONEWAY_FORWARD = frozenset({"yes", "true", "1"})
_ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
_ONEWAY_NO = frozenset({"no", "false", "0"})


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


def _fail(file: str, what: str, todo: str) -> RoadNetworkError:
    return RoadNetworkError([Problem(file, None, None, sentence(what, todo))])


_RECOMPILE = (
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
        t, h, w = _dedupe_edges(
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
            raise _fail(
                name,
                f"Le graphe routier {quote(name)} est introuvable ({path})",
                "vérifier le chemin, ou " + _RECOMPILE,
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
            raise _fail(
                name,
                f"Le fichier {quote(name)} n'est pas un graphe routier lisible ou il est "
                f"endommagé ({type(exc).__name__})",
                _RECOMPILE,
            ) from exc
        return cls._validated(name, data)

    @classmethod
    def _validated(cls, name: str, data: Mapping[str, np.ndarray]) -> RoadGraph:
        required = ("format", "indptr", "indices", "minutes", "x", "y", "crs", "meta")
        missing = [k for k in required if k not in data]
        if missing:
            raise _fail(
                name,
                f"Le fichier {quote(name)} n'est pas un graphe routier de l'atlas "
                f"(tableaux absents : {', '.join(missing)})",
                _RECOMPILE,
            )
        fmt = str(data["format"])
        if fmt != GRAPH_FORMAT:
            raise _fail(
                name,
                f"Le graphe routier {quote(name)} est au format {quote(fmt)}, "
                f"l'atlas attend {quote(GRAPH_FORMAT)}",
                _RECOMPILE,
            )

        def bad(what: str) -> RoadNetworkError:
            return _fail(
                name, f"Le graphe routier {quote(name)} est incohérent : {what}", _RECOMPILE
            )

        indptr, indices, minutes = data["indptr"], data["indices"], data["minutes"]
        x, y = data["x"], data["y"]
        node_ids = data.get("node_ids", np.empty(0, dtype=np.int64))
        arrays = (indptr, indices, minutes, x, y, node_ids)
        if any(a.ndim != 1 for a in arrays):
            raise bad("un tableau n'a pas une dimension")
        kinds = (indptr, indices, node_ids)
        if any(a.dtype.kind not in "iu" for a in kinds) or any(
            a.dtype.kind != "f" for a in (minutes, x, y)
        ):
            raise bad("types de tableaux inattendus")
        n = len(x)
        if len(indptr) != n + 1 or len(y) != n or len(node_ids) not in (0, n):
            raise bad("le nombre de nœuds diffère d'un tableau à l'autre")
        m = len(indices)
        if len(minutes) != m or indptr[0] != 0 or indptr[-1] != m:
            raise bad("le nombre d'arcs diffère d'un tableau à l'autre")
        if np.any(np.diff(indptr) < 0):
            raise bad("les pointeurs d'arcs (indptr) ne sont pas croissants")
        if m and (indices.min() < 0 or indices.max() >= n):
            raise bad("un arc pointe vers un nœud inexistant")
        if not np.all(np.isfinite(minutes)) or (m and minutes.min() < 0):
            raise bad("un temps de parcours est négatif ou non fini")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise bad("une coordonnée de nœud n'est pas finie")
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


def _dedupe_edges(
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


# --------------------------------------------------------------------------------------
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
    if oneway in _ONEWAY_FORWARD:
        direction = 1
    elif oneway in _ONEWAY_BACKWARD:
        direction = -1
    elif oneway in _ONEWAY_NO:
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
        raise _fail(
            file,
            f"Le système de coordonnées {quote(crs)} est inconnu",
            "donner un code EPSG projeté en mètres, par exemple EPSG:2154 (Lambert-93)",
        ) from exc
    units = {axis.unit_name for axis in parsed.axis_info}
    if not parsed.is_projected or units - {"metre"}:
        raise _fail(
            file,
            f"Le système de coordonnées {quote(crs)} n'est pas projeté en mètres",
            "donner un code EPSG projeté en mètres, par exemple EPSG:2154 (Lambert-93)",
        )
    return crs


def _check_pbf(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise _fail(
            name,
            f"L'extrait OpenStreetMap {quote(name)} est introuvable ({path})",
            "vérifier le chemin du fichier .osm.pbf",
        )
    with path.open("rb") as fh:
        head = fh.read(64)
    # A PBF starts with the length of its first BlobHeader, whose type is "OSMHeader".
    if len(head) < 16 or b"OSMHeader" not in head[4:32]:
        raise _fail(
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
            wanted = {k: tags[k] for k in _TAG_KEYS if k in tags}
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
        raise _fail(
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
    speeds = dict(CAR_SPEEDS_KMH if speeds is None else speeds)
    factor = OSRM_SPEED_FACTOR if speed_factor is None else float(speed_factor)
    if factor <= 0 or any(not (v > 0) for v in speeds.values()):
        raise ValueError("speeds and speed_factor must be positive")
    ways = _read_ways(path, speeds)

    refs, lon, lat, way_len = ways["refs"], ways["lon"], ways["lat"], ways["way_len"]
    n_ways = len(way_len)
    # Segments between consecutive nodes of the same way, both located.
    way_of = np.repeat(np.arange(n_ways), way_len)
    a = np.arange(len(refs) - 1) if len(refs) else np.empty(0, dtype=np.int64)
    seg = a[(way_of[a] == way_of[a + 1]) & np.isfinite(lon[a]) & np.isfinite(lon[a + 1])]
    if len(seg) == 0:
        raise _fail(
            path.name,
            f"L'extrait {quote(path.name)} ne contient aucune route praticable en voiture",
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

    _, _, length_m = _GEOD.inv(lon[u_pos], lat[u_pos], lon[v_pos], lat[v_pos])
    speed = ways["way_speed"][way_of[u_pos]] * factor
    minutes = np.asarray(length_m, dtype=np.float64) / (speed * _KMH_TO_M_PER_MIN)
    direction = ways["way_dir"][way_of[u_pos]]
    fwd = direction >= 0
    bwd = direction <= 0
    tails = np.concatenate([u[fwd], v[bwd]])
    heads = np.concatenate([v[fwd], u[bwd]])
    weights = np.concatenate([minutes[fwd], minutes[bwd]])
    tails, heads, weights = _dedupe_edges(tails, heads, weights)
    n_read = len(node_ids)

    # Largest strongly connected component: elsewhere a trip may be unable to return.
    keep = _largest_scc(tails, heads, n_read)
    tails, heads, weights, old = _subgraph(tails, heads, weights, keep)
    n_scc = len(old)
    n_contracted = 0
    if contract:
        tails, heads, weights, kept = _contract(tails, heads, weights, n_scc)
        n_contracted = n_scc - len(kept)
        old = old[kept]

    crs = crs or default_crs(node_lon[old], node_lat[old])
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_crs.transform(node_lon[old], node_lat[old])
    meta = {
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
        "counts": {
            "ways": n_ways,
            "ways_by_class": ways["classes"],
            "segments": int(len(seg)),
            "nodes_read": int(n_read),
            "nodes_outside_largest_component": int(n_read - n_scc),
            "nodes_contracted": int(n_contracted),
            "nodes": int(len(old)),
            "edges": int(len(tails)),
        },
        "compiled_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    return RoadGraph.from_edges(
        tails, heads, weights, x, y, crs=crs, meta=meta, node_ids=node_ids[old]
    )


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
    t, h, w = _dedupe_edges(new_id[new_t], new_id[new_h], total)
    return t, h, w, kept


# --------------------------------------------------------------------------------------
# Shortest paths
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
        minutes = np.where(ok, dist / (self.connector_speed_kmh * _KMH_TO_M_PER_MIN), np.inf)
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


__all__ = [
    "CAR_SPEEDS_KMH",
    "CONNECTOR_SPEED_KMH",
    "MAX_SNAP_M",
    "OSRM_SPEED_FACTOR",
    "SPEED_SOURCES_FR",
    "RoadEngine",
    "RoadGraph",
    "RoadNearest",
    "RoadNetworkError",
    "Snap",
    "compile_pbf",
    "default_crs",
    "multi_source_minutes",
    "node_matrix",
    "way_rule",
]
