"""EPCI layer: whole intercommunalities, with the part outside the département flagged."""

from __future__ import annotations

import geopandas as gpd

from layers import _style
from layers._format import fmt_int

LAYER_ID = "epci"
LABEL = "EPCI (intercommunalités)"


def frame(dep, state) -> gpd.GeoDataFrame:
    """EPCI with at least one commune in the département, geometry whole."""
    return dep.epci[
        [
            "siren_epci", "nom", "type", "population", "n_communes", "n_communes_in_dept",
            "population_in_dept", "crosses_border", "geometry",
        ]
    ]


def traces(dep, assets, state) -> list[dict]:
    """The EPCI outlines (clickable) and the hatched-looking part outside the département."""
    data = frame(dep, state)
    ids = data["siren_epci"].tolist()
    hover = []
    for row in data.itertuples(index=False):
        text = f"<b>{row.nom}</b><br>{fmt_int(row.population)} habitants, {row.n_communes} communes"
        if bool(row.crosses_border):
            text += (
                f"<br>Déborde du département : {row.n_communes_in_dept} communes"
                f" sur {row.n_communes} dans le {dep.code}"
            )
        hover.append(text)
    outside_ids = dep.epci_outside["siren_epci"].tolist()
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
            "colorscale": [[0, _style.EPCI_OUTSIDE_FILL], [1, _style.EPCI_OUTSIDE_FILL]],
            "showscale": False,
            "marker": {"line": {"color": _style.EPCI_LINE, "width": 0.5}},
            "text": [f"Partie hors du département ({dep.code})"] * len(outside_ids),
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": "choroplethmap",
            "meta": LAYER_ID,
            "name": LABEL,
            "geojson": assets.epci,
            "featureidkey": "id",
            "locations": ids,
            "z": [0] * len(ids),
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, "rgba(255,255,255,0)"], [1, "rgba(255,255,255,0)"]],
            "showscale": False,
            "marker": {"line": {"color": _style.EPCI_LINE, "width": 2}},
            "customdata": [[LAYER_ID, s] for s in ids],
            "text": hover,
            "hoverinfo": "text" if state.click_level == "epci" else "skip",
            "showlegend": False,
        },
    ]
