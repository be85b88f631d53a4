"""Per-département map assets computed once at start-up (GeoJSON dicts, bounds)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layers._geojson import feature_collection


@dataclass(frozen=True)
class MapAssets:
    """Read-only GeoJSON of one département, ready to be sent to the browser.

    Built once from a loaded ``core.departments.Department``; ids are ``code_insee``,
    ``siren_epci`` and ``territory_id`` so that traces reference features by code.
    """

    communes: dict[str, Any]
    epci: dict[str, Any]
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
            epci=feature_collection(dep.epci, "siren_epci"),
            epci_outside=feature_collection(dep.epci_outside, "siren_epci"),
            outline=feature_collection(dep.outline.assign(_id=dep.code), "_id"),
            territories=territories,
            bounds=(west, south, east, north),
        )

    @property
    def center(self) -> dict[str, float]:
        west, south, east, north = self.bounds
        return {"lon": (west + east) / 2, "lat": (south + north) / 2}
