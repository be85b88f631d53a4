"""Standalone HTML map (folium + Leaflet) that opens from a file with no network at all.

folium's default page loads Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers
from CDNs (about ten requests). Here the map's ``default_js`` / ``default_css`` are emptied
and Leaflet 1.9.4 (BSD-2) is inlined into the page from the ``django-js-lib-leaflet``
wheel, its CSS images as ``data:`` URIs. Nothing else is needed: polygons are
``L.geoJson`` layers, points are ``L.circleMarker`` (vector, no icon image), tooltips are
Leaflet's, the layer switcher is ``L.control.layers``. No tile layer: white background.

Layers: territories (a colour each, tooltip name + perimeter status), EPCI outlines,
communes (tooltip name, population, access minutes when access is on — the communes are
then coloured by minutes), beneficiaries (when shown), sites, partners by group, digital
points, access destinations, the selected unit's outline. A title block states sources,
vintages, date, flags, the secrecy rule and the access model.
"""

from __future__ import annotations

import base64
import html
import importlib.resources
import re
from functools import lru_cache
from pathlib import Path

import folium
import pandas as pd
from branca.element import Element

from exports.metadata import UNIT_TITLES
from exports.snapshot import Snapshot, date_fr
from layers import style
from layers.formatting import fmt_count, fmt_float, fmt_int, is_missing
from layers.geojson import feature_collection
from layers.points import precision_note
from layers.sites import STATUS_LABELS
from layers.territories import PERIMETER_LABELS

#: Coordinates written with 4 decimals (about 10 m): invisible at département scale.
HTML_DECIMALS = 4
LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIR = ("static", "js_lib_leaflet")
ACCESS_NEAR, ACCESS_FAR = "#4a90c8", "#e8590c"
#: A resource the browser would fetch: script/img/iframe src, stylesheet href, CSS url().
EXTERNAL_RE = re.compile(
    r"""<(?:script|img|iframe|link|source)\b[^>]*(?:src|href)\s*=\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import""",
    re.IGNORECASE,
)


def _leaflet_file(name: str):
    base = importlib.resources.files(LEAFLET_PACKAGE)
    for part in LEAFLET_DIR:
        base = base / part
    return base / name


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """(leaflet.js, leaflet.css with its images as data URIs) from the Python package."""
    js = _leaflet_file("leaflet.js").read_text(encoding="utf-8")
    css = _leaflet_file("leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        name = match.group(1)
        data = (_leaflet_file("images") / name).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)
    return js.replace("</script", "<\\/script"), css


def _e(value) -> str:
    return "" if is_missing(value) else html.escape(str(value))


def _polygons(frame, id_col: str, props: dict[str, list]) -> dict:
    """FeatureCollection of polygons with the given (already escaped) tooltip properties."""
    data = frame[[id_col, "geometry"]].reset_index(drop=True)
    for key, values in props.items():
        data[key] = list(values)
    return feature_collection(data, id_col, list(props), decimals=HTML_DECIMALS)


def _points(frame, props: dict[str, list]) -> dict:
    features = []
    lon, lat = frame["lon"].tolist(), frame["lat"].tolist()
    for i in range(len(frame)):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon[i], 5), round(lat[i], 5)]},
                "properties": {k: v[i] for k, v in props.items()},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _tooltip(fields: dict[str, str]) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(
        fields=list(fields), aliases=list(fields.values()), sticky=True, labels=True
    )


def _circle_layer(
    m, fc: dict, name: str, colour: str, radius: float, fields: dict[str, str]
) -> None:
    if not fc["features"]:
        return
    folium.GeoJson(
        fc,
        name=name,
        marker=folium.CircleMarker(
            radius=radius,
            color="#ffffff",
            weight=1.5,
            fill=True,
            fill_color=colour,
            fill_opacity=0.95,
        ),
        tooltip=_tooltip(fields),
    ).add_to(m)


