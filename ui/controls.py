"""The screen's controls as grouped Dash dependencies, declared once for every callback.

Each key is a key of :mod:`viewstate.controls` (``scheme``, ``access_mode``…), so a
callback's grouped ``controls`` dict goes straight to ``view_from_controls``.
"""

from __future__ import annotations

from dash import Input, State

from ui import ids
from viewstate.controls import ACCESS_KEYS, VIEW_KEYS

#: ``key`` → (component id, property) of every control.
CONTROL_PROPS: dict[str, tuple[str, str]] = {
    "scheme": (ids.SCHEME, "value"),
    "axes": (ids.AXES, "value"),
    "layers": (ids.LAYERS, "value"),
    "beneficiaries_mode": (ids.BENEFICIARIES_MODE, "value"),
    "beneficiaries_estimate": (ids.BENEFICIARIES_ESTIMATE, "value"),
    "click_level": (ids.CLICK_LEVEL, "value"),
    "map_style": (ids.MAP_STYLE, "value"),
    "access_on": (ids.ACCESS_ON, "value"),
    "access_mode": (ids.ACCESS_MODE, "value"),
    "access_engine": (ids.ACCESS_ENGINE, "value"),
    "access_threshold": (ids.ACCESS_THRESHOLD, "value"),
    "access_dest": (ids.ACCESS_DEST, "value"),
    "access_day": (ids.ACCESS_DAY, "value"),
    "access_speed": (ids.ACCESS_SPEED, "value"),
    "access_detour": (ids.ACCESS_DETOUR, "value"),
    "access_terminal": (ids.ACCESS_TERMINAL, "value"),
    "access_show": (ids.ACCESS_SHOW, "value"),
    "scenario": (ids.ACCESS_SCENARIO, "data"),
}
assert set(CONTROL_PROPS) == {*VIEW_KEYS, *ACCESS_KEYS}

#: Access parameters without the scenario store (what a new département keeps).
ACCESS_PARAMS = tuple(key for key in ACCESS_KEYS if key != "scenario")


def inputs(*keys: str) -> dict[str, Input]:
    """Grouped ``Input`` dependencies of the controls ``keys``."""
    return {key: Input(*CONTROL_PROPS[key]) for key in keys}


def states(*keys: str) -> dict[str, State]:
    """Grouped ``State`` dependencies of the controls ``keys``."""
    return {key: State(*CONTROL_PROPS[key]) for key in keys}
