"""EPCI layer: whole intercommunalities, with the part outside the département flagged."""

from __future__ import annotations

import geopandas as gpd

from core.package.file_contracts import LAYER_SCHEMAS
from layers import style
from layers.formatting import fmt_int
from layers.polygons import click_target, line_layer

LAYER_ID = "epci"
LABEL = "EPCI (intercommunalités)"


def frame(dep, state) -> gpd.GeoDataFrame:
    """EPCI with at least one commune in the département, geometry whole."""
    return dep.epci[[*LAYER_SCHEMAS["epci"].columns, "geometry"]]


def map_layers(dep, assets, state) -> list[dict]:
    """EPCI outlines (whole EPCI, beyond the département border too)."""
    return [line_layer(meta=LAYER_ID, geojson=assets.epci_lines, colour=style.EPCI_LINE, width=2)]


def hover_texts(dep, data) -> list[str]:
    out = []
    for row in data.itertuples(index=False):
        text = f"<b>{row.nom}</b><br>{fmt_int(row.population)} habitants, {row.n_communes} communes"
        if bool(row.crosses_border):
            text += (
                f"<br>Déborde du département : {row.n_communes_in_dept} communes"
                f" sur {row.n_communes} dans le {dep.code}"
            )
        out.append(text)
    return out


def traces(dep, assets, state) -> list[dict]:
    """The pale part outside the département, and the EPCI click target."""
    outside_ids = dep.epci_outside["siren_epci"].tolist()
    active = state.click_level == "epci"
    data = frame(dep, state)
    return [
        {
            "type": "choroplethmap",
            "meta": "epci_outside",
            "name": "Partie des EPCI hors du département",
            "geojson": assets.epci_outside,
            "featureidkey": "id",
            "locations": outside_ids,
            "z": [0] * len(outside_ids),
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, style.EPCI_OUTSIDE_FILL], [1, style.EPCI_OUTSIDE_FILL]],
            "showscale": False,
            "marker": {"line": {"width": 0}},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        click_target(
            layer_id=LAYER_ID,
            name=LABEL,
            geojson=assets.epci,
            ids=data["siren_epci"].tolist(),
            hover=hover_texts(dep, data) if active else [],
            active=active,
        ),
    ]
