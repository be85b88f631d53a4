"""Access-time layer: minutes from each commune to the nearest service, and the what-if.

Drawing only: plain Plotly dicts from an already computed :class:`AccessView` (see
:class:`core.access.service.AccessService`, one per loaded package, owned by the registry).
"""

from __future__ import annotations

import numpy as np

from core.access.service import AccessService, AccessView
from layers import style
from layers.beneficiaries import default_series
from layers.formatting import fmt_float, fmt_int
from layers.polygons import EMPTY_FC
from viewstate.state import AccessState

LAYER_ID = "access"
LABEL = "Temps d'accès"
#: Typologies of each partner group, as the destinations use them.
PARTNER_TYPOLOGIES = {g: spec["typologies"] for g, spec in style.PARTNER_GROUPS.items()}


def service_for(dep) -> AccessService:
    """The access service of a loaded package, with the map's partner groups and the
    beneficiary series the beneficiaries layer shows."""
    return AccessService(dep, partner_groups=PARTNER_TYPOLOGIES, choose_series=default_series)


def _hover(v: AccessView, access: AccessState) -> list[str]:
    after = v.after
    names = v.communes["nom"].to_numpy()
    out = []
    for i, name in enumerate(names):
        minutes = after.minutes[i]
        if not np.isfinite(minutes):
            line = "aucun service atteignable"
        else:
            line = f"{fmt_float(minutes, 0)} min vers {after.nearest_name[i]}"
            if minutes > access.threshold:
                line += f"<br>au-delà du seuil de {fmt_float(access.threshold, 0)} min"
        if access.has_scenario and np.isfinite(v.before.minutes[i]):
            gain = v.before.minutes[i] - minutes
            line += f"<br>scénario : {fmt_float(gain, 1)} min gagnées"
        out.append(f"<b>{name}</b><br>{line}")
    return out


def _empty_choropleth() -> dict:
    return {
        "type": "choroplethmap",
        "meta": LAYER_ID,
        "name": LABEL,
        "geojson": EMPTY_FC,
        "featureidkey": "id",
        "locations": [],
        "z": [],
        "showscale": False,
        "hoverinfo": "skip",
    }


def choropleth_fields(state, v: AccessView | None) -> dict:
    """The fields of the minutes layer that change with parameters (for ``Patch``).

    ``v`` is the state's computed view (``AccessService.view_for(state)``).
    """
    access = state.access
    if not access.enabled or v is None or not v.ok:
        return {"locations": [], "z": [], "text": [], "customdata": [], "showscale": False}
    codes = v.communes["code_insee"].astype(str).tolist()
    minutes = v.after.minutes
    finite = np.isfinite(minutes)
    if access.show == "difference" and access.has_scenario:
        gain = np.where(finite & np.isfinite(v.before.minutes), v.before.minutes - minutes, 0.0)
        z = np.round(gain, 1)
        zmax = max(float(z.max(initial=0.0)), 1.0)
        scale, title = style.ACCESS_GAIN_SCALE, "min gagnées"
    else:
        cap = 2 * access.threshold
        z = np.round(np.where(finite, np.minimum(minutes, cap), cap), 1)
        zmax, scale, title = cap, style.access_scale(), "minutes"
    return {
        "locations": codes,
        "z": z.tolist(),
        "zmin": 0,
        "zmax": zmax,
        "colorscale": scale,
        "showscale": True,
        "colorbar": {
            "title": {"text": title},
            "thickness": 12,
            "len": 0.5,
            "x": 0.99,
            "xanchor": "right",
        },
        "customdata": [["communes", c, None] for c in codes],
        "text": _hover(v, access),
        "hoverinfo": "text",
    }


def _points(meta: str, name: str, colour: str, size: int) -> dict:
    return {
        "type": "scattermap",
        "meta": meta,
        "name": name,
        "mode": "markers",
        "lon": [],
        "lat": [],
        "marker": {"size": size, "color": colour, "opacity": 0.95},
        "customdata": [],
        "text": [],
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }


def points_fields(dep, state, v: AccessView | None) -> list[dict]:
    """Destinations used, hypothetical sites and removed sites (three marker traces)."""
    access = state.access
    empty = {"lon": [], "lat": [], "customdata": [], "text": []}
    if not access.enabled or v is None or v.destinations is None:
        return [dict(empty), dict(empty), dict(empty)]
    frame_ = v.destinations.frame
    removed = frame_["dest_id"].isin(access.removed).to_numpy()
    kept, gone = frame_[~removed], frame_[removed]

    def fields(data, layer, note):
        return {
            "lon": data["lon"].round(5).tolist(),
            "lat": data["lat"].round(5).tolist(),
            "customdata": [[layer, i] for i in data["dest_id"]],
            "text": [f"<b>{n}</b><br>{note}" for n in data["name"]],
        }

    c = dep.communes.set_index("code_insee")
    added = [code for code in access.added if code in c.index]
    added_fields = {
        "lon": [round(float(c.at[a, "rep_lon"]), 5) for a in added],
        "lat": [round(float(c.at[a, "rep_lat"]), 5) for a in added],
        "customdata": [["access_added", a] for a in added],
        "text": [
            f"<b>Site hypothétique — {c.at[a, 'nom']}</b><br>placé au centre de la commune"
            for a in added
        ],
    }
    return [
        fields(kept, "access_dest", "destination retenue pour les temps d'accès"),
        added_fields,
        fields(gone, "access_removed", "retiré dans le scénario (cliquer pour rétablir)"),
    ]


def traces(dep, assets, state, view: AccessView | None = None) -> list[dict]:
    """Minutes choropleth + destination, hypothetical and removed markers (fixed order).

    ``view`` is the state's computed view (``AccessService.view_for(state)``); without it
    the traces are empty (the access layer is off).
    """
    access = state.access
    choro = _empty_choropleth()
    fields = choropleth_fields(state, view) if access.enabled else {}
    if fields.get("locations"):
        choro.update(fields)
        choro["geojson"] = assets.communes
        choro["marker"] = {"opacity": 0.8, "line": {"width": 0.3, "color": "#ffffff"}}
    markers = [
        _points(f"{LAYER_ID}:destinations", "Destinations", style.ACCESS_DEST_COLOUR, 9),
        _points(f"{LAYER_ID}:added", "Sites hypothétiques", style.ACCESS_ADDED_COLOUR, 16),
        _points(f"{LAYER_ID}:removed", "Sites retirés", style.ACCESS_REMOVED_COLOUR, 14),
    ]
    for trace, fields in zip(markers, points_fields(dep, state, view), strict=True):
        trace.update(fields)
    return [choro, *markers]


__all__ = [
    "LABEL",
    "LAYER_ID",
    "choropleth_fields",
    "points_fields",
    "service_for",
    "traces",
]


def fmt_minutes(value) -> str:
    """« 23 min » (« n.d. » when unreachable)."""
    if value is None or not np.isfinite(value):
        return "n.d."
    return f"{fmt_float(value, 0)} min"


def fmt_people(value) -> str:
    return fmt_int(value)
