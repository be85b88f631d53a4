"""A loaded, validated department package: :class:`Department`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from core.package.problems import LoadReport


@dataclass(frozen=True, eq=False)
class Department:
    """A loaded, validated department package (read-only reference data).

    Geometries are GeoDataFrames in WGS84 (EPSG:4326). Frames of absent optional files are
    empty with the documented columns. Beneficiary counts are raw here: use
    :mod:`core.indicators` / :mod:`core.secrecy` before any display or export.

    Attributes
    ----------
    code, name, slug : str
        From ``department.toml``.
    path : pathlib.Path
        Package folder.
    meta : Mapping
        Parsed ``department.toml``.
    secrecy_threshold : int
        Counts strictly below it are never shown.
    default_scheme : str or None
        A ``scheme_id`` of ``schemes`` (None when absent or unknown).
    axe_level, axe_group_level : str, str or None
        Plan levels offered in the axe filter and used to group it.
    digital_axes : tuple of str
        Plan nodes served by digital access points (existing nodes only).
    plan_info : Mapping
        The ``[plan]`` table.
    sources : pandas.DataFrame
        Index ``source_id``; columns title, kind, vintage, licence, url, note.
    geo_meta : Mapping
        ``meta`` table of the GeoPackage (sources, vintages of the geodata).
    communes : geopandas.GeoDataFrame
        Communes layer plus ``rep_lon``/``rep_lat`` (representative point, degrees).
    epci, epci_outside, outline : geopandas.GeoDataFrame
        EPCI (whole, even across the border), EPCI outside the département, outline.
    schemes, territories, territory_communes : pandas.DataFrame
        As validated; ``territories`` gains ``n_communes`` and
        ``perimeter_status_resolved`` (``unknown`` when it has no commune).
    territory_shapes : geopandas.GeoDataFrame
        One row per territory with communes: scheme_id, territory_id, name,
        perimeter_status (resolved), population, n_communes, geometry (dissolved).
    sites, partners, digital_points : geopandas.GeoDataFrame
        Point geometry; ``lon``/``lat`` always filled (commune representative point when
        ``precision = commune``).
    beneficiaries, plan, actions, figures, territory_rules : pandas.DataFrame
        As validated.
    report : LoadReport
        Validation outcome.
    """

    code: str
    name: str
    slug: str
    path: Path
    meta: Mapping[str, Any]
    secrecy_threshold: int
    default_scheme: str | None
    axe_level: str
    axe_group_level: str | None
    digital_axes: tuple[str, ...]
    plan_info: Mapping[str, Any]
    sources: pd.DataFrame
    geo_meta: Mapping[str, str]
    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    epci_outside: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    schemes: pd.DataFrame
    territories: pd.DataFrame
    territory_communes: pd.DataFrame
    territory_shapes: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    partners: gpd.GeoDataFrame
    digital_points: gpd.GeoDataFrame
    beneficiaries: pd.DataFrame
    plan: pd.DataFrame
    actions: pd.DataFrame
    figures: pd.DataFrame
    territory_rules: pd.DataFrame
    report: LoadReport

    def source_label(self, source_id: str) -> str:
        """« title (vintage) » of a source, or the id itself if unknown."""
        if source_id not in self.sources.index:
            return source_id
        row = self.sources.loc[source_id]
        return f"{row['title']} ({row['vintage']})" if row["vintage"] else str(row["title"])

    def unit_name(self, kind: str, code: str, scheme: str | None = None) -> str:
        """Name of a territory (of ``scheme``, the default one if None), EPCI or commune;
        the département's name for ``departement``; the code itself when unknown."""
        if kind == "territory":
            t = self.territories
            scheme = scheme or self.default_scheme
            row = t[(t["scheme_id"] == scheme) & (t["territory_id"] == code)]
            return str(row["name"].iloc[0]) if not row.empty else code
        if kind == "epci":
            row = self.epci[self.epci["siren_epci"] == code]
            return str(row["nom"].iloc[0]) if not row.empty else code
        if kind == "commune":
            row = self.communes[self.communes["code_insee"] == code]
            return str(row["nom"].iloc[0]) if not row.empty else code
        if kind == "departement":
            return str(self.name)
        return code
