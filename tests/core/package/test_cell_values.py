"""Cell value helpers: commune code normalisation."""

from __future__ import annotations

import pytest

from core.package.values import normalize_code_insee


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
