"""Per-département map assets computed once at start-up (GeoJSON dicts, bounds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import shapely

from layers.geojson import feature_collection

#: Boundary lines are drawn at 4 decimals (≈ 10 m), far below a pixel at département zoom.
LINE_DECIMALS = 4


def boundary_lines(geoms, exclude=None) -> dict[str, Any]:
    """Unique boundary linework of polygons (shared edges once), as a FeatureCollection.

    Drawing outlines as lines halves what a polygon layer would send, since each border
    between two communes is written once instead of twice. Edges lying on ``exclude`` (a
    geometry drawn by another layer, e.g. the département border) are left out.
    """
    merged = shapely.line_merge(shapely.union_all(shapely.boundary(np.asarray(geoms))))
    if exclude is not None:
        merged = shapely.line_merge(shapely.difference(merged, shapely.buffer(exclude, 1e-6)))
    merged = shapely.transform(merged, lambda xy: np.round(xy, LINE_DECIMALS))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": orjson.loads(shapely.to_geojson(merged)),
            }
        ],
    }


@dataclass(frozen=True)
class MapAssets:
    """Read-only GeoJSON of one département, ready to be sent to the browser.

    Built once from a loaded ``core.departments.Department``; ids are ``code_insee``,
    ``siren_epci`` and ``territory_id`` so that traces reference features by code.
    """

    communes: dict[str, Any]
    commune_lines: dict[str, Any]
    epci: dict[str, Any]
    epci_lines: dict[str, Any]
    outline_lines: dict[str, Any]
    epci_outside: dict[str, Any]
    outline: dict[str, Any]
    territories: dict[str, dict[str, Any]]  # scheme_id -> FeatureCollection
    bounds: tuple[float, float, float, float]  # west, south, east, north

    @classmethod
    def build(cls, dep) -> MapAssets:
        """Compute the GeoJSON of every polygon layer of ``dep``."""
        shapes = dep.territory_shapes
        territories = {
            scheme: feature_collection(shapes[shapes["scheme_id"] == scheme], "territory_id")
            for scheme in dep.schemes["scheme_id"]
        }
        west, south, east, north = (float(v) for v in dep.outline.total_bounds)
        return cls(
            communes=feature_collection(dep.communes, "code_insee"),
            commune_lines=boundary_lines(
                dep.communes.geometry.values, exclude=shapely.boundary(dep.outline.union_all())
            ),
            epci=feature_collection(dep.epci, "siren_epci"),
            epci_lines=boundary_lines(dep.epci.geometry.values),
            outline_lines=boundary_lines(dep.outline.geometry.values),
            epci_outside=feature_collection(dep.epci_outside, "siren_epci"),
            outline=feature_collection(dep.outline.assign(_id=dep.code), "_id"),
            territories=territories,
            bounds=(west, south, east, north),
        )

    @property
    def center(self) -> dict[str, float]:
        west, south, east, north = self.bounds
        return {"lon": (west + east) / 2, "lat": (south + north) / 2}
