"""Travel-time engines, nearest-service times, coverage figures, what-if and suggestions.

Every engine answers one question, vectorised: ``matrix(origins, destinations)`` gives
minutes as an ``(n_origins, n_destinations)`` float array (``inf`` when a destination is
unreachable). ``nearest(origins, destinations)`` gives, for each origin, the minutes to
the nearest destination and its index; engines override it when they can do better than
a full matrix (a k-d tree for straight lines, one multi-source pass on a road graph).

Every engine describes itself with a :class:`ModelInfo`, which travels with every result
so that the model and its parameters are printed wherever times are shown or exported.

Contents
--------
* Mode defaults and their sources (:data:`MODES`), parameter checks (:func:`validate_params`).
* :class:`StraightLineEngine`: distance à vol d'oiseau × detour ÷ speed + terminal time.
* :func:`load_time_matrix` / :class:`ImportedMatrixEngine`: a matrix supplied by the
  département as a CSV file, checked row by row with French messages.
* :func:`open_on` / :func:`select_open`: which places are open on a given day.
* :class:`Scenario` / :class:`AccessComputation`: what-if (hypothetical sites added, sites
  removed) answered from a matrix computed once.
* :func:`coverage_by_unit` / :func:`summary`: population-weighted figures per unit and for
  the département, with the beneficiary-weighted equity figure.
* :func:`suggest_sites`: greedy maximal coverage.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from core.formatting import format_number_fr
from core.formatting import format_short_number_fr as _num_fr
from core.package.problems import FileReport, Problem, quote, sentence
from core.package.values import fold, normalize_code_insee

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
    names: np.ndarray = field(default=None)  # type: ignore[assignment]

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


_TRANSFORMERS: dict[str, Transformer] = {}


def _transformer(crs: str) -> Transformer:
    t = _TRANSFORMERS.get(crs)
    if t is None:
        t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        _TRANSFORMERS[crs] = t
    return t


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


@dataclass(frozen=True)
class ModeDefaults:
    """Default parameters of one travel mode and where they come from.

    Parameters
    ----------
    label_fr : str
        French name of the mode (« Voiture »).
    speed_kmh : float
        Average speed along the way, km/h.
    detour : float
        Ratio of the network distance to the straight-line distance.
    terminal_min : float
        Minutes added to every trip (parking, walking to the door…).
    sources_fr : tuple of str
        One French sentence per parameter saying where its value comes from.
    """

    label_fr: str
    speed_kmh: float
    detour: float
    terminal_min: float
    sources_fr: tuple[str, ...]


_DETOUR_SOURCE_FR = (
    "Facteur de détour 1,343 : moyenne mesurée sur 300 villes européennes (Environment "
    "and Planning B, 2023, doi 10.1177/23998083231168870) ; environ 1,2 en zone urbaine "
    "dense (Newell, 1980), davantage sur les courts trajets ruraux."
)
_TERMINAL_SOURCE_FR = (
    "Temps terminal (stationnement, accès au guichet) : aucune source : 0 min par défaut, réglable."
)

#: Defaults of the straight-line model per mode, strictly from the documented sources.
MODES: dict[str, ModeDefaults] = {
    "car": ModeDefaults(
        "Voiture",
        58.0,
        1.343,
        0.0,
        (
            "Vitesse 58 km/h : borne basse de la vitesse moyenne en voiture hors "
            "agglomération sur route à chaussée unique selon les données routières de l'IGN "
            "(Road2 : 58 à 67 km/h ; 30 à 50 km/h en agglomération).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
    "walk": ModeDefaults(
        "Marche",
        3.6,
        1.343,
        0.0,
        (
            "Vitesse 3,6 km/h : valeur par défaut du calculateur d'itinéraires r5 (valeurs "
            "usuelles de 3,6 à 5 km/h).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
    "bike": ModeDefaults(
        "Vélo",
        12.0,
        1.343,
        0.0,
        (
            "Vitesse 12 km/h : valeur par défaut du calculateur d'itinéraires r5 (valeurs "
            "usuelles de 12 à 15 km/h).",
            _DETOUR_SOURCE_FR,
            _TERMINAL_SOURCE_FR,
        ),
    ),
}

#: France Services target: every inhabitant under 30 minutes by car.
DEFAULT_THRESHOLD_MIN = 30
#: Where :data:`DEFAULT_THRESHOLD_MIN` comes from.
THRESHOLD_SOURCE_FR = (
    "Seuil de 30 min : objectif de la politique France Services, chaque habitant à moins "
    "de 30 minutes en voiture."
)

#: Allowed ranges (inclusive) of the user-settable parameters.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    "speed_kmh": (1.0, 130.0),
    "detour": (1.0, 3.0),
    "terminal_min": (0.0, 60.0),
    "threshold": (1.0, 240.0),
}
#: French names of the parameters (the ``column`` of their :class:`Problem`).
PARAM_LABELS_FR: dict[str, str] = {
    "mode": "mode de déplacement",
    "speed_kmh": "vitesse",
    "detour": "facteur de détour",
    "terminal_min": "temps terminal",
    "threshold": "seuil",
}
_PARAM_UNITS_FR = {"speed_kmh": " km/h", "detour": "", "terminal_min": " min", "threshold": " min"}
#: ``file`` of the problems found in access parameters.
PARAMS_FILE_FR = "paramètres d'accès"


def _with_unit(name: str, value: float) -> str:
    return _num_fr(value) + _PARAM_UNITS_FR[name]


def validate_params(
    mode: str = "car",
    speed_kmh: float | None = None,
    detour: float | None = None,
    terminal_min: float | None = None,
    threshold: float | None = None,
) -> list[Problem]:
    """Check access parameters; ``None`` means « default » and is always valid.

    Returns
    -------
    list of Problem
        Empty when everything is valid; otherwise one French error per parameter, with
        ``file`` = :data:`PARAMS_FILE_FR`, ``column`` = the parameter's French name, the
        allowed range and what to do.
    """
    problems: list[Problem] = []
    defaults = MODES.get(mode) if isinstance(mode, str) else None
    if defaults is None:
        choices = ", ".join(f"« {k} » ({d.label_fr.lower()})" for k, d in MODES.items())
        problems.append(
            Problem(
                PARAMS_FILE_FR,
                None,
                PARAM_LABELS_FR["mode"],
                sentence(
                    f"mode de déplacement {quote(mode)} inconnu",
                    f"choisissez l'un des modes {choices}",
                ),
            )
        )
    values = {
        "speed_kmh": speed_kmh,
        "detour": detour,
        "terminal_min": terminal_min,
        "threshold": threshold,
    }
    for name, value in values.items():
        if value is None:
            continue
        lo, hi = PARAM_RANGES[name]
        label = PARAM_LABELS_FR[name]
        allowed = f"de {_with_unit(name, lo)} à {_with_unit(name, hi)}"
        if name == "threshold":
            default_text = _with_unit(name, DEFAULT_THRESHOLD_MIN)
        elif defaults is not None:
            default_text = _with_unit(name, getattr(defaults, name))
        else:
            default_text = ""
        hint = f" (valeur par défaut : {default_text})" if default_text else ""
        number: float | None
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            number = None
        else:
            number = float(value)
        if number is None or not math.isfinite(number):
            what = f"{label} {quote(value)} : ce n'est pas un nombre"
        elif not lo <= number <= hi:
            what = f"{label} {_with_unit(name, number)} hors de la plage admise ({allowed})"
        else:
            continue
        problems.append(
            Problem(
                PARAMS_FILE_FR,
                None,
                label,
                sentence(what, f"saisissez une valeur {allowed}{hint}"),
            )
        )
    return problems


class AccessParamError(ValueError):
    """Invalid access parameters.

    Attributes
    ----------
    problems : list of Problem
        French errors from :func:`validate_params`.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "Paramètres d'accès invalides :\n" + "\n".join(f"- {p}" for p in self.problems)
        )


# --------------------------------------------------------------------------------------
# Straight-line engine
# --------------------------------------------------------------------------------------

#: Cells computed at once by :meth:`StraightLineEngine.matrix` (bounds temporary memory).
_CHUNK_CELLS = 4_000_000


