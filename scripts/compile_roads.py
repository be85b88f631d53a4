"""Compile an OpenStreetMap extract into the road graph of a département package.

Usage::

    python scripts/compile_roads.py extract.osm.pbf --out data/departments/<pkg>/roads.npz \
        [--crs EPSG:2154]

The extract is typically a Geofabrik region (https://download.geofabrik.de, ODbL) cut to
the département with ``osmium extract``, keeping a margin of a few kilometres so that
roads just across the border stay usable. See :func:`core.roads.compile_pbf` for the
rules (drivable classes, OSRM speeds × 0.8, one-way streets, largest strongly connected
component, pass-through nodes merged). Prints the counts in French; exit code 2 with a
French message on bad input.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.access.road_compile import compile_pbf
from core.access.road_graph import RoadNetworkError
from core.formatting import format_number_fr as _n


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad input (missing or invalid extract, unknown CRS).
    """
    parser = argparse.ArgumentParser(
        description="Compile le réseau routier praticable en voiture d'un extrait "
        "OpenStreetMap (.osm.pbf) en un graphe compact (.npz) pour les temps d'accès."
    )
    parser.add_argument("pbf", type=Path, help="extrait OpenStreetMap (.osm.pbf)")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="fichier de sortie, par exemple data/departments/41-loir-et-cher/roads.npz",
    )
    parser.add_argument(
        "--crs",
        default=None,
        help="système de coordonnées projeté en mètres (défaut : EPSG:2154 en métropole, "
        "sinon la zone UTM du centre de l'extrait)",
    )
    parser.add_argument(
        "--no-contract",
        action="store_true",
        help="garder les nœuds intermédiaires des routes (graphe plus gros, rattachement plus fin)",
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        graph = compile_pbf(args.pbf, crs=args.crs, contract=not args.no_contract)
    except RoadNetworkError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    out = graph.save(args.out)
    c = graph.meta["counts"]
    src = graph.meta["source"]
    stamp = src.get("osm_replication_timestamp") or src.get("latest_way_timestamp")
    date = f"{stamp[8:10]}/{stamp[5:7]}/{stamp[:4]}" if stamp else "inconnue"
    classes = ", ".join(f"{k} {_n(v)}" for k, v in c["ways_by_class"].items())
    print(f"Extrait : {src['file']} ({_n(src['bytes'] / 1e6, 1)} Mo, date OSM : {date})")
    print(f"Voies praticables : {_n(c['ways'])} ({classes})")
    print(f"Tronçons : {_n(c['segments'])} ; nœuds lus : {_n(c['nodes_read'])}")
    print(
        f"Hors de la plus grande composante fortement connexe : "
        f"{_n(c['nodes_outside_largest_component'])} nœuds écartés"
    )
    print(f"Nœuds intermédiaires fusionnés : {_n(c['nodes_contracted'])}")
    print(
        f"Graphe : {_n(c['nodes'])} nœuds, {_n(c['edges'])} arcs, {graph.crs}, "
        f"vitesses OSRM × {_n(graph.meta['speed_factor'], 1)}"
    )
    print(
        f"Écrit : {out} ({_n(out.stat().st_size / 1e6, 2)} Mo) en "
        f"{_n(time.perf_counter() - t0, 1)} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
