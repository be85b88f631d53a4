"""Data exports: CSV round trip, XLSX, GeoJSON and GeoPackage metadata, formula injection."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from exports import Snapshot, write_data
from layers import DEFAULT_VISIBLE
from layers import communes as communes_layer
from tests.exports.support import WHEN


def read_csv(path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", decimal=",", **kw)


def test_csv_files_have_bom_semicolons_and_no_comment_row(data41):
    raw = data41["communes.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(";")[:3] == ["code_insee", "nom", "population"]


def test_csv_round_trip_equals_the_layer_frame(data41, snap41):
    expected = pd.DataFrame(communes_layer.frame(snap41.dep, snap41.state)).drop(columns="geometry")
    got = read_csv(data41["communes.csv"], dtype={"code_insee": str, "siren_epci": str})
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True),
        expected.astype({c: object for c in expected.columns if c != "population"}).reset_index(
            drop=True
        ),
        check_dtype=False,
    )


def test_access_csv_round_trip_keeps_minutes_numeric(data41, snap41):
    expected = snap41.access_service.frame(snap41.state)
    got = read_csv(data41["access.csv"], dtype={"code_insee": str, "siren_epci": str})
    assert list(got.columns) == list(expected.columns)
    assert got["minutes"].dtype == float
    pd.testing.assert_series_equal(
        got["minutes"], expected["minutes"].reset_index(drop=True), check_names=False
    )
    assert got["beyond"].tolist() == expected["beyond"].tolist()
    assert got["nearest"].tolist() == expected["nearest"].tolist()


def test_lisezmoi_states_sources_date_model_and_secrecy(data41, snap41):
    text = data41["LISEZMOI.txt"].read_text(encoding="utf-8-sig")
    assert "Source seed000" in text
    assert "Millésime des populations : 2023" in text
    assert "12 mars 2026" in text
    assert snap41.access.model_text in text
    assert "Temps d'accès : seuil : 30 min" in text
    assert "Les effectifs inférieurs à 11 sont masqués" in text
    assert "Avertissement : Découpage « Maisons départementales" in text
    assert "atlas_41_mdcs-2019_vendome_2026-03-12_communes.csv" in text


def test_xlsx_has_a_metadata_sheet_and_numeric_cells(data41, snap41):
    wb = load_workbook(data41["xlsx"], read_only=True)
    assert wb.sheetnames[0] == "LISEZMOI"
    assert {"Communes", "Temps d'accès", "Actions du plan", "Chiffres clés"} <= set(wb.sheetnames)
    meta = {r[0]: r[1] for r in wb["LISEZMOI"].iter_rows(min_row=2, values_only=True)}
    assert meta["Temps d'accès : modèle"] == snap41.access.model_text
    rows = list(wb["Temps d'accès"].iter_rows(values_only=True))
    header = rows[0]
    minutes = [r[header.index("minutes")] for r in rows[1:]]
    assert all(isinstance(m, (int, float)) and not isinstance(m, bool) for m in minutes)
    assert len(rows) - 1 == len(snap41.dep.communes)
    wb.close()


def test_geojson_has_top_level_metadata(data41, snap41):
    fc = orjson.loads(data41["access.geojson"].read_bytes())
    assert len(fc["features"]) == len(snap41.dep.communes)
    meta = fc["metadata"]
    assert meta["couche"] == "access"
    assert meta["acces"]["modele"] == snap41.access.model_text
    assert meta["acces"]["seuil_min"] == 30
    assert meta["date"].startswith("2026-03-12T14:05")
    assert meta["secret_statistique"].startswith("Les effectifs inférieurs à 11")
    assert {s["id"] for s in meta["sources"]} >= {"seed000"}
    assert meta["geodonnees"]["population_vintage"] == "2023"
    assert any("approximatif" in f for f in meta["avertissements"])
    points = orjson.loads(data41["sites.geojson"].read_bytes())
    assert points["features"][0]["geometry"]["type"] == "Point"


def test_gpkg_layers_and_metadata_table(data41, snap41):
    layers = {name for name, _ in pyogrio.list_layers(data41["gpkg"])}
    assert {"territories", "epci", "communes", "sites", "access", "actions", "metadata"} <= layers
    meta = pyogrio.read_dataframe(data41["gpkg"], layer="metadata")
    values = dict(zip(meta["cle"], meta["valeur"], strict=True))
    assert values["Temps d'accès : modèle"] == snap41.access.model_text
    assert "12 mars 2026" in values["Date de l'export"]
    access = pyogrio.read_dataframe(data41["gpkg"], layer="access")
    assert len(access) == len(snap41.dep.communes)
    assert access.crs.to_epsg() == 4326


@pytest.fixture(scope="module")
def injected(entry41, tmp_path_factory):
    """Partners whose texts look like formulas, written as CSV and XLSX."""
    dep = entry41.dep
    partners = dep.partners.copy()
    partners["name"] = partners["name"].astype(object)
    partners["adresse"] = partners["adresse"].astype(object)
    partners.iloc[0, partners.columns.get_loc("name")] = '=HYPERLINK("http://x","clic")'
    partners.iloc[1, partners.columns.get_loc("name")] = "+33 6 00 00 00 00"
    partners.iloc[2, partners.columns.get_loc("adresse")] = "@SUM(1+1)"
    partners.iloc[3, partners.columns.get_loc("adresse")] = "-1 rue du Tiret"
    bad = replace(dep, partners=partners)
    snap = Snapshot(bad, entry41.assets, visible=DEFAULT_VISIBLE, created=WHEN)
    folder = tmp_path_factory.mktemp("injection")
    files = write_data(snap, folder, ("csv", "xlsx"))
    return snap, {p.suffix: p for p in files if p.suffix == ".xlsx"} | {
        "csv": next(p for p in files if p.name.endswith("_partners.csv"))
    }


def test_formula_cells_are_protected_in_csv(injected):
    _, files = injected
    got = read_csv(files["csv"], dtype=str, keep_default_na=False)
    assert got["name"].iloc[0] == '\'=HYPERLINK("http://x","clic")'
    assert got["name"].iloc[1] == "'+33 6 00 00 00 00"
    assert got["adresse"].iloc[2] == "'@SUM(1+1)"
    assert got["adresse"].iloc[3] == "'-1 rue du Tiret"
    numbers = read_csv(files["csv"])
    assert numbers["lon"].dtype == float and numbers["lat"].dtype == float


def test_formula_cells_are_protected_in_xlsx(injected):
    _, files = injected
    wb = load_workbook(files[".xlsx"])
    ws = wb["Partenaires"]
    header = [c.value for c in ws[1]]
    name, adresse, lon = (header.index(k) + 1 for k in ("name", "adresse", "lon"))
    assert ws.cell(2, name).value.startswith("'=")
    assert ws.cell(2, name).data_type == "s"
    assert ws.cell(3, name).value == "'+33 6 00 00 00 00"
    assert ws.cell(4, adresse).value == "'@SUM(1+1)"
    assert ws.cell(5, adresse).value == "'-1 rue du Tiret"
    assert ws.cell(2, lon).data_type == "n"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("kind", "expected", "title"),
    [
        ("epci", "epci", "EPCI"),
        ("commune", "commune", "Commune"),
        ("sites", "departement", "Département"),  # a place's panel: the département view
        (None, "departement", "Département"),
    ],
)
def test_other_selections(entry41, tmp_path, kind, expected, title):
    dep = entry41.dep
    code = {"epci": dep.epci["siren_epci"].iloc[0], "commune": "41269", "sites": "x"}
    selection = {"type": kind, "code": code[kind]} if kind else None
    snap = Snapshot(dep, entry41.assets, selection=selection, created=WHEN)
    assert snap.unit[0] == expected
    files = write_data(snap, tmp_path, ("csv",))
    readme = next(p for p in files if p.name.endswith("LISEZMOI.txt")).read_text("utf-8-sig")
    assert f"Sélection : {title} : {snap.unit_name}" in readme
    figures = read_csv(next(p for p in files if p.name.endswith("_chiffres_cles.csv")))
    assert figures["indicateur"].iloc[0].startswith("Population")


def test_html_of_a_scheme_without_drawn_territories(reg):
    from exports.html_map import build_map

    entry = reg.get("71")
    snap = Snapshot(entry.dep, entry.assets, created=WHEN)  # CTI: perimeters unknown
    assert not len(snap.layer_frames()["territories"])
    page = build_map(snap).render()
    assert "Saône-et-Loire" in page and "périmètre inconnu" in page
    assert "cdn." not in page.replace("leafletjs.com", "")
