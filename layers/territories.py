"""Social-action territories layer (MDCS, MDS, CMS, UTS, CTI…) of the selected scheme."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from layers import style
from layers.formatting import fmt_int

LAYER_ID = "territories"
LABEL = "Territoires d'action sociale"

UNKNOWN_PERIMETER_FR = (
    "Périmètre inconnu : aucune source disponible ici ne donne la liste des communes. "
    "Le territoire est listé mais n'est pas dessiné."
)
PERIMETER_LABELS = {
    "official": "périmètre officiel",
    "approximate": "périmètre approximatif",
    "unknown": "périmètre inconnu",
}


def scheme_row(dep, scheme_id: str | None) -> pd.Series | None:
    """The schemes.csv row of ``scheme_id`` (default scheme when None)."""
    scheme = scheme_id or dep.default_scheme
    rows = dep.schemes[dep.schemes["scheme_id"] == scheme]
    return None if rows.empty else rows.iloc[0]


def listing(dep, scheme_id: str | None) -> pd.DataFrame:
    """Every territory of the scheme, drawn or not, with its colour and perimeter status."""
    scheme = scheme_id or dep.default_scheme
    terr = dep.territories[dep.territories["scheme_id"] == scheme].reset_index(drop=True)
    shapes = dep.territory_shapes[dep.territory_shapes["scheme_id"] == scheme]
    stats = shapes.set_index("territory_id")[["population", "n_communes", "perimeter_status"]]
    out = terr[["territory_id", "name"]].join(stats, on="territory_id")
    srow = scheme_row(dep, scheme)
    default_status = srow["perimeter_status"] if srow is not None else "unknown"
    status = out["perimeter_status"].astype("object")
    out["perimeter_status"] = status.where(status.notna(), "unknown" if srow is None else None)
    out.loc[out["n_communes"].isna(), "perimeter_status"] = "unknown"
    out["perimeter_status"] = out["perimeter_status"].fillna(default_status)
    out["colour"] = [style.territory_colour(i) for i in range(len(out))]
    out["drawn"] = out["n_communes"].notna()
    return out


def frame(dep, state) -> gpd.GeoDataFrame:
    """Drawn territories of the current scheme (one polygon per territory with communes)."""
    scheme = state.scheme_id or dep.default_scheme
    shapes = dep.territory_shapes[dep.territory_shapes["scheme_id"] == scheme]
    srow = scheme_row(dep, scheme)
    out = shapes[
        [
            "scheme_id",
            "territory_id",
            "name",
            "population",
            "n_communes",
            "perimeter_status",
            "geometry",
        ]
    ]
    return out.assign(derivation=srow["derivation"] if srow is not None else None)


def traces(dep, assets, state) -> list[dict]:
    """One filled choropleth, a colour per territory, approximate perimeters said in hover."""
    scheme = state.scheme_id or dep.default_scheme
    table = listing(dep, scheme)
    drawn = table[table["drawn"]].reset_index(drop=True)
    n = max(len(table), 1)
    # Discrete colours through a stepwise colourscale indexed by the territory's rank.
    colourscale = []
    for i in range(n):
        colour = table["colour"].iloc[i] if i < len(table) else style.territory_colour(i)
        lo, hi = i / n, (i + 1) / n
        colourscale += [[lo, colour], [hi, colour]]
    rank = {tid: i for i, tid in enumerate(table["territory_id"])}
    z = [rank[t] + 0.5 for t in drawn["territory_id"]]
    hover = [
        f"<b>{row.name}</b><br>{fmt_int(row.population)} habitants, {int(row.n_communes)} communes"
        f"<br><i>{PERIMETER_LABELS.get(row.perimeter_status, row.perimeter_status)}</i>"
        for row in drawn.itertuples(index=False)
    ]
    return [
        {
            "type": "choroplethmap",
            "meta": LAYER_ID,
            "name": LABEL,
            "geojson": assets.territories.get(
                scheme, {"type": "FeatureCollection", "features": []}
            ),
            "featureidkey": "id",
            "locations": drawn["territory_id"].tolist(),
            "z": z,
            "zmin": 0,
            "zmax": n,
            "colorscale": colourscale,
            "showscale": False,
            "marker": {
                "opacity": style.TERRITORY_FILL_OPACITY,
                "line": {"color": style.TERRITORY_LINE, "width": 2.5},
            },
            "customdata": [[LAYER_ID, t, scheme] for t in drawn["territory_id"]],
            "text": hover,
            "hoverinfo": "text" if state.click_level == "territory" else "skip",
            "showlegend": False,
        }
    ]
