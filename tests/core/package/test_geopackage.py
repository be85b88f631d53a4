"""GeoPackage layers: geometry repair, CRS, columns, the département described."""

from __future__ import annotations

import pytest
import shapely

from core.package import (
    PackageError,
    load_department,
)
from tests.core.package_fixture import (
    expect_problem,
    write_geo,
)


def test_invalid_geometry_is_repaired_with_warning(make_package, tmp_path) -> None:  # noqa: ANN001
    def bowtie(layers: dict) -> None:
        communes = layers["communes"]
        communes.loc[0, "geometry"] = shapely.Polygon(
            [(3.0, 46.4), (3.1, 46.5), (3.1, 46.4), (3.0, 46.5), (3.0, 46.4)]
        )

    geo = write_geo(tmp_path / "g" / "03.gpkg", bowtie)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(
        dep.report,
        "03.gpkg (couche communes)",
        1,
        "geometry",
        "géométrie invalide (Self-intersection",
        "réparée",
        severity="warning",
    )
    assert dep.communes.geometry.is_valid.all()
    assert len(dep.communes) == 4


def test_empty_geometry_rejects_the_feature(make_package, tmp_path) -> None:  # noqa: ANN001
    def empty(layers: dict) -> None:
        layers["communes"].loc[3, "geometry"] = shapely.from_wkt("MULTIPOLYGON EMPTY")

    geo = write_geo(tmp_path / "g" / "03.gpkg", empty)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(dep.report, "03.gpkg (couche communes)", 4, "geometry", "géométrie vide")
    f = dep.report.file("03.gpkg (couche communes)")
    assert (f.rows_read, f.rows_kept, f.rows_rejected) == (4, 3, 1)
    # Its commune is now unknown: the rows citing it are rejected.
    expect_problem(dep.report, "partners.csv", 4, "code_insee", "« 03190 »")


def test_lambert93_layer_is_reprojected_with_warning(make_package, tmp_path) -> None:  # noqa: ANN001
    def to_2154(layers: dict) -> None:
        layers["communes"] = layers["communes"].to_crs(2154)

    geo = write_geo(tmp_path / "g" / "03.gpkg", to_2154)
    dep = load_department(make_package(), geo_dirs=[geo.parent])
    expect_problem(
        dep.report,
        "03.gpkg (couche communes)",
        None,
        "geometry",
        "EPSG:2154 (Lambert-93), reprojetée en WGS84",
        severity="warning",
    )
    assert dep.communes.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = dep.communes.total_bounds
    assert minx == pytest.approx(3.0, abs=1e-6) and maxy == pytest.approx(46.5, abs=1e-6)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_layer_without_crs_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    def no_crs(layers: dict) -> None:
        layers["epci"] = layers["epci"].set_crs(None, allow_override=True)

    geo = write_geo(tmp_path / "g" / "03.gpkg", no_crs)
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[geo.parent])
    assert str(exc.value.problems[0]).startswith(
        "03.gpkg (couche epci), colonne « geometry » : système de coordonnées inconnu"
    )


def test_layer_missing_column_or_layer_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    def drop(layers: dict) -> None:
        layers["communes"] = layers["communes"].drop(columns=["population"])
        del layers["departement"]

    geo = write_geo(tmp_path / "g" / "03.gpkg", drop)
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[geo.parent])
    texts = [str(p) for p in exc.value.problems]
    assert any("couche communes" in t and "« population »" in t for t in texts), texts
    assert any("couche departement" in t and "couche absente" in t for t in texts), texts


def test_geodata_missing_is_fatal(make_package, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(PackageError) as exc:
        load_department(make_package(), geo_dirs=[tmp_path / "nowhere"])
    assert "python scripts/build_geo.py 03" in str(exc.value.problems[0])


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
