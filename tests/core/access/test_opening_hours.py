"""Opening days: which places are open on a given day."""

from __future__ import annotations

import pytest

from core.access.opening_hours import DAYS_FR, open_on, select_open

# --------------------------------------------------------------------------------------
# Opening days
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "week"),
    [
        ("Mo-Fr 09:00-12:00; Tu 14:00-17:00", "TTTTTFF"),
        ("Tu,Th 09:00-12:00", "FTFTFFF"),
        ("Mo-Sa", "TTTTTTF"),
        ("24/7", "TTTTTTT"),
        ("24/7; PH off", "TTTTTTT"),
        ("off", "FFFFFFF"),
        ("Mo-Fr 09:00-12:00; We off", "TTFTTFF"),
        ("Mo-Fr 08:00-12:00, Sa 10:00-12:00; PH off", "TTTTTTF"),
        ("Mo-Fr 09:00-12:00,14:00-17:00", "TTTTTFF"),
        ("Sa-Mo 10:00-12:00", "TFFFFTT"),
        ("09:00-18:00", "TTTTTTT"),
        ("We 14:00-17:00", "FFTFFFF"),
        ("", "???????"),
        (None, "???????"),
        (float("nan"), "???????"),
        ("PH off", "???????"),
        ("Lu-Ve 9h-12h", "???????"),
        ('Mo-Fr 09:00-12:00 "sur rendez-vous"', "???????"),
        ("Mo 25:00-26:00", "???????"),
        ("Jan-Mar Mo 10:00-12:00", "???????"),
    ],
)
def test_open_on(hours, week: str) -> None:
    expected = [{"T": True, "F": False, "?": None}[c] for c in week]
    assert [open_on(hours, d) for d in range(7)] == expected


def test_open_on_rejects_bad_day() -> None:
    with pytest.raises(ValueError):
        open_on("24/7", 7)
    assert DAYS_FR[0] == "lundi" and DAYS_FR[6] == "dimanche" and len(DAYS_FR) == 7


def test_select_open_keeps_unknown_and_reports_it() -> None:
    horaires = [
        "Mo-Fr 09:00-12:00",  # fixed, open Tuesday
        "We 09:00-12:00",  # fixed, closed Tuesday
        None,  # fixed, unknown
        "n'importe quoi",  # fixed, not understood
        "Tu 09:00-12:00",  # roving, present Tuesday
        "We 09:00-12:00",  # roving, absent Tuesday
        None,  # roving, unknown
        "24/7",  # roving, no day named: unknown
    ]
    itinerance = [
        "Fixe",
        None,
        float("nan"),
        "Fixe",
        "Itinérant",
        "Itinérant",
        "Itinérant",
        "Itinérant",
    ]
    keep, unknown = select_open(horaires, itinerance, 1)
    assert keep.tolist() == [True, False, True, True, True, False, True, True]
    assert unknown.tolist() == [False, False, True, True, False, False, True, True]
    assert int((keep & unknown).sum()) == 4
    keep_all, unknown_none = select_open(horaires, itinerance, None)
    assert keep_all.all() and not unknown_none.any()
    empty_keep, empty_unknown = select_open([], [], 3)
    assert len(empty_keep) == len(empty_unknown) == 0


# --------------------------------------------------------------------------------------
