"""Small-count suppression."""

from __future__ import annotations

import pandas as pd
import pytest

from core.secrecy import SECRECY_LABEL_FR, format_count, format_counts, is_suppressed, suppress


def test_label() -> None:
    assert SECRECY_LABEL_FR == "< seuil (secret statistique)"


def test_suppress_hides_counts_strictly_below_threshold() -> None:
    values = pd.Series([0, 5, 10, 11, 250, None], index=list("abcdef"), dtype="Int64")
    out = suppress(values, 11)
    assert out.dtype == "Int64"
    assert list(out.index) == list("abcdef")
    assert out.isna().tolist() == [True, True, True, False, False, True]
    assert out["d"] == 11 and out["e"] == 250
    assert values.notna().sum() == 5  # input untouched


def test_suppress_accepts_plain_integer_series() -> None:
    out = suppress(pd.Series([3, 30]), 11)
    assert out.dtype == "Int64"
    assert out.isna().tolist() == [True, False]


def test_suppress_keeps_non_integral_values_nullable_float() -> None:
    out = suppress(pd.Series([2.5, 12.5]), 11)
    assert out.dtype == "Float64"
    assert out.isna().tolist() == [True, False]


def test_is_suppressed_distinguishes_hidden_from_unknown() -> None:
    values = pd.Series([5, 11, None], dtype="Int64")
    assert is_suppressed(values, 11).tolist() == [True, False, False]
    assert is_suppressed(values, 11).dtype == bool


def test_zero_threshold_hides_nothing() -> None:
    assert suppress(pd.Series([0, 1]), 0).tolist() == [0, 1]


@pytest.mark.parametrize("threshold", [-1, 2.5, True])
def test_invalid_threshold(threshold: object) -> None:
    with pytest.raises(ValueError):
        suppress(pd.Series([1]), threshold)  # type: ignore[arg-type]


def test_boolean_counts_are_refused() -> None:
    with pytest.raises(TypeError):
        suppress(pd.Series([True, False]), 11)


def test_format_counts_in_french() -> None:
    values = pd.Series([3, 1234, None], dtype="Int64")
    assert format_counts(values, 11).tolist() == [SECRECY_LABEL_FR, "1\u202f234", "inconnu"]
    assert format_count(12.5) == "12,5"
    assert format_count(7, suppressed=True) == SECRECY_LABEL_FR
