"""Reading and checking the GeoPackage of a département: :func:`read_geo`, :func:`check_layer`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from core.package.contracts import LayerSchema
from core.package.file_contracts import LAYER_SCHEMAS
from core.package.problems import (
    FileReport,
    PackageError,
    Problem,
    TableUnreadable,
    fatal_problem,
    quote,
    sentence,
)

BUILD_GEO_TODO = "relancez scripts/build_geo.py pour régénérer le GeoPackage"


def check_layer(
    frame: pd.DataFrame, schema: LayerSchema, file: str
) -> tuple[pd.DataFrame, list[Problem], int]:
    """Check one GeoPackage layer: columns, CRS, geometries, unique key.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The layer as read.
    schema : LayerSchema
        Its contract.
    file : str
        Label used in problems, e.g. ``41.gpkg (couche communes)``.

    Returns
    -------
    kept, problems, n_rejected
        Features without error (reprojected to EPSG:4326 and repaired when needed).

    Raises
    ------
    TableUnreadable
        Missing columns, unknown CRS or no geometry: the layer cannot be used.
    """
    problems: list[Problem] = []
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise TableUnreadable.about(
            file,
            None,
            ", ".join(missing),
            "colonne(s) absente(s) de la couche : " + ", ".join(missing),
            BUILD_GEO_TODO,
            rows_read=len(frame),
        )
    if schema.geometry is None:
        return frame.reset_index(drop=True), problems, 0
    gdf = _in_wgs84(frame, file, problems).reset_index(drop=True)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    rejected = _reject_non_polygons(geoms, file, problems)
    gdf = _repair_invalid(gdf, geoms, ~rejected, file, problems)
    if schema.key:
        _reject_duplicate_keys(gdf, schema.key, rejected, file, problems)
    kept = gdf.loc[~rejected].reset_index(drop=True)
    return kept, problems, int(rejected.sum())


def _in_wgs84(frame: pd.DataFrame, file: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    """The layer in EPSG:4326 (reprojected with a warning); no geometry or CRS is fatal."""
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise TableUnreadable.about(
            file,
            None,
            "geometry",
            "la couche n'a pas de géométrie",
            BUILD_GEO_TODO,
            rows_read=len(frame),
        )
    if frame.crs is None:
        raise TableUnreadable.about(
            file,
            None,
            "geometry",
            "système de coordonnées inconnu : la couche n'a pas de CRS",
            "régénérez la couche en WGS84 (EPSG:4326) avec scripts/build_geo.py",
            rows_read=len(frame),
        )
    epsg = CRS.from_user_input(frame.crs).to_epsg()
    if epsg == 4326:
        return frame
    label = f"EPSG:{epsg}" if epsg else frame.crs.name
    if epsg == 2154:
        label += " (Lambert-93)"
    problems.append(
        Problem(
            file,
            None,
            "geometry",
            sentence(
                f"couche en {label}, reprojetée en WGS84 (EPSG:4326) au chargement",
                "régénérez la couche en EPSG:4326 avec scripts/build_geo.py",
            ),
            "warning",
        )
    )
    return frame.to_crs(4326)


def _reject_non_polygons(geoms: np.ndarray, file: str, problems: list[Problem]) -> np.ndarray:
    """Mask of the features rejected for an empty or non-polygonal geometry."""
    rejected = np.zeros(len(geoms), dtype=bool)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(empty).tolist():
        rejected[i] = True
        problems.append(
            Problem(
                file,
                i + 1,
                "geometry",
                sentence(
                    "géométrie vide ; l'entité est rejetée",
                    "relancez scripts/build_geo.py ; si le problème persiste, signalez la "
                    "commune à l'auteur du script",
                ),
            )
        )
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    for i in np.flatnonzero(~empty & ~polygonal).tolist():
        rejected[i] = True
        problems.append(
            Problem(
                file,
                i + 1,
                "geometry",
                sentence(
                    f"géométrie de type {geoms[i].geom_type} au lieu d'un polygone "
                    "; l'entité est rejetée",
                    "régénérez la couche avec des (multi)polygones",
                ),
            )
        )
    return rejected


def _repair_invalid(
    gdf: gpd.GeoDataFrame,
    geoms: np.ndarray,
    check: np.ndarray,
    file: str,
    problems: list[Problem],
) -> gpd.GeoDataFrame:
    """Repair invalid polygons among ``check`` (warning), keeping their polygonal part."""
    invalid = np.zeros(len(gdf), dtype=bool)
    invalid[check] = ~shapely.is_valid(geoms[check])
    if not invalid.any():
        return gdf
    reasons = shapely.is_valid_reason(geoms[invalid])
    repaired = shapely.make_valid(geoms[invalid])
    # Keep only the polygonal part of a repaired geometry.
    repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
    for i, why in zip(np.flatnonzero(invalid).tolist(), reasons, strict=True):
        problems.append(
            Problem(
                file,
                i + 1,
                "geometry",
                sentence(
                    f"géométrie invalide ({why}), réparée au chargement",
                    "relancez scripts/build_geo.py pour produire des géométries valides",
                ),
                "warning",
            )
        )
    geoms = geoms.copy()
    geoms[invalid] = repaired
    return gdf.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=gdf.index))


def _reject_duplicate_keys(
    gdf: gpd.GeoDataFrame, key: str, rejected: np.ndarray, file: str, problems: list[Problem]
) -> None:
    """Reject (in place) the second and later features with the same ``key``."""
    dup = gdf[key].duplicated() & gdf[key].notna() & ~pd.Series(rejected)
    for i in np.flatnonzero(dup.to_numpy()).tolist():
        rejected[i] = True
        problems.append(
            Problem(
                file,
                i + 1,
                key,
                sentence(
                    f"{key} {quote(gdf.at[i, key])} en double ; l'entité est rejetée",
                    "relancez scripts/build_geo.py",
                ),
            )
        )


def _polygonal_part(geom: Any) -> Any:
    if geom is None or shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in (3, 6)]
    polys: list[Any] = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if shapely.get_type_id(p) == 6 else [p])
    return shapely.multipolygons(polys) if polys else shapely.from_wkt("POLYGON EMPTY")


def find_geo(folder: Path, code: str, geo_dirs: Sequence[Path]) -> Path:
    """The package's ``geo.gpkg`` or ``<code>.gpkg``, else ``<code>.gpkg`` of ``geo_dirs``."""
    candidates = [folder / "geo.gpkg", folder / f"{code}.gpkg"]
    candidates += [Path(d) / f"{code}.gpkg" for d in geo_dirs]
    for c in candidates:
        if c.is_file():
            return c
    raise PackageError(
        [
            fatal_problem(
                f"{code}.gpkg",
                "données géographiques introuvables (ni geo.gpkg ni "
                f"{code}.gpkg dans le paquet, ni data/geo/{code}.gpkg)",
                f"lancez python scripts/build_geo.py {code} (ou --out <dossier du paquet>)",
            )
        ]
    )


