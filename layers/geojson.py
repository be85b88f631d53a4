"""GeoJSON helpers: compact FeatureCollections for the browser and the API."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

#: 5 decimals of a degree ≈ 1 m: far below what a département-wide map can show.
COORD_DECIMALS = 5


def round_geometries(geoms: Iterable, decimals: int = COORD_DECIMALS) -> np.ndarray:
    """Round every coordinate of the geometries (vectorised), keeping them valid."""
    arr = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    rounded = shapely.transform(arr, lambda xy: np.round(xy, decimals))
    invalid = ~shapely.is_valid(rounded)
    if invalid.any():
        rounded[invalid] = shapely.make_valid(rounded[invalid])
    return rounded


def feature_collection(
    gdf: gpd.GeoDataFrame,
    id_column: str | None,
    properties: Iterable[str] = (),
    decimals: int = COORD_DECIMALS,
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection dict (EPSG:4326, rounded coordinates).

    Parameters
    ----------
    gdf
        Frame in EPSG:4326.
    id_column
        Column written as each feature's ``id`` (what Plotly's ``locations`` refer to).
    properties
        Columns copied into ``properties``; NA becomes ``null``.
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geoms = round_geometries(gdf.geometry.values, decimals)
    geo_json = shapely.to_geojson(geoms)
    props = list(properties)
    records = gdf[props].to_dict("records") if props else [{}] * len(gdf)
    ids = gdf[id_column].astype(str).tolist() if id_column else [None] * len(gdf)
    features = []
    for fid, geom, rec in zip(ids, geo_json, records, strict=True):
        feature: dict[str, Any] = {
            "type": "Feature",
            "geometry": orjson.loads(geom) if geom is not None else None,
            "properties": {k: json_safe(v) for k, v in rec.items()},
        }
        if fid is not None:
            feature["id"] = fid
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def json_safe(value: Any) -> Any:
    """Turn pandas/numpy scalars and NA into plain JSON values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def points_collection(frame: pd.DataFrame, id_column: str, properties: Iterable[str]) -> dict:
    """FeatureCollection of points from ``lon``/``lat`` columns."""
    props = [p for p in dict.fromkeys(properties) if p not in (id_column, "lon", "lat")]
    features = []
    for rec in frame[[id_column, "lon", "lat", *props]].to_dict("records"):
        features.append(
            {
                "type": "Feature",
                "id": str(rec[id_column]),
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(rec["lon"]), COORD_DECIMALS),
                        round(float(rec["lat"]), COORD_DECIMALS),
                    ],
                },
                "properties": {k: json_safe(rec[k]) for k in props},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def merge_properties(fc: Mapping, extra: Mapping[str, Mapping[str, Any]]) -> dict:
    """Copy of a FeatureCollection with per-id extra properties merged in."""
    return {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {**f.get("properties", {}), **extra.get(f.get("id"), {})}}
            for f in fc["features"]
        ],
    }
