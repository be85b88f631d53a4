"""Geometry a package is checked against: :class:`DepartmentShape`, Lambert-93 projection."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from core.package.problems import quote
from core.package.values import dept_prefix

#: Buffer around the département outline inside which a point is accepted (metres).
OUTLINE_TOLERANCE_M = 2000.0
#: Distance beyond which a point is reported as lying in another commune (metres);
#: the geometries are simplified, so points near a boundary are tolerated.
COMMUNE_TOLERANCE_M = 500.0
#: Lambert-93 value ranges for metropolitan France (metres).
L93_X_RANGE = (0.0, 1_300_000.0)
L93_Y_RANGE = (6_000_000.0, 7_200_000.0)


@lru_cache(maxsize=4)
def transformer(src: int, dst: int) -> Transformer:
    """Cached ``always_xy`` pyproj transformer between two EPSG codes."""
    return Transformer.from_crs(src, dst, always_xy=True)


def to_l93(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 degrees (EPSG:4326) to Lambert-93 metres (EPSG:2154)."""
    x, y = transformer(4326, 2154).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def geoms_to_l93(geoms: np.ndarray) -> np.ndarray:
    """Project shapely geometries from EPSG:4326 to EPSG:2154."""
    tr = transformer(4326, 2154)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True, eq=False)
class DepartmentShape:
    """Geometry a package is checked against.

    Attributes
    ----------
    code, name : str
        Département code and name.
    cog_label : str
        Vintage of the commune list, e.g. ``COG 2026``.
    outline_l93 : shapely.Geometry
        Département outline in Lambert-93 (EPSG:2154), prepared.
    commune_codes : numpy.ndarray
        Commune codes, aligned with ``commune_geoms``.
    commune_names : numpy.ndarray
        Commune names, aligned with ``commune_codes``.
    commune_geoms : numpy.ndarray
        Commune polygons in EPSG:4326, prepared.
    """

    code: str
    name: str
    cog_label: str
    outline_l93: Any
    commune_codes: np.ndarray
    commune_names: np.ndarray
    commune_geoms: np.ndarray
    code_index: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_layers(
        cls,
        code: str,
        name: str,
        cog_label: str,
        outline: gpd.GeoDataFrame,
        communes: gpd.GeoDataFrame,
    ) -> DepartmentShape:
        """Build from the ``departement`` and ``communes`` layers (EPSG:4326)."""
        outline_l93 = geoms_to_l93(np.asarray([shapely.union_all(outline.geometry.values)]))[0]
        shapely.prepare(outline_l93)
        geoms = np.asarray(communes.geometry.values, dtype=object)
        shapely.prepare(geoms)
        codes = communes["code_insee"].to_numpy(dtype=object)
        return cls(
            code=code,
            name=name,
            cog_label=cog_label,
            outline_l93=outline_l93,
            commune_codes=codes,
            commune_names=communes["nom"].to_numpy(dtype=object),
            commune_geoms=geoms,
            code_index={c: i for i, c in enumerate(codes)},
        )

    @property
    def label(self) -> str:
        """« département 41 (Loir-et-Cher) »."""
        return f"département {self.code} ({self.name})"

    def commune_name(self, code: str) -> str:
        """Name of a commune of the département (the code itself if unknown)."""
        i = self.code_index.get(code)
        return str(self.commune_names[i]) if i is not None else code

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Code of the commune containing each point (``None`` outside every commune)."""
        pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
        out = np.full(len(pts), None, dtype=object)
        if len(pts) == 0:
            return out
        tree = shapely.STRtree(self.commune_geoms)
        pt_idx, geom_idx = tree.query(pts, predicate="intersects")
        # First match wins for points on a shared boundary.
        order = np.argsort(pt_idx, kind="stable")
        pt_idx, geom_idx = pt_idx[order], geom_idx[order]
        first = np.unique(pt_idx, return_index=True)[1]
        out[pt_idx[first]] = self.commune_codes[geom_idx[first]]
        return out


def unknown_commune_message(code: str, shape: DepartmentShape) -> str:
    """French description of a commune code absent from the département."""
    base = (
        f"commune {quote(code)} absente de la liste {shape.cog_label} des communes du {shape.label}"
    )
    prefix = dept_prefix(code, shape.code)
    if prefix != shape.code:
        base += f" (le code commence par {prefix} : commune d'un autre département ?)"
    return base


def unknown_commune_todo() -> str:
    """French advice for an unknown commune code."""
    return (
        "vérifiez le code INSEE (ce n'est pas le code postal) ; une commune fusionnée prend "
        "le code de la commune nouvelle"
    )
