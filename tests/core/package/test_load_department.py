"""Loading a department package: the Department object, discovery, reports, real packages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from core.package import (
    DEFAULT_DATA_DIR,
    DEFAULT_GEO_DIR,
    Department,
    PackageError,
    discover_departments,
    load_department,
)
from core.package.file_contracts import SCHEMAS
from tests.core.package_fixture import (
    BASE_FILES,
    BENEFICIARIES_CSV,
    PARTNERS_CSV,
    SITES_CSV,
    TERRITORIES_CSV,
    TERRITORY_COMMUNES_CSV,
    TOML,
    check_invariants,
    edit,
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


def test_report_lists_every_file_in_loading_order(dep: Department) -> None:
    names = [f.file for f in dep.report.files]
    assert names[0] == "department.toml"
    assert names[1:6] == [
        f"03.gpkg (couche {n})" for n in ("communes", "epci", "epci_outside", "departement", "meta")
    ]
    assert names[6:] == list(SCHEMAS)
    rows = {f.file: f.rows_read for f in dep.report.files}
    assert rows["territory_communes.csv"] == len(TERRITORY_COMMUNES_CSV.splitlines()) - 1


def test_report_invariants_hold_on_a_messy_package(load) -> None:  # noqa: ANN001
    dep = load(
        {
            "partners.csv": edit(PARTNERS_CSV, ",03190,", ",03999,"),
            "sites.csv": edit(SITES_CSV, ",46.45,3.05,", ",3.05,46.45,"),
            "beneficiaries.csv": edit(BENEFICIARIES_CSV, "2023,120,false", "2023,-1,false"),
            "figures.csv": None,
        }
    )
    check_invariants(dep.report)
    assert dep.report.file("figures.csv").present is False
    assert len(dep.report.errors) == 3
    frame = dep.report.to_frame()
    assert list(frame.columns) == ["file", "row", "column", "severity", "message", "text"]
    assert frame["row"].dtype == "Int64"
    assert "3 erreurs" in dep.report.summary_fr()
    assert pd.api.types.is_string_dtype(frame["text"])


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
    root = Path(__file__).resolve().parents[3]
    assert DEFAULT_DATA_DIR == root / "data" / "departments"
    assert DEFAULT_GEO_DIR == root / "data" / "geo"


def test_load_reads_each_file_once(
    package: Path, geo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Load time itself is measured in benchmarks/, not asserted here.
    reads: list[str] = []
    read_bytes = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self.name)
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    load_department(package, geo_dirs=[geo_dir])
    present = sorted(p.name for p in package.glob("*.csv"))
    assert sorted(reads) == present


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
