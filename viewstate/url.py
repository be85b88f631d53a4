"""The view as a URL query (French parameter names), so that a link restores it.

``parse_query`` never fails: an unknown or invalid value is ignored, the default is used
and a French note says which parameter and why, so a mistyped link still opens. The same
mapping serves the app (address bar), the API (query parameters) and the CLI (``--lien``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

from core import terms
from viewstate.state import AccessState, ViewState

#: URL value → code, derived from :mod:`core.terms` (``voiture`` → ``car``…).
MODES_FR = terms.TRAVEL_MODES.from_url()
ENGINES_FR = terms.ENGINES.from_url()
SHOW_FR = terms.ACCESS_SHOWS.from_url()
BENEFICIARIES_FR = terms.BENEFICIARY_MODES.from_url()
DAYS = terms.DAYS_FR
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
SELECTION_TYPES = ("territory", "epci", "commune", "sites", "partners", "digital_points")
#: Accepted ranges of ``carte=lon,lat,zoom``.
FRAMING_RANGES = ((-180.0, 180.0), (-90.0, 90.0), (0.0, 22.0))

Framing = tuple[float, float, float]


@dataclass(frozen=True)
class UrlView:
    """What a link carries: département, scheme, axes, layers, selection, beneficiaries
    display, access parameters and scenario. ``layers`` None = the default layers;
    ``framing`` is the map centre and zoom (``None`` = framed on the département)."""

    code: str | None = None
    scheme: str | None = None
    axes: tuple[str, ...] = ()
    access: AccessState = field(default_factory=AccessState)
    layers: tuple[str, ...] | None = None
    selection: tuple[str, str] | None = None  # (type, code)
    beneficiaries_mode: str = "rate"
    framing: Framing | None = None  # (lon, lat, zoom) of the map centre


def view_state_of(
    url: UrlView, scheme_id: str | None, axes: tuple[str, ...] = (), estimate: bool = False
) -> ViewState:
    """The :class:`ViewState` a link describes, once its scheme and axes are checked
    against the package (the app's page, the API and the CLI all build it here)."""
    return ViewState(
        scheme_id=scheme_id,
        axes=tuple(axes),
        beneficiaries_mode=url.beneficiaries_mode,
        beneficiaries_estimate=estimate,
        access=url.access,
    )


def canonical(url: UrlView, default_scheme: str | None, default_layers: tuple[str, ...]) -> UrlView:
    """``url`` with its defaults left out (scheme, layers) and without map framing, so two
    links showing the same view compare equal."""
    layers = url.layers
    return replace(
        url,
        scheme=None if url.scheme in (None, "", default_scheme) else url.scheme,
        layers=None if layers is None or set(layers) == set(default_layers) else layers,
        framing=None,
    )


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


def _access_mode(query: Mapping[str, str], notes: list[str]) -> dict[str, Any]:
    """``acces=`` (switches the layer on) and ``moteur=``."""
    access: dict[str, Any] = {}
    if "acces" in query:
        mode = MODES_FR.get(query["acces"])
        if mode is None:
            notes.append(
                f"Lien : mode d'accès « {query['acces']} » inconnu "
                f"(valeurs : {', '.join(MODES_FR)}) ; voiture utilisée."
            )
            mode = terms.TRAVEL_MODES.default
        access.update(enabled=True, mode=mode)
    if "moteur" in query:
        engine = ENGINES_FR.get(query["moteur"])
        if engine is None:
            notes.append(f"Lien : moteur « {query['moteur']} » inconnu ; vol d'oiseau utilisé.")
        else:
            access["engine"] = engine
    return access


def _access_params(query: Mapping[str, str], notes: list[str]) -> dict[str, Any]:
    """Numbers, destinations, day, scenario and what the access map shows."""
    access: dict[str, Any] = {}
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
    if query.get("afficher") in SHOW_FR:
        access["show"] = SHOW_FR[query["afficher"]]
    return access


def _selection(query: Mapping[str, str], notes: list[str]) -> tuple[str, str] | None:
    if "sel" not in query:
        return None
    kind, _, code = query["sel"].partition(":")
    if kind in SELECTION_TYPES and code:
        return (kind, code)
    notes.append(
        f"Lien : sélection « {query['sel']} » illisible (forme attendue : "
        "territory:code, epci:siren, commune:code) ; aucune fiche ouverte."
    )
    return None


def _beneficiaries_mode(query: Mapping[str, str], notes: list[str]) -> str:
    benef = BENEFICIARIES_FR.get(query.get("benef", "taux"))
    if benef is None:
        notes.append(f"Lien : bénéficiaires « {query['benef']} » inconnu ; taux utilisé.")
        return terms.BENEFICIARY_MODES.default
    return benef


def parse_query(search: str | None) -> tuple[UrlView, list[str]]:
    """The view a query string asks for, and French notes on what was ignored."""
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    notes: list[str] = []
    access = {**_access_mode(query, notes), **_access_params(query, notes)}
    selection = _selection(query, notes)
    beneficiaries_mode = _beneficiaries_mode(query, notes)
    framing = parse_framing(query["carte"], notes) if "carte" in query else None
    view = UrlView(
        code=query.get("dep") or None,
        scheme=query.get("decoupage") or None,
        axes=_list(query.get("axes", "")),
        access=replace(AccessState(), **access),
        layers=_list(query["couches"]) if "couches" in query else None,
        selection=selection,
        beneficiaries_mode=beneficiaries_mode,
        framing=framing,
    )
    return view, notes


def parse_framing(raw: str, notes: list[str]) -> Framing | None:
    """``carte=1.33,47.59,8.5`` (centre longitude, latitude in degrees, zoom)."""
    parts = raw.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or not all(
        math.isfinite(v) and low <= v <= high
        for v, (low, high) in zip(values, FRAMING_RANGES, strict=True)
    ):
        notes.append(
            f"Lien : cadrage « carte={raw} » illisible (forme attendue : longitude,latitude,zoom, "
            "par exemple carte=1.33,47.59,8.5) ; carte cadrée sur le département."
        )
        return None
    return values


def _fmt(value: float) -> str:
    return f"{value:g}"


def _access_params_query(access: AccessState) -> dict[str, str]:
    """Access parameters that differ from the defaults (only when the layer is on)."""
    params: dict[str, str] = {}
    if not access.enabled:
        return params
    default = AccessState()
    params["acces"] = terms.TRAVEL_MODES.to_url()[access.mode]
    if access.engine != default.engine:
        params["moteur"] = terms.ENGINES.to_url()[access.engine]
    for name, attr in NUMBER_FIELDS.items():
        value = getattr(access, attr)
        if value is not None and value != getattr(default, attr):
            params[name] = _fmt(value)
    if access.destinations != default.destinations:
        params["dest"] = ",".join(access.destinations)
    if access.day is not None:
        params["jour"] = DAYS[access.day]
    if access.show != default.show:
        params["afficher"] = terms.ACCESS_SHOWS.to_url()[access.show]
    return params


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
    if view.beneficiaries_mode != terms.BENEFICIARY_MODES.default:
        params["benef"] = terms.BENEFICIARY_MODES.to_url()[view.beneficiaries_mode]
    if view.selection:
        params["sel"] = ":".join(view.selection)
    params.update(_access_params_query(view.access))
    if view.access.added:
        params["ajout"] = ",".join(view.access.added)
    if view.access.removed:
        params["retrait"] = ",".join(view.access.removed)
    if view.framing is not None:
        lon, lat, zoom = view.framing
        params["carte"] = f"{lon:.5f},{lat:.5f},{zoom:.2f}"
    return "?" + urlencode(params, safe=",:") if params else ""
