"""Shared builders for polygon click targets and outline map layers."""

from __future__ import annotations

from collections.abc import Sequence

EMPTY_FC = {"type": "FeatureCollection", "features": []}
TRANSPARENT = [[0, "rgba(255,255,255,0)"], [1, "rgba(255,255,255,0)"]]


def click_target(
    *,
    layer_id: str,
    name: str,
    geojson: dict,
    ids: Sequence[str],
    hover: Sequence[str],
    active: bool,
) -> dict:
    """An invisible choropleth answering hover and clicks for ``layer_id``.

    Its polygons are only sent while it is the active click level: outlines are drawn by
    a line layer, so an inactive target costs nothing on the wire.
    """
    ids = list(ids) if active else []
    return {
        "type": "choroplethmap",
        "meta": f"{layer_id}:click",
        "name": name,
        "geojson": geojson if active else EMPTY_FC,
        "featureidkey": "id",
        "locations": ids,
        "z": [0] * len(ids),
        "zmin": 0,
        "zmax": 1,
        "colorscale": TRANSPARENT,
        "showscale": False,
        "marker": {"line": {"width": 0}},
        "customdata": [[layer_id, code] for code in ids],
        "text": list(hover) if active else [],
        "hoverinfo": "text" if active else "skip",
        "showlegend": False,
    }


def line_layer(*, meta: str, geojson: dict, colour: str, width: float) -> dict:
    """A non-interactive MapLibre line layer (``layout.map.layers`` entry)."""
    return {
        "meta": meta,
        "sourcetype": "geojson",
        "source": geojson,
        "type": "line",
        "color": colour,
        "line": {"width": width},
        "below": "traces",
    }
