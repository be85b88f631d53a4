"""The one builder of view states from the screen's controls (one grouped dict of values).

Callbacks receive the control values grouped in a dict (Dash flexible callback signatures);
the keys are those of :data:`VIEW_KEYS` and :data:`ACCESS_KEYS`. A missing key takes the
default, so a callback only declares the controls it listens to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import terms
from viewstate.state import AccessState, ViewState
from viewstate.url import UrlView

#: Map controls (``ViewState`` fields and display choices), in screen order.
VIEW_KEYS = (
    "scheme",
    "axes",
    "layers",
    "beneficiaries_mode",
    "beneficiaries_estimate",
    "click_level",
    "map_style",
)
#: Access controls (``AccessState`` fields) and the what-if scenario store.
ACCESS_KEYS = (
    "access_on",
    "access_mode",
    "access_engine",
    "access_threshold",
    "access_dest",
    "access_day",
    "access_speed",
    "access_detour",
    "access_terminal",
    "access_show",
    "scenario",
)
Controls = Mapping[str, Any]


def _number(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _choice(value: Any, vocabulary: terms.Vocabulary) -> str:
    return value if value in vocabulary else vocabulary.default


def access_from_controls(controls: Controls) -> AccessState:
    """The :class:`AccessState` of the access controls (empty parameters = sourced defaults).

    Parameters
    ----------
    controls
        Grouped control values; keys from :data:`ACCESS_KEYS` (missing = default).
    """
    scenario = controls.get("scenario") or {}
    day = controls.get("access_day")
    return AccessState(
        enabled="on" in (controls.get("access_on") or ()),
        mode=_choice(controls.get("access_mode"), terms.TRAVEL_MODES),
        engine=_choice(controls.get("access_engine"), terms.ENGINES),
        speed_kmh=_number(controls.get("access_speed")),
        detour=_number(controls.get("access_detour")),
        terminal_min=_number(controls.get("access_terminal")),
        threshold=_number(controls.get("access_threshold")) or AccessState().threshold,
        destinations=tuple(controls.get("access_dest") or ()),
        day=None if day in (None, "any") else int(day),
        added=tuple(scenario.get("added", ())),
        removed=tuple(scenario.get("removed", ())),
        show=_choice(controls.get("access_show"), terms.ACCESS_SHOWS),
    )


def view_from_controls(controls: Controls, default_scheme: str | None = None) -> ViewState:
    """The :class:`ViewState` of the grouped control values.

    Parameters
    ----------
    controls
        Grouped control values; keys from :data:`VIEW_KEYS` and :data:`ACCESS_KEYS`
        (missing = default; no access key at all = access layer off).
    default_scheme
        Scheme used when the scheme control is empty.
    """
    has_access = any(key in controls for key in ACCESS_KEYS)
    return ViewState(
        scheme_id=controls.get("scheme") or default_scheme or None,
        axes=tuple(controls.get("axes") or ()),
        beneficiaries_mode=_choice(controls.get("beneficiaries_mode"), terms.BENEFICIARY_MODES),
        beneficiaries_estimate="estimate" in (controls.get("beneficiaries_estimate") or ()),
        click_level=_choice(controls.get("click_level"), terms.CLICK_LEVELS),
        access=access_from_controls(controls) if has_access else AccessState(),
    )


def url_view_from_controls(
    code: str | None, controls: Controls, selection: Mapping[str, Any] | None = None
) -> UrlView:
    """The :class:`UrlView` (what the address bar carries) of the controls and selection."""
    return UrlView(
        code=code,
        scheme=controls.get("scheme"),
        axes=tuple(controls.get("axes") or ()),
        access=access_from_controls(controls),
        layers=tuple(controls.get("layers") or ()),
        selection=(selection["type"], selection["code"]) if selection else None,
        beneficiaries_mode=_choice(controls.get("beneficiaries_mode"), terms.BENEFICIARY_MODES),
    )
