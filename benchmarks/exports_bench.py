"""Export benchmarks: map PNG, one-page PDF and standalone HTML map of a territory snapshot.

Run: ``python benchmarks/exports_bench.py`` (prints a table, exit 1 when a target is
missed; ``run()`` returns the rows). Measured in one run, for Loir-et-Cher (41, 267
communes) and Saône-et-Loire (71, 563 communes), on the default scheme's first territory
(71: the first scheme listing territories) with every default layer and the access times
on (car, 30 min), i.e. the heaviest view:

* PNG (target < 5 s): Kaleido starts the system Chromium, draws the figure, the PNG is
  decoded and checked not blank — a single export from scratch, browser start included;
* PDF (target < 8 s): a fresh snapshot, so its map PNG is drawn again, then the page is
  printed by a second headless Chromium;
* HTML (target < 1 s and < 3 MB): folium page with Leaflet inlined, no network;
* for information (no target), a PNG inside a batch session (browser already open), which
  is what ``scripts/snapshot.py --all`` pays per territory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from exports import MapRenderer, Snapshot, iter_territories, write_html, write_pdf, write_png
from layers import DEFAULT_VISIBLE, ViewState
from server import registry
from server import settings as config
from viewstate.state import AccessState

PNG_MS, PDF_MS, HTML_MS = 5000.0, 8000.0, 1000.0
HTML_BYTES = 3_000_000
CODES = ("41", "71")


def _snapshot(entry, renderer: MapRenderer | None = None) -> Snapshot:
    """The default scheme's first territory (the first scheme with one, for 71's CTI that
    have none listed)."""
    dep = entry.dep
    schemes = [dep.default_scheme, *dep.schemes["scheme_id"]]
    scheme = next(s for s in schemes if iter_territories(dep, s))
    code, _name = iter_territories(dep, scheme)[0]
    state = ViewState(scheme_id=scheme, access=AccessState(enabled=True))
    selection = {"type": "territory", "code": code, "scheme": scheme}
    return Snapshot(dep, entry.assets, state, DEFAULT_VISIBLE, selection, renderer=renderer)


def _timed(fn, *args) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - t0) * 1000, result


def _row(name: str, ms: float, target: float | None, size: int, size_max: int | None = None):
    met = None
    if target is not None:
        met = ms < target and (size_max is None or size < size_max)
    target_text = "—" if target is None else f"< {target / 1000:g} s"
    if size_max is not None:
        target_text += f", < {size_max / 1e6:g} Mo"
    return {"name": name, "ours_ms": ms, "target": target_text, "met": met, "size": size}


def run() -> list[dict[str, Any]]:
    """Rows: name, ours_ms, target, met, size (bytes of the file written)."""
    reg = registry.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))
    rows = []
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        folder = Path(tmp)
        for code in CODES:
            entry = reg.get(code)
            label = f"{code} {entry.dep.name}"
            snap = _snapshot(entry)
            snap.layer_frames()  # data and access matrix: not what is measured here
            snap.access  # noqa: B018
            ms, path = _timed(write_png, snap, folder / f"{code}.png")
            rows.append(
                _row(
                    f"PNG {label} (Chromium démarré pour l'export)", ms, PNG_MS, path.stat().st_size
                )
            )
            fresh = _snapshot(entry)
            fresh.layer_frames()
            fresh.access  # noqa: B018
            ms, path = _timed(write_pdf, fresh, folder / f"{code}.pdf")
            rows.append(_row(f"PDF {label} (carte + impression)", ms, PDF_MS, path.stat().st_size))
            ms, path = _timed(write_html, snap, folder / f"{code}.html")
            rows.append(
                _row(f"HTML {label} (Leaflet inclus)", ms, HTML_MS, path.stat().st_size, HTML_BYTES)
            )
        with MapRenderer().session() as renderer:
            for code in CODES:
                entry = reg.get(code)
                write_png(_snapshot(entry, renderer), folder / "warmup.png")
                snap = _snapshot(entry, renderer)
                snap.layer_frames()
                ms, path = _timed(write_png, snap, folder / f"{code}-batch.png")
                rows.append(
                    _row(
                        f"PNG {code} en lot (navigateur déjà ouvert)", ms, None, path.stat().st_size
                    )
                )
    return rows


def main() -> int:
    t0 = time.perf_counter()
    rows = run()
    print(f"{'mesure':<52} {'nous (ms)':>10} {'taille (o)':>11} {'cible':>18} {'atteinte':>9}")
    for r in rows:
        met = "—" if r["met"] is None else ("oui" if r["met"] else "NON")
        print(f"{r['name']:<52} {r['ours_ms']:>10.0f} {r['size']:>11,} {r['target']:>18} {met:>9}")
    print(f"Durée totale : {time.perf_counter() - t0:.1f} s")
    return 0 if all(r["met"] is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
