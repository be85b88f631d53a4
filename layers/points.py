"""Shared builder for point layers (sites, partners, digital points) as Scattermap dicts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

PRECISION_LABELS = {
    "address": "localisé à l'adresse",
    "commune": "localisé à la commune (position approximative)",
}


def precision_note(precision: str) -> str:
    """French phrase for a location precision flag."""
    return PRECISION_LABELS.get(precision, f"précision : {precision}")


def scatter(
    frame: pd.DataFrame,
    *,
    layer_id: str,
    name: str,
    id_column: str,
    hover: Sequence[str],
    colour: str,
    size: int,
    meta: str | None = None,
) -> dict:
    """A Scattermap trace dict of circles; customdata = [layer_id, id]."""
    return {
        "type": "scattermap",
        "meta": meta or layer_id,
        "name": name,
        "mode": "markers",
        "lon": frame["lon"].round(5).tolist(),
        "lat": frame["lat"].round(5).tolist(),
        "marker": {"size": size, "color": colour, "opacity": 0.9},
        "customdata": [[layer_id, str(v)] for v in frame[id_column]],
        "text": list(hover),
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }


def marker_patch(
    frame: pd.DataFrame, *, layer_id: str, id_column: str, hover: Sequence[str]
) -> dict:
    """The fields of a point trace that change when a filter changes (for ``Patch``)."""
    return {
        "lon": frame["lon"].round(5).tolist(),
        "lat": frame["lat"].round(5).tolist(),
        "customdata": [[layer_id, str(v)] for v in frame[id_column]],
        "text": list(hover),
    }
