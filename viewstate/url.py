"""The view as a URL query (French parameter names), so that a link restores it.

``parse_query`` never fails: an unknown or invalid value is ignored, the default is used
and a French note says which parameter and why, so a mistyped link still opens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from viewstate.state import AccessState

MODES_FR = {"voiture": "car", "marche": "walk", "velo": "bike"}
ENGINES_FR = {"vol": "straight_line", "route": "road", "matrice": "imported"}
SHOW_FR = {"temps": "minutes", "ecart": "difference"}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: Bounds accepted from a link (the access panel validates the same ranges).
NUMBER_RANGES = {
    "seuil": (1.0, 240.0),
    "vitesse": (1.0, 130.0),
    "detour": (1.0, 3.0),
    "terminal": (0.0, 60.0),
}
NUMBER_FIELDS = {
    "seuil": "threshold",
    "vitesse": "speed_kmh",
    "detour": "detour",
    "terminal": "terminal_min",
}


def _inverse(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


SELECTION_TYPES = ("territory", "epci", "commune", "sites", "partners", "digital_points")
BENEF_FR = {"taux": "rate", "nombre": "count"}


@dataclass(frozen=True)
class UrlView:
    """What a link carries: département, scheme, axes, layers, selection, beneficiaries
    display, access parameters and scenario. ``layers`` None = the default layers."""

    code: str | None = None
    scheme: str | None = None
    axes: tuple[str, ...] = ()
    access: AccessState = field(default_factory=AccessState)
    layers: tuple[str, ...] | None = None
    selection: tuple[str, str] | None = None  # (type, code)
    benef_mode: str = "rate"
    map_view: tuple[float, float, float] | None = None  # (lon, lat, zoom) of the map centre


def _list(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))


def _number(name: str, raw: str, notes: list[str]) -> float | None:
    low, high = NUMBER_RANGES[name]
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        notes.append(f"Lien : « {name}={raw} » n'est pas un nombre ; valeur par défaut utilisée.")
        return None
    if not math.isfinite(value) or not low <= value <= high:
        notes.append(
            f"Lien : « {name}={raw} » hors de l'intervalle {low:g}–{high:g} ; "
            "valeur par défaut utilisée."
        )
        return None
    return value


def parse_query(search: str | None) -> tuple[UrlView, list[str]]:
    """The view a query string asks for, and French notes on what was ignored."""
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    notes: list[str] = []
    access: dict = {}
    if "acces" in query:
        mode = MODES_FR.get(query["acces"])
        if mode is None:
            notes.append(
                f"Lien : mode d'accès « {query['acces']} » inconnu "
                f"(valeurs : {', '.join(MODES_FR)}) ; voiture utilisée."
            )
            mode = "car"
        access.update(enabled=True, mode=mode)
    if "moteur" in query:
        engine = ENGINES_FR.get(query["moteur"])
        if engine is None:
            notes.append(f"Lien : moteur « {query['moteur']} » inconnu ; vol d'oiseau utilisé.")
        else:
            access["engine"] = engine
    for name, attr in NUMBER_FIELDS.items():
        if name in query:
            value = _number(name, query[name], notes)
            if value is not None:
                access[attr] = value
    if "dest" in query:
        access["destinations"] = _list(query["dest"])
    if "jour" in query:
        if query["jour"] in DAYS:
            access["day"] = DAYS.index(query["jour"])
        else:
            notes.append(f"Lien : jour « {query['jour']} » inconnu ; tous les jours retenus.")
    if "ajout" in query:
        access["added"] = _list(query["ajout"])
    if "retrait" in query:
        access["removed"] = _list(query["retrait"])
    if "afficher" in query and query["afficher"] in SHOW_FR:
        access["show"] = SHOW_FR[query["afficher"]]
    selection = None
    if "sel" in query:
        kind, _, code = query["sel"].partition(":")
        if kind in SELECTION_TYPES and code:
            selection = (kind, code)
        else:
            notes.append(
                f"Lien : sélection « {query['sel']} » illisible (forme attendue : "
                "territory:code, epci:siren, commune:code) ; aucune fiche ouverte."
            )
    benef = BENEF_FR.get(query.get("benef", "taux"))
    if benef is None:
        notes.append(f"Lien : bénéficiaires « {query['benef']} » inconnu ; taux utilisé.")
        benef = "rate"
    map_view = parse_map_view(query["carte"], notes) if "carte" in query else None
    view = UrlView(
        code=query.get("dep") or None,
        scheme=query.get("decoupage") or None,
        axes=_list(query.get("axes", "")),
        access=replace(AccessState(), **access),
        layers=_list(query["couches"]) if "couches" in query else None,
        selection=selection,
        benef_mode=benef,
        map_view=map_view,
    )
    return view, notes


#: Accepted ranges of ``carte=lon,lat,zoom``.
MAP_RANGES = ((-180.0, 180.0), (-90.0, 90.0), (0.0, 22.0))


def parse_map_view(raw: str, notes: list[str]) -> tuple[float, float, float] | None:
    """``carte=1.33,47.59,8.5`` (centre longitude, latitude in degrees, zoom)."""
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or not all(
        math.isfinite(v) and low <= v <= high
        for v, (low, high) in zip(values, MAP_RANGES, strict=True)
    ):
        notes.append(
            f"Lien : cadrage « carte={raw} » illisible (forme attendue : longitude,latitude,zoom, "
            "par exemple carte=1.33,47.59,8.5) ; carte cadrée sur le département."
        )
        return None
    return values  # type: ignore[return-value]


def _fmt(value: float) -> str:
    return f"{value:g}"


def format_query(view: UrlView) -> str:
    """The query string (``?dep=41&…``) of a view; defaults are left out."""
    params: dict[str, str] = {}
    if view.code:
        params["dep"] = view.code
    if view.scheme:
        params["decoupage"] = view.scheme
    if view.axes:
        params["axes"] = ",".join(view.axes)
    if view.layers is not None:
        params["couches"] = ",".join(view.layers)
    if view.benef_mode != "rate":
        params["benef"] = _inverse(BENEF_FR)[view.benef_mode]
    if view.selection:
        params["sel"] = ":".join(view.selection)
    a = view.access
    default = AccessState()
    if a.enabled:
        params["acces"] = _inverse(MODES_FR)[a.mode]
        if a.engine != default.engine:
            params["moteur"] = _inverse(ENGINES_FR)[a.engine]
        for name, attr in NUMBER_FIELDS.items():
            value = getattr(a, attr)
            if value is not None and value != getattr(default, attr):
                params[name] = _fmt(value)
        if a.destinations != default.destinations:
            params["dest"] = ",".join(a.destinations)
        if a.day is not None:
            params["jour"] = DAYS[a.day]
        if a.show != default.show:
            params["afficher"] = _inverse(SHOW_FR)[a.show]
    if a.added:
        params["ajout"] = ",".join(a.added)
    if a.removed:
        params["retrait"] = ",".join(a.removed)
    if view.map_view is not None:
        lon, lat, zoom = view.map_view
        params["carte"] = f"{lon:.5f},{lat:.5f},{zoom:.2f}"
    return "?" + urlencode(params, safe=",:") if params else ""
