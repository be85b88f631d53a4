"""Engines a département package supplies as files: its road graph and its imported matrix.

Each reader returns an :class:`EngineStatus`: the engine (None when it cannot run) and the
French problems and notes shown on screen. Reading is I/O: :class:`AccessService` calls
these once per package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from core.access.matrix_file import load_time_matrix
from core.access.model import Engine, Nearest, Places
from core.access.road_engine import RoadEngine
from core.access.road_graph import RoadGraph, RoadNetworkError

#: File names inside a département package.
ROAD_GRAPH_FILE = "roads.npz"
MATRIX_FILE = "access_matrix.csv"
#: Rejected rows of an imported matrix detailed on screen (the others are counted).
MAX_MATRIX_MESSAGES = 10


class EngineStatus(NamedTuple):
    """An engine (None when it cannot run) with its French problems and notes."""

    engine: Any
    problems: tuple[str, ...]
    notes: tuple[str, ...]


def _missing(dep: Any, what: str, todo: str) -> EngineStatus:
    return EngineStatus(None, (f"{what} pour {dep.name} : {todo}",), ())


def read_road_engine(dep: Any) -> EngineStatus:
    """The package's compiled road graph (:data:`ROAD_GRAPH_FILE`) as a :class:`RoadEngine`."""
    path = Path(dep.path) / ROAD_GRAPH_FILE
    compile_cmd = f"« python scripts/compile_roads.py extrait.osm.pbf --out {path.as_posix()} »"
    if not path.exists():
        return _missing(
            dep,
            "Aucun graphe routier",
            f"compilez un extrait OpenStreetMap avec {compile_cmd} (voir README), ou "
            "choisissez le vol d'oiseau.",
        )
    try:
        return EngineStatus(RoadEngine(RoadGraph.load(path)), (), ())
    except RoadNetworkError as exc:
        return EngineStatus(None, (" ".join(str(p) for p in exc.problems),), ())
    except ValueError:  # a graph without any node
        return EngineStatus(
            None,
            (
                f"Le graphe routier {ROAD_GRAPH_FILE} de {dep.name} ne contient aucun nœud : "
                f"recompilez-le avec {compile_cmd}, ou choisissez le vol d'oiseau.",
            ),
            (),
        )


def package_destination_ids(dep: Any) -> list[str]:
    """Every place id of the package (sites of all schemes, partners, digital points), so an
    imported matrix is checked against the package, not against the scheme on screen."""
    ids = [*dep.sites["site_id"], *dep.partners["partner_id"], *dep.digital_points["id"]]
    return list(dict.fromkeys(str(i) for i in ids))


def read_matrix_engine(dep: Any) -> EngineStatus:
    """The package's imported time matrix (:data:`MATRIX_FILE`), rejected rows listed."""
    path = Path(dep.path) / MATRIX_FILE
    if not path.exists():
        return _missing(
            dep,
            "Aucune matrice de temps importée",
            f"déposez un fichier {MATRIX_FILE} (colonnes origine ; destination ; minutes) "
            "dans le paquet.",
        )
    engine, report = load_time_matrix(
        path,
        file_name=MATRIX_FILE,
        commune_codes=list(dep.communes["code_insee"]),
        destination_ids=package_destination_ids(dep),
    )
    errors = [str(p) for p in report.errors]
    problems = tuple(errors[:MAX_MATRIX_MESSAGES])
    if len(errors) > MAX_MATRIX_MESSAGES:
        problems += (
            f"{MATRIX_FILE} : {len(errors) - MAX_MATRIX_MESSAGES} autre(s) ligne(s) "
            "rejetée(s) non détaillée(s) ici.",
        )
    notes = (
        f"{MATRIX_FILE} : {report.rows_read} lignes lues, {report.rows_kept} retenues, "
        f"{report.rows_rejected} rejetées.",
        *(str(p) for p in report.warnings),
    )
    # Rejected rows stay visible: the matrix is used, their messages are shown.
    return EngineStatus(None if engine is None else StrippedIds(engine), problems, notes)


class StrippedIds:
    """Imported matrices name destinations by their own ids, without our kind prefix."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.model = engine.model

    @staticmethod
    def _strip(places: Places) -> Places:
        ids = np.array([str(i).split(":", 1)[-1] for i in places.ids], dtype=object)
        return Places(ids, places.lon, places.lat, places.names)

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        return self._engine.matrix(origins, self._strip(destinations))

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        return self._engine.nearest(origins, self._strip(destinations))
