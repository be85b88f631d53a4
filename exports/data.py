"""Data of the layers shown, as CSV, XLSX, GeoJSON and GeoPackage.

Tables are what ``layers.<module>.frame(dep, state)`` returns for the layers switched on
(partners restricted to the groups shown), the beneficiary units with their geometry, the
access-time commune table when access is on, and two tables of the side panel: the key
figures and the plan's actions of the selected unit.

* CSV: one file per table, ``;`` separator, decimal comma, UTF-8 with BOM (what French
  spreadsheets expect); geometry left out (points keep ``lon``/``lat``); a companion
  ``…_LISEZMOI.txt`` carries the metadata (no comment row in the CSV files).
* XLSX: one workbook, a « LISEZMOI » sheet then a sheet per table.
* GeoJSON: one FeatureCollection per spatial table with a top-level ``metadata`` member.
* GeoPackage: one file, a layer per table and a ``metadata`` attribute table.

Text cells of CSV/XLSX are protected against formula injection; numbers stay numbers.
Beneficiary counts are checked against the secrecy threshold before writing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd

from exports.safety import (
    ExportError,
    check_beneficiary_frame,
    check_counts,
    protect_frame,
    protect_text,
)
from exports.snapshot import Snapshot
from layers.geojson import feature_collection, json_safe, points_collection

DATA_FORMATS = ("csv", "xlsx", "geojson", "gpkg")

TABLE_LABELS = {
    "territories": "Territoires",
    "epci": "EPCI",
    "communes": "Communes",
    "sites": "Sites départementaux",
    "partners": "Partenaires",
    "digital_points": "Points d'accès numérique",
    "beneficiaries": "Bénéficiaires",
    "access": "Temps d'accès",
    "chiffres_cles": "Chiffres clés",
    "actions": "Actions du plan",
}
ID_COLUMNS = {
    "territories": "territory_id",
    "epci": "siren_epci",
    "communes": "code_insee",
    "sites": "site_id",
    "partners": "partner_id",
    "digital_points": "id",
    "beneficiaries": "code",
    "access": "code_insee",
}
POINT_TABLES = ("sites", "partners", "digital_points")


@dataclass(frozen=True)
class Table:
    """One exported table: its frame (geometry column for spatial ones) and kind."""

    name: str
    label: str
    frame: pd.DataFrame
    spatial: bool
    points: bool = False

    @property
    def attributes(self) -> pd.DataFrame:
        """The frame without geometry (what CSV and XLSX get), index reset."""
        cols = [c for c in self.frame.columns if c != "geometry"]
        return pd.DataFrame(self.frame[cols]).reset_index(drop=True)


def beneficiary_geometry(snapshot: Snapshot, frame: pd.DataFrame) -> gpd.GeoDataFrame:
    dep = snapshot.dep
    if frame.empty:
        return gpd.GeoDataFrame(frame.assign(geometry=None), geometry="geometry", crs=4326)
    level = str(frame["level"].iloc[0])
    if level == "territory":
        shapes = dep.territory_shapes
        scheme = frame["scheme_id"].iloc[0]
        geo = shapes[shapes["scheme_id"] == scheme].set_index("territory_id").geometry
    elif level == "epci":
        geo = dep.epci.set_index("siren_epci").geometry
    elif level == "commune":
        geo = dep.communes.set_index("code_insee").geometry
    else:
        geo = pd.Series(list(dep.outline.geometry), index=[dep.code])
    geometry = [geo.get(str(c)) for c in frame["code"]]
    return gpd.GeoDataFrame(
        frame.reset_index(drop=True), geometry=gpd.GeoSeries(geometry, crs=4326), crs=4326
    )


def tables(snapshot: Snapshot) -> list[Table]:
    """Every table of the snapshot, in a fixed order (secrecy re-checked)."""
    dep = snapshot.dep
    frames = snapshot.layer_frames()
    out: list[Table] = []
    for name in ("territories", "epci", "communes", *POINT_TABLES):
        if name in frames:
            out.append(
                Table(name, TABLE_LABELS[name], frames[name], True, points=name in POINT_TABLES)
            )
    if "beneficiaries" in frames:
        frame = frames["beneficiaries"]
        check_beneficiary_frame(frame, dep.secrecy_threshold, "la couche Bénéficiaires")
        out.append(
            Table(
                "beneficiaries",
                TABLE_LABELS["beneficiaries"],
                beneficiary_geometry(snapshot, frame),
                True,
            )
        )
    if "access" in frames:
        frame = dep.communes[["code_insee", "geometry"]].merge(frames["access"], on="code_insee")
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
        out.append(Table("access", TABLE_LABELS["access"], frame, True))
    figures = pd.DataFrame(
        [
            {
                "indicateur": f["label"],
                "valeur": f["value"],
                "texte": f["value_text"],
                "unite": f["unit"],
                "annee": f["year"],
                "source": f["source"],
                "reference": f["source_ref"],
                "perimetre_approximatif": bool(f["approximate"]),
                "estimation": bool(f["estimated"]),
                "secret_statistique": bool(f["suppressed"]),
                "note": f["note"],
            }
            for f in snapshot.key_figures
        ],
        columns=[
            "indicateur",
            "valeur",
            "texte",
            "unite",
            "annee",
            "source",
            "reference",
            "perimetre_approximatif",
            "estimation",
            "secret_statistique",
            "note",
        ],
    )
    figures["valeur"] = pd.to_numeric(figures["valeur"], errors="coerce").astype("Float64")
    out.append(Table("chiffres_cles", TABLE_LABELS["chiffres_cles"], figures, False))
    actions = snapshot.actions.reset_index(drop=True)
    out.append(Table("actions", TABLE_LABELS["actions"], actions, False))
    return out


def _metadata_text(snapshot: Snapshot, files: Iterable[str]) -> str:
    lines = [f"{snapshot.metadata['titre']}", "=" * 60, ""]
    for key, value in snapshot.metadata_rows():
        lines.append(f"{key} : {value}")
    lines += [
        "",
        "Fichiers",
        "--------",
        *[f"- {f}" for f in files],
        "",
        "Format des CSV : séparateur « ; », virgule décimale, encodage UTF-8 avec BOM. Les "
        "géométries sont dans les fichiers GeoJSON et GeoPackage (EPSG:4326) ; les points "
        "gardent leurs colonnes lon/lat. Un texte commençant par = + - @ est précédé d'une "
        "apostrophe pour qu'un tableur ne l'exécute pas comme une formule.",
        "",
    ]
    return "\n".join(lines)


def write_csv(snapshot: Snapshot, folder: Path, items: list[Table]) -> list[Path]:
    """A CSV per table and the companion LISEZMOI."""
    written = []
    for t in items:
        path = folder / f"{snapshot.base_name}_{t.name}.csv"
        protect_frame(t.attributes).to_csv(
            path, sep=";", index=False, encoding="utf-8-sig", decimal=",", lineterminator="\r\n"
        )
        written.append(path)
    readme = folder / f"{snapshot.base_name}_LISEZMOI.txt"
    readme.write_text(
        _metadata_text(snapshot, [p.name for p in written]), encoding="utf-8-sig", newline="\r\n"
    )
    return [readme, *written]


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, str):
        return protect_text(value)
    if isinstance(value, (bool, int, float)):
        return value
    return protect_text(str(value))


def _sheet_name(label: str, used: set[str]) -> str:
    base = "".join(ch for ch in label if ch not in "[]:*?/\\")[:31].strip("'") or "Feuille"
    name, i = base, 2
    while name in used:
        name = f"{base[:28]} {i}"
        i += 1
    used.add(name)
    return name


def write_xlsx(snapshot: Snapshot, path: Path, items: list[Table]) -> Path:
    """One workbook: LISEZMOI sheet, then one sheet per table (header row frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    meta = wb.active
    meta.title = "LISEZMOI"
    bold = Font(bold=True)
    meta.append(["Clé", "Valeur"])
    for key, value in snapshot.metadata_rows():
        meta.append([_cell(key), _cell(value)])
    for cell in meta[1]:
        cell.font = bold
    meta.column_dimensions["A"].width = 34
    meta.column_dimensions["B"].width = 120
    used = {"LISEZMOI"}
    for t in items:
        ws = wb.create_sheet(_sheet_name(t.label, used))
        frame = t.attributes
        ws.append([_cell(str(c)) for c in frame.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in frame.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            width = min(max(len(str(col)), 8) + 2, 60)
            ws.column_dimensions[get_column_letter(i)].width = width
    wb.save(path)
    return path


def _feature_collection(t: Table) -> dict:
    id_col = ID_COLUMNS.get(t.name)
    frame = t.frame
    if t.points:
        props = [c for c in frame.columns if c not in ("geometry",)]
        return points_collection(frame, id_col, props)
    props = [c for c in frame.columns if c != "geometry"]
    return feature_collection(frame, id_col, props)


def write_geojson(snapshot: Snapshot, folder: Path, items: list[Table]) -> list[Path]:
    """A GeoJSON per spatial table, with the snapshot's metadata at the top level."""
    written = []
    for t in items:
        if not t.spatial:
            continue
        fc = _feature_collection(t)
        fc["metadata"] = {"couche": t.name, "libelle": t.label, **snapshot.metadata}
        path = folder / f"{snapshot.base_name}_{t.name}.geojson"
        path.write_bytes(orjson.dumps(fc, default=json_safe))
        written.append(path)
    return written


def _gpkg_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable float columns as plain floats (GDAL has no NA), other columns as they are."""
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype) == "Float64":
            out[col] = out[col].astype("float64")
    return out


def write_gpkg(snapshot: Snapshot, path: Path, items: list[Table]) -> Path:
    """One GeoPackage: a layer per table and a ``metadata`` attribute table."""
    import pyogrio

    if path.exists():
        path.unlink()
    for t in items:
        frame = _gpkg_ready(t.frame)
        if t.spatial:
            gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
            pyogrio.write_dataframe(gdf, path, layer=t.name, driver="GPKG")
        else:
            pyogrio.write_dataframe(frame, path, layer=t.name, driver="GPKG")
    rows = snapshot.metadata_rows()
    meta = pd.DataFrame({"cle": [k for k, _ in rows], "valeur": [v for _, v in rows]})
    meta = pd.concat(
        [
            meta,
            pd.DataFrame(
                {
                    "cle": ["metadata_json"],
                    "valeur": [json.dumps(snapshot.metadata, ensure_ascii=False, default=str)],
                }
            ),
        ],
        ignore_index=True,
    )
    pyogrio.write_dataframe(meta, path, layer="metadata", driver="GPKG")
    return path


def write_data(
    snapshot: Snapshot, folder: Path | str, formats: Iterable[str] = DATA_FORMATS
) -> list[Path]:
    """Write the snapshot's tables in each of ``formats`` into ``folder``.

    Returns
    -------
    list of pathlib.Path
        Files written (CSV first with their LISEZMOI, then XLSX, GeoJSON, GeoPackage).
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in DATA_FORMATS]
    if unknown:
        raise ExportError(
            f"Format(s) de données inconnu(s) : {', '.join(unknown)}. "
            f"Formats : {', '.join(DATA_FORMATS)}."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    items = tables(snapshot)
    for t in items:
        if t.name == "chiffres_cles":
            personnes = t.frame.loc[t.frame["unite"] == "personnes", "valeur"]
            benef = set(snapshot.dep.beneficiaries["label"].dropna().astype(str))
            mask = t.frame.loc[t.frame["unite"] == "personnes", "indicateur"].isin(benef)
            check_counts(personnes[mask], snapshot.dep.secrecy_threshold, "les chiffres clés")
    written: list[Path] = []
    if "csv" in formats:
        written += write_csv(snapshot, folder, items)
    if "xlsx" in formats:
        written.append(write_xlsx(snapshot, folder / f"{snapshot.base_name}.xlsx", items))
    if "geojson" in formats:
        written += write_geojson(snapshot, folder, items)
    if "gpkg" in formats:
        written.append(write_gpkg(snapshot, folder / f"{snapshot.base_name}.gpkg", items))
    return written
