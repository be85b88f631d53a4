"""One-page PDF snapshot (A4 landscape) printed by the system Chromium.

Why Chromium rather than fpdf2: the page is a self-contained HTML document (map PNG as a
``data:`` URI, system fonts, inline CSS and script, no external reference) printed with
``chromium --headless --print-to-pdf``. Chromium already renders the map (Kaleido) and
the browser tests, so it adds no dependency; it shapes French typography (narrow no-break
spaces, « », œ, accents, hyphenation) with the system fonts and handles line breaking,
multi-column legends and tables that fpdf2 would need laid out by hand with a bundled TTF.

One page, always: the page box is exactly A4 landscape with ``overflow: hidden``, and a
script run before printing shrinks the font (down to 6 pt) until every block fits, then
drops the last actions / sources and says how many are left out (they are in the data
export). No network: the document has no URL, and Chromium is started with background
networking off and every host name resolving to nothing.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from exports.metadata import UNIT_TITLES
from exports.safety import ExportError
from exports.snapshot import Snapshot, date_fr
from layers import TOGGLES
from layers.formatting import is_missing
from layers.style import (
    COMMUNE_LINE,
    DIGITAL_COLOUR,
    EPCI_LINE,
    PARTNER_GROUPS,
    SITE_COLOUR,
)

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
)
PRINT_TIMEOUT_S = 90
#: Actions written in the page at most (the script drops more if they do not fit).
MAX_ACTIONS = 80


def chromium_path() -> str:
    """The Chromium executable (``ATLAS_CHROMIUM``, then the usual names on PATH)."""
    env = os.environ.get("ATLAS_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    raise ExportError(
        "Chromium introuvable : installez-le (apt-get install chromium) ou indiquez son "
        "chemin dans la variable ATLAS_CHROMIUM."
    )


def _e(value) -> str:
    return "" if is_missing(value) else html.escape(str(value))


CSS = """
@page { size: 297mm 210mm; margin: 0; }
* { box-sizing: border-box; }
html { font-size: 8.5pt; }
html, body { margin: 0; padding: 0; background: #fff; color: #1b1f24;
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; line-height: 1.25;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
  font-variant-ligatures: none; }
.page { width: 297mm; height: 209.5mm; padding: 7mm 8mm 6mm; overflow: hidden;
  display: flex; flex-direction: column; gap: 2.5mm; }
