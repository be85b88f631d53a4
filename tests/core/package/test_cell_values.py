"""Cell value helpers: commune code normalisation."""

from __future__ import annotations

import pytest

from core.package.values import grouping_problem, normalize_code_insee


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03185", ("03185", "ok")),
        (" 03185 ", ("03185", "ok")),
        ("3185", ("03185", "padded")),
        ("3185.0", ("03185", "padded")),
        ("2A004", ("2A004", "ok")),
        ("2b033", ("2B033", "padded")),
        ("97411", ("97411", "ok")),
        ("318", ("318", "malformed")),
        ("031850", ("031850", "malformed")),
        ("2C004", ("2C004", "malformed")),
        ("abcde", ("abcde", "malformed")),
    ],
)
def test_normalize_code_insee(raw: str, expected: tuple[str, str]) -> None:
    assert normalize_code_insee(raw) == expected


@pytest.mark.parametrize(
    ("raw", "integer", "fragments"),
    [
        ("1.000", True, ("« 1.000 » ambiguë : 1000 ou 1 ?", "écrivez 1000 ou 1")),
        ("3.337", True, ("3337 ou 3.337 ?", "écrivez 3337 (un nombre entier est attendu)")),
        ("1,000", True, ("1000 ou 1 ?",)),
        ("-12,500", True, ("-12500 ou -12.5",)),
        ("1.234.567", True, ("séparateurs de milliers « . »", "écrivez 1234567")),
        ("1,000", False, ("1000 ou 1.000 ?",)),
        ("1.000.000", False, ("écrivez 1000000",)),
    ],
)
def test_ambiguous_thousands_separators(raw: str, integer: bool, fragments: tuple) -> None:
    problem = grouping_problem(raw, integer)
    assert problem is not None
    text = " ".join(problem)
    for f in fragments:
        assert f in text, text


@pytest.mark.parametrize(
    ("raw", "integer"),
    [
        ("1000", True),
        ("12", True),
        ("1.0", True),  # not grouped by three: left to the integer check
        ("3.337", False),  # the point is the decimal separator of float columns
        ("46.450", False),
        ("1,5", False),
        ("12.5", False),
        ("1 000", True),  # refused by the integer check (no space allowed), not here
    ],
)
def test_unambiguous_numbers(raw: str, integer: bool) -> None:
    assert grouping_problem(raw, integer) is None
