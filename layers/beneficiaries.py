"""Beneficiaries layer: counts or rates per 1,000 inhabitants at the level the source gives."""

from __future__ import annotations

import pandas as pd

from core.indicators import beneficiaries_by_unit, estimate_commune_counts
from layers import style
from layers.formatting import badge_text, fmt_count, fmt_float

LAYER_ID = "beneficiaries"
LABEL = "Bénéficiaires"
LEVEL_ORDER = {"commune": 0, "epci": 1, "territory": 2, "departement": 3}
CLICK_LAYER = {"territory": "territories", "epci": "epci", "commune": "communes"}
LEVEL_LABELS = {
    "commune": "par commune",
    "epci": "par EPCI",
    "territory": "par territoire",
    "departement": "pour le département",
}


def default_series(dep) -> tuple[str, str, str] | None:
    """(indicator, year, level) shown by default: the finest level, then the latest year."""
    data = dep.beneficiaries
    if data.empty:
        return None
    ranked = data.assign(_rank=data["level"].map(LEVEL_ORDER)).sort_values(
        ["_rank", "year"], ascending=[True, False]
    )
    first = ranked.iloc[0]
    return str(first["indicator"]), str(first["year"]), str(first["level"])


def frame(dep, state) -> pd.DataFrame:
    """Rows of the displayed series: unit code and name, count (suppressed), rate, flags."""
    series = default_series(dep)
    if series is None:
        return pd.DataFrame(columns=["level", "code", "name", "count", "per_1000"])
    indicator, year, level = series
    if state.beneficiaries_estimate and level == "territory":
        data = estimate_commune_counts(dep, indicator, year)
        if data is not None and not data.empty:
            return data.rename(columns={"code_insee": "code", "nom": "name"}).assign(
                level="commune",
                per_1000=(data["count"] / data["population"] * 1000).astype("Float64"),
            )
    data = beneficiaries_by_unit(dep, indicator)
    return data[(data["year"].astype(str) == year) & (data["level"] == level)]


def caption(dep, state) -> str:
    """One-line French title of what the layer shows, with year, level and flags."""
    data = frame(dep, state)
    if data.empty:
        return "Aucune donnée de bénéficiaires dans ce paquet départemental."
    first = data.iloc[0]
    level = LEVEL_LABELS.get(str(first["level"]), str(first["level"]))
    measure = "pour 1 000 habitants" if state.beneficiaries_mode == "rate" else "nombre"
    flags = badge_text(bool(data["approximate"].any()), bool(data["estimated"].any()))
    return f"{first['label']} ({first['year']}), {level}, {measure}{flags}"


def _geojson(dep, assets, level: str, scheme_id: str | None) -> dict:
    if level == "territory":
        return assets.territories.get(scheme_id, {"type": "FeatureCollection", "features": []})
    return {"epci": assets.epci, "commune": assets.communes}.get(level, assets.outline)


def traces(dep, assets, state) -> list[dict]:
    data = frame(dep, state)
    empty = {
        "type": "choroplethmap",
        "meta": LAYER_ID,
        "name": LABEL,
        "locations": [],
        "z": [],
        "geojson": {"type": "FeatureCollection", "features": []},
        "showscale": False,
        "hoverinfo": "skip",
    }
    if data.empty:
        return [empty]
    level = str(data["level"].iloc[0])
    scheme = data["scheme_id"].iloc[0] if "scheme_id" in data.columns else None
    value_col = "per_1000" if state.beneficiaries_mode == "rate" else "count"
    shown = data[data[value_col].notna()]
    threshold = dep.secrecy_threshold
    hover = [
        f"<b>{row.name}</b><br>{row.label} ({row.year}) : {fmt_count(row.count, threshold)}"
        f"<br>{fmt_float(row.per_1000)} pour 1 000 habitants"
        f"{badge_text(bool(row.approximate), bool(row.estimated))}"
        for row in data.itertuples(index=False)
    ]
    colourbar_title = "pour 1 000 hab." if value_col == "per_1000" else "nombre"
    return [
        {
            **empty,
            "geojson": _geojson(dep, assets, level, scheme),
            "featureidkey": "id",
            "locations": shown["code"].astype(str).tolist(),
            "z": shown[value_col].astype(float).round(2).tolist(),
            "colorscale": style.BENEFICIARIES_SCALE,
            "showscale": True,
            "colorbar": {
                "title": {"text": colourbar_title},
                "thickness": 12,
                "len": 0.5,
                "x": 0.01,
                "xanchor": "left",
            },
            "marker": {"opacity": 0.75, "line": {"width": 0.5, "color": "#ffffff"}},
            "customdata": [
                [CLICK_LAYER.get(level, "departement"), str(code), scheme] for code in shown["code"]
            ],
            "text": [h for h, ok in zip(hover, data[value_col].notna(), strict=True) if ok],
            "hoverinfo": "text",
        }
    ]