def _interp(scale: list, t: float) -> str:
    """Colour at ``t`` (0–1) of a Plotly-style scale of hex colours."""
    t = min(max(t, 0.0), 1.0)
    for (a, ca), (b, cb) in zip(scale, scale[1:], strict=False):
        if a <= t <= b:
            u = 0 if b == a else (t - a) / (b - a)
            x = [int(ca[i : i + 2], 16) for i in (1, 3, 5)]
            y = [int(cb[i : i + 2], 16) for i in (1, 3, 5)]
            return "#" + "".join(f"{round(p + (q - p) * u):02x}" for p, q in zip(x, y, strict=True))
    return scale[-1][1]


def _title_block(snapshot: Snapshot) -> str:
    dep = snapshot.dep
    kind = snapshot.unit[0]
    legend = "".join(
        f"<li><span class='sw' style='background:{_e(r.colour)}'></span>{_e(r.name)}"
        + ("" if r.perimeter_status == "official" else f" <em>({_e(r.perimeter_label)})</em>")
        + ("" if r.drawn else " <em>— non dessiné</em>")
        + "</li>"
        for r in snapshot.legend.itertuples(index=False)
    )
    sources = "".join(
        f"<li>{_e(s['titre'])}"
        + (f" — millésime {_e(s['millesime'])}" if s["millesime"] else "")
        + (f" — {_e(s['licence'])}" if s["licence"] else "")
        + "</li>"
        for s in snapshot.sources
    ) + "".join(f"<li>{_e(k)} : {_e(v)}</li>" for k, v in snapshot.geo_sources)
    flags = "".join(f"<li>{_e(f)}</li>" for f in snapshot.flags) or "<li>aucun</li>"
    access = ""
    a = snapshot.access
    if a is not None:
        if a.ok:
            th = f"{a.threshold:g}".replace(".", ",")
            access = (
                f"<p><b>Temps d'accès — modèle :</b> {_e(a.model_text)}"
                + (" <span class='badge'>estimation</span>" if a.approximate else "")
                + f"<br>Seuil : {th} min (bleu : au plus {th} min ; orange : au-delà)"
                + (f"<br><b>Scénario :</b> {_e(a.scenario)}" if a.scenario else "")
                + "</p>"
                + (
                    f"<b>{_e(snapshot.unit_name)}</b><ul>"
                    + "".join(f"<li>{_e(x)}</li>" for x in a.unit_lines)
                    + "</ul>"
                    if a.unit_lines
                    else ""
                )
                + f"<b>Département ({_e(dep.name)})</b><ul>"
                + "".join(
                    f"<li>{_e(x)}</li>" for x in a.summary_lines if not x.startswith("Modèle")
                )
                + "</ul>"
            )
        else:
            access = "<p><b>Temps d'accès :</b> " + _e(" ".join(a.problems)) + "</p>"
    sub = " · ".join(
        [
            UNIT_TITLES[kind] if kind != "departement" else "Vue départementale",
            f"{dep.name} ({dep.code})",
            snapshot.scheme_label,
            f"Axes : {snapshot.axes_text}",
        ]
    )
    return f"""
<div id="atlas-title" class="atlas-box">
  <div class="brand">Atlas de l'insertion · carte hors ligne</div>
  <h1>{_e(snapshot.unit_name)}</h1>
  <div class="sub">{_e(sub)}</div>
  <div class="sub">Instantané du {_e(snapshot.date_text)}</div>
  <details open><summary>Légende</summary><ul class="legend">{legend}</ul></details>
  {access}
  <details><summary>Approximations et estimations</summary><ul>{flags}</ul></details>
  <details><summary>Sources et millésimes</summary><ul>{sources}</ul></details>
  <p class="secret">{_e(snapshot.secrecy_note)}</p>
</div>"""


PAGE_CSS = """
html, body { margin: 0; padding: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; }
.leaflet-container { background: #ffffff; font-family: inherit; font-size: 12px; }
.leaflet-control-layers { font-size: 12px; line-height: 1.35; max-width: 260px; }
.atlas-box { position: absolute; top: 10px; left: 54px; z-index: 1000; max-width: 380px;
  max-height: calc(100% - 40px); overflow: auto; background: rgba(255,255,255,.95);
  border: 1px solid #c9ced6; border-radius: 4px; padding: 8px 10px; font-size: 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,.2); }
.atlas-box h1 { font-size: 18px; margin: 2px 0; }
.atlas-box .brand { font-size: 10px; text-transform: uppercase; color: #5b6470; }
.atlas-box .sub { color: #39414b; }
.atlas-box ul { margin: 4px 0; padding-left: 16px; }
.atlas-box ul.legend { list-style: none; padding-left: 0; }
.atlas-box .sw { display: inline-block; width: 11px; height: 11px; margin-right: 5px;
  border: 1px solid #1f2d3d; vertical-align: -1px; }
.atlas-box .badge { background: #e7f5ff; color: #0b4f71; padding: 0 3px; border-radius: 3px; }
.atlas-box .secret { font-weight: bold; margin: 6px 0 0; }
.atlas-box summary { cursor: pointer; font-weight: bold; margin-top: 4px; }
"""


