"""Benchmarks, one command: dashboard interactions, access times, road network.

Run: ``python benchmarks/run.py`` (not a test: prints tables, ratios and the targets; exit 1
when a target is missed). Sections: the dashboard (below), ``access_bench`` (what-if and
national nearest site), ``roads_bench`` (multi-source pass against networkx) and
``exports_bench`` (PNG, PDF, offline HTML of a département view).

Each measurement is compared with a baseline measured in the same run: the naive way of
answering the same interaction, i.e. rebuilding the whole figure as a validated
``go.Figure`` (with every commune polygon, as a plain choropleth map would) and sending it
all. Bytes are the JSON Dash sends before compression, and its gzip size (the app serves
responses compressed).
"""

from __future__ import annotations

import gzip
import statistics
import time

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from app import create_app
from callbacks.map_figure import switch_department, update_view
from layers import DEFAULT_VISIBLE, ViewState, build_figure
from server import registry
from server import settings as config
from viewstate.state import AccessState

#: Access controls as the page sends them: on, mode, engine, threshold, destinations, day,
#: speed, detour, terminal time, map display.
ACCESS_KEYS = ("access_on", "access_mode", "access_engine", "access_threshold", "access_dest")
ACCESS_KEYS += ("access_day", "access_speed", "access_detour", "access_terminal", "access_show")
ACCESS_ON = (["on"], "car", "straight_line", 30, ["sites", "digital"], "any", None, None, None)
ACCESS_OFF = ([], "car", "straight_line", 30, ["sites"], "any", None, None, None)
MAP_CONTROLS = {
    "beneficiaries_mode": "rate",
    "beneficiaries_estimate": [],
    "click_level": "territory",
}


def controls(scheme, axes, visible, access, scenario) -> dict:
    """The grouped control values ``update_view`` receives."""
    values = dict(zip(ACCESS_KEYS, (*access, "minutes"), strict=True))
    grouped = {"scheme": scheme, "axes": axes, "layers": visible, "map_style": "white-bg"}
    return {**grouped, **MAP_CONTROLS, **values, "scenario": scenario}


SWITCH_MS, FILTER_MS, MAX_BYTES = 150, 150, 300_000


