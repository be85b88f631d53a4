"""Which places are open on a given day (OpenStreetMap ``opening_hours`` subset)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from core import terms
from core.package.values import fold

# --------------------------------------------------------------------------------------
# Opening days
# --------------------------------------------------------------------------------------

#: French day names, Monday first (index = ``day`` argument).
DAYS_FR = terms.DAYS_FR
_OSM_DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_DAY = r"(?:mo|tu|we|th|fr|sa|su)"
_DAY_SPEC = rf"{_DAY}(?:\s*-\s*{_DAY})?"
_DAYS = rf"{_DAY_SPEC}(?:\s*,\s*{_DAY_SPEC})*"
_TIME = r"\d{1,2}:\d{2}"
_SPAN = rf"{_TIME}\s*-\s*{_TIME}\+?"
_SPANS = rf"{_SPAN}(?:\s*,\s*{_SPAN})*"
_RULE_RE = re.compile(rf"(?P<days>{_DAYS})?\s*(?P<what>{_SPANS}|off|closed|open)?", re.IGNORECASE)
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
# A comma after a time span or "off" followed by a day starts an additional rule.
_ADDITIONAL_RE = re.compile(
    r"(?<=[0-9fdn+])\s*,\s*(?=(?:mo|tu|we|th|fr|sa|su|ph)\b)", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def _parse_hours(text: str) -> tuple[tuple[bool, bool], ...] | None:
    """Per day (Monday first): (open, named by an explicit day selector), or None.

    Understands a subset of OpenStreetMap ``opening_hours``: rules separated by ``;``
    (a later rule overrides the days it names), additional rules after ``,``, day lists
    and ranges (``Mo-Fr``, ``Tu,Th``, ``Sa-Mo``), time spans, ``off``/``closed``,
    ``24/7``; ``PH`` (public holiday) rules are ignored. Anything else → None.
    """
    state = [False] * 7
    named = [False] * 7
    understood = False
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        for j, rule in enumerate(_ADDITIONAL_RE.split(part)):
            rule = rule.strip()
            if re.match(r"ph\b", rule, re.IGNORECASE):
                continue
            if rule == "24/7":
                days, explicit, is_open = list(range(7)), False, True
            else:
                m = _RULE_RE.fullmatch(rule)
                if m is None or not rule or not (m["days"] or m["what"]):
                    return None
                for h, mi in _TIME_RE.findall(m["what"] or ""):
                    if int(h) > 24 or int(mi) > 59:
                        return None
                explicit = bool(m["days"])
                days = _expand_days(m["days"]) if explicit else list(range(7))
                is_open = (m["what"] or "").lower() not in ("off", "closed")
            understood = True
            for d in days:
                state[d] = (state[d] or is_open) if j > 0 else is_open
                if explicit and is_open:
                    named[d] = True
                elif not state[d]:
                    named[d] = False
    if not understood:
        return None
    return tuple(zip(state, named, strict=True))


def _expand_days(spec: str) -> list[int]:
    days: list[int] = []
    for item in spec.split(","):
        ends = [_OSM_DAYS.index(e.strip().lower()) for e in item.split("-")]
        if len(ends) == 1:
            days.append(ends[0])
        else:
            a, b = ends
            days.extend((a + k) % 7 for k in range((b - a) % 7 + 1))
    return days


def _text(value: object) -> str | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _check_day(day: int) -> None:
    if isinstance(day, bool) or not isinstance(day, int | np.integer) or not 0 <= day <= 6:
        raise ValueError(f"day must be an integer from 0 (Monday) to 6 (Sunday), got {day!r}")


def open_on(horaires: str | None, day: int) -> bool | None:
    """Whether OSM ``opening_hours`` say the place is open on ``day``.

    Parameters
    ----------
    horaires : str or None
        E.g. ``"Mo-Fr 09:00-12:00; Tu 14:00-17:00"``, ``"Tu,Th 09:00-12:00"``, ``"24/7"``.
    day : int
        0 = Monday … 6 = Sunday (:data:`DAYS_FR`).

    Returns
    -------
    bool or None
        None when the hours are empty or not understood (the place's opening that day is
        unknown); False for a day no rule opens (or a rule closes).
    """
    _check_day(day)
    text = _text(horaires)
    if text is None:
        return None
    parsed = _parse_hours(text)
    return None if parsed is None else parsed[day][0]


def select_open(
    horaires: Sequence[object], itinerance: Sequence[object], day: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Places to keep on a given day, never dropping a place whose hours are unknown.

    Parameters
    ----------
    horaires : sequence
        OSM ``opening_hours`` per place (None/NaN/empty = unknown).
    itinerance : sequence
        ``Fixe`` / ``Itinérant`` per place (None = fixed).
    day : int or None
        0 = Monday … 6 = Sunday; None keeps every place.

    Returns
    -------
    keep, unknown : numpy.ndarray of bool
        ``keep``: open that day, or unknown. ``unknown``: kept although the hours do not
        say (report them). A fixed place is known to be open when its hours open that day,
        known closed when they do not. An itinerant place is known to be present only when
        its hours name that day explicitly (``Tu 09:00-12:00``); hours without a day
        (``24/7``, ``09:00-12:00``) or not understood leave it unknown and kept; hours that
        do not open that day drop it.
    """
    n = len(horaires)
    if len(itinerance) != n:
        raise ValueError("horaires and itinerance must have the same length")
    keep = np.ones(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    if day is None:
        return keep, unknown
    _check_day(day)
    for i, (h, it) in enumerate(zip(horaires, itinerance, strict=True)):
        text = _text(h)
        parsed = None if text is None else _parse_hours(text)
        roving = "itinerant" in fold(_text(it) or "")
        if parsed is None:
            unknown[i] = True
            continue
        is_open, named = parsed[day]
        if not is_open:
            keep[i] = False
        elif roving and not named:
            unknown[i] = True
    return keep, unknown
