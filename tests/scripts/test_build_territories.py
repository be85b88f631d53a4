"""Tests of scripts/build_territories.py on a tiny in-code département (no network, no cache).

Six square communes of 10 km in a row, in Lambert-93 (EPSG:2154), stored in EPSG:4326::

    x (km)   700     710     720     730     740     750     760
             | 41001 | 41002 | 41003 | 41004 | 41005 | 41006 |
    EPCI     |  E1   |  E1   |  E2   |  E2   |  E2   |  --   |
    arrond.  |  411  |  411  |  411  |  412  |  412  |  412  |
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from scripts import build_territories as bt

CODES = ["41001", "41002", "41003", "41004", "41005", "41006"]
EPCI = ["200000001", "200000001", "200000002", "200000002", "200000002", None]
ARR = ["411", "411", "411", "412", "412", "412"]
POP = [100, 200, 300, 400, 500, 600]


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Lambert-93 metres -> (lon, lat)."""
    return Transformer.from_crs(2154, 4326, always_xy=True).transform(x, y)


@pytest.fixture
def communes() -> gpd.GeoDataFrame:
    geoms = [box(700_000 + i * 10_000, 6_600_000, 710_000 + i * 10_000, 6_610_000)
             for i in range(6)]
    gdf = gpd.GeoDataFrame(
        {"code_insee": CODES, "nom": [f"C{i}" for i in range(6)], "population": POP,
         "siren_epci": EPCI, "code_arrondissement": ARR},
        geometry=geoms, crs="EPSG:2154",
    ).to_crs("EPSG:4326")
    gdf["siren_epci"] = gdf["siren_epci"].fillna("")
    return gdf


def rules(*rows: tuple[str, ...]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=bt.RULE_COLUMNS, dtype="str")
    return df.assign(line=range(2, len(df) + 2))


def as_dict(members: pd.DataFrame, scheme: str = "s") -> dict[str, str]:
    m = members[members["scheme_id"] == scheme]
    return dict(zip(m["code_insee"], m["territory_id"], strict=True))


def test_epci_rule_takes_all_communes_of_the_epci(communes):
    out = bt.apply_rules(rules(("s", "A", "epci", "200000002", "src", "l.1")), communes)
    assert as_dict(out) == {"41003": "A", "41004": "A", "41005": "A"}
    assert set(out["source_id"]) == {"src"} and set(out["source_ref"]) == {"l.1"}
    assert list(out.columns) == bt.OUTPUT_COLUMNS


def test_arrondissement_rule(communes):
    out = bt.apply_rules(rules(("s", "B", "arrondissement", "412", "src", "l.2")), communes)
    assert as_dict(out) == {"41004": "B", "41005": "B", "41006": "B"}


def test_commune_rule_adds_and_later_commune_row_moves(communes):
    out = bt.apply_rules(rules(
        ("s", "A", "epci", "200000001", "src", "l.1"),
        ("s", "B", "commune", "41006", "src", "l.2"),
        ("s", "B", "commune", "41002", "src2", "l.9"),
    ), communes)
    assert as_dict(out) == {"41001": "A", "41002": "B", "41006": "B"}
    moved = out[out["code_insee"] == "41002"].iloc[0]
    assert (moved["source_id"], moved["source_ref"]) == ("src2", "l.9")


def test_exclude_commune_removes_it(communes):
    out = bt.apply_rules(rules(
        ("s", "A", "epci", "200000002", "src", "l.1"),
        ("s", "A", "exclude_commune", "41004", "src", "l.2"),
    ), communes)
    assert as_dict(out) == {"41003": "A", "41005": "A"}


def test_schemes_are_independent(communes):
    out = bt.apply_rules(rules(
        ("s", "A", "epci", "200000001", "src", "l.1"),
        ("t", "X", "arrondissement", "411", "src", "l.2"),
    ), communes)
    assert as_dict(out, "s") == {"41001": "A", "41002": "A"}
    assert as_dict(out, "t") == {"41001": "X", "41002": "X", "41003": "X"}


def test_nearest_site_assigns_remaining_communes(communes):
    # Site N located by coordinates in 41001; site S placed at its commune 41006.
    lon, lat = lonlat(705_000, 6_605_000)
    sites = pd.DataFrame({
        "site_id": ["N", "S", "OLD"], "scheme_id": ["sites", "sites", "sites"],
        "territory_id": ["A", "B", "C"], "code_insee": ["41001", "41006", "41003"],
        "latitude": [f"{lat:.6f}", "", ""], "longitude": [f"{lon:.6f}", "", ""],
        "status": ["ouvert", "prevu", "ferme"],
    }, dtype="str")
    out = bt.apply_rules(rules(
        ("s", "B", "commune", "41002", "src", "l.1"),  # explicit, kept despite being near A
        ("s", "*", "nearest_site", "sites", "src", "l.5"),
    ), communes, sites)
    # 41003 (x=725 km) is 20 km from N and 30 km from S; the closed site C is ignored.
    assert as_dict(out) == {"41001": "A", "41002": "B", "41003": "A", "41004": "B",
                            "41005": "B", "41006": "B"}
    assert out.loc[out["code_insee"] == "41004", "source_ref"].item() == "l.5"
    assert out.loc[out["code_insee"] == "41002", "source_ref"].item() == "l.1"


