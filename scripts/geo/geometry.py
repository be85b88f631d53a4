"""Geometry cleaning: valid MultiPolygons snapped to a grid."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from scripts.geo.common import GRID_SIZE


def to_multipolygon(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Keep only the polygonal parts of each geometry, as one MultiPolygon per row.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Any geometries (GeometryCollections from ``make_valid`` included); None allowed.

    Returns
    -------
    geopandas.GeoSeries
        MultiPolygon per row (None where no polygonal part remains), same index and CRS.
    """
    arr = geoms.to_numpy(dtype=object)
    idx = np.arange(len(arr))
    parts, owner = arr, idx
    while True:
        kinds = shapely.get_type_id(parts)
        multi = np.isin(kinds, [4, 5, 6, 7])  # Multi*, GeometryCollection
        if not multi.any():
            break
        sub, sub_idx = shapely.get_parts(parts[multi], return_index=True)
        parts = np.concatenate([parts[~multi], sub])
        owner = np.concatenate([owner[~multi], owner[multi][sub_idx]])
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    order = np.argsort(owner, kind="stable")
    out = np.full(len(arr), None, dtype=object)
    if len(parts):
        built = shapely.multipolygons(parts[order], indices=owner[order])
        out[np.unique(owner)] = built
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)



def clean_geometries(geoms: gpd.GeoSeries, grid_size: float = GRID_SIZE) -> gpd.GeoSeries:
    """Make geometries valid, snap them to a grid and return MultiPolygons.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygonal geometries.
    grid_size : float
        Precision grid in CRS units (``1e-5`` degree ≈ 1 m); 0 keeps full precision.

    Returns
    -------
    geopandas.GeoSeries
        Valid MultiPolygons (``shapely.set_precision`` keeps validity), same index and CRS.
    """
    arr = shapely.make_valid(geoms.to_numpy(dtype=object))
    if grid_size:
        arr = shapely.set_precision(arr, grid_size)
    return to_multipolygon(gpd.GeoSeries(arr, index=geoms.index, crs=geoms.crs))