header { border-bottom: 0.6mm solid #1f2d3d; padding-bottom: 1.5mm; }
.brand { font-size: 0.85rem; color: #5b6470; text-transform: uppercase; letter-spacing: .04em; }
h1 { font-size: 1.9rem; margin: .5mm 0; }
.sub { color: #39414b; }
main { flex: 1 1 auto; min-height: 0; display: grid; gap: 4mm;
  grid-template-columns: 148mm 1fr 1fr; grid-template-rows: minmax(0, 1fr); }
section { min-height: 0; overflow: hidden; }
h2 { font-size: 1.12rem; margin: 0 0 1.2mm; border-bottom: 0.3mm solid #c9ced6; }
h3 { font-size: 1rem; margin: 1.5mm 0 .8mm; }
.map { display: flex; flex-direction: column; gap: 1mm; }
.map img { display: block; flex: 1 1 auto; min-height: 0; width: 100%; object-fit: contain;
  object-position: left top; }
.legend { flex: 0 0 auto; }
.legend ul { list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: 1fr 1fr; column-gap: 4mm; }
.legend li { break-inside: avoid; margin: 0 0 .4mm; }
.sw { display: inline-block; width: 3mm; height: 3mm; border: .2mm solid #1f2d3d;
  vertical-align: -0.4mm; margin-right: 1mm; }
.ln { display: inline-block; width: 5mm; height: 0; border-top: .6mm solid;
  vertical-align: .6mm; margin-right: 1mm; }
.dot { display: inline-block; width: 2.6mm; height: 2.6mm; border-radius: 50%;
  vertical-align: -0.3mm; margin-right: 1mm; }
.badge { display: inline-block; font-size: .8rem; padding: 0 1mm; border-radius: 1mm;
  background: #fff3bf; color: #5c3c00; margin-left: 1mm; white-space: nowrap; }
.badge.estimate { background: #e7f5ff; color: #0b4f71; }
.badge.secret { background: #f1f3f5; color: #343a40; }
dl { margin: 0; }
dt { font-weight: bold; margin-top: 1mm; }
dd { margin: 0 0 0 2mm; }
.src, .muted { color: #5b6470; font-size: .85rem; }
ol.actions { margin: 0; padding-left: 4.5mm; }
ol.actions li { margin-bottom: .8mm; }
.aid { font-weight: bold; }
.more { font-style: italic; color: #5b6470; margin: .5mm 0 0; }
footer { flex: 0 0 auto; max-height: 50mm; overflow: hidden; border-top: 0.3mm solid #c9ced6;
  padding-top: 1.2mm; display: grid; grid-template-columns: 1fr 1fr; gap: 4mm;
  font-size: .88rem; }
footer ul { margin: 0; padding-left: 3.5mm; }
footer h2 { font-size: 1rem; }
.note { margin: .8mm 0 0; }
.access { margin-bottom: 2mm; }
.access p { margin: .5mm 0; }
"""

FIT_SCRIPT = """
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.fit'));
  var root = document.documentElement;
  function over(el) { return el.scrollHeight > el.clientHeight + 1; }
  function anyOver() { return boxes.some(over); }
  var size = 8.5;
  while (anyOver() && size > 6.5) { size -= 0.25; root.style.fontSize = size + 'pt'; }
  boxes.forEach(function (box) {
    var list = box.querySelector('.trim'), more = box.querySelector('.more');
    if (!list || !more || !over(box)) { return; }
    var left = Number(more.getAttribute('data-left') || 0);
    more.hidden = false;
    while (over(box) && list.children.length > 1) { list.lastElementChild.remove(); left++; }
    more.textContent = more.getAttribute('data-text').replace('{n}', left);
  });
  // Print layout keeps absolute sizes: freeze the map height measured here.
  var map = document.querySelector('.map'), img = map && map.querySelector('img');
  if (img) {
    var legend = map.querySelector('.legend');
    var room = map.clientHeight - (legend ? legend.offsetHeight : 0) - 6;
    img.style.flex = 'none';
    img.style.height = Math.max(room, 80) + 'px';
  }
  document.body.setAttribute('data-font-pt', String(size));
})();
"""


def _source_numbers(snapshot: Snapshot) -> dict[str, int]:
    """Source id → its number in the « Sources » list of the page."""
    return {s["id"]: i for i, s in enumerate(snapshot.sources, start=1)}


def _figures_html(snapshot: Snapshot) -> str:
    numbers = _source_numbers(snapshot)
    items = []
    for fig in snapshot.key_figures:
        badges = []
        if fig.get("approximate"):
            badges.append('<span class="badge">périmètre approximatif</span>')
        if fig.get("estimated"):
            badges.append('<span class="badge estimate">estimation</span>')
        if fig.get("suppressed"):
            badges.append('<span class="badge secret">secret statistique</span>')
        year = f" ({_e(fig['year'])})" if fig.get("year") else ""
        ref = f", {_e(fig['source_ref'])}" if fig.get("source_ref") else ""
        number = numbers.get(str(fig.get("source_id") or ""))
        source = f"[{number}]" if number else _e(fig.get("source") or "non précisée")
        items.append(
            f"<dl><dt>{_e(fig.get('label'))}{year}</dt><dd>{_e(fig.get('value_text'))}"
            f"{''.join(badges)} <span class='src'>Source : {source}{ref}</span></dd></dl>"
        )
    if not items:
        return "<p>aucune donnée</p>"
    return (
        f"<div class='trim'>{''.join(items)}</div><p class='more' hidden data-text='… et {{n}} "
        "autres chiffres (voir le fichier de données « chiffres_cles »).'></p>"
    )


def _access_html(snapshot: Snapshot) -> str:
    a = snapshot.access
    if a is None:
        return ""
    parts = ["<div class='access'><h2>Temps d'accès au service le plus proche</h2>"]
    if not a.ok:
        parts += [f"<p>{_e(p)}</p>" for p in a.problems]
        return "".join(parts) + "</div>"
    badge = '<span class="badge estimate">estimation</span>' if a.approximate else ""
    th = f"{a.threshold:g}".replace(".", ",")
    parts.append(f"<p><b>Modèle :</b> {_e(a.model_text)}{badge}</p>")
    parts.append(f"<p><b>Seuil :</b> {th} min</p>")
    if a.scenario:
        parts.append(f"<p><b>Scénario :</b> {_e(a.scenario)}</p>")
    if a.unit_lines:
        parts.append(f"<h3>{_e(snapshot.unit_name)}</h3>")
        parts.append("".join(f"<div>{_e(x)}</div>" for x in a.unit_lines))
    parts.append(f"<h3>Département ({_e(snapshot.dep.name)})</h3>")
    parts.append(
        "".join(f"<div>{_e(x)}</div>" for x in a.summary_lines if not x.startswith("Modèle"))
    )
    if a.destinations:
        parts.append(
            f"<div class='src'>Destinations ({len(a.destinations)}) : "
            f"{_e(', '.join(a.destinations[:12]))}{' …' if len(a.destinations) > 12 else ''}</div>"
        )
    parts += [f"<div class='src'>{_e(n)}</div>" for n in (*a.notes, *a.problems)]
    return "".join(parts) + "</div>"


def _actions_html(snapshot: Snapshot) -> str:
    actions = snapshot.actions
    kind = snapshot.unit[0]
    title = "qui le concernent" if kind != "departement" else "du département"
    head = f"<h2>Actions du plan {title} ({len(actions)})</h2>"
    if snapshot.state.axes:
        head += f"<div class='muted'>Axes : {_e(snapshot.axes_text)}</div>"
    if actions.empty:
        return head + "<p>Aucune action du plan ne correspond à ce filtre.</p>"
    items = []
    for row in actions.head(MAX_ACTIONS).itertuples(index=False):
        doc = "" if is_missing(row.document) else str(row.document)
        if doc and str(row.action_id).startswith(doc):
            doc = ""
        scope = row.scope_match if not is_missing(row.scope_match) else ""
        items.append(
            f"<li><span class='aid'>{_e((doc + ' ') if doc else '')}{_e(row.action_id)}</span> "
            f"{_e(row.title)}<span class='muted'>{' · ' + _e(scope) if scope else ''}</span></li>"
        )
    left = max(len(actions) - MAX_ACTIONS, 0)
    more = (
        f"<p class='more' data-left='{left}' data-text='… et {{n}} autres actions (voir le "
        f"fichier de données « actions »).'{'' if left else ' hidden'}>… et {left} autres "
        "actions (voir le fichier de données « actions »).</p>"
    )
    return head + f"<ol class='actions trim'>{''.join(items)}</ol>{more}"


def _legend_html(snapshot: Snapshot) -> str:
    shown = set(snapshot.visible)
    rows = []
    if "territories" in shown:
        for r in snapshot.legend.itertuples(index=False):
            flag = (
                "" if r.perimeter_status == "official" else f" <em>({_e(r.perimeter_label)})</em>"
            )
            drawn = "" if r.drawn else " <em>— non dessiné</em>"
            rows.append(
                f"<li><span class='sw' style='background:{_e(r.colour)}'></span>"
                f"{_e(r.name)}{flag}{drawn}</li>"
            )
    if snapshot.selection_geojson() is not None:
        rows.append(
            f"<li><span class='ln' style='border-color:#000'></span>Sélection : "
            f"{_e(snapshot.unit_name)}</li>"
        )
    symbols = [
        ("epci", f"<span class='ln' style='border-color:{EPCI_LINE}'></span>EPCI"),
        ("communes", f"<span class='ln' style='border-color:{COMMUNE_LINE}'></span>Communes"),
        (
            "sites",
            f"<span class='dot' style='background:{SITE_COLOUR}'></span>Sites départementaux",
        ),
        (
            "digital_points",
            f"<span class='dot' style='background:{DIGITAL_COLOUR}'></span>"
            "Points d'accès numérique",
        ),
    ]
    rows += [f"<li>{text}</li>" for key, text in symbols if key in shown]
    rows += [
        f"<li><span class='dot' style='background:{spec['colour']}'></span>"
        f"{_e(spec['label'].split(' (')[0])}</li>"
        for g, spec in PARTNER_GROUPS.items()
        if f"partners:{g}" in shown
    ]
    if snapshot.access is not None and snapshot.access.ok:
        th = f"{snapshot.access.threshold:g}".replace(".", ",")
        rows.append(
            "<li><span class='sw' style='background:#4a90c8'></span>"
            f"commune à {th} min ou moins</li>"
            "<li><span class='sw' style='background:#fdae6b'></span>"
            f"commune au-delà de {th} min</li>"
        )
    head = f"<h3>{_e(snapshot.scheme_label)}"
    srow = snapshot.scheme_row
    if srow is not None and srow["perimeter_status"] != "official":
        from layers.territories import PERIMETER_LABELS

        head += f"<span class='badge'>{_e(PERIMETER_LABELS.get(srow['perimeter_status']))}</span>"
    return f"<div class='legend'>{head}</h3><ul>{''.join(rows)}</ul></div>"


def _footer_html(snapshot: Snapshot) -> str:
    sources = []
    for i, s in enumerate(snapshot.sources, start=1):
        bits = [f"[{i}] {s['titre']}"]
        if s["millesime"]:
            bits.append(f"millésime {s['millesime']}")
        if s["licence"]:
            bits.append(s["licence"])
        sources.append(f"<li>{_e(' — '.join(bits))}</li>")
    geo = "; ".join(f"{label} : {value}" for label, value in snapshot.geo_sources[:6])
    sources.append(f"<li>{_e(geo)}</li>")
    flags = "".join(f"<li>{_e(f)}</li>" for f in snapshot.flags) or "<li>aucun</li>"
    layers = ", ".join(TOGGLES[v][0] for v in snapshot.visible)
    return (
        "<div class='fit'><h2>Sources et millésimes</h2>"
        f"<ul class='trim'>{''.join(sources)}</ul>"
        "<p class='more' hidden data-text='… et {n} autres sources (voir LISEZMOI).'></p></div>"
        "<div class='fit'><h2>Approximations, estimations et secret statistique</h2>"
        f"<ul class='trim'>{flags}</ul>"
        "<p class='more' hidden data-text='… et {n} autres avertissements (voir LISEZMOI).'></p>"
        f"<p class='note'><b>Secret statistique :</b> {_e(snapshot.secrecy_note)}</p>"
        f"<p class='note muted'>Couches affichées : {_e(layers)}. Instantané du "
        f"{_e(snapshot.date_text)}, Atlas de l'insertion (carte hors ligne, fond blanc, "
        "aucune tuile).</p></div>"
    )


def page_html(snapshot: Snapshot, png: bytes) -> str:
    """The self-contained HTML page of the PDF snapshot."""
    dep = snapshot.dep
    kind = snapshot.unit[0]
    img = base64.b64encode(png).decode("ascii")
    sub = [
        UNIT_TITLES[kind] if kind != "departement" else "Vue départementale",
        f"{dep.name} ({dep.code})",
        snapshot.scheme_label,
        f"Axes : {snapshot.axes_text}",
        f"Le {date_fr(snapshot.created)}",
    ]
    notes = "".join(f"<div class='muted'>{_e(x)}</div>" for x in snapshot.unit_lines[1:])
    body = (
        "<div class='page'>"
        "<header><div class='brand'>Atlas de l'insertion · instantané territorial</div>"
        f"<h1>{_e(snapshot.unit_name)}</h1><div class='sub'>{_e(' · '.join(sub))}</div>"
        f"{notes}</header>"
        "<main>"
        f"<section class='map'><img alt='Carte : {_e(snapshot.title)}' "
        f"src='data:image/png;base64,{img}'>{_legend_html(snapshot)}</section>"
        f"<section class='fit'><h2>Chiffres clés</h2>{_figures_html(snapshot)}</section>"
        f"<section class='fit'>{_access_html(snapshot)}{_actions_html(snapshot)}</section>"
        "</main>"
        f"<footer>{_footer_html(snapshot)}</footer>"
        "</div>"
    )
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{_e('Atlas de l’insertion — ' + snapshot.title)}</title>"
        f"<style>{CSS}</style></head><body>{body}<script>{FIT_SCRIPT}</script></body></html>"
    )


def print_pdf(page: str, path: Path) -> Path:
    """Print an HTML document to ``path`` with headless Chromium (one A4 landscape page)."""
    exe = chromium_path()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="atlas-pdf-") as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        target = Path(tmp) / "out.pdf"
        cmd = [
            exe,
            *CHROMIUM_ARGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ExportError(
                f"Chromium n'a pas imprimé le PDF en {PRINT_TIMEOUT_S} s : export annulé."
            ) from exc
        if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise ExportError(
                "Chromium n'a pas pu imprimer le PDF (code "
                f"{proc.returncode}) : {' / '.join(tail) or 'aucun message'}."
            )
        data = target.read_bytes()
    pages = page_count(data)
    if pages is not None and pages != 1:
        raise ExportError(f"Le PDF compte {pages} pages au lieu d'une : export annulé.")
    path.write_bytes(data)
    return path


def page_count(data: bytes) -> int | None:
    """Pages of a PDF written by Chromium (None when its page tree is not readable here)."""
    found = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    return len(found) or None


def write_pdf_file(snapshot: Snapshot, png: bytes, path: Path) -> Path:
    """Write the one-page snapshot PDF."""
    return print_pdf(page_html(snapshot, png), path)