def test_nearest_site_skips_excluded_communes(communes):
    sites = pd.DataFrame({"site_id": ["N"], "scheme_id": ["s"], "territory_id": ["A"],
                          "code_insee": ["41001"], "latitude": [""], "longitude": [""]},
                         dtype="str")
    out = bt.apply_rules(rules(
        ("s", "A", "exclude_commune", "41006", "src", "l.1"),
        ("s", "*", "nearest_site", "s", "src", "l.2"),
    ), communes, sites)
    assert "41006" not in as_dict(out)
    assert len(out) == 5


def test_conflicting_group_rules_are_an_error(communes):
    with pytest.raises(bt.RuleError) as err:
        bt.apply_rules(rules(
            ("s", "A", "epci", "200000002", "src", "l.1"),
            ("s", "B", "arrondissement", "412", "src", "l.2"),
        ), communes)
    msg = str(err.value)
    assert "ligne 3" in msg and "conflit" in msg and "41004" in msg


def test_rule_errors_are_collected_with_line_numbers(communes):
    with pytest.raises(bt.RuleError) as err:
        bt.apply_rules(rules(
            ("s", "A", "commune", "41999", "src", "l.1"),
            ("s", "A", "canton", "4101", "src", "l.2"),
            ("s", "A", "epci", "999999999", "src", "l.3"),
            ("s", "A", "nearest_site", "sites", "src", "l.4"),
            ("s", "A", "commune", "41001", "", "l.5"),
        ), communes)
    msgs = err.value.messages
    assert len(msgs) == 5
    assert "ligne 2" in msgs[0] and "41999" in msgs[0]
    assert "ligne 3" in msgs[1] and "canton" in msgs[1]
    assert "ligne 4" in msgs[2] and "999999999" in msgs[2]
    assert "ligne 5" in msgs[3] and "« * »" in msgs[3]
    assert "ligne 6" in msgs[4] and "source_id" in msgs[4]


def test_unknown_territory_is_an_error(communes):
    territories = pd.DataFrame({"scheme_id": ["s"], "territory_id": ["A"]}, dtype="str")
    with pytest.raises(bt.RuleError, match="« Z » absent de territories.csv"):
        bt.apply_rules(rules(("s", "Z", "commune", "41001", "src", "l.1")), communes,
                       territories=territories)


def test_summary_counts_and_population(communes):
    out = bt.apply_rules(rules(("s", "A", "epci", "200000002", "src", "l.1")), communes)
    summary = bt.summarize(out, communes)
    assert summary.to_dict("records") == [
        {"scheme_id": "s", "territory_id": "A", "communes": 3, "population": 1200}]


def test_build_writes_territory_communes(tmp_path, communes, capsys):
    pkg = tmp_path / "41-test"
    pkg.mkdir()
    (pkg / "department.toml").write_text('code = "41"\nname = "Test"\n', encoding="utf-8")
    communes.to_file(pkg / "geo.gpkg", layer="communes", driver="GPKG")
    (pkg / "territory_rules.csv").write_text(
        "scheme_id,territory_id,rule,value,source_id,source_ref\n"
        "s,A,epci,200000001,seed,l.10\n"
        "s,B,arrondissement,412,seed,l.11-12\n", encoding="utf-8")
    (pkg / "territories.csv").write_text(
        "scheme_id,territory_id,name,source_id,source_ref\n"
        "s,A,Terr A,seed,l.1\ns,B,Terr B,seed,l.2\ns,C,Terr C,seed,l.3\n", encoding="utf-8")
    assert bt.main([str(pkg)]) == 0
    text = (pkg / "territory_communes.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "scheme_id,territory_id,code_insee,source_id,source_ref",
        "s,A,41001,seed,l.10", "s,A,41002,seed,l.10",
        "s,B,41004,seed,l.11-12", "s,B,41005,seed,l.11-12", "s,B,41006,seed,l.11-12",
    ]
    printed = capsys.readouterr().out
    assert "(non affectées)" in printed and "s/C" in printed


def test_main_reports_errors_and_writes_nothing(tmp_path, communes, capsys):
    pkg = tmp_path / "41-test"
    pkg.mkdir()
    (pkg / "department.toml").write_text('code = "41"\n', encoding="utf-8")
    communes.to_file(pkg / "geo.gpkg", layer="communes", driver="GPKG")
    (pkg / "territory_rules.csv").write_text(
        "scheme_id,territory_id,rule,value,source_id,source_ref\ns,A,commune,1001,seed,l.1\n",
        encoding="utf-8")
    assert bt.main([str(pkg)]) == 1
    assert not (pkg / "territory_communes.csv").exists()
    assert "commune « 1001 » inconnue" in capsys.readouterr().err


def test_main_missing_rules_file(tmp_path, capsys):
    assert bt.main([str(tmp_path)]) == 2
    assert "territory_rules.csv introuvable" in capsys.readouterr().err
