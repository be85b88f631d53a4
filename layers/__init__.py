"""Map layers: one module per layer, assembled here into a Plotly figure (plain dicts).

Each layer module exposes ``LAYER_ID``, ``LABEL``, ``frame(dep, state)`` (the data behind
the layer, also served by the API and the table view) and ``traces(dep, assets, state)``;
the access-time layer draws from a computed view instead (``traces(dep, assets, state,
view)``, the frame being ``AccessService.frame``).
Figures are plain dicts (no ``go.Figure`` validation) so that building and serialising them
stays fast; the trace order is fixed so callbacks can ``Patch`` a layer by index.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from core.access.service import AccessView
from layers import (
    access_times,
    beneficiaries,
    communes,
    digital_points,
    epci,
    partners,
    sites,
    style,
    territories,
)
from layers.assets import MapAssets
from layers.polygons import line_layer
from viewstate.state import ViewState

#: Drawing order, bottom to top.
LAYER_MODULES = (
    beneficiaries,
    territories,
    epci,
    communes,
    access_times,
    sites,
    partners,
    digital_points,
)
LAYERS = {m.LAYER_ID: m for m in LAYER_MODULES}

#: Toggle ids offered in the UI, with their French labels, default visibility.
TOGGLES: dict[str, tuple[str, bool]] = {
    "territories": (territories.LABEL, True),
    "epci": (epci.LABEL, True),
    "communes": (communes.LABEL, True),
    "sites": (sites.LABEL, True),
    **{f"partners:{g}": (spec["label"], True) for g, spec in style.PARTNER_GROUPS.items()},
    "digital_points": (digital_points.LABEL, True),
    "beneficiaries": (beneficiaries.LABEL, False),
}
DEFAULT_VISIBLE = tuple(k for k, (_, on) in TOGGLES.items() if on)

MAP_STYLES = {"white-bg": "Fond blanc (hors ligne)", "open-street-map": "OpenStreetMap (Internet)"}


#: Map layers drawn whatever the toggles (the département border).
ALWAYS_SHOWN = "outline"


def is_visible(meta: str, shown: set[str] | Iterable[str], access_on: bool = False) -> bool:
    """Whether the trace or map layer ``meta`` is drawn when ``shown`` toggles are on.

    Access-time traces have their own switch (``access_on``), not a layer toggle.
    """
    if meta.split(":")[0] == access_times.LAYER_ID:
        return access_on
    return meta == ALWAYS_SHOWN or toggle_of(meta) in set(shown)


def toggle_of(meta: str) -> str:
    """The UI toggle controlling a trace or map layer, from its ``meta``."""
    if meta.startswith("partners:"):
        return meta
    base = meta.split(":")[0]
    return "epci" if base == "epci_outside" else base


def view_for_bounds(
    bounds: tuple[float, float, float, float], width: int = 760, height: int = 620
) -> tuple[dict, float]:
    """Centre and MapLibre zoom fitting ``bounds`` (west, south, east, north) in a viewport."""
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    x_frac = max(east - west, 1e-6) / 360
    y_frac = max(merc(north) - merc(south), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * x_frac), height / (512 * y_frac))) - 0.15
    centre = {"lon": (west + east) / 2, "lat": (south + north) / 2}
    return centre, round(zoom, 2)


def build_figure(
    dep,
    assets: MapAssets,
    state: ViewState,
    visible: Iterable[str] = DEFAULT_VISIBLE,
    map_style: str = "white-bg",
    access: AccessView | None = None,
) -> dict:
    """The whole figure of a département view, as a plain dict.

    ``access`` is the state's computed access view (``AccessService.view_for(state)``);
    without it the access-time traces are empty. The figure's ``layout.meta`` holds
    ``{"slots": [meta of trace 0, meta of trace 1, …]}`` so callbacks can find a layer's
    trace indices for partial updates.
    """
    shown = set(visible)
    data: list[dict] = []
    map_layers: list[dict] = []
    for module in LAYER_MODULES:
        drawn_traces = (
            access_times.traces(dep, assets, state, access)
            if module is access_times
            else module.traces(dep, assets, state)
        )
        for trace in drawn_traces:
            trace["visible"] = is_visible(trace["meta"], shown, state.access.enabled)
            data.append(trace)
        for layer in getattr(module, "map_layers", lambda *_: [])(dep, assets, state):
            layer["visible"] = is_visible(layer["meta"], shown)
            map_layers.append(layer)
    map_layers.append(
        line_layer(
            meta=ALWAYS_SHOWN, geojson=assets.outline_lines, colour=style.OUTLINE_LINE, width=2.5
        )
    )
    map_layers[-1]["visible"] = True
    layer_metas = [layer.pop("meta") for layer in map_layers]
    centre, zoom = view_for_bounds(assets.bounds)
    drawn = any(t["meta"] == access_times.LAYER_ID and t["locations"] for t in data)
    layout = {
        "map": {"style": map_style, "center": centre, "zoom": zoom, "layers": map_layers},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "showlegend": False,
        "uirevision": dep.code,
        "clickmode": "event",
        "hoverlabel": {"bgcolor": "white", "font": {"size": 14}},
        "meta": view_meta(
            dep, state, [t["meta"] for t in data], layer_metas, shown, map_style, drawn
        ),
        "paper_bgcolor": "white",
    }
    return {"data": data, "layout": layout}


def view_meta(
    dep,
    state: ViewState,
    trace_metas: list[str],
    layer_metas: list[str],
    shown: Iterable[str],
    map_style: str,
    access_drawn: bool = False,
) -> dict:
    """What a drawn figure shows: trace and map-layer slots, and the view parameters."""
    return {
        "slots": trace_metas,
        "layer_slots": layer_metas,
        "departement": dep.code,
        "scheme": state.scheme_id or dep.default_scheme,
        "axes": sorted(state.axes),
        "visible": sorted(shown),
        "benef": [state.beneficiaries_mode, state.beneficiaries_estimate],
        "click": state.click_level,
        "style": map_style,
        "access": access_meta(state, access_drawn),
    }


def access_meta(state: ViewState, drawn: bool = False) -> dict:
    """The access state a figure was drawn with (plain JSON values); ``drawn`` says whether
    the minutes layer holds the commune polygons (so later patches send values only)."""
    a = state.access
    return {
        "enabled": a.enabled,
        "drawn": drawn,
        "mode": a.mode,
        "engine": a.engine,
        "speed_kmh": a.speed_kmh,
        "detour": a.detour,
        "terminal_min": a.terminal_min,
        "threshold": a.threshold,
        "destinations": list(a.destinations),
        "day": a.day,
        "added": list(a.added),
        "removed": list(a.removed),
        "show": a.show,
    }


def slots(figure_meta: dict, layer_prefix: str) -> list[int]:
    """Indices of the traces whose meta is ``layer_prefix`` or starts with ``layer_prefix:``."""
    return [
        i
        for i, m in enumerate(figure_meta["slots"])
        if m == layer_prefix or m.startswith(f"{layer_prefix}:")
    ]


__all__ = ["LAYERS", "LAYER_MODULES", "MapAssets", "TOGGLES", "ViewState", "build_figure", "slots"]