GEO_COLUMNS_INT = ("population", "n_communes", "n_communes_in_dept", "population_in_dept")


def read_geo(path: Path, code: str) -> tuple[dict[str, pd.DataFrame], list[FileReport]]:
    """Read and check the GeoPackage layers (EPSG:4326)."""
    try:
        available = {str(r[0]) for r in pyogrio.list_layers(path)}
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise PackageError(
            [
                fatal_problem(
                    path.name,
                    f"GeoPackage illisible ({exc})",
                    f"régénérez-le avec python scripts/build_geo.py {code}",
                )
            ]
        ) from exc
    layers: dict[str, pd.DataFrame] = {}
    reports: list[FileReport] = []
    fatal: list[Problem] = []
    for schema in LAYER_SCHEMAS.values():
        label = f"{path.name} (couche {schema.name})"
        if schema.name not in available:
            if schema.required_layer:
                fatal.append(
                    fatal_problem(
                        label,
                        "couche absente du GeoPackage",
                        f"régénérez-le avec python scripts/build_geo.py {code}",
                    )
                )
            else:
                reports.append(FileReport(label, present=False))
                layers[schema.name] = gpd.GeoDataFrame(
                    {c: pd.Series(dtype="str") for c in schema.columns},
                    geometry=gpd.GeoSeries([], crs=4326),
                )
            continue
        frame = pyogrio.read_dataframe(path, layer=schema.name)
        try:
            kept, problems, n_rej = check_layer(frame, schema, label)
        except TableUnreadable as exc:
            fatal.extend(exc.problems)
            continue
        for col in GEO_COLUMNS_INT:
            if col in kept.columns:
                kept[col] = pd.to_numeric(kept[col], errors="coerce").astype("Int64")
        layers[schema.name] = kept
        reports.append(FileReport(label, len(frame), len(kept), n_rej, problems))
    if fatal:
        raise PackageError(fatal)
    dept = layers["departement"]
    codes = [str(c) for c in dept["code"].tolist()]
    if codes != [code]:
        raise PackageError(
            [
                fatal_problem(
                    f"{path.name} (couche departement)",
                    f"la couche décrit {quote(', '.join(codes))} et non le département {code}",
                    f"utilisez data/geo/{code}.gpkg ou relancez python scripts/build_geo.py {code}",
                )
            ]
        )
    if layers["communes"].empty:
        raise PackageError(
            [
                fatal_problem(
                    f"{path.name} (couche communes)",
                    "aucune commune utilisable",
                    f"relancez python scripts/build_geo.py {code}",
                )
            ]
        )
    return layers, reports
