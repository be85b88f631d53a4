"""Communes layer: outlines of the COG 2026 communes, hover and click per commune."""

from __future__ import annotations

import geopandas as gpd

from layers import _style
from layers._format import fmt_int

LAYER_ID = "communes"
LABEL = "Communes"


def frame(dep, state) -> gpd.GeoDataFrame:
    """Communes with their EPCI and territory of the current scheme."""
    communes = dep.communes[["code_insee", "nom", "population", "siren_epci", "geometry"]]
    epci_names = dep.epci.set_index("siren_epci")["nom"]
    out = communes.assign(epci=communes["siren_epci"].map(epci_names))
    scheme = state.scheme_id or dep.default_scheme
    members = dep.territory_communes[dep.territory_communes["scheme_id"] == scheme]
    names = dep.territories[dep.territories["scheme_id"] == scheme].set_index("territory_id")["name"]
    territory = members.set_index("code_insee")["territory_id"].map(names)
    return out.assign(territoire=out["code_insee"].map(territory))


def traces(dep, assets, state) -> list[dict]:
    """One transparent choropleth (lines only) carrying commune hover and clicks."""
    data = frame(dep, state)
    ids = data["code_insee"].tolist()
    hover = [
        f"<b>{nom}</b> ({code})<br>{fmt_int(pop)} habitants<br>EPCI : {epci if isinstance(epci, str) else 'aucun'}"
        for code, nom, pop, epci in zip(ids, data["nom"], data["population"], data["epci"], strict=True)
    ]
    return [
        {
            "type": "choroplethmap",
            "meta": LAYER_ID,
            "name": LABEL,
            "geojson": assets.communes,
            "featureidkey": "id",
            "locations": ids,
            "z": [0] * len(ids),
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, "rgba(255,255,255,0)"], [1, "rgba(255,255,255,0)"]],
            "showscale": False,
            "marker": {"line": {"color": _style.COMMUNE_LINE, "width": 0.4}},
            "customdata": [[LAYER_ID, code] for code in ids],
            "text": hover,
            "hoverinfo": "text" if state.click_level == "commune" else "skip",
            "showlegend": False,
        }
    ]
