"""GeoJSON API: the data behind every layer at stable URLs, with the map's filters.

``/api/departements`` lists the départements; ``/api/departements/<code>/layers/<layer>.geojson``
serves a layer (``?axes=A1,A2&scheme=mdcs_2019``), so a planner can load it in QGIS.
"""

from __future__ import annotations

from dataclasses import replace

import orjson
from flask import Blueprint, Response, request

from core.terms import BENEFICIARY_MODES
from layers import LAYERS, ViewState
from layers import beneficiaries as beneficiaries_layer
from layers.geojson import feature_collection, json_safe, points_collection
from server import registry
from viewstate.url import parse_query, view_state_of

POLYGON_IDS = {"communes": "code_insee", "epci": "siren_epci", "territories": "territory_id"}
POINT_IDS = {"sites": "site_id", "partners": "partner_id", "digital_points": "id"}
API_LAYERS = (*POLYGON_IDS, *POINT_IDS, "epci_outside", "beneficiaries", "access")


def _json(payload, status: int = 200, mimetype: str = "application/json") -> Response:
    return Response(orjson.dumps(payload), status=status, mimetype=mimetype)


def _error(message: str, status: int) -> Response:
    return _json({"erreur": message}, status)


def departements() -> Response:
    """Codes, names, commune counts, plan and schemes of every served département."""
    reg = registry.current()
    items = []
    for code in reg.codes():
        dep = reg.get(code).dep
        items.append(
            {
                "code": code,
                "nom": dep.name,
                "n_communes": int(len(dep.communes)),
                "plan": dep.plan_info.get("name"),
                "schemes": [
                    {
                        "scheme_id": r.scheme_id,
                        "label": r.label,
                        "perimeter_status": r.perimeter_status,
                    }
                    for r in dep.schemes.itertuples(index=False)
                ],
                "layers": [
                    f"/api/departements/{code}/layers/{layer}.geojson" for layer in API_LAYERS
                ],
            }
        )
    failures = [
        {"code": f.code, "problemes": [str(p) for p in f.problems]} for f in reg.broken()
    ]
    return _json({"departements": items, "paquets_en_erreur": failures})


def _properties(frame, drop=("geometry",)) -> list[str]:
    return [c for c in frame.columns if c not in drop]


def view_from_request(code: str, dep) -> ViewState | Response:
    """The view the query parameters ask for, or the French 400 error saying why not."""
    scheme = request.args.get("scheme") or dep.default_scheme
    if scheme not in set(dep.schemes["scheme_id"]):
        return _error(
            f"Découpage « {scheme} » inconnu pour le {code}. Découpages : "
            f"{', '.join(dep.schemes['scheme_id'])}.",
            400,
        )
    axes = tuple(a for a in request.args.get("axes", "").split(",") if a)
    unknown = [a for a in axes if a not in set(dep.plan["node_id"])]
    if unknown:
        return _error(f"Axe(s) inconnu(s) : {', '.join(unknown)}. Voir plan.csv du paquet.", 400)
    mode = request.args.get("mode", "rate")
    if mode not in BENEFICIARY_MODES:
        return _error("Paramètre mode : « rate » ou « count ».", 400)
    url, notes = parse_query(request.query_string.decode("utf-8", "replace"))
    if notes:
        return _error(
            " ".join(n.replace("Lien : ", "Paramètre ").split(" ; ")[0] + "." for n in notes), 400
        )
    estimate = request.args.get("estimate") == "1"
    return view_state_of(replace(url, beneficiaries_mode=mode), scheme, axes, estimate)


def _collection(layer: str, entry, state: ViewState) -> tuple[dict | None, dict]:
    """The feature collection of ``layer`` and extra metadata (access model, figures)."""
    dep = entry.dep
    if layer == "access":
        return _access(dep, entry.access, state)
    if layer in POLYGON_IDS:
        frame = LAYERS[layer].frame(dep, state)
        return feature_collection(frame, POLYGON_IDS[layer], _properties(frame)), {}
    if layer == "epci_outside":
        frame = dep.epci_outside
        return feature_collection(frame, "siren_epci", _properties(frame)), {}
    if layer in POINT_IDS:
        frame = LAYERS[layer].frame(dep, state)
        props = _properties(frame, ("geometry", "lon", "lat"))
        return points_collection(frame, POINT_IDS[layer], props), {}
    return _beneficiaries(dep, entry.assets, state), {}


