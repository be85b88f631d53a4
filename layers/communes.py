"""Communes layer: outlines of the COG 2026 communes, hover and click per commune."""

from __future__ import annotations

import geopandas as gpd

from layers import style
from layers.formatting import fmt_int
from layers.polygons import click_target, line_layer

LAYER_ID = "communes"
LABEL = "Communes"


def frame(dep, state) -> gpd.GeoDataFrame:
    """Communes with their EPCI and territory of the current scheme."""
    communes = dep.communes[["code_insee", "nom", "population", "siren_epci", "geometry"]]
    epci_names = dep.epci.set_index("siren_epci")["nom"]
    out = communes.assign(epci=communes["siren_epci"].map(epci_names))
    scheme = state.scheme_id or dep.default_scheme
    members = dep.territory_communes[dep.territory_communes["scheme_id"] == scheme]
    names = dep.territories[dep.territories["scheme_id"] == scheme].set_index("territory_id")[
        "name"
    ]
    territory = members.set_index("code_insee")["territory_id"].map(names)
    return out.assign(territoire=out["code_insee"].map(territory))


def map_layers(dep, assets, state) -> list[dict]:
    """Commune outlines, each shared border drawn once."""
    return [
        line_layer(
            meta=LAYER_ID, geojson=assets.commune_lines, colour=style.COMMUNE_LINE, width=0.5
        )
    ]


def traces(dep, assets, state) -> list[dict]:
    """The commune click target (polygons sent only while « commune » is the click level)."""
    active = state.click_level == "commune"
    data = frame(dep, state) if active else dep.communes.iloc[0:0]
    hover = (
        [
            f"<b>{row.nom}</b> ({row.code_insee})<br>{fmt_int(row.population)} habitants"
            f"<br>EPCI : {row.epci if isinstance(row.epci, str) else 'aucun'}"
            for row in data.itertuples(index=False)
        ]
        if active
        else []
    )
    return [
        click_target(
            layer_id=LAYER_ID,
            name=LABEL,
            geojson=assets.communes,
            ids=data["code_insee"].tolist(),
            hover=hover,
            active=active,
        )
    ]
