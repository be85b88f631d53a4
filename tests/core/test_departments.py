"""Loading a department package: the Department object, discovery, reports, real packages."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from core.package.departments import (
    DEFAULT_DATA_DIR,
    DEFAULT_GEO_DIR,
    Department,
    FileReport,
    LoadReport,
    PackageError,
    discover_departments,
    load_department,
)
from core.package.schema import SCHEMAS, Problem
from tests.core.package_fixture import (
    BASE_FILES,
    TERRITORY_COMMUNES_CSV,
    TOML,
    check_invariants,
    edit,
    expect_problem,
    write_geo,
    write_package,
)

OPTIONAL_FILES = [s.name for s in SCHEMAS.values() if not s.required_file]
REQUIRED_FILES = [s.name for s in SCHEMAS.values() if s.required_file]


def test_valid_package_loads_without_problem(dep: Department) -> None:
    assert dep.report.problems == []
    check_invariants(dep.report)
    assert (dep.code, dep.name, dep.slug) == ("03", "Allier", "allier")
    assert dep.path.name == "03-allier"
    assert dep.secrecy_threshold == 11
    assert dep.default_scheme == "mds"
    assert (dep.axe_level, dep.axe_group_level) == ("axe", "orientation")
    assert dep.digital_axes == ("A2",)
    assert dep.plan_info["short_name"] == "PDI test"
    assert dep.meta["sources"]["ext"]["url"] == "https://example.org/mds"
    assert dep.geo_meta["cog_vintage"] == "2026"
    assert list(dep.sources.columns) == ["title", "kind", "vintage", "licence", "url", "note"]
    assert dep.sources.index.name == "source_id"
    assert dep.sources.loc["ext", "vintage"] == "2025"
    assert dep.source_label("seed") == "Conseil départemental, PDI de test (2024)"
    assert dep.source_label("nope") == "nope"


def test_department_is_read_only(dep: Department) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        dep.code = "41"  # type: ignore[misc]
    with pytest.raises(TypeError):
        dep.meta["code"] = "41"  # type: ignore[index]


def test_geodata_layers(dep: Department) -> None:
    for frame in (dep.communes, dep.epci, dep.epci_outside, dep.outline, dep.territory_shapes):
        assert isinstance(frame, gpd.GeoDataFrame)
        assert frame.crs.to_epsg() == 4326
    assert len(dep.communes) == 4 and len(dep.epci) == 2 and len(dep.epci_outside) == 1
    inside = shapely.contains_xy(
        dep.communes.geometry.values, dep.communes["rep_lon"], dep.communes["rep_lat"]
    )
    assert inside.all()
    assert dep.communes["population"].dtype == "Int64"
    assert dep.epci["crosses_border"].tolist() == [False, True]


def test_territories_get_resolved_status_and_commune_count(dep: Department) -> None:
    t = dep.territories.set_index(["scheme_id", "territory_id"])
    assert t.loc[("mds", "N"), "n_communes"] == 2
    assert t.loc[("mds", "N"), "perimeter_status_resolved"] == "official"
    assert t.loc[("zones", "Z1"), "perimeter_status_resolved"] == "approximate"
    assert t.loc[("zones", "Z2"), "n_communes"] == 0
    assert t.loc[("zones", "Z2"), "perimeter_status_resolved"] == "unknown"
    assert t.loc[("mds", "N"), "n_communes_stated"] == 2
    assert t["n_communes_stated"].dtype == "Int64"


def test_territory_override_of_scheme_status(load) -> None:  # noqa: ANN001
    from tests.core.package_fixture import TERRITORIES_CSV

    dep = load(
        {"territories.csv": edit(TERRITORIES_CSV, "MDS Sud,03185,,", "MDS Sud,03185,approximate,")}
    )
    shapes = dep.territory_shapes.set_index("territory_id")
    assert shapes.loc["S", "perimeter_status"] == "approximate"
    assert shapes.loc["N", "perimeter_status"] == "official"


def test_territory_shapes_are_dissolved_communes(dep: Department) -> None:
    shapes = dep.territory_shapes
    assert list(shapes.columns) == [
        "scheme_id",
        "territory_id",
        "name",
        "perimeter_status",
        "population",
        "n_communes",
        "geometry",
    ]
    assert list(zip(shapes["scheme_id"], shapes["territory_id"], strict=True)) == [
        ("mds", "N"),
        ("mds", "S"),
        ("zones", "Z1"),
    ]  # Z2 has no commune: listed in territories, not drawn
    s = shapes.set_index("territory_id")
    assert s.loc["N", "population"] == 3000 and s.loc["S", "population"] == 7000
    assert s.loc["Z1", "population"] == 10000 and s.loc["Z1", "n_communes"] == 4
    assert s.loc["Z1", "name"] == "Zone unique"
    assert s.geometry.is_valid.all()
    assert shapely.get_num_geometries(s.loc["N", "geometry"]) == 1  # one piece, no seam
    assert s.loc["Z1", "geometry"].area == pytest.approx(dep.outline.geometry.iloc[0].area)


def test_points_are_placed_at_address_or_commune(dep: Department) -> None:
    for frame in (dep.sites, dep.partners, dep.digital_points):
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
        assert {"lon", "lat", "precision"} <= set(frame.columns)
        assert frame["lon"].notna().all() and frame["lat"].notna().all()
        assert np.allclose(frame.geometry.x, frame["lon"]) and np.allclose(
            frame.geometry.y, frame["lat"]
        )
    sites = dep.sites.set_index("site_id")
    assert (sites.loc["S1", "lon"], sites.loc["S1", "lat"]) == (3.05, 46.45)
    gamma = dep.communes.set_index("code_insee").loc["03185"]
    assert sites.loc["S2", "precision"] == "commune"
    assert (sites.loc["S2", "lon"], sites.loc["S2", "lat"]) == (gamma["rep_lon"], gamma["rep_lat"])
    assert pd.isna(sites.loc["S2", "latitude"])


def test_typed_columns(dep: Department) -> None:
    assert dep.beneficiaries["count"].dtype == "Int64"
    assert dep.beneficiaries["estimated"].dtype == "boolean"
    assert dep.figures["value"].dtype == "float64"
    assert dep.schemes["valid_from"].dtype == "Int64"
    assert pd.api.types.is_string_dtype(dep.territory_communes["code_insee"])
    assert dep.sites["latitude"].dtype == "float64"
    assert dep.digital_points["source_id"].tolist() == ["ext", "ext"]


def test_absent_optional_files_give_empty_frames(load) -> None:  # noqa: ANN001
    dep = load(dict.fromkeys(OPTIONAL_FILES))
    assert dep.report.errors == []
    for name in OPTIONAL_FILES:
        report = dep.report.file(name)
        assert report.present is False and report.rows_read == 0
    for attr, schema in [
        ("sites", "sites.csv"),
        ("partners", "partners.csv"),
        ("digital_points", "digital_points.csv"),
        ("beneficiaries", "beneficiaries.csv"),
        ("figures", "figures.csv"),
        ("territory_rules", "territory_rules.csv"),
    ]:
        frame = getattr(dep, attr)
        assert frame.empty
        assert set(SCHEMAS[schema].column_names) <= set(frame.columns), attr
    assert isinstance(dep.sites, gpd.GeoDataFrame)
    assert {"lon", "lat", "precision", "geometry"} <= set(dep.partners.columns)
    assert dep.beneficiaries["count"].dtype == "Int64"


def test_required_files_may_hold_only_a_header(load) -> None:  # noqa: ANN001
    headers = {name: BASE_FILES[name].splitlines()[0] + "\n" for name in REQUIRED_FILES}
    toml = edit(TOML, 'digital_axes = ["A2"]', "digital_axes = []")
    toml = edit(toml, 'default_scheme = "mds"\n', "")
    dep = load({**headers, **dict.fromkeys(OPTIONAL_FILES), "department.toml": toml})
    assert dep.report.errors == []
    assert dep.plan.empty and dep.actions.empty and dep.territory_shapes.empty
    assert isinstance(dep.territory_shapes, gpd.GeoDataFrame)


@pytest.mark.parametrize("name", REQUIRED_FILES)
def test_missing_required_file_is_fatal(make_package, geo_dir, name: str) -> None:  # noqa: ANN001
    with pytest.raises(PackageError) as exc:
        load_department(make_package({name: None}), geo_dirs=[geo_dir])
    assert str(exc.value.problems[0]).startswith(f"{name} : fichier obligatoire absent")


def test_missing_folder_is_fatal(tmp_path: Path, geo_dir: Path) -> None:
    with pytest.raises(PackageError, match="dossier de paquet introuvable"):
        load_department(tmp_path / "03-nulle-part", geo_dirs=[geo_dir])


def test_geo_gpkg_inside_the_package_wins(make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package()

    def rename(layers: dict) -> None:
        layers["communes"].loc[0, "nom"] = "Alpha-dans-le-paquet"

    write_geo(folder / "geo.gpkg", rename)
    dep = load_department(folder, geo_dirs=[geo_dir])
    assert dep.communes["nom"].iloc[0] == "Alpha-dans-le-paquet"
    assert dep.report.files[1].file == "geo.gpkg (couche communes)"


def test_geodata_of_another_departement_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    def other(layers: dict) -> None:
        layers["departement"].loc[0, "code"] = "41"

    geo = write_geo(tmp_path / "g" / "03.gpkg", other)
    with pytest.raises(PackageError, match="décrit « 41 » et non le département 03"):
        load_department(make_package(), geo_dirs=[geo.parent])


def test_territory_rules_are_checked(load) -> None:  # noqa: ANN001
    rules = (
        "scheme_id,territory_id,rule,value,source_id,source_ref\n"
        "zones,Z1,epci,200000001,seed,l.1\n"
        "zones,Z1,epci,200000099,seed,l.2\n"
        "zones,Z1,exclude_commune,3185,seed,l.3\n"
        "zones,Z1,arrondissement,039,seed,l.4\n"
        "mds,*,nearest_site,mds,seed,l.5\n"
        "mds,N,nearest_site,mds,seed,l.6\n"
        "zones,*,nearest_site,zones,seed,l.7\n"
        "zones,Z9,commune,03001,seed,l.8\n"
    )
    dep = load({"territory_rules.csv": rules})
    expect_problem(dep.report, "territory_rules.csv", 3, "value", "EPCI « 200000099 » inconnu")
    expect_problem(dep.report, "territory_rules.csv", 5, "value", "arrondissement « 039 »")
    expect_problem(dep.report, "territory_rules.csv", 7, "territory_id", "écrivez « * »")
    expect_problem(dep.report, "territory_rules.csv", 8, "value", "aucun site", "« zones »")
    expect_problem(
        dep.report, "territory_rules.csv", 9, "scheme_id, territory_id", "territoire « Z9 »"
    )
    assert dep.territory_rules["source_ref"].tolist() == ["l.1", "l.3", "l.5"]


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------


def test_file_report_invariant_is_enforced() -> None:
    with pytest.raises(ValueError, match="rows_read"):
        FileReport("sites.csv", rows_read=3, rows_kept=2, rows_rejected=0)


def test_load_report_summary_in_french() -> None:
    err = Problem("a.csv", 2, "x", "m. À faire : n.")
    warn = Problem("a.csv", 3, "x", "m. À faire : n.", "warning")
    report = LoadReport(
        [
            FileReport("a.csv", 1200, 1198, 2, [err, warn]),
            FileReport("b.csv", present=False),
        ]
    )
    assert report.errors == [err] and report.warnings == [warn]
    assert report.summary_fr() == (
        "1 fichier ou couche contrôlé : 1\u202f200 lignes lues, 1\u202f198 conservées, "
        "2 rejetées ; 1 erreur, 1 avertissement."
    )
    assert LoadReport([FileReport("a.csv", 1, 1, 0)]).summary_fr().endswith("aucune anomalie.")


def test_report_lists_every_file_in_loading_order(dep: Department) -> None:
    names = [f.file for f in dep.report.files]
    assert names[0] == "department.toml"
    assert names[1:6] == [
        f"03.gpkg (couche {n})" for n in ("communes", "epci", "epci_outside", "departement", "meta")
    ]
    assert names[6:] == list(SCHEMAS)
    rows = {f.file: f.rows_read for f in dep.report.files}
    assert rows["territory_communes.csv"] == len(TERRITORY_COMMUNES_CSV.splitlines()) - 1


# --------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------


def test_discover_departments(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_package(first)  # 03-allier
    write_package(first, {"department.toml": TOML.replace('"03"', '"2A"')}, "2A-corse-du-sud")
    write_package(second, {"department.toml": TOML.replace('"03"', '"41"')}, "41-loir-et-cher")
    write_package(second, {"schemes.csv": "broken;file\n"}, "03-allier-bis")  # later dir: ignored
    write_package(second, {"department.toml": "code = \n"}, "45-loiret")  # invalid TOML: skipped
    (second / "notes").mkdir()
    (second / "README.md").write_text("x", encoding="utf-8")
    found = discover_departments([first, second, tmp_path / "missing"])
    assert list(found) == ["03", "2A", "41"]
    assert found["03"] == first / "03-allier"
    assert found["41"] == second / "41-loir-et-cher"
    assert discover_departments([second])["03"] == second / "03-allier-bis"


def test_default_dirs_are_in_the_repository() -> None:
    root = Path(__file__).resolve().parents[2]
    assert DEFAULT_DATA_DIR == root / "data" / "departments"
    assert DEFAULT_GEO_DIR == root / "data" / "geo"


def test_load_is_fast(package: Path, geo_dir: Path) -> None:
    load_department(package, geo_dirs=[geo_dir])  # warm caches (pyproj transformers)
    best = min(_timed(package, [geo_dir]) for _ in range(3))
    assert best < 0.5


def _timed(folder: Path, geo_dirs: list[Path]) -> float:
    start = time.perf_counter()
    load_department(folder, geo_dirs=geo_dirs)
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------
# The real packages of the repository (skipped when absent)
# --------------------------------------------------------------------------------------

REAL = {"41": 267, "47": 319, "03": 317, "45": 325, "71": 563}


@pytest.mark.parametrize(("code", "n_communes"), sorted(REAL.items()))
def test_real_package_loads_cleanly(code: str, n_communes: int) -> None:
    folder = discover_departments([DEFAULT_DATA_DIR]).get(code)
    if folder is None or not (DEFAULT_GEO_DIR / f"{code}.gpkg").is_file():
        pytest.skip(f"package or geodata {code} not in the repository")
    dep = load_department(folder)
    assert dep.code == code
    assert len(dep.communes) == n_communes
    check_invariants(dep.report)
    assert dep.report.errors == [], "\n".join(str(p) for p in dep.report.errors)
    assert dep.default_scheme in set(dep.schemes["scheme_id"])
    assert best_of(folder, 2) < 0.5


def best_of(folder: Path, n: int) -> float:
    return min(_timed(folder, [DEFAULT_GEO_DIR]) for _ in range(n))
