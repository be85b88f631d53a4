"""Loading a department package into a :class:`Department`: :func:`load_department`."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.package.contracts import FileSchema
from core.package.cross_checks import check_references
from core.package.csv_reader import RawTable, read_csv_table
from core.package.department import Department
from core.package.file_contracts import (
    ACTIONS,
    BENEFICIARIES,
    DIGITAL_POINTS,
    FIGURES,
    PARTNERS,
    PLAN,
    SCHEMAS,
    SCHEMES,
    SITES,
    TERRITORIES,
    TERRITORY_COMMUNES,
    TERRITORY_RULES,
)
from core.package.geo import DepartmentShape
from core.package.geopackage import find_geo, read_geo
from core.package.meta import TOML_FILE, check_meta_references, read_meta
from core.package.problems import (
    FileReport,
    LoadReport,
    PackageError,
    Problem,
    TableUnreadable,
    fatal_problem,
)
from core.package.table_checks import ParseContext, TableCheck

log = logging.getLogger(__name__)

_REPO = Path(__file__).resolve().parents[2]
#: Folder holding the department packages shipped with the repository.
DEFAULT_DATA_DIR = _REPO / "data" / "departments"
#: Folder holding the ``<code>.gpkg`` geodata built by ``scripts/build_geo.py``.
DEFAULT_GEO_DIR = _REPO / "data" / "geo"

FOLDER_RE = re.compile(r"^(?P<code>\d{2}|2[AB]|97\d)-(?P<slug>[a-z0-9-]+)$")


def discover_departments(dirs: Sequence[Path]) -> dict[str, Path]:
    """Find department packages.

    Parameters
    ----------
    dirs : sequence of pathlib.Path
        Folders holding ``<code>-<slug>/department.toml`` packages; a code found in an
        earlier folder is not overridden by a later one.

    Returns
    -------
    dict
        Département code → package folder, sorted by code. Only ``department.toml`` is
        read; unreadable packages are skipped (logged).
    """
    found: dict[str, Path] = {}
    for base in dirs:
        base = Path(base)
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            if not FOLDER_RE.match(folder.name):
                continue
            toml_path = folder / TOML_FILE
            if not toml_path.is_file():
                continue
            try:
                with toml_path.open("rb") as fh:
                    code = tomllib.load(fh).get("code")
            except (OSError, tomllib.TOMLDecodeError) as exc:
                log.warning("skipping %s: %s", folder.name, exc)
                continue
            if isinstance(code, int) and not isinstance(code, bool):
                code = f"{code:02d}"
            if not isinstance(code, str) or not code.strip():
                log.warning("skipping %s: no code in %s", folder.name, TOML_FILE)
                continue
            found.setdefault(code.strip().upper(), folder)
    return dict(sorted(found.items()))


def load_department(folder: Path, geo_dirs: Sequence[Path] = (DEFAULT_GEO_DIR,)) -> Department:
    """Load and validate one department package.

    Parameters
    ----------
    folder : pathlib.Path
        Package folder ``<code>-<slug>`` (see ``data/departments/README.md``).
    geo_dirs : sequence of pathlib.Path
        Folders searched for ``<code>.gpkg`` when the package has no ``geo.gpkg``.

    Returns
    -------
    Department
        Rows with an error are left out and reported in ``report``.

    Raises
    ------
    PackageError
        Folder or ``department.toml`` missing or invalid, geodata missing or unusable, a
        required file missing or structurally unreadable.
    """
    folder = Path(folder)
    meta, settings, toml_problems = read_meta(folder)
    geo = _read_geodata(folder, settings, geo_dirs)
    tables = _open_tables(folder, ParseContext(geo.shape, frozenset(settings["sources"])))
    keys = check_references(tables.checks, geo.shape, geo.epci_ids(), geo.arrondissements())
    frames = {name: check.kept() for name, check in tables.checks.items()}
    toml_problems = list(toml_problems)
    default_scheme, digital_axes = check_meta_references(
        settings, keys.scheme_ids, keys.node_ids, set(frames[PLAN.name]["level"]), toml_problems
    )
    # Reports, in loading order.
    report = LoadReport(
        [FileReport(TOML_FILE, 0, 0, 0, toml_problems), *geo.reports, *tables.reports()]
    )
    settings = settings | {"default_scheme": default_scheme, "digital_axes": digital_axes}
    return _department(folder, meta, settings, geo, frames, report)


@dataclass(frozen=True)
class _GeoData:
    """The checked GeoPackage layers of a package and the shape checks use."""

    layers: dict[str, pd.DataFrame]
    reports: list[FileReport]
    meta: dict[str, str]
    shape: DepartmentShape

    def epci_ids(self) -> set[str]:
        """SIREN of the EPCI layer."""
        return set(self.layers["epci"]["siren_epci"].dropna().astype(str))

    def arrondissements(self) -> set[str]:
        """Arrondissement codes of the communes layer."""
        return set(self.layers["communes"]["code_arrondissement"].dropna().astype(str))


def _read_geodata(folder: Path, settings: Mapping[str, Any], geo_dirs: Sequence[Path]) -> _GeoData:
    """Find and check the GeoPackage; communes gain their representative point."""
    code = settings["code"]
    layers, geo_reports = read_geo(find_geo(folder, code, geo_dirs), code)
    geo_meta = {
        str(k): "" if pd.isna(v) else str(v)
        for k, v in zip(layers["meta"]["key"], layers["meta"]["value"], strict=True)
    }
    communes = layers["communes"]
    rep = communes.geometry.representative_point()
    communes["rep_lon"] = rep.x.to_numpy()
    communes["rep_lat"] = rep.y.to_numpy()
    # Vintage of the commune list, written by scripts/build_geo.py in the meta layer.
    cog_label = f"COG {geo_meta.get('cog_vintage') or '2026'}"
    shape = DepartmentShape.from_layers(
        code, settings["name"], cog_label, layers["departement"], communes
    )
    return _GeoData(layers, geo_reports, geo_meta, shape)


@dataclass(frozen=True)
class _Tables:
    """Every package file, typed; absent and unreadable optional files are empty tables."""

    checks: dict[str, TableCheck]
    absent: dict[str, FileReport]
    unreadable: dict[str, FileReport]

    def reports(self) -> list[FileReport]:
        """One report per file, in :data:`SCHEMAS` order."""
        reports = []
        for name, check in self.checks.items():
            if name in self.absent:
                reports.append(self.absent[name])
            elif name in self.unreadable:
                reports.append(self.unreadable[name])
            else:
                rejected = int(check.rejected.sum())
                reports.append(
                    FileReport(
                        name,
                        check.rows_read,
                        check.rows_read - rejected,
                        rejected,
                        check.sorted_problems(),
                    )
                )
        return reports


def _open_tables(folder: Path, ctx: ParseContext) -> _Tables:
    """Read and type every file; a missing or unreadable required file is fatal."""
    fatal: list[Problem] = []
    absent: dict[str, FileReport] = {}
    unreadable: dict[str, FileReport] = {}
    checks = {
        name: _open_table(folder, schema, ctx, fatal, absent, unreadable)
        for name, schema in SCHEMAS.items()
    }
    if fatal:
        raise PackageError(fatal)
    return _Tables(checks, absent, unreadable)


def _department(
    folder: Path,
    meta: dict[str, Any],
    settings: Mapping[str, Any],
    geo: _GeoData,
    frames: dict[str, pd.DataFrame],
    report: LoadReport,
) -> Department:
    """Assemble the :class:`Department` from the kept rows and the derived frames."""
    communes = geo.layers["communes"]
    tc = frames[TERRITORY_COMMUNES.name]
    terr = _territories_with_counts(frames[TERRITORIES.name], tc, frames[SCHEMES.name])
    digital_frame = frames[DIGITAL_POINTS.name]
    digital_frame["source_id"] = digital_frame["source"]
    return Department(
        code=settings["code"],
        name=settings["name"],
        slug=settings["slug"],
        path=folder,
        meta=MappingProxyType(meta),
        secrecy_threshold=int(settings["secrecy_threshold"]),
        default_scheme=settings["default_scheme"],
        axe_level=settings["axe_level"],
        axe_group_level=settings["axe_group_level"],
        digital_axes=tuple(settings["digital_axes"]),
        plan_info=MappingProxyType(settings["plan"]),
        sources=_sources_frame(settings["sources"]),
        geo_meta=MappingProxyType(geo.meta),
        communes=communes,
        epci=geo.layers["epci"],
        epci_outside=geo.layers["epci_outside"],
        outline=geo.layers["departement"],
        schemes=frames[SCHEMES.name],
        territories=terr,
        territory_communes=tc,
        territory_shapes=_territory_shapes(terr, tc, communes),
        sites=_points(frames[SITES.name], communes),
        partners=_points(frames[PARTNERS.name], communes),
        digital_points=_points(digital_frame, communes),
        beneficiaries=frames[BENEFICIARIES.name],
        plan=frames[PLAN.name],
        actions=frames[ACTIONS.name],
        figures=frames[FIGURES.name],
        territory_rules=frames[TERRITORY_RULES.name],
        report=report,
    )


def _territories_with_counts(
    terr: pd.DataFrame, tc: pd.DataFrame, schemes: pd.DataFrame
) -> pd.DataFrame:
    """Add ``n_communes`` and ``perimeter_status_resolved`` (in place) to the territories."""
    scheme_status = schemes.set_index("scheme_id")["perimeter_status"]
    counts = tc.groupby(["scheme_id", "territory_id"]).size()
    terr["n_communes"] = pd.Series(
        [
            int(counts.get((s, t), 0))
            for s, t in zip(terr["scheme_id"], terr["territory_id"], strict=True)
        ],
        index=terr.index,
        dtype="Int64",
    )
    resolved = terr["perimeter_status"].fillna(terr["scheme_id"].map(scheme_status))
    terr["perimeter_status_resolved"] = resolved.where(terr["n_communes"] > 0, "unknown").astype(
        "str"
    )
    return terr


def _sources_frame(sources: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """Sources of ``department.toml`` as a frame indexed by ``source_id``."""
    frame = pd.DataFrame.from_dict(
        dict(sources),
        orient="index",
        columns=["title", "kind", "vintage", "licence", "url", "note"],
    )
    frame.index.name = "source_id"
    return frame.astype("str")


def _open_table(
    folder: Path,
    schema: FileSchema,
    ctx: ParseContext,
    fatal: list[Problem],
    absent: dict[str, FileReport],
    unreadable: dict[str, FileReport],
) -> TableCheck:
    """Read and type one file; an absent or rejected optional file gives an empty table."""
    path = folder / schema.name
    raw: RawTable | None = None
    if not path.is_file():
        if schema.required_file:
            fatal.append(
                fatal_problem(
                    schema.name,
                    "fichier obligatoire absent du paquet",
                    "créez-le, au moins avec sa ligne d'en-tête (voir data/departments/README.md)",
                )
            )
        else:
            absent[schema.name] = FileReport(schema.name, present=False)
    else:
        try:
            raw = read_csv_table(path, schema)
        except TableUnreadable as exc:
            if schema.required_file:
                fatal.extend(exc.problems)
            else:
                unreadable[schema.name] = FileReport(
                    schema.name, exc.rows_read, 0, exc.rows_read, exc.problems
                )
    if raw is None:
        raw = RawTable(
            schema.name,
            pd.DataFrame({c: pd.Series(dtype="str") for c in schema.column_names}),
            np.zeros(0, dtype=np.int64),
            [],
            np.zeros(0, dtype=bool),
            list(schema.column_names),
        )
    check = TableCheck(raw, schema)
    check.parse(ctx)
    return check


def _points(frame: pd.DataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Place rows: own coordinates when ``precision = address``, else commune point."""
    rep = communes.set_index("code_insee")[["rep_lon", "rep_lat"]]
    codes = frame["code_insee"]
    at_address = (frame["precision"] == "address").fillna(False).to_numpy(dtype=bool)
    lon = np.where(
        at_address,
        frame["longitude"].to_numpy(dtype=float),
        codes.map(rep["rep_lon"]).to_numpy(dtype=float, na_value=np.nan),
    )
    lat = np.where(
        at_address,
        frame["latitude"].to_numpy(dtype=float),
        codes.map(rep["rep_lat"]).to_numpy(dtype=float, na_value=np.nan),
    )
    out = frame.copy()
    out["lon"] = lon
    out["lat"] = lat
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def _territory_shapes(
    territories: pd.DataFrame,
    tc: pd.DataFrame,
    communes: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    cols = ["scheme_id", "territory_id", "name", "perimeter_status", "population", "n_communes"]
    if tc.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype="str") for c in cols[:4]}
            | {"population": pd.Series(dtype="Int64"), "n_communes": pd.Series(dtype="Int64")},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    geo = communes.set_index("code_insee")
    merged = tc[["scheme_id", "territory_id", "code_insee"]].join(
        geo[["population"]], on="code_insee"
    )
    merged["geometry"] = geo.geometry.reindex(merged["code_insee"]).to_numpy()
    rows = []
    for (scheme, terr), grp in merged.groupby(["scheme_id", "territory_id"], sort=False):
        geoms = np.asarray(grp["geometry"].to_numpy(), dtype=object)
        rows.append(
            {
                "scheme_id": scheme,
                "territory_id": terr,
                "population": grp["population"].sum(min_count=1),
                "n_communes": len(grp),
                "geometry": _dissolve(geoms),
            }
        )
    shapes = pd.DataFrame(rows)
    info = territories.set_index(["scheme_id", "territory_id"])[
        ["name", "perimeter_status_resolved"]
    ]
    shapes = shapes.join(info, on=["scheme_id", "territory_id"])
    shapes = shapes.rename(columns={"perimeter_status_resolved": "perimeter_status"})
    shapes["population"] = shapes["population"].astype("Int64")
    shapes["n_communes"] = shapes["n_communes"].astype("Int64")
    return gpd.GeoDataFrame(shapes[cols + ["geometry"]], geometry="geometry", crs=4326)


def _dissolve(geoms: np.ndarray) -> Any:
    """Union of commune polygons; the fast coverage union when they tile cleanly."""
    if len(geoms) == 1:
        return geoms[0]
    merged = shapely.coverage_union_all(geoms)
    # coverage_union assumes edge-matched polygons; fall back when it is not the case.
    if not shapely.is_valid(merged) or abs(shapely.area(merged) - shapely.area(geoms).sum()) > (
        1e-6 * shapely.area(geoms).sum()
    ):
        merged = shapely.union_all(geoms)
    return merged