def _finite_xy(places: Places) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 coordinates and the mask of places whose coordinates are finite."""
    xy = places.xy
    ok = np.isfinite(xy).all(axis=1) if len(xy) else np.zeros(0, dtype=bool)
    return xy, ok


class StraightLineEngine:
    """Minutes = straight-line distance (Lambert-93) × detour ÷ speed + terminal time.

    Parameters
    ----------
    mode : {"car", "walk", "bike"}
    speed_kmh, detour, terminal_min : float, optional
        ``None`` takes the mode default from :data:`MODES`.

    Raises
    ------
    AccessParamError
        When a parameter is out of :data:`PARAM_RANGES` or the mode is unknown.

    Notes
    -----
    The time is a monotone function of the distance, so the nearest destination in time
    is the nearest in distance: :meth:`nearest` queries a k-d tree, exactly, in
    ``O((n + m) log m)`` time and ``O(n + m)`` memory. Places whose coordinates are not
    finite are unreachable (``inf``).
    """

    engine_name = "straight_line"

    def __init__(
        self,
        mode: str = "car",
        speed_kmh: float | None = None,
        detour: float | None = None,
        terminal_min: float | None = None,
    ) -> None:
        problems = validate_params(mode, speed_kmh, detour, terminal_min)
        if problems:
            raise AccessParamError(problems)
        d = MODES[mode]
        self.mode = mode
        self.speed_kmh = float(d.speed_kmh if speed_kmh is None else speed_kmh)
        self.detour = float(d.detour if detour is None else detour)
        self.terminal_min = float(d.terminal_min if terminal_min is None else terminal_min)

    @property
    def minutes_per_metre(self) -> float:
        """Minutes per metre of straight line (detour included)."""
        return self.detour / (self.speed_kmh * 1000.0 / 60.0)

    @cached_property
    def model(self) -> ModelInfo:
        """Model description: engine, parameters, French sentence, sources."""
        d = MODES[self.mode]
        text = (
            f"{d.label_fr} : distance à vol d'oiseau × {_num_fr(self.detour)} ÷ "
            f"{_num_fr(self.speed_kmh)} km/h + {_num_fr(self.terminal_min)} min (estimation)"
        )
        changed = [
            f"{PARAM_LABELS_FR[k]} {_with_unit(k, v)} au lieu de {_with_unit(k, getattr(d, k))}"
            for k, v in (
                ("speed_kmh", self.speed_kmh),
                ("detour", self.detour),
                ("terminal_min", self.terminal_min),
            )
            if v != getattr(d, k)
        ]
        sources = d.sources_fr
        if changed:
            sources = (
                *sources,
                "Paramètres modifiés par l'utilisateur : " + ", ".join(changed) + ".",
            )
        return ModelInfo(
            engine=self.engine_name,
            mode=self.mode,
            params={
                "speed_kmh": self.speed_kmh,
                "detour": self.detour,
                "terminal_min": self.terminal_min,
            },
            text_fr=text,
            sources_fr=sources,
            approximate=True,
        )

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        """Minutes from every origin to every destination, ``(n, m)`` float64.

        Computed by blocks of origins so that temporaries stay small; the result itself
        takes ``8 × n × m`` bytes (use :meth:`nearest` for large sets).
        """
        oxy, ook = _finite_xy(origins)
        dxy, dok = _finite_xy(destinations)
        n, m = len(oxy), len(dxy)
        out = np.empty((n, m), dtype=np.float64)
        if n == 0 or m == 0:
            return out
        k = self.minutes_per_metre
        step = max(1, _CHUNK_CELLS // m)
        dsafe = np.where(dok[:, None], dxy, 0.0)
        for start in range(0, n, step):
            stop = min(n, start + step)
            osafe = np.where(ook[start:stop, None], oxy[start:stop], 0.0)
            block = out[start:stop]
            block[:] = cdist(osafe, dsafe)
            block *= k
            block += self.terminal_min
        if not (ook.all() and dok.all()):
            out[~ook, :] = np.inf
            out[:, ~dok] = np.inf
        return out

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        """Nearest destination of every origin, exactly, with a k-d tree."""
        oxy, ook = _finite_xy(origins)
        dxy, dok = _finite_xy(destinations)
        n = len(oxy)
        minutes = np.full(n, np.inf)
        index = np.full(n, -1, dtype=np.intp)
        if n and dok.any() and ook.any():
            kept = np.flatnonzero(dok)
            tree = cKDTree(dxy[kept])
            dist, pos = tree.query(oxy[ook], k=1)
            minutes[ook] = dist * self.minutes_per_metre + self.terminal_min
            index[ook] = kept[pos]
        return Nearest(minutes, index, self.model)


# --------------------------------------------------------------------------------------
# Imported matrix
# --------------------------------------------------------------------------------------

#: Longest trip accepted in an imported matrix (minutes); beyond, the value is absurd.
MAX_IMPORTED_MINUTES = 1440.0

#: Accepted header names of each column of an imported matrix (compared after folding
#: case and accents, with spaces and hyphens read as ``_``).
MATRIX_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "origine": (
        "origine",
        "origin",
        "code_insee",
        "code_insee_origine",
        "insee",
        "code_commune",
        "commune",
        "depart",
        "from",
    ),
    "destination": (
        "destination",
        "dest",
        "destination_id",
        "id_destination",
        "site_id",
        "site",
        "arrivee",
        "to",
    ),
    "minutes": (
        "minutes",
        "minute",
        "min",
        "mn",
        "duree",
        "duree_min",
        "duree_minutes",
        "temps",
        "temps_min",
        "temps_minutes",
        "time",
        "time_min",
        "travel_time",
        "duration",
    ),
}
_MATRIX_TODO_FORMAT = (
    "enregistrez le fichier au format CSV (UTF-8) avec l'en-tête "
    "« origine,destination,minutes » : code INSEE de la commune, identifiant de la "
    "destination, durée en minutes"
)


def _header_key(name: str) -> str:
    key = fold(name.strip().strip('"').strip("'").strip())
    return re.sub(r"[\s\-]+", "_", key)


_ALIAS_TO_COLUMN = {
    _header_key(alias): col for col, aliases in MATRIX_COLUMN_ALIASES.items() for alias in aliases
}


@dataclass
class MatrixReport(FileReport):
    """Outcome of reading an imported time matrix: a :class:`FileReport` (rows read = kept +
    rejected, French problems file-level first then by line, ``errors``/``warnings``) plus

    Attributes
    ----------
    missing_pairs : int
        Commune–destination pairs of the département absent from the kept rows (they are
        counted as unreachable).
    encoding : str
        ``utf-8`` or ``cp1252`` (empty when the file could not be decoded).
    """

    missing_pairs: int = 0
    encoding: str = ""

    def summary_fr(self) -> str:
        """One French sentence: lines read, kept, rejected and missing pairs."""
        text = (
            f"Fichier « {self.file} » : {format_number_fr(self.rows_read)} ligne(s) lue(s), "
            f"{format_number_fr(self.rows_kept)} conservée(s), "
            f"{format_number_fr(self.rows_rejected)} rejetée(s)"
        )
        if self.missing_pairs:
            text += (
                f" ; {format_number_fr(self.missing_pairs)} paire(s) commune–destination "
                "absente(s), comptée(s) comme inaccessible(s)"
            )
        return text + "."


class ImportedMatrixEngine:
    """Times read from a matrix supplied by the département (see :func:`load_time_matrix`).

    Parameters
    ----------
    origin_ids, destination_ids : sequence of str
        Row and column ids of ``minutes``.
    minutes : numpy.ndarray
        ``(len(origin_ids), len(destination_ids))``; ``inf`` where the file gives no time.
    file_name : str
    mode : str
        Travel mode the times are for (``car`` by default).

    Notes
    -----
    Origins and destinations are looked up by id; a pair absent from the file (or a place
    the file does not know, such as a hypothetical site) is unreachable (``inf``).
    """

    engine_name = "imported"

    def __init__(
        self,
        origin_ids: Sequence[str],
        destination_ids: Sequence[str],
        minutes: np.ndarray,
        file_name: str,
        mode: str = "car",
    ) -> None:
        self._rows = pd.Index(np.asarray(origin_ids, dtype=object))
        self._cols = pd.Index(np.asarray(destination_ids, dtype=object))
        self._minutes = np.asarray(minutes, dtype=np.float64)
        if self._minutes.shape != (len(self._rows), len(self._cols)):
            raise ValueError("minutes must have shape (len(origin_ids), len(destination_ids))")
        self.file_name = file_name
        self.mode = mode

    @property
    def pairs(self) -> int:
        """Pairs with a time."""
        return int(np.isfinite(self._minutes).sum())

    @property
    def missing_pairs(self) -> int:
        """Pairs of the département without a time (unreachable)."""
        return int(self._minutes.size - self.pairs)

    @cached_property
    def model(self) -> ModelInfo:
        """Model description, naming the file."""
        label = MODES[self.mode].label_fr if self.mode in MODES else self.mode
        text = (
            f"{label} : temps importés du fichier « {self.file_name} » "
            f"({format_number_fr(self.pairs)} paires commune–destination"
        )
        if self.missing_pairs:
            text += (
                f" ; {format_number_fr(self.missing_pairs)} paires absentes comptées comme "
                "inaccessibles"
            )
        text += ")"
        return ModelInfo(
            engine=self.engine_name,
            mode=self.mode,
            params={
                "file": self.file_name,
                "pairs": self.pairs,
                "missing_pairs": self.missing_pairs,
            },
            text_fr=text,
            sources_fr=(
                f"Matrice de temps fournie par le département (fichier « {self.file_name} ») ; "
                "une paire absente du fichier est comptée comme inaccessible.",
            ),
            approximate=False,
        )

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        """Minutes looked up by ids, ``inf`` for pairs absent from the file."""
        r = self._rows.get_indexer(origins.ids)
        c = self._cols.get_indexer(destinations.ids)
        out = np.full((len(r), len(c)), np.inf)
        ri, ci = np.flatnonzero(r >= 0), np.flatnonzero(c >= 0)
        if len(ri) and len(ci):
            out[np.ix_(ri, ci)] = self._minutes[np.ix_(r[ri], c[ci])]
        return out

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        """Nearest destination of every origin, from the looked-up matrix."""
        return nearest_from_matrix(self.matrix(origins, destinations), self.model)


def _file_problem(name: str, what: str, todo: str, row: int | None = None) -> Problem:
    return Problem(name, row, None, sentence(what, todo))


def _decode_matrix(data: bytes, name: str) -> tuple[str | None, str, list[Problem]]:
    """Text of the file, its encoding and problems (text None when undecodable)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (
            None,
            "",
            [
                _file_problem(
                    name,
                    "le fichier est encodé en UTF-16, ni en UTF-8 ni en Windows-1252",
                    "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
                )
            ],
        )
    if b"\x00" in data:
        return (
            None,
            "",
            [
                _file_problem(
                    name,
                    "le fichier contient des octets nuls : ce n'est pas un CSV texte "
                    "(classeur Excel ou fichier binaire ?)",
                    "exportez la feuille au format « CSV UTF-8 (délimité par des virgules) »",
                )
            ],
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (
            None,
            "",
            [
                _file_problem(
                    name,
                    "le fichier n'est encodé ni en UTF-8 ni en Windows-1252 (caractère "
                    "invalide à cette ligne)",
                    "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
                    row=line,
                )
            ],
        )
    warn = Problem(
        name,
        None,
        None,
        sentence(
            "le fichier n'est pas en UTF-8 : il a été lu en Windows-1252 (export Excel "
            "« CSV (séparateur : point-virgule) »)",
            "vérifiez les accents des identifiants ; à l'avenir, enregistrez-le au format "
            "« CSV UTF-8 »",
        ),
        "warning",
    )
    return text, "cp1252", [warn]


def _source_bytes(
    source: str | bytes | os.PathLike[str], name: str
) -> tuple[bytes | None, list[Problem]]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), []
    if isinstance(source, str):
        if "\n" not in source and len(source) < 4096 and Path(source).is_file():
            return _source_bytes(Path(source), name)
        return source.encode("utf-8"), []
    try:
        return Path(source).read_bytes(), []
    except OSError as exc:
        return None, [
            _file_problem(
                name,
                f"fichier illisible ({exc.strerror or exc})",
                "vérifiez que le fichier existe et que ses droits permettent la lecture",
            )
        ]


