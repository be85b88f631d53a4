"""The view state shared by every layer: what the user asked to see."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import terms
from core.access.params import DEFAULT_THRESHOLD_MIN

BENEFICIARY_MODES = terms.BENEFICIARY_MODES.codes
CLICK_LEVELS = terms.CLICK_LEVELS.codes


@dataclass(frozen=True)
class ViewState:
    """Parameters of one map view (plain values only, serialisable into a URL or a Store).

    Attributes
    ----------
    scheme_id
        Territorial scheme shown (``schemes.csv``); ``None`` = the département's default.
    axes
        Plan node_ids selected in the axe filter; empty = no filter.
    beneficiaries_mode
        ``"rate"`` (per 1,000 inhabitants) or ``"count"``.
    beneficiaries_estimate
        Show the labelled commune-level estimate (spread by population) instead of the
        observed level.
    click_level
        Which polygon layer answers hover and clicks.
    access
        Access-time parameters and what-if scenario (:class:`AccessState`).
    """

    scheme_id: str | None = None
    axes: tuple[str, ...] = field(default_factory=tuple)
    beneficiaries_mode: str = "rate"
    beneficiaries_estimate: bool = False
    click_level: str = "territory"
    access: AccessState = field(default_factory=lambda: AccessState())

    def __post_init__(self) -> None:
        if self.beneficiaries_mode not in BENEFICIARY_MODES:
            raise ValueError(f"beneficiaries_mode must be one of {BENEFICIARY_MODES}")
        if self.click_level not in CLICK_LEVELS:
            raise ValueError(f"click_level must be one of {CLICK_LEVELS}")


ACCESS_MODES = terms.TRAVEL_MODES.codes
ACCESS_ENGINES = terms.ENGINES.codes
ACCESS_SHOW = terms.ACCESS_SHOWS.codes
ACCESS_WEIGHTS = terms.SUGGESTION_WEIGHTS.codes


@dataclass(frozen=True)
class AccessState:
    """Access-time parameters and the what-if scenario (plain values, URL-serialisable).

    Attributes
    ----------
    enabled
        Whether the access-time layer and figures are shown.
    mode, engine
        Travel mode (``car``/``walk``/``bike``) and engine (straight line, road graph of the
        package, imported matrix of the package).
    speed_kmh, detour, terminal_min
        Straight-line parameters; ``None`` = the mode's sourced default.
    threshold
        Minutes beyond which a commune counts as far (France Services target: 30 by car).
    destinations
        Destination kinds: ``sites``, ``digital``, ``partners:<group>``.
    day
        0 = Monday … 6 = Sunday; ``None`` = any day.
    added
        Commune codes where a hypothetical site is placed (commune representative point).
    removed
        Destination ids taken out of the network.
    show
        ``minutes`` to the nearest destination, or ``difference`` with the current network.
    """

    enabled: bool = False
    mode: str = terms.TRAVEL_MODES.default
    engine: str = terms.ENGINES.default
    speed_kmh: float | None = None
    detour: float | None = None
    terminal_min: float | None = None
    threshold: float = float(DEFAULT_THRESHOLD_MIN)
    destinations: tuple[str, ...] = ("sites",)
    day: int | None = None
    added: tuple[str, ...] = field(default_factory=tuple)
    removed: tuple[str, ...] = field(default_factory=tuple)
    show: str = terms.ACCESS_SHOWS.default

    def __post_init__(self) -> None:
        if self.mode not in ACCESS_MODES:
            raise ValueError(f"mode must be one of {ACCESS_MODES}")
        if self.engine not in ACCESS_ENGINES:
            raise ValueError(f"engine must be one of {ACCESS_ENGINES}")
        if self.show not in ACCESS_SHOW:
            raise ValueError(f"show must be one of {ACCESS_SHOW}")

    @property
    def has_scenario(self) -> bool:
        return bool(self.added or self.removed)