def timed(fn, repeat: int = 7):
    """Median wall time (ms) of ``fn()`` and its last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def measure(rows: list, code: str, label: str, fn, naive, target_ms: float) -> bool:
    """Time ``fn`` and its ``naive`` baseline, add a table row, say whether targets are met."""
    t, body = timed(fn)
    t_naive, naive_body = timed(naive, repeat=3)
    rows.append((code, label, t, len(body), len(gzip.compress(body)), t_naive, len(naive_body)))
    return t < target_ms and len(body) < MAX_BYTES


def payload(obj) -> bytes:
    """What Dash serialises for a callback output (plotly's JSON encoder)."""
    return to_json_plotly(obj).encode()


def measure_switch(rows: list, code: str, entry, visible: list[str]) -> bool:
    """Switching to the département ``code``, against a validated figure of every commune."""
    dep = entry.dep

    def switch():
        grouped = {"layers": visible, **MAP_CONTROLS, "map_style": "white-bg"}
        out = switch_department(code=code, controls=grouped)
        return payload(list(out.values()))

    def switch_naive():
        # naive: a validated go.Figure with every commune polygon in it
        fig = go.Figure(build_figure(dep, entry.assets, ViewState(click_level="commune")))
        return fig.to_json().encode()

    return measure(rows, code, "changement de département", switch, switch_naive, SWITCH_MS)


def measure_filter(rows: list, code: str, entry, visible: list[str]) -> bool:
    """Filtering by the first two axes (a Patch), against the whole figure rebuilt."""
    dep = entry.dep
    meta = build_figure(dep, entry.assets, ViewState(), visible)["layout"]["meta"]
    axes = list(dep.plan.loc[dep.plan["level"] == dep.axe_level, "node_id"][:2])

    def filt():
        grouped = controls(meta["scheme"], axes, visible, ACCESS_OFF, None)
        out = update_view(controls=grouped, code=code, meta=meta)
        return payload([out["figure"], out["meta"]])

    def filt_naive():
        fig = go.Figure(build_figure(dep, entry.assets, ViewState(axes=tuple(axes))))
        return fig.to_json().encode()

    return measure(rows, code, "filtre par axe (Patch)", filt, filt_naive, FILTER_MS)


def measure_what_if(rows: list, code: str, entry, visible: list[str]) -> bool:
    """A hypothetical site at the farthest commune, against the whole figure rebuilt."""
    dep = entry.dep
    access = AccessState(enabled=True, destinations=("sites", "digital"))
    state = ViewState(access=access)
    view = entry.access.view_for(state)
    meta = build_figure(dep, entry.assets, state, visible, access=view)["layout"]["meta"]
    minutes = entry.access.frame(state)
    far = str(minutes.sort_values("minutes").iloc[-1]["code_insee"])
    scenario = {"added": [far], "removed": []}

    def what_if():
        grouped = controls(meta["scheme"], [], visible, ACCESS_ON, scenario)
        out = update_view(controls=grouped, code=code, meta=meta)
        return payload([out["figure"], out["meta"]])

    def what_if_naive():
        added = AccessState(enabled=True, destinations=("sites", "digital"), added=(far,))
        naive = ViewState(access=added)
        view = entry.access.view_for(naive)
        fig = go.Figure(build_figure(dep, entry.assets, naive, access=view))
        return fig.to_json().encode()

    return measure(rows, code, "scénario : ajout d'un site", what_if, what_if_naive, FILTER_MS)


def print_dashboard(rows: list, ok: bool) -> None:
    """The dashboard table, its ratios to the naive way and whether targets are met."""
    print(
        f"{'dép.':5} {'interaction':28} {'ms':>7} {'octets':>9} {'gzip':>8}"
        f" {'naïf ms':>8} {'naïf oct.':>10} {'× temps':>8} {'× octets':>9}"
    )
    for code, what, ms, size, gz, naive_ms, naive_size in rows:
        print(
            f"{code:5} {what:28} {ms:7.1f} {size:9d} {gz:8d} {naive_ms:8.1f} {naive_size:10d}"
            f" {naive_ms / ms:8.1f} {naive_size / size:9.1f}"
        )
    print(
        f"\nCibles : < {SWITCH_MS} ms côté serveur et < {MAX_BYTES // 1000} Ko envoyés par "
        f"interaction : {'ATTEINTES' if ok else 'NON ATTEINTES'}"
    )


def dashboard() -> bool:
    """Département switch, axe filter and what-if click: server time and bytes."""
    reg = registry.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))
    create_app(config.Settings(), reg).server.app_context().push()  # callbacks read its registry
    visible = list(DEFAULT_VISIBLE)
    rows: list = []
    ok = True
    for code in reg.codes():
        entry = reg.get(code)
        for step in (measure_switch, measure_filter, measure_what_if):
            ok &= step(rows, code, entry, visible)
    print_dashboard(rows, ok)
    return ok


#: A package load (read, check, build frames) stays well under a second (was a test limit).
LOAD_MS = 500


def package_loads() -> bool:
    """Load time of each bundled package, median of 3 (a timing, so here, not in tests)."""
    from core.package import discover_departments, load_department

    ok = True
    for code, folder in sorted(discover_departments((config.DATA_DIR,)).items()):
        ms, dep = timed(lambda folder=folder: load_department(folder, (config.GEO_DIR,)), 3)
        ok &= ms < LOAD_MS
        print(f"{code:5} {dep.name:20} {ms:7.1f} ms  (cible < {LOAD_MS} ms)")
    return ok


def main() -> int:
    """Every section in one run; exit 1 when any target is missed."""
    import access_bench
    import exports_bench
    import roads_bench

    print("== Chargement des paquets ==")
    ok = package_loads()
    print("\n== Tableau de bord ==")
    ok &= dashboard()
    print("\n== Temps d'accès (vol d'oiseau, scénarios) ==")
    ok &= access_bench.main() == 0
    print("\n== Réseau routier ==")
    ok &= roads_bench.main() == 0
    print("\n== Exports (PNG, PDF, HTML hors ligne) ==")
    ok &= exports_bench.main() == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
