"""Communes of a département with their attributes, and whole EPCI dissolved from them."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from scripts.geo.common import COMMUNE_COLUMNS, GRID_SIZE, WGS84
from scripts.geo.geometry import clean_geometries


def assemble_communes(codes: list[str] | pd.Index, dec_communes: pd.DataFrame,
                      members: pd.DataFrame, polygons: gpd.GeoDataFrame,
                      grid_size: float = GRID_SIZE) -> gpd.GeoDataFrame:
    """Attributes and polygons of a set of COG communes.

    Parameters
    ----------
    codes : list of str
        COG codes of current communes (e.g. a département's, plus those of its EPCI).
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes`.
    members : pandas.DataFrame
        EPCI membership (``code_insee``, ``siren_epci``).
    polygons : geopandas.GeoDataFrame
        Output of :func:`commune_polygons` (optionally passed through :func:`fill_gaps`).
    grid_size : float
        Coordinate precision passed to :func:`clean_geometries`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per requested commune, sorted by code: :data:`COMMUNE_COLUMNS` plus
        ``departement``; geometry is a valid MultiPolygon in EPSG:4326, or None (and
        ``geometry_source`` null) when no polygon could be obtained.
    """
    act = dec_communes[dec_communes["type"] == "commune-actuelle"]
    act = act[act["code"].isin(pd.Index(codes))].drop_duplicates("code")
    attrs = pd.DataFrame({
        "code_insee": act["code"].to_numpy(),
        "nom": act["nom"].to_numpy(),
        "population": act["population"].to_numpy(),
        "code_arrondissement": act["arrondissement"].to_numpy(),
        "departement": act["departement"].to_numpy(),
    })
    attrs["population"] = attrs["population"].astype("Int64")
    epci_of = members.drop_duplicates("code_insee").set_index("code_insee")["siren_epci"]
    attrs["siren_epci"] = attrs["code_insee"].map(epci_of).astype("str")
    polys = polygons[polygons["code_insee"].isin(attrs["code_insee"])].to_crs(WGS84)
    polys = polys.assign(geometry=clean_geometries(polys.geometry, grid_size))
    merged = attrs.merge(pd.DataFrame(polys[["code_insee", "geometry_source", "geometry"]]),
                         on="code_insee", how="left")
    gdf = gpd.GeoDataFrame(merged, geometry="geometry", crs=WGS84)
    gdf = gdf[[*COMMUNE_COLUMNS, "departement", "geometry"]]
    return gdf.sort_values("code_insee", ignore_index=True)



def build_epci(communes: gpd.GeoDataFrame, epci: pd.DataFrame, dept_code: str,
               grid_size: float = GRID_SIZE) -> gpd.GeoDataFrame:
    """Dissolve whole EPCI (all their communes, in any département).

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        Output of :func:`assemble_communes` for every commune of every EPCI having at least
        one commune in the département (rows without geometry count in the attributes).
    epci : pandas.DataFrame
        ``siren_epci``, ``nom``, ``type``.
    dept_code : str
        Département code.
    grid_size : float
        Coordinate precision.

    Returns
    -------
    geopandas.GeoDataFrame
        ``siren_epci``, ``nom``, ``type``, ``population``, ``n_communes``,
        ``n_communes_in_dept``, ``population_in_dept``, ``crosses_border``, geometry.
    """
    c = communes[communes["siren_epci"].notna()].copy()
    inside = c["departement"] == dept_code
    touching = pd.unique(c.loc[inside, "siren_epci"])
    c = c[c["siren_epci"].isin(touching)]
    inside = c["departement"] == dept_code
    pop = c["population"].fillna(0).astype("int64")
    stats = pd.DataFrame({
        "siren_epci": c["siren_epci"],
        "population": pop,
        "one": 1,
        "in_dept": inside.astype("int64"),
        "pop_in_dept": pop.where(inside, 0),
    }).groupby("siren_epci", as_index=False).agg(
        population=("population", "sum"), n_communes=("one", "sum"),
        n_communes_in_dept=("in_dept", "sum"), population_in_dept=("pop_in_dept", "sum"))
    with_geom = c[c.geometry.notna()]
    shapes = with_geom[["siren_epci", "geometry"]].dissolve(by="siren_epci", as_index=False)
    out = stats.merge(epci, on="siren_epci", how="left").merge(
        pd.DataFrame(shapes), on="siren_epci", how="left")
    out["crosses_border"] = out["n_communes_in_dept"] < out["n_communes"]
    gdf = gpd.GeoDataFrame(out, geometry="geometry", crs=communes.crs)
    gdf["geometry"] = clean_geometries(gdf.geometry, grid_size)
    cols = ["siren_epci", "nom", "type", "population", "n_communes", "n_communes_in_dept",
            "population_in_dept", "crosses_border", "geometry"]
    return gdf[cols].sort_values("siren_epci", ignore_index=True)



def split_epci_outside(communes: gpd.GeoDataFrame, epci_layer: gpd.GeoDataFrame,
                       dept_code: str, grid_size: float = GRID_SIZE) -> gpd.GeoDataFrame:
    """Part of each cross-border EPCI lying outside the département.

    The outside part is the dissolve of the EPCI's communes of other départements (not a
    polygon difference, so no slivers along the border).

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        Output of :func:`assemble_communes` (all communes of the EPCI).
    epci_layer : geopandas.GeoDataFrame
        Output of :func:`build_epci`.
    dept_code : str
        Département code.
    grid_size : float
        Coordinate precision.

    Returns
    -------
    geopandas.GeoDataFrame
        ``siren_epci``, ``nom``, ``n_communes`` and ``population`` of the outside part,
        geometry; one row per EPCI with ``crosses_border``.
    """
    crossing = epci_layer.loc[epci_layer["crosses_border"], ["siren_epci", "nom"]]
    out = communes[communes["siren_epci"].isin(crossing["siren_epci"])
                   & (communes["departement"] != dept_code)]
    stats = (pd.DataFrame({"siren_epci": out["siren_epci"],
                           "population": out["population"].fillna(0).astype("int64")})
             .groupby("siren_epci", as_index=False)
             .agg(n_communes=("population", "size"), population=("population", "sum")))
    shapes = out[out.geometry.notna()][["siren_epci", "geometry"]].dissolve(
        by="siren_epci", as_index=False)
    res = crossing.merge(stats, on="siren_epci").merge(pd.DataFrame(shapes), on="siren_epci",
                                                        how="left")
    gdf = gpd.GeoDataFrame(res, geometry="geometry", crs=communes.crs)
    gdf["geometry"] = clean_geometries(gdf.geometry, grid_size)
    return gdf[["siren_epci", "nom", "n_communes", "population", "geometry"]].sort_values(
        "siren_epci", ignore_index=True)