def _parse_minutes(raw: np.ndarray) -> np.ndarray:
    """Floats from text cells (decimal comma, spaces as thousand separators); NaN if not."""
    cleaned = (
        pd.Series(raw, dtype="str")
        .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
        .str.replace(",", ".", regex=False)
    )
    ok = cleaned.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?").fillna(False)
    values = np.full(len(cleaned), np.nan)
    if ok.any():
        values[ok.to_numpy()] = cleaned[ok].astype(float).to_numpy()
    return values


def load_time_matrix(
    source: str | bytes | os.PathLike[str],
    *,
    file_name: str,
    commune_codes: Sequence[str],
    destination_ids: Sequence[str],
    mode: str = "car",
) -> tuple[ImportedMatrixEngine | None, MatrixReport]:
    """Read a travel-time matrix supplied by the département.

    Parameters
    ----------
    source : path, str or bytes
        A path (:class:`os.PathLike`) is read from disk; ``bytes`` are the file's content
        (an uploaded file); a ``str`` is the file's text itself (or, when it is one line
        naming an existing file, that file's path).
    file_name : str
        Name used in messages and in the model description.
    commune_codes : sequence of str
        INSEE codes of the département's communes (the accepted origins).
    destination_ids : sequence of str
        Ids of the accepted destinations.
    mode : str
        Travel mode the times are for (label of the model only).

    Returns
    -------
    engine, report : ImportedMatrixEngine or None, MatrixReport
        ``engine`` is None when the file is unusable as a whole (unreadable, empty, no
        header, missing column, no valid row); the report then holds a file-level error.

    Notes
    -----
    Format: one row per pair, columns ``origine`` (INSEE code), ``destination`` (id) and
    ``minutes``; English names and usual variants are accepted
    (:data:`MATRIX_COLUMN_ALIASES`); separator ``,``, ``;`` or tab; UTF-8 with or
    without BOM, or Windows-1252; decimal comma accepted. A 4-digit commune code gets its
    lost leading zero back (one warning). Rows are rejected (one error per cause, line
    numbers with the header as line 1) for an unknown commune or destination, missing,
    non-numeric, negative or absurd (> 1 440) minutes, too many fields, or a pair already
    given (the first is kept).
    """
    name = file_name
    report = MatrixReport(name)
    data, problems = _source_bytes(source, name)
    if data is None:
        report.problems = problems
        return None, report
    text, encoding, problems = _decode_matrix(data, name)
    report.encoding = encoding
    if text is None:
        report.problems = problems
        return None, report
    if not text.strip():
        report.problems = [
            *problems,
            _file_problem(name, "le fichier est vide", _MATRIX_TODO_FORMAT),
        ]
        return None, report
    lines = io.StringIO(text, newline="")
    first = ""
    for raw_line in lines:
        if raw_line.strip():
            first = raw_line.rstrip("\r\n")
            break
    seps = (",", ";", "\t", "|")

    def score(sep: str) -> int:
        return len({_ALIAS_TO_COLUMN.get(_header_key(c)) for c in first.split(sep)} - {None})

    sep = max(seps, key=lambda s: (score(s), s == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    header_line = 1
    prev = 0
    rows: list[list[str]] = []
    starts: list[int] = []
    for fields in reader:
        start = prev + 1
        prev = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header, header_line = fields, start
            continue
        rows.append(fields)
        starts.append(start)
    if header is None:
        report.problems = [
            *problems,
            _file_problem(
                name, "le fichier ne contient que des séparateurs vides", _MATRIX_TODO_FORMAT
            ),
        ]
        return None, report
    # Each column takes the header cell whose alias comes first in its list (``code_insee``
    # beats ``commune``, which may hold names), then the leftmost.
    positions: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for i, col in enumerate(header):
        key = _header_key(col)
        target = _ALIAS_TO_COLUMN.get(key)
        if target is None:
            continue
        rank = [_header_key(a) for a in MATRIX_COLUMN_ALIASES[target]].index(key)
        if target not in positions or rank < ranks[target]:
            positions[target], ranks[target] = i, rank
    found = ", ".join(quote(c) for c in header)
    if not positions:
        looks_like_data = bool(re.match(r"\s*\"?(?:\d{4,5}|2[AB]\d{3})\b", first))
        what = (
            "la première ligne ressemble à des données : le fichier n'a pas d'en-tête"
            if looks_like_data
            else f"aucune colonne reconnue dans l'en-tête (colonnes trouvées : {found})"
        )
        report.problems = [
            *problems,
            _file_problem(name, what, _MATRIX_TODO_FORMAT, row=header_line),
        ]
        report.rows_read = report.rows_rejected = len(rows) + (1 if looks_like_data else 0)
        return None, report
    missing = [c for c in MATRIX_COLUMN_ALIASES if c not in positions]
    if missing:
        for col in missing:
            accepted = ", ".join(MATRIX_COLUMN_ALIASES[col][:6])
            report.problems.append(
                Problem(
                    name,
                    header_line,
                    col,
                    sentence(
                        f"colonne {quote(col)} absente de l'en-tête (colonnes trouvées : {found})",
                        f"ajoutez une colonne {quote(col)} (noms acceptés : {accepted}…)",
                    ),
                )
            )
        report.problems[:0] = problems
        report.rows_read = report.rows_rejected = len(rows)
        return None, report

    n = len(rows)
    line_no = np.asarray(starts, dtype=np.int64)
    width = len(header)

    def column(key: str) -> np.ndarray:
        i = positions[key]
        return np.array([r[i].strip() if i < len(r) else "" for r in rows], dtype=object)

    orig_raw, dest_raw, min_raw = column("origine"), column("destination"), column("minutes")
    col_names = {k: header[i].strip() for k, i in positions.items()}
    found_problems: list[tuple[int, int, Problem]] = []  # (line, order, problem)
    rejected = np.zeros(n, dtype=bool)

    def reject(i: int, key: str | None, what: str, todo: str, order: int) -> None:
        rejected[i] = True
        col = ", ".join(col_names[k] for k in key.split(", ")) if key else None
        found_problems.append(
            (int(line_no[i]), order, Problem(name, int(line_no[i]), col, sentence(what, todo)))
        )

    # Structure: more fields than the header (e.g. an unquoted decimal comma).
    for i, r in enumerate(rows):
        if len(r) > width:
            hint = (
                " (virgule décimale dans un fichier séparé par des virgules ?)"
                if sep == ","
                else ""
            )
            reject(
                i,
                None,
                f"{len(r)} champs au lieu de {width}{hint}",
                "mettez la valeur entre guillemets, utilisez le point décimal ou le "
                "séparateur « ; »",
                0,
            )

    # Origins: commune codes of the département, leading zero restored.
    known_communes = set(map(str, commune_codes))
    codes = np.empty(n, dtype=object)
    padded: list[int] = []
    cache: dict[str, tuple[str, str]] = {}
    for i, raw in enumerate(orig_raw):
        if raw == "":
            codes[i] = ""
            reject(
                i,
                "origine",
                "code commune manquant",
                "indiquez le code INSEE de la commune d'origine",
                1,
            )
            continue
        code, status = cache.get(raw) or cache.setdefault(raw, normalize_code_insee(raw))
        codes[i] = code
        if status == "malformed":
            reject(
                i,
                "origine",
                f"{quote(raw)} n'est pas un code commune INSEE (5 caractères)",
                "indiquez le code INSEE de la commune (pas son code postal ni son nom)",
                1,
            )
        elif code not in known_communes:
            shown = quote(raw) + (f" (lu {quote(code)})" if code != raw else "")
            reject(
                i,
                "origine",
                f"la commune {shown} n'est pas une commune du département",
                "vérifiez le code INSEE (code officiel géographique en vigueur, pas le code "
                "postal) ou retirez la ligne",
                1,
            )
        elif status == "padded" and code != raw:
            padded.append(i)

    # Destinations: ids given by the application.
    known_dest = [str(d) for d in destination_ids]
    known_dest_set = set(known_dest)
    suggestions: dict[str, str] = {}
    for i, raw in enumerate(dest_raw):
        if raw == "":
            reject(
                i,
                "destination",
                "identifiant de destination manquant",
                "indiquez l'identifiant du site ou du point",
                2,
            )
        elif raw not in known_dest_set:
            if raw not in suggestions:
                close = difflib.get_close_matches(raw, known_dest, n=1, cutoff=0.8)
                suggestions[raw] = (
                    f"remplacez-le par {quote(close[0])} s'il s'agit de ce lieu, ou "
                    if close
                    else ""
                )
            reject(
                i,
                "destination",
                f"destination {quote(raw)} inconnue : ce n'est l'identifiant d'aucun lieu retenu",
                f"{suggestions[raw]}utilisez l'identifiant du site ou du point tel qu'il figure "
                "dans le paquet départemental (colonne site_id de sites.csv ou id des points), "
                "ou retirez la ligne",
                2,
            )

    # Minutes.
    minutes = _parse_minutes(min_raw)
    for i in np.flatnonzero(~(minutes >= 0) | (minutes > MAX_IMPORTED_MINUTES)):
        raw = min_raw[i]
        if raw == "":
            what, todo = "durée manquante", "indiquez la durée du trajet en minutes"
        elif np.isnan(minutes[i]):
            what = f"{quote(raw)} n'est pas un nombre de minutes"
            todo = "écrivez la durée en minutes, par exemple 12 ou 12,5"
        elif minutes[i] < 0:
            what = f"durée négative ({quote(raw)})"
            todo = "corrigez la durée : elle doit être positive ou nulle"
        else:
            what = f"durée de {quote(raw)} minutes : plus de 24 heures, valeur absurde"
            todo = "vérifiez l'unité (minutes, pas secondes) et corrigez la valeur"
        reject(int(i), "minutes", what, todo, 3)

    # Duplicate pairs among otherwise valid rows: the first is kept.
    valid = np.flatnonzero(~rejected)
    if len(valid):
        pairs = pd.DataFrame({"o": codes[valid], "d": dest_raw[valid]})
        dup = pairs.duplicated(keep="first").to_numpy()
        if dup.any():
            first_line = (
                pd.Series(line_no[valid]).groupby([pairs["o"], pairs["d"]]).transform("first")
            ).to_numpy()
            for j in np.flatnonzero(dup):
                i = int(valid[j])
                reject(
                    i,
                    "origine, destination",
                    f"paire {quote(codes[i])} → {quote(dest_raw[i])} déjà donnée ligne "
                    f"{int(first_line[j])} (la première est gardée)",
                    "supprimez le doublon ou corrigez l'identifiant",
                    4,
                )
    kept = np.flatnonzero(~rejected)
    found_problems.sort(key=lambda t: (t[0], t[1]))
    row_problems = [p for _, _, p in found_problems]
    padded_kept = [i for i in padded if not rejected[i]]
    if padded_kept:
        i = padded_kept[0]
        problems.append(
            Problem(
                name,
                int(line_no[i]),
                col_names["origine"],
                sentence(
                    f"{format_number_fr(len(padded_kept))} code(s) commune remis au format "
                    f"INSEE (par exemple {quote(orig_raw[i])} lu {quote(codes[i])}) : zéro "
                    "initial perdu ou « .0 » ajouté, probablement par un tableur",
                    "enregistrez la colonne au format texte pour garder le zéro initial",
                ),
                "warning",
            )
        )
    report.rows_read = n
    report.rows_kept = len(kept)
    report.rows_rejected = n - len(kept)
    communes = list(dict.fromkeys(map(str, commune_codes)))
    dests = list(dict.fromkeys(known_dest))
    if not len(kept):
        problems.append(
            _file_problem(
                name,
                "aucune ligne utilisable : la matrice de temps ne peut pas être importée",
                "corrigez les lignes signalées",
            )
        )
        report.problems = problems + row_problems
        return None, report
    matrix = np.full((len(communes), len(dests)), np.inf)
    r = pd.Index(communes).get_indexer(codes[kept])
    c = pd.Index(dests).get_indexer(dest_raw[kept])
    matrix[r, c] = minutes[kept]
    report.missing_pairs = int(matrix.size - len(kept))
    if report.missing_pairs:
        problems.append(
            Problem(
                name,
                None,
                None,
                sentence(
                    f"{format_number_fr(report.missing_pairs)} paire(s) commune–destination "
                    f"sur {format_number_fr(matrix.size)} absente(s) du fichier : elles sont "
                    "comptées comme inaccessibles",
                    "complétez le fichier si ces trajets sont possibles",
                ),
                "warning",
            )
        )
    report.problems = problems + row_problems
    engine = ImportedMatrixEngine(communes, dests, matrix, name, mode)
    return engine, report


# --------------------------------------------------------------------------------------
# Opening days
# --------------------------------------------------------------------------------------

#: French day names, Monday first (index = ``day`` argument).
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_OSM_DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_DAY = r"(?:mo|tu|we|th|fr|sa|su)"
_DAY_SPEC = rf"{_DAY}(?:\s*-\s*{_DAY})?"
_DAYS = rf"{_DAY_SPEC}(?:\s*,\s*{_DAY_SPEC})*"
_TIME = r"\d{1,2}:\d{2}"
_SPAN = rf"{_TIME}\s*-\s*{_TIME}\+?"
_SPANS = rf"{_SPAN}(?:\s*,\s*{_SPAN})*"
_RULE_RE = re.compile(rf"(?P<days>{_DAYS})?\s*(?P<what>{_SPANS}|off|closed|open)?", re.IGNORECASE)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
# A comma after a time span or "off" followed by a day starts an additional rule.
_ADDITIONAL_RE = re.compile(
    r"(?<=[0-9fdn+])\s*,\s*(?=(?:mo|tu|we|th|fr|sa|su|ph)\b)", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def _parse_hours(text: str) -> tuple[tuple[bool, bool], ...] | None:
    """Per day (Monday first): (open, named by an explicit day selector), or None.

    Understands a subset of OpenStreetMap ``opening_hours``: rules separated by ``;``
    (a later rule overrides the days it names), additional rules after ``,``, day lists
    and ranges (``Mo-Fr``, ``Tu,Th``, ``Sa-Mo``), time spans, ``off``/``closed``,
    ``24/7``; ``PH`` (public holiday) rules are ignored. Anything else → None.
    """
    state = [False] * 7
    named = [False] * 7
    understood = False
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        for j, rule in enumerate(_ADDITIONAL_RE.split(part)):
            rule = rule.strip()
            if re.match(r"ph\b", rule, re.IGNORECASE):
                continue
            if rule == "24/7":
                days, explicit, is_open = list(range(7)), False, True
            else:
                m = _RULE_RE.fullmatch(rule)
                if m is None or not rule or not (m["days"] or m["what"]):
                    return None
                for h, mi in _TIME_RE.findall(m["what"] or ""):
                    if int(h) > 24 or int(mi) > 59:
                        return None
                explicit = bool(m["days"])
                days = _expand_days(m["days"]) if explicit else list(range(7))
                is_open = (m["what"] or "").lower() not in ("off", "closed")
            understood = True
            for d in days:
                state[d] = (state[d] or is_open) if j > 0 else is_open
                if explicit and is_open:
                    named[d] = True
                elif not state[d]:
                    named[d] = False
    if not understood:
        return None
    return tuple(zip(state, named, strict=True))


def _expand_days(spec: str) -> list[int]:
    days: list[int] = []
    for item in spec.split(","):
        ends = [_OSM_DAYS.index(e.strip().lower()) for e in item.split("-")]
        if len(ends) == 1:
            days.append(ends[0])
        else:
            a, b = ends
            days.extend((a + k) % 7 for k in range((b - a) % 7 + 1))
    return days


def _text(value: object) -> str | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _check_day(day: int) -> None:
    if isinstance(day, bool) or not isinstance(day, int | np.integer) or not 0 <= day <= 6:
        raise ValueError(f"day must be an integer from 0 (Monday) to 6 (Sunday), got {day!r}")


def open_on(horaires: str | None, day: int) -> bool | None:
    """Whether OSM ``opening_hours`` say the place is open on ``day``.

    Parameters
    ----------
    horaires : str or None
        E.g. ``"Mo-Fr 09:00-12:00; Tu 14:00-17:00"``, ``"Tu,Th 09:00-12:00"``, ``"24/7"``.
    day : int
        0 = Monday … 6 = Sunday (:data:`DAYS_FR`).

    Returns
    -------
    bool or None
        None when the hours are empty or not understood (the place's opening that day is
        unknown); False for a day no rule opens (or a rule closes).
    """
    _check_day(day)
    text = _text(horaires)
    if text is None:
        return None
    parsed = _parse_hours(text)
    return None if parsed is None else parsed[day][0]


def select_open(
    horaires: Sequence[object], itinerance: Sequence[object], day: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Places to keep on a given day, never dropping a place whose hours are unknown.

    Parameters
    ----------
    horaires : sequence
        OSM ``opening_hours`` per place (None/NaN/empty = unknown).
    itinerance : sequence
        ``Fixe`` / ``Itinérant`` per place (None = fixed).
    day : int or None
        0 = Monday … 6 = Sunday; None keeps every place.

    Returns
    -------
    keep, unknown : numpy.ndarray of bool
        ``keep``: open that day, or unknown. ``unknown``: kept although the hours do not
        say (report them). A fixed place is known to be open when its hours open that day,
        known closed when they do not. An itinerant place is known to be present only when
        its hours name that day explicitly (``Tu 09:00-12:00``); hours without a day
        (``24/7``, ``09:00-12:00``) or not understood leave it unknown and kept; hours that
        do not open that day drop it.
    """
    n = len(horaires)
    if len(itinerance) != n:
        raise ValueError("horaires and itinerance must have the same length")
    keep = np.ones(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    if day is None:
        return keep, unknown
    _check_day(day)
    for i, (h, it) in enumerate(zip(horaires, itinerance, strict=True)):
        text = _text(h)
        parsed = None if text is None else _parse_hours(text)
        roving = "itinerant" in fold(_text(it) or "")
        if parsed is None:
            unknown[i] = True
            continue
        is_open, named = parsed[day]
        if not is_open:
            keep[i] = False
        elif roving and not named:
            unknown[i] = True
    return keep, unknown


# --------------------------------------------------------------------------------------
# What-if
# --------------------------------------------------------------------------------------

#: Prefix of the ids of hypothetical sites (``hypothetique:41018``).
HYPOTHETICAL_PREFIX = "hypothetique:"


def hypothetical_name(commune_name: str) -> str:
    """French label of a hypothetical site placed in a commune."""
    return f"Site hypothétique — {commune_name}"


@dataclass(frozen=True)
class Scenario:
    """A change to the network of destinations.

    Parameters
    ----------
    added : tuple of str
        Commune codes where a hypothetical site is placed, at the commune's
        representative point.
    removed : tuple of str
        Ids of destinations taken out.
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "added", tuple(dict.fromkeys(map(str, self.added))))
        object.__setattr__(self, "removed", tuple(dict.fromkeys(map(str, self.removed))))

    @property
    def is_empty(self) -> bool:
        """No change."""
        return not self.added and not self.removed

    def describe_fr(self, names: Mapping[str, str] | None = None) -> str:
        """French sentence describing the change (``names`` maps ids and codes to labels)."""
        names = names or {}
        if self.is_empty:
            return "Réseau actuel (aucune modification)."
        parts = []
        if self.added:
            parts.append(
                "ajout d'un site hypothétique à " + ", ".join(names.get(c, c) for c in self.added)
            )
        if self.removed:
            parts.append("retrait de " + ", ".join(names.get(d, d) for d in self.removed))
        text = " ; ".join(parts)
        return "Scénario : " + text + "."


@dataclass(frozen=True, eq=False)
class AccessResult:
    """Minutes from every origin (commune) to its nearest destination under a scenario.

    Attributes
    ----------
    origin_ids, origin_names : numpy.ndarray
        Commune codes and names, in the order of the computation's origins.
    minutes : numpy.ndarray
        ``(n,)`` minutes to the nearest destination (``inf`` = none reachable).
    index : numpy.ndarray
        Position of that destination in :attr:`destinations` (``-1`` when none).
    nearest_id, nearest_name : numpy.ndarray
        Id and name of that destination (None when none).
    hypothetical : numpy.ndarray
        True where the nearest destination is a hypothetical site.
    destinations : Places
        Destinations in service under the scenario: the current ones not removed, then the
        hypothetical sites (ids :data:`HYPOTHETICAL_PREFIX` + commune code).
    model : ModelInfo
    scenario : Scenario
    """

    origin_ids: np.ndarray
    origin_names: np.ndarray
    minutes: np.ndarray
    index: np.ndarray
    nearest_id: np.ndarray
    nearest_name: np.ndarray
    hypothetical: np.ndarray
    destinations: Places
    model: ModelInfo
    scenario: Scenario

    def to_frame(self) -> pd.DataFrame:
        """One row per commune; ``attrs`` carry ``model`` and ``scenario``."""
        frame = pd.DataFrame(
            {
                "code_insee": self.origin_ids,
                "nom": self.origin_names,
                "minutes": self.minutes,
                "nearest_id": self.nearest_id,
                "nearest_name": self.nearest_name,
                "hypothetical": self.hypothetical,
            }
        )
        frame.attrs.update(model=self.model, scenario=self.scenario)
        return frame

    def series(self) -> pd.Series:
        """Minutes indexed by commune code (``attrs``: ``model``, ``scenario``)."""
        s = pd.Series(
            self.minutes, index=pd.Index(self.origin_ids, name="code_insee"), name="minutes"
        )
        s.attrs.update(model=self.model, scenario=self.scenario)
        return s


class AccessComputation:
    """Precomputed times of a département, answering what-if scenarios fast.

    Parameters
    ----------
    engine : Engine
    origins : Places
        Communes (ids = INSEE codes) at their representative points.
    destinations : Places
        Current destinations (sites, points…).
    candidates : Places, optional
        Where hypothetical sites may be placed (ids = commune codes); default: the
        origins.

    Notes
    -----
    The ``origins × destinations`` matrix is computed once; the ``origins × candidates``
    matrix is computed on first use (a hypothetical site or a suggestion). A scenario
    then costs an element-wise minimum over the added columns and an argmin over the
    columns kept, i.e. ``O(n × m)`` with small constants (well under a millisecond for
    600 communes × 100 destinations). With an imported matrix, hypothetical sites are
    absent from the file and therefore unreachable.
    """

    def __init__(
        self,
        engine: Engine,
        origins: Places,
        destinations: Places,
        candidates: Places | None = None,
    ) -> None:
        self.engine = engine
        self.origins = origins
        self.destinations = destinations
        self.candidates = origins if candidates is None else candidates
        self.model = engine.model
        self.base_matrix = np.asarray(engine.matrix(origins, destinations), dtype=np.float64)
        self._dest_index = pd.Index(destinations.ids)
        self._cand_index = pd.Index(self.candidates.ids)
        base = nearest_from_matrix(self.base_matrix, self.model)
        self._base_minutes, self._base_index = base.minutes, base.index
        self._hyp_cache: dict[tuple[str, ...], Places] = {}

    @cached_property
    def candidate_matrix(self) -> np.ndarray:
        """``(n_origins, n_candidates)`` minutes to a site placed in each candidate commune."""
        return np.asarray(self.engine.matrix(self.origins, self.candidates), dtype=np.float64)

    def candidate_minutes(self) -> np.ndarray:
        """Same as :attr:`candidate_matrix` (columns in the order of ``candidates``)."""
        return self.candidate_matrix

    def _positions(self, index: pd.Index, ids: tuple[str, ...], what: str) -> np.ndarray:
        pos = index.get_indexer(list(ids)) if ids else np.zeros(0, dtype=np.intp)
        if (pos < 0).any():
            unknown = [i for i, p in zip(ids, pos, strict=True) if p < 0]
            raise ValueError(f"unknown {what}: {', '.join(unknown)}")
        return pos

    def _hypothetical_places(self, added: tuple[str, ...], pos: np.ndarray) -> Places:
        places = self._hyp_cache.get(added)
        if places is None:
            c = self.candidates.take(pos)
            places = Places(
                np.array([HYPOTHETICAL_PREFIX + str(i) for i in c.ids], dtype=object),
                c.lon,
                c.lat,
                np.array([hypothetical_name(str(nm)) for nm in c.names], dtype=object),
            )
            self._hyp_cache[added] = places
        return places

    def evaluate(self, scenario: Scenario | None = None) -> AccessResult:
        """Nearest destination of every origin under ``scenario`` (default: no change).

        Raises
        ------
        ValueError
            When an added code is not a candidate or a removed id not a destination.
        """
        scenario = scenario or Scenario()
        removed = self._positions(self._dest_index, scenario.removed, "destination ids")
        added = self._positions(self._cand_index, scenario.added, "candidate communes")
        n, m = self.base_matrix.shape
        if len(removed):
            keep = np.ones(m, dtype=bool)
            keep[removed] = False
            kept_cols = np.flatnonzero(keep)
            sub = nearest_from_matrix(self.base_matrix[:, kept_cols], self.model)
            minutes, index = sub.minutes, sub.index
            current = self.destinations.take(kept_cols)
        else:
            minutes, index = self._base_minutes.copy(), self._base_index.copy()
            current = self.destinations
        hypothetical = np.zeros(n, dtype=bool)
        if len(added):
            hyp = self._hypothetical_places(scenario.added, added)
            cand = self.candidate_matrix[:, added]
            best = np.argmin(cand, axis=1)
            best_min = cand[np.arange(n), best]
            better = best_min < minutes
            minutes = np.where(better, best_min, minutes)
            index = np.where(better, len(current) + best, index)
            hypothetical = better
            dests = Places.concat([current, hyp])
        else:
            dests = current
        valid = index >= 0
        nearest_id = np.full(n, None, dtype=object)
        nearest_name = np.full(n, None, dtype=object)
        nearest_id[valid] = dests.ids[index[valid]]
        nearest_name[valid] = dests.names[index[valid]]
        return AccessResult(
            origin_ids=self.origins.ids,
            origin_names=self.origins.names,
            minutes=minutes,
            index=index.astype(np.intp),
            nearest_id=nearest_id,
            nearest_name=nearest_name,
            hypothetical=hypothetical,
            destinations=dests,
            model=self.model,
            scenario=scenario,
        )

    def suggest(
        self,
        weights: np.ndarray | pd.Series,
        k: int = 3,
        threshold: float = DEFAULT_THRESHOLD_MIN,
        *,
        scenario: Scenario | None = None,
        weights_label: str = "population",
        exclude: Sequence[str] = (),
    ) -> SuggestionResult:
        """Greedy suggestions of ``k`` new sites among the candidates (see :func:`suggest_sites`).

        ``weights`` is per origin (array in origin order, or a Series indexed by commune
        code, missing = 0); ``exclude`` lists candidate codes not to suggest.
        """
        current = self.evaluate(scenario)
        if isinstance(weights, pd.Series):
            w = weights.reindex(self.origins.ids).to_numpy(dtype=float, na_value=np.nan)
        else:
            w = np.asarray(weights, dtype=float)
        cm = self.candidate_matrix
        ids, names = self.candidates.ids, self.candidates.names
        if exclude:
            keep = ~np.isin(ids, np.asarray(list(exclude), dtype=object))
            cm, ids, names = cm[:, keep], ids[keep], names[keep]
        return suggest_sites(
            cm,
            current.minutes,
            w,
            threshold,
            k,
            ids,
            names,
            weights_label=weights_label,
            model=self.model,
        )


def difference(before: AccessResult, after: AccessResult) -> pd.Series:
    """Change of minutes per commune, ``after − before`` (negative = closer).

    Both unreachable gives 0 (no change); becoming reachable gives ``-inf``, becoming
    unreachable ``+inf``. Index: commune codes; ``attrs``: ``model``, ``before`` and
    ``after`` scenarios.
    """
    if len(before.origin_ids) != len(after.origin_ids) or not np.array_equal(
        before.origin_ids, after.origin_ids
    ):
        raise ValueError("both results must have the same origins, in the same order")
    both_inf = np.isinf(before.minutes) & np.isinf(after.minutes)
    with np.errstate(invalid="ignore"):
        diff = np.where(both_inf, 0.0, after.minutes - before.minutes)
    s = pd.Series(diff, index=pd.Index(after.origin_ids, name="code_insee"), name="difference_min")
    s.attrs.update(
        model=after.model,
        model_before=before.model,
        before=before.scenario,
        after=after.scenario,
    )
    return s


# --------------------------------------------------------------------------------------
# Coverage figures
# --------------------------------------------------------------------------------------

#: French definitions of the figures of :func:`coverage_by_unit` and :func:`summary`.
DEFINITIONS_FR: dict[str, str] = {
    "origine": (
        "Chaque commune est représentée par un point (point représentatif de son "
        "territoire) : un lieu placé au même point, faute d'adresse, y est à 0 min, biais à "
        "la baisse déjà connu du distancier Metric de l'INSEE pour les trajets internes."
    ),
    "communes": "Nombre de communes.",
    "population": "Population des communes (INSEE).",
    "mean_min": (
        "Temps moyen pondéré par la population, sur les communes d'où un lieu est "
        "accessible (les communes sans lieu accessible en sont exclues et comptées à part)."
    ),
    "median_min": (
        "Temps médian pondéré par la population : la plus petite durée telle qu'au moins "
        "la moitié de la population en est à cette durée ou moins (les communes sans lieu "
        "accessible comptent comme infiniment loin)."
    ),
    "pop_beyond": "Population des communes à plus du seuil (inaccessibles comprises).",
    "share_beyond": "Part de la population à plus du seuil.",
    "communes_beyond": "Communes à plus du seuil (inaccessibles comprises).",
    "pop_unreachable": "Population des communes d'où aucun lieu n'est accessible.",
    "communes_unreachable": "Communes d'où aucun lieu n'est accessible.",
    "beneficiaries": (
        "Effectif de bénéficiaires de l'unité (vide : inconnu ou masqué par le secret statistique)."
    ),
}

COVERAGE_COLUMNS = [
    "communes",
    "population",
    "mean_min",
    "median_min",
    "pop_beyond",
    "share_beyond",
    "communes_beyond",
    "pop_unreachable",
    "communes_unreachable",
]


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean over finite values with positive weight; NaN when there is none."""
    v = np.asarray(values, dtype=float)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    ok = np.isfinite(v) & (w > 0)
    total = w[ok].sum()
    return float((v[ok] * w[ok]).sum() / total) if total > 0 else math.nan


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Lower weighted median: smallest ``v`` such that the weight of values ``≤ v`` is at
    least half the total weight.

    ``inf`` values take part (they sort last); NaN values and non-positive weights are
    ignored. Returns NaN when no weight is left. With equal weights and an even count it
    returns the lower of the two middle values.
    """
    v = np.asarray(values, dtype=float)
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    ok = ~np.isnan(v) & (w > 0)
    v, w = v[ok], w[ok]
    if not len(v):
        return math.nan
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    pos = int(np.searchsorted(cum, cum[-1] / 2.0, side="left"))
    return float(v[order][min(pos, len(v) - 1)])


def _figures(minutes: np.ndarray, pop: np.ndarray, threshold: float) -> dict[str, float]:
    beyond = ~(minutes <= threshold)
    unreachable = ~np.isfinite(minutes)
    total = float(pop.sum())
    pop_beyond = float(pop[beyond].sum())
    return {
        "communes": int(len(minutes)),
        "population": total,
        "mean_min": weighted_mean(minutes, pop),
        "median_min": weighted_median(minutes, pop),
        "pop_beyond": pop_beyond,
        "share_beyond": pop_beyond / total if total > 0 else math.nan,
        "communes_beyond": int(beyond.sum()),
        "pop_unreachable": float(pop[unreachable].sum()),
        "communes_unreachable": int(unreachable.sum()),
    }


def _check_threshold(threshold: float) -> float:
    problems = validate_params("car", threshold=threshold)
    if problems:
        raise AccessParamError(problems)
    return float(threshold)


def _aligned(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    model: ModelInfo | None,
) -> tuple[pd.Series, pd.Series, np.ndarray, ModelInfo | None]:
    """Minutes (Series by commune), units and population aligned on them."""
    if isinstance(result_minutes, AccessResult):
        minutes = result_minutes.series()
        model = model or result_minutes.model
    elif isinstance(result_minutes, pd.Series):
        minutes = result_minutes.astype(float)
        model = model or result_minutes.attrs.get("model")
    else:
        arr = np.asarray(result_minutes, dtype=float)
        if len(arr) != len(units):
            raise ValueError("minutes given as an array must follow the order of units.index")
        minutes = pd.Series(arr, index=units.index)
    if not minutes.index.is_unique:
        raise ValueError("commune codes must be unique")
    unit = units.reindex(minutes.index)
    pop = population.reindex(minutes.index).astype("Float64").to_numpy(dtype=float, na_value=0.0)
    pop = np.where(pop > 0, pop, 0.0)
    return minutes, unit, pop, model


def coverage_by_unit(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    threshold: float = DEFAULT_THRESHOLD_MIN,
    *,
    beneficiaries: pd.Series | None = None,
    model: ModelInfo | None = None,
) -> pd.DataFrame:
    """Access figures per unit (territory, EPCI…), weighted by population.

    Parameters
    ----------
    result_minutes : AccessResult, pandas.Series or numpy.ndarray
        Minutes per commune: a result, a Series indexed by commune code, or an array in the
        order of ``units.index``.
    units : pandas.Series
        Index commune code → unit id (communes without a unit are left out of the rows).
    population : pandas.Series
        Index commune code → population (missing = 0).
    threshold : float
        Minutes; a commune is within when its time is ``≤ threshold``.
    beneficiaries : pandas.Series, optional
        Index unit id → count, already secrecy-suppressed (NA = unknown or hidden).
    model : ModelInfo, optional
        Taken from the result when it is an :class:`AccessResult`.

    Returns
    -------
    pandas.DataFrame
        Index ``unit``; columns :data:`COVERAGE_COLUMNS` (+ ``beneficiaries``, Float64,
        when given). ``attrs``: ``model``, ``threshold``, ``definitions_fr``, ``notes_fr``.
        Unreachable communes (``inf``) are left out of the means, count in the median as
        infinitely far, beyond the threshold and as unreachable.
    """
    threshold = _check_threshold(threshold)
    minutes, unit, pop, model = _aligned(result_minutes, units, population, model)
    values = minutes.to_numpy(dtype=float)
    codes, labels = pd.factorize(unit, sort=True)
    rows = []
    for k, label in enumerate(labels):
        sel = codes == k
        rows.append({"unit": label, **_figures(values[sel], pop[sel], threshold)})
    frame = pd.DataFrame(rows, columns=["unit", *COVERAGE_COLUMNS]).set_index("unit")
    frame = frame.astype(
        {"communes": "int64", "communes_beyond": "int64", "communes_unreachable": "int64"}
    )
    if beneficiaries is not None:
        b = pd.to_numeric(beneficiaries, errors="coerce").astype("Float64")
        frame["beneficiaries"] = b.reindex(frame.index).to_numpy(dtype=object)
        frame["beneficiaries"] = frame["beneficiaries"].astype("Float64")
    notes = []
    outside = int((codes < 0).sum())
    if outside:
        notes.append(f"{outside} commune(s) sans unité de rattachement, hors du tableau.")
    frame.attrs.update(
        model=model,
        threshold=threshold,
        definitions_fr=dict(DEFINITIONS_FR),
        notes_fr=notes,
    )
    return frame


@dataclass(frozen=True)
class AccessSummary:
    """Département-level access figures and the equity figure.

    Attributes
    ----------
    figures : dict
        Same keys as :data:`COVERAGE_COLUMNS`, over every commune given.
    threshold : float
    model : ModelInfo or None
    beneficiary_mean_min : float
        ``Σ_u B_u · mean_u / Σ_u B_u`` over the units whose count ``B_u`` is known (NaN
        when none): the mean time of a beneficiary, assuming that within each unit
        beneficiaries live where the population lives.
    population_mean_min_same_units : float
        Population-weighted mean over the same units (like-for-like comparison).
    equity_gap_min : float
        ``beneficiary_mean_min − population_mean_min_same_units`` (positive: beneficiaries
        are further than the population on average).
    units_used, units_left_out : tuple of str
        Units in / out of the equity figure.
    caveat_fr : str
        French caveat printed with the equity figure.
    """

    figures: dict[str, float]
    threshold: float
    model: ModelInfo | None
    beneficiary_mean_min: float = math.nan
    population_mean_min_same_units: float = math.nan
    equity_gap_min: float = math.nan
    units_used: tuple[str, ...] = ()
    units_left_out: tuple[str, ...] = ()
    caveat_fr: str = ""

    @property
    def population_mean_min(self) -> float:
        """Population-weighted mean over every reachable commune."""
        return float(self.figures["mean_min"])

    @property
    def share_beyond(self) -> float:
        """Share of the population beyond the threshold."""
        return float(self.figures["share_beyond"])

    def lines_fr(self) -> list[str]:
        """French lines for a panel or an export (model and threshold included)."""

        def minutes_fr(v: float) -> str:
            return "—" if not math.isfinite(v) else f"{format_number_fr(v, 1)} min"

        f = self.figures
        th = _num_fr(self.threshold)
        lines = []
        if self.model is not None:
            lines.append(f"Modèle : {self.model.text_fr}.")
        lines += [
            f"Temps moyen (pondéré par la population) : {minutes_fr(f['mean_min'])}.",
            f"Temps médian (pondéré par la population) : {minutes_fr(f['median_min'])}.",
            f"Population à plus de {th} min : {format_number_fr(f['pop_beyond'])} "
            + (
                f"({format_number_fr(100 * f['share_beyond'], 1)} %)."
                if math.isfinite(f["share_beyond"])
                else "(part inconnue)."
            ),
        ]
        if f["communes_unreachable"]:
            lines.append(
                f"{f['communes_unreachable']} commune(s) sans lieu accessible "
                f"({format_number_fr(f['pop_unreachable'])} habitants)."
            )
        if math.isfinite(self.beneficiary_mean_min):
            lines.append(
                f"Temps moyen d'un bénéficiaire : {minutes_fr(self.beneficiary_mean_min)}, "
                f"contre {minutes_fr(self.population_mean_min_same_units)} pour la population "
                f"des mêmes unités (écart {format_number_fr(self.equity_gap_min, 1)} min)."
            )
        if self.caveat_fr:
            lines.append(self.caveat_fr)
        return lines


def summary(
    result_minutes: AccessResult | pd.Series | np.ndarray,
    units: pd.Series,
    population: pd.Series,
    threshold: float = DEFAULT_THRESHOLD_MIN,
    *,
    beneficiaries: pd.Series | None = None,
    model: ModelInfo | None = None,
    unit_names: Mapping[str, str] | None = None,
) -> AccessSummary:
    """Département-level figures and the beneficiary-weighted mean time.

    Parameters are those of :func:`coverage_by_unit`; ``unit_names`` labels the units
    named in the caveat. The département figures cover every commune of
    ``result_minutes`` (with or without a unit).
    """
    threshold = _check_threshold(threshold)
    minutes, unit, pop, model = _aligned(result_minutes, units, population, model)
    figures = _figures(minutes.to_numpy(dtype=float), pop, threshold)
    result = AccessSummary(figures=figures, threshold=threshold, model=model)
    if beneficiaries is None:
        return result
    by_unit = coverage_by_unit(
        minutes, units, population, threshold, beneficiaries=beneficiaries, model=model
    )
    b = pd.to_numeric(beneficiaries, errors="coerce").astype("Float64")
    names = unit_names or {}
    hidden: list[str] = []
    no_time: list[str] = []
    no_commune: list[str] = []
    all_units = list(dict.fromkeys([*by_unit.index, *b.index]))
    used: list[str] = []
    for u in all_units:
        count = b.get(u, pd.NA)
        if u not in by_unit.index:
            if not pd.isna(count):
                no_commune.append(u)
            continue
        if pd.isna(count):
            hidden.append(u)
        elif not math.isfinite(by_unit.at[u, "mean_min"]):
            no_time.append(u)
        else:
            used.append(u)
    caveat = (
        "Temps moyen d'un bénéficiaire : estimation qui suppose qu'au sein de chaque unité "
        "les bénéficiaires sont répartis comme la population."
    )

    def listing(ids: list[str]) -> str:
        return ", ".join(names.get(u, u) for u in ids)

    if hidden:
        caveat += (
            f" Unités non prises en compte car leur effectif est inconnu ou masqué (secret "
            f"statistique) : {listing(hidden)}."
        )
    if no_time:
        caveat += f" Unités sans temps calculable, non prises en compte : {listing(no_time)}."
    if no_commune:
        caveat += (
            f" Unités dont les communes sont inconnues, non prises en compte : "
            f"{listing(no_commune)}."
        )
    if used:
        sub = by_unit.loc[used]
        bu = sub["beneficiaries"].to_numpy(dtype=float)
        mu = sub["mean_min"].to_numpy(dtype=float)
        if bu.sum() > 0:
            ben_mean = float((bu * mu).sum() / bu.sum())
        else:
            ben_mean = math.nan
        in_units = unit.isin(used).to_numpy()
        pop_mean = weighted_mean(minutes.to_numpy(dtype=float)[in_units], pop[in_units])
    else:
        ben_mean = pop_mean = math.nan
        caveat += " Aucune unité n'a d'effectif connu : pas de temps moyen des bénéficiaires."
    return AccessSummary(
        figures=figures,
        threshold=threshold,
        model=model,
        beneficiary_mean_min=ben_mean,
        population_mean_min_same_units=pop_mean,
        equity_gap_min=ben_mean - pop_mean,
        units_used=tuple(used),
        units_left_out=tuple(hidden + no_time + no_commune),
        caveat_fr=caveat,
    )


# --------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------

#: Minutes standing for « unreachable » in the tie-break (a drop from unreachable to
#: reachable outweighs any finite drop).
_UNREACHABLE_MIN = 1e6


@dataclass(frozen=True)
class Suggestion:
    """One suggested site, in the order chosen.

    Attributes
    ----------
    id, name : str
        Candidate id (commune code) and name.
    gain : float
        Weight newly within the threshold thanks to this site.
    covered_after : float
        Weight within the threshold once this site and the previous ones are added.
    share_after : float
        ``covered_after`` / total weight.
    mean_after : float
        Weighted mean minutes afterwards (reachable communes only).
    """

    id: str
    name: str
    gain: float
    covered_after: float
    share_after: float
    mean_after: float


@dataclass(frozen=True)
class SuggestionResult:
    """Greedy maximal-coverage suggestions.

    Attributes
    ----------
    suggestions : tuple of Suggestion
    covered_before, share_before, mean_before : float
        Weight within the threshold, its share and the weighted mean minutes with the
        current network.
    total_weight : float
    threshold : float
    weights_label : str
        What the weights are (``population``, ``bénéficiaires estimés``…).
    model : ModelInfo or None
    method_fr : str
        French description of the method.
    """

    suggestions: tuple[Suggestion, ...]
    covered_before: float
    share_before: float
    mean_before: float
    total_weight: float
    threshold: float
    weights_label: str
    model: ModelInfo | None
    method_fr: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per suggestion; ``attrs``: model, threshold, weights label, method."""
        frame = pd.DataFrame(
            [vars(s) for s in self.suggestions],
            columns=["id", "name", "gain", "covered_after", "share_after", "mean_after"],
        )
        frame.attrs.update(
            model=self.model,
            threshold=self.threshold,
            weights_label=self.weights_label,
            method_fr=self.method_fr,
            covered_before=self.covered_before,
        )
        return frame


def suggest_sites(
    candidate_minutes: np.ndarray,
    current_minutes: np.ndarray,
    weights: np.ndarray,
    threshold: float,
    k: int,
    candidate_ids: Sequence[str],
    candidate_names: Sequence[str],
    *,
    weights_label: str = "population",
    model: ModelInfo | None = None,
) -> SuggestionResult:
    """Greedy maximal coverage: add, one at a time, the site covering the most weight.

    Parameters
    ----------
    candidate_minutes : numpy.ndarray
        ``(n, c)`` minutes from each origin to a site placed at each candidate.
    current_minutes : numpy.ndarray
        ``(n,)`` minutes to the nearest current destination.
    weights : numpy.ndarray
        ``(n,)`` weight of each origin (population, estimated beneficiaries; NaN = 0).
    threshold : float
        An origin is covered when its time is ``≤ threshold``.
    k : int
        Number of sites to suggest (fewer when no candidate improves anything).
    candidate_ids, candidate_names : sequence of str

    Returns
    -------
    SuggestionResult

    Notes
    -----
    Each step picks the candidate that adds the most weight newly within the threshold;
    ties are broken by the larger drop of the weighted sum of minutes (an unreachable
    origin counts as 10⁶ min), then by candidate order. A candidate improving neither
    ends the search. Greedy selection guarantees at least ``1 − 1/e`` of the best
    possible coverage with ``k`` sites; each step is one matrix–vector product.
    """
    threshold = _check_threshold(threshold)
    cm = np.asarray(candidate_minutes, dtype=float)
    cur = np.asarray(current_minutes, dtype=float).copy()
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    w = np.where(w > 0, w, 0.0)
    n = len(cur)
    if cm.ndim != 2 or cm.shape[0] != n or len(w) != n:
        raise ValueError("candidate_minutes must be (n, c) with n = len(current_minutes)")
    c = cm.shape[1]
    if len(candidate_ids) != c or len(candidate_names) != c:
        raise ValueError("one id and one name per candidate column")
    if isinstance(k, bool) or int(k) != k or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    within = cm <= threshold
    capped = np.where(np.isfinite(cm), cm, _UNREACHABLE_MIN)
    covered = cur <= threshold
    total = float(w.sum())

    def state() -> tuple[float, float, float]:
        cov = float(w[covered].sum())
        return cov, (cov / total if total > 0 else math.nan), weighted_mean(cur, w)

    cov0, share0, mean0 = state()
    chosen = np.zeros(c, dtype=bool)
    out: list[Suggestion] = []
    for _ in range(min(int(k), c)):
        gain = (w * ~covered) @ within
        cur_capped = np.where(np.isfinite(cur), cur, _UNREACHABLE_MIN)
        drop = w @ np.maximum(cur_capped[:, None] - capped, 0.0)
        gain[chosen] = -np.inf
        best_gain = gain.max()
        tied = gain >= best_gain - 1e-9 * max(1.0, abs(best_gain))
        d = np.where(tied, drop, -np.inf)
        best_drop = d.max()
        tied &= d >= best_drop - 1e-9 * max(1.0, abs(best_drop))
        j = int(np.flatnonzero(tied)[0])
        if best_gain <= 0 and best_drop <= 0:
            break
        chosen[j] = True
        covered |= within[:, j]
        cur = np.minimum(cur, cm[:, j])
        cov, share, mean = state()
        out.append(
            Suggestion(
                str(candidate_ids[j]),
                str(candidate_names[j]),
                float(max(best_gain, 0.0)),
                cov,
                share,
                mean,
            )
        )
    method = (
        f"Sélection gloutonne : à chaque étape, la commune candidate qui place le plus de "
        f"{weights_label} à {_num_fr(threshold)} min ou moins est retenue (à égalité, celle "
        "qui réduit le plus le temps total) ; un site hypothétique est placé au point "
        "représentatif de la commune. Ce n'est pas une optimisation exacte."
    )
    return SuggestionResult(
        suggestions=tuple(out),
        covered_before=cov0,
        share_before=share0,
        mean_before=mean0,
        total_weight=total,
        threshold=threshold,
        weights_label=weights_label,
        model=model,
        method_fr=method,
    )
