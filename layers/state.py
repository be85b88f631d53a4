"""The view state shared by every layer: what the user asked to see."""

from __future__ import annotations

from dataclasses import dataclass, field

BENEFICIARY_MODES = ("rate", "count")
CLICK_LEVELS = ("territory", "epci", "commune")


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
    """

    scheme_id: str | None = None
    axes: tuple[str, ...] = field(default_factory=tuple)
    beneficiaries_mode: str = "rate"
    beneficiaries_estimate: bool = False
    click_level: str = "territory"

    def __post_init__(self) -> None:
        if self.beneficiaries_mode not in BENEFICIARY_MODES:
            raise ValueError(f"beneficiaries_mode must be one of {BENEFICIARY_MODES}")
        if self.click_level not in CLICK_LEVELS:
            raise ValueError(f"click_level must be one of {CLICK_LEVELS}")