def _add_outline(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Département outline, always drawn (not in the layer switcher)."""
    dep = snapshot.dep
    folium.GeoJson(
        feature_collection(dep.outline.assign(_id=dep.code), "_id", decimals=HTML_DECIMALS),
        name="Département",
        control=False,
        style_function=lambda f: {"color": style.OUTLINE_LINE, "weight": 2.5, "fill": False},
        interactive=False,
    ).add_to(m)


def _add_territories(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Territories of the scheme, a colour each; tooltip name and perimeter."""
    if "territories" in frames and len(frames["territories"]):
        t = frames["territories"]
        colours = dict(zip(snapshot.legend["territory_id"], snapshot.legend["colour"], strict=True))
        fc = _polygons(
            t,
            "territory_id",
            {
                "nom": [_e(v) for v in t["name"]],
                "perimetre": [_e(PERIMETER_LABELS.get(s, s)) for s in t["perimeter_status"]],
                "habitants": [fmt_int(v) for v in t["population"]],
                "communes": [fmt_int(v) for v in t["n_communes"]],
            },
        )
        folium.GeoJson(
            fc,
            name="Territoires d'action sociale",
            style_function=lambda f: {
                "fillColor": colours.get(f["id"], "#cccccc"),
                "fillOpacity": style.TERRITORY_FILL_OPACITY,
                "color": style.TERRITORY_LINE,
                "weight": 2,
            },
            tooltip=_tooltip(
                {
                    "nom": "Territoire",
                    "perimetre": "Périmètre",
                    "habitants": "Habitants",
                    "communes": "Communes",
                }
            ),
        ).add_to(m)


def _add_beneficiaries(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Beneficiaries (counts already suppressed) by the level the source gives."""
    dep, state = snapshot.dep, snapshot.state
    if "beneficiaries" in frames and len(frames["beneficiaries"]):
        from exports.data import beneficiary_geometry

        b = beneficiary_geometry(snapshot, frames["beneficiaries"])
        b = b[b.geometry.notna()].reset_index(drop=True)
    else:
        b = None
    if b is not None and len(b):
        col = "per_1000" if state.beneficiaries_mode == "rate" else "count"
        values = pd.to_numeric(b[col], errors="coerce").astype("float64")
        top = float(values.max()) if values.notna().any() else 0.0
        top = top if top > 0 else 1.0
        fills = {
            str(c): (_interp(style.BENEFICIARIES_SCALE, v / top) if pd.notna(v) else "#dddddd")
            for c, v in zip(b["code"], values, strict=True)
        }
        threshold = dep.secrecy_threshold
        fc = _polygons(
            b.assign(code=b["code"].astype(str)),
            "code",
            {
                "nom": [_e(v) for v in b["name"]],
                "effectif": [_e(fmt_count(v, threshold)) for v in b["count"]],
                "taux": [fmt_float(v) for v in b["per_1000"]],
                "annee": [_e(v) for v in b["year"]],
                "statut": [
                    "estimation" if bool(e) else ("périmètre approximatif" if bool(a) else "")
                    for e, a in zip(b["estimated"].fillna(False), b["approximate"], strict=True)
                ],
            },
        )
        folium.GeoJson(
            fc,
            name="Bénéficiaires",
            style_function=lambda f: {
                "fillColor": fills.get(f["id"], "#dddddd"),
                "fillOpacity": 0.7,
                "color": "#ffffff",
                "weight": 0.5,
            },
            tooltip=_tooltip(
                {
                    "nom": "Unité",
                    "effectif": "Effectif",
                    "taux": "Pour 1 000 hab.",
                    "annee": "Année",
                    "statut": "Statut",
                }
            ),
        ).add_to(m)


def _add_epci(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """EPCI outlines (whole EPCI, beyond the border too)."""
    dep = snapshot.dep
    if "epci" in frames and len(frames["epci"]):
        e = frames["epci"]
        fc = _polygons(
            e,
            "siren_epci",
            {
                "nom": [_e(v) for v in e["nom"]],
                "habitants": [fmt_int(v) for v in e["population"]],
                "deborde": [
                    f"oui : {i} communes sur {n} dans le {dep.code}" if bool(c) else "non"
                    for c, i, n in zip(
                        e["crosses_border"], e["n_communes_in_dept"], e["n_communes"], strict=True
                    )
                ],
            },
        )
        folium.GeoJson(
            fc,
            name="EPCI (intercommunalités)",
            style_function=lambda f: {"color": style.EPCI_LINE, "weight": 2, "fill": False},
            tooltip=_tooltip(
                {"nom": "EPCI", "habitants": "Habitants", "deborde": "Déborde du département"}
            ),
        ).add_to(m)


def _add_communes(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Communes (coloured by access minutes when access is on)."""
    dep, state = snapshot.dep, snapshot.state
    access = frames.get("access")
    if "communes" in frames or access is not None:
        c = frames.get("communes")
        if c is None:
            c = dep.communes.assign(epci=None, territoire=None)
        props = {
            "nom": [_e(v) for v in c["nom"]],
            "code": [_e(v) for v in c["code_insee"]],
            "habitants": [fmt_int(v) for v in c["population"]],
            "epci": [_e(v) for v in c["epci"]],
            "territoire": [_e(v) for v in c["territoire"]],
        }
        fields = {
            "nom": "Commune",
            "code": "Code INSEE",
            "habitants": "Habitants",
            "epci": "EPCI",
            "territoire": "Territoire",
        }
        fills: dict[str, str] = {}
        if access is not None:
            th = state.access.threshold
            minutes = access.set_index("code_insee")["minutes"]
            nearest = access.set_index("code_insee")["nearest"]
            props["minutes"] = [
                "aucun service atteignable"
                if pd.isna(minutes.get(k)) or minutes.get(k) == float("inf")
                else f"{fmt_float(minutes.get(k), 0)} min"
                for k in c["code_insee"]
            ]
            props["vers"] = [_e(nearest.get(k, "")) for k in c["code_insee"]]
            fields.update(minutes="Temps d'accès", vers="Service le plus proche")
            fills = {
                str(k): (ACCESS_NEAR if pd.notna(v) and v <= th else ACCESS_FAR)
                for k, v in minutes.items()
            }
        fc = _polygons(c, "code_insee", props)
        opacity = 0.55 if fills else 0.0
        folium.GeoJson(
            fc,
            name="Communes" + (" (temps d'accès)" if fills else ""),
            style_function=lambda f: {
                "color": style.COMMUNE_LINE,
                "weight": 0.6,
                "fill": True,
                "fillColor": fills.get(f["id"], "#ffffff"),
                "fillOpacity": opacity,
            },
            tooltip=_tooltip(fields),
        ).add_to(m)


def _add_points(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Sites, partners by group and digital points as circle markers."""
    dep = snapshot.dep
    names = dep.communes.set_index("code_insee")["nom"]
    if "sites" in frames:
        s = frames["sites"]
        _circle_layer(
            m,
            _points(
                s,
                {
                    "nom": [_e(v) for v in s["name"]],
                    "commune": [_e(names.get(k, k)) for k in s["code_insee"]],
                    "statut": [_e(STATUS_LABELS.get(v, v)) for v in s["status"]],
                    "localisation": [_e(precision_note(v)) for v in s["precision"]],
                },
            ),
            "Sites départementaux",
            style.SITE_COLOUR,
            8,
            {
                "nom": "Site",
                "commune": "Commune",
                "statut": "Statut",
                "localisation": "Localisation",
            },
        )
    if "partners" in frames:
        p = frames["partners"]
        for group, spec in style.PARTNER_GROUPS.items():
            part = p[p["groupe"] == group]
            if part.empty:
                continue
            _circle_layer(
                m,
                _points(
                    part,
                    {
                        "nom": [_e(v) for v in part["name"]],
                        "type": [_e(v) for v in part["typologie"]],
                        "commune": [_e(names.get(k, k)) for k in part["code_insee"]],
                        "localisation": [_e(precision_note(v)) for v in part["precision"]],
                    },
                ),
                f"Partenaires — {spec['label'].split(' (')[0]}",
                spec["colour"],
                6,
                {
                    "nom": "Partenaire",
                    "type": "Type",
                    "commune": "Commune",
                    "localisation": "Localisation",
                },
            )
    if "digital_points" in frames:
        d = frames["digital_points"]
        _circle_layer(
            m,
            _points(
                d,
                {
                    "nom": [_e(v) for v in d["nom"]],
                    "commune": [_e(v) for v in d["commune"]],
                    "dispositifs": [
                        _e(str(v).replace("|", ", ")) if not is_missing(v) else ""
                        for v in d["dispositif_programmes_nationaux"]
                    ],
                    "localisation": [_e(precision_note(v)) for v in d["precision"]],
                },
            ),
            "Points d'accès numérique",
            style.DIGITAL_COLOUR,
            6,
            {
                "nom": "Lieu",
                "commune": "Commune",
                "dispositifs": "Dispositifs",
                "localisation": "Localisation",
            },
        )


def _add_destinations(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Destinations used by the access times."""
    state = snapshot.state
    if snapshot.access is not None and snapshot.access.ok:
        v = snapshot.access_service.view_for(state)
        dests = v.destinations.frame if v.destinations is not None else None
        if dests is not None and len(dests):
            dests = dests[~dests["dest_id"].isin(state.access.removed)]
            _circle_layer(
                m,
                _points(dests, {"nom": [_e(n) for n in dests["name"]]}),
                "Destinations des temps d'accès",
                style.ACCESS_DEST_COLOUR,
                4,
                {"nom": "Destination"},
            )


def _add_selection(m: folium.Map, snapshot: Snapshot, frames: dict) -> None:
    """Outline of the selected unit."""
    outline = snapshot.selection_geojson()
    if outline is not None:
        folium.GeoJson(
            outline,
            name=f"Sélection : {_e(snapshot.unit_name)}",
            style_function=lambda f: {"color": "#000000", "weight": 4, "fill": False},
            interactive=False,
        ).add_to(m)


LAYER_BUILDERS = (
    _add_outline,
    _add_territories,
    _add_beneficiaries,
    _add_epci,
    _add_communes,
    _add_points,
    _add_destinations,
    _add_selection,
)


def build_map(snapshot: Snapshot) -> folium.Figure:
    """The folium figure of a snapshot (Leaflet inlined, no external resource)."""
    frames = snapshot.layer_frames()
    west, south, east, north = snapshot.assets.bounds
    figure = folium.Figure(title=f"Atlas de l'insertion — {snapshot.title}")
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=9,
        zoom_snap=0.25,
        control_scale=True,
    )
    m.default_js = []
    m.default_css = []
    figure.add_child(m)
    js, css = leaflet_assets()
    figure.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    figure.header.add_child(Element(f"<style>{PAGE_CSS}</style>"), name="atlas_css")
    figure.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    # Leave room for the title block (left) and the layer switcher (right).
    m.fit_bounds(
        [[south, west], [north, east]], padding_top_left=(400, 10), padding_bottom_right=(250, 10)
    )

    for add in LAYER_BUILDERS:
        add(m, snapshot, frames)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    figure.html.add_child(Element(_title_block(snapshot)), name="atlas_title")
    return figure


def write_html_file(snapshot: Snapshot, path: Path) -> Path:
    """Write the standalone map; fails if the page still names an external resource."""
    page = build_map(snapshot).render()
    own = page.replace(leaflet_assets()[0], "")  # Leaflet's own links are not fetched
    if EXTERNAL_RE.search(own):
        from exports.safety import ExportError

        raise ExportError("La carte HTML référence une ressource externe : export annulé.")
    Path(path).write_text(page, encoding="utf-8")
    return Path(path)


__all__ = ["build_map", "date_fr", "leaflet_assets", "write_html_file"]