def layer_geojson(code: str, layer: str) -> Response:
    """One layer as GeoJSON with the same filters as the map."""
    reg = registry.current()
    if not reg.has(code):
        return _error(
            f"Département « {code} » inconnu. Codes disponibles : {', '.join(reg.codes())}.", 404
        )
    if layer not in API_LAYERS:
        return _error(f"Couche « {layer} » inconnue. Couches : {', '.join(API_LAYERS)}.", 404)
    entry = reg.get(code)
    dep = entry.dep
    state = view_from_request(code, dep)
    if isinstance(state, Response):
        return state
    fc, extra = _collection(layer, entry, state)
    if fc is None:
        return _error(" ".join(extra["problemes"]), 400)
    fc["metadata"] = {
        "departement": code,
        "couche": layer,
        "filtres": {"scheme": state.scheme_id, "axes": list(state.axes)},
        "crs": "EPSG:4326",
        "sources": {sid: json_safe(s.to_dict()) for sid, s in dep.sources.iterrows()},
        "geodonnees": dict(dep.geo_meta),
        "secret_statistique": f"effectifs < {dep.secrecy_threshold} masqués",
        **extra,
    }
    return _json(fc, mimetype="application/geo+json")


def _records(frame) -> list[dict]:
    return [
        {"unite": str(unit), **{k: json_safe(v) for k, v in row.items()}}
        for unit, row in frame.iterrows()
    ]


def _access(dep, service, state) -> tuple[dict | None, dict]:
    """Communes with minutes to the nearest destination; model, figures and scenario."""
    state = replace(state, access=replace(state.access, enabled=True))
    v = service.view_for(state)
    if not v.ok:
        return None, {"problemes": list(v.problems)}
    frame = dep.communes[["code_insee", "geometry"]].merge(
        service.frame(state), on="code_insee"
    )
    frame["beyond"] = frame["beyond"].astype(bool)
    fc = feature_collection(frame, "code_insee", _properties(frame))
    figs = service.figures(state)
    model = v.model
    summary = figs["summary"]
    return fc, {
        "modele": {
            "texte": model.text_fr,
            "moteur": model.engine,
            "mode": model.mode,
            "parametres": {k: json_safe(val) for k, val in model.params.items()},
            "sources": list(model.sources_fr),
            "approximatif": model.approximate,
        },
        "seuil_min": state.access.threshold,
        "destinations": v.destinations.frame.drop(columns=["hours_unknown"]).to_dict("records"),
        "scenario": {"ajouts": list(state.access.added), "retraits": list(state.access.removed)},
        "notes": list(v.notes),
        "departement_chiffres": {k: json_safe(val) for k, val in summary.figures.items()},
        "equite": {
            "temps_moyen_beneficiaires_min": json_safe(summary.beneficiary_mean_min),
            "temps_moyen_population_memes_unites_min": json_safe(
                summary.population_mean_min_same_units
            ),
            "ecart_min": json_safe(summary.equity_gap_min),
            "avertissement": summary.caveat_fr,
        },
        "par_territoire": _records(figs["territory"]),
        "par_epci": _records(figs["epci"]),
    }


def _beneficiaries(dep, assets, state) -> dict:
    """Beneficiary units with their geometry, counts already suppressed."""
    data = beneficiaries_layer.frame(dep, state)
    if data.empty:
        return {"type": "FeatureCollection", "features": []}
    level = str(data["level"].iloc[0])
    scheme = data["scheme_id"].iloc[0] if "scheme_id" in data.columns else None
    source = beneficiaries_layer._geojson(dep, assets, level, scheme)
    geometry = {f.get("id"): f["geometry"] for f in source["features"]}
    if level == "departement":
        geometry = {str(data["code"].iloc[0]): source["features"][0]["geometry"]}
    features = []
    for rec in data.to_dict("records"):
        code = str(rec["code"])
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": geometry.get(code),
                "properties": {k: json_safe(v) for k, v in rec.items() if k != "geometry"},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def api_blueprint() -> Blueprint:
    """The API routes as a Flask blueprint (``create_app`` registers one per app)."""
    blueprint = Blueprint("api", __name__)
    blueprint.add_url_rule("/api/departements", "api_departements", departements)
    blueprint.add_url_rule(
        "/api/departements/<code>/layers/<layer>.geojson", "api_layer", layer_geojson
    )
    return blueprint
