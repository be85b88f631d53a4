"""Beneficiary indicators and commune estimates (secrecy applied)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from core.indicators import (
    BY_UNIT_COLUMNS,
    ESTIMATE_COLUMNS,
    _largest_remainder,
    beneficiaries_by_unit,
    estimate_commune_counts,
    unit_population,
)
from core.package import Department
from tests.core.package_fixture import BENEFICIARIES_CSV, edit


def _row(frame: pd.DataFrame, level: str, code: str) -> pd.Series:
    rows = frame.loc[(frame["level"] == level) & (frame["code"] == code)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_unit_population(dep: Department) -> None:
    assert unit_population(dep, "departement", "03") == 10000
    assert unit_population(dep, "territory", "N", "mds") == 3000
    assert unit_population(dep, "territory", "Z1", "zones") == 10000
    assert unit_population(dep, "territory", "Z2", "zones") is None  # unknown perimeter
    assert unit_population(dep, "epci", "200000001") == 3000
    # EPCI crossing the border: its communes in the département (counts are the département's).
    assert unit_population(dep, "epci", "200000002") == 7000
    assert unit_population(dep, "commune", "03190") == 4000
    assert unit_population(dep, "commune", "99999") is None
    with pytest.raises(ValueError):
        unit_population(dep, "canton", "1")


def test_beneficiaries_by_unit(dep: Department) -> None:
    out = beneficiaries_by_unit(dep)
    assert list(out.columns) == BY_UNIT_COLUMNS
    assert len(out) == 6
    assert out["count"].dtype == "Int64" and out["per_1000"].dtype == "Float64"
    d = _row(out, "departement", "03")
    assert (d["count"], d["population"], d["per_1000"]) == (500, 10000, 50.0)
    assert d["name"] == "Allier" and d["year"] == "2023"
    assert d["source_title"] == "Conseil départemental, PDI de test (2024)"
    n = _row(out, "territory", "N")
    assert (n["count"], n["population"], n["per_1000"]) == (120, 3000, 40.0)
    assert not n["approximate"] and not n["suppressed"]
    e = _row(out, "epci", "200000001")
    assert e["per_1000"] == pytest.approx(100 / 3000 * 1000)
    assert e["estimated"]
    z2 = _row(out, "territory", "Z2")
    assert pd.isna(z2["population"]) and pd.isna(z2["per_1000"]) and z2["count"] == 40
    assert z2["perimeter_status"] == "unknown"


def test_beneficiaries_by_unit_applies_secrecy(dep: Department) -> None:
    out = beneficiaries_by_unit(dep)
    s = _row(out, "territory", "S")  # 7 < 11
    assert pd.isna(s["count"]) and s["suppressed"] and pd.isna(s["per_1000"])
    c = _row(out, "commune", "03001")  # 5 < 11
    assert pd.isna(c["count"]) and c["suppressed"]
    assert 7 not in out["count"].dropna().tolist() and 5 not in out["count"].dropna().tolist()
    # The threshold comes from the package.
    lax = dataclasses.replace(dep, secrecy_threshold=5)
    assert _row(beneficiaries_by_unit(lax), "commune", "03001")["count"] == 5


def test_beneficiaries_by_unit_flags_approximate_perimeters(load) -> None:  # noqa: ANN001
    extra = "territory,zones,Z1,rsa,Allocataires RSA,2023,480,false,,seed,l.66\n"
    dep = load({"beneficiaries.csv": BENEFICIARIES_CSV + extra})
    z1 = _row(beneficiaries_by_unit(dep), "territory", "Z1")
    assert z1["approximate"] and z1["population"] == 10000 and z1["per_1000"] == 48.0


def test_beneficiaries_by_unit_one_indicator(dep: Department) -> None:
    assert len(beneficiaries_by_unit(dep, "rsa")) == 6
    none = beneficiaries_by_unit(dep, "autre")
    assert none.empty and list(none.columns) == BY_UNIT_COLUMNS


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (120, [1000, 2000], [40, 80]),
        (7, [3000, 4000], [3, 4]),
        (10, [1, 1, 1], [4, 3, 3]),
        (101, [1000, 2000], [34, 67]),
        (5, [0, 0], [3, 2]),  # no population: equal shares
        (0, [1, 2], [0, 0]),
    ],
)
def test_largest_remainder_preserves_total(
    total: int, weights: list[int], expected: list[int]
) -> None:
    parts = _largest_remainder(total, np.asarray(weights, dtype=float))
    assert parts.tolist() == expected
    assert parts.sum() == total


def test_estimate_commune_counts_preserves_territory_totals(load) -> None:  # noqa: ANN001
    text = edit(BENEFICIARIES_CSV, "2023,120,false", "2023,1001,false")
    dep = load({"beneficiaries.csv": text})
    raw = estimate_commune_counts(dep, "rsa", 2023, apply_secrecy=False)
    assert list(raw.columns) == ESTIMATE_COLUMNS
    assert raw["code_insee"].tolist() == ["03001", "03002", "03185", "03190"]
    totals = raw.groupby("territory_id")["count"].sum().to_dict()
    assert totals == {"N": 1001, "S": 7}
    assert raw["estimated"].all() and not raw["suppressed"].any()
    assert raw["scheme_id"].unique().tolist() == ["mds"]  # the default scheme


def test_estimate_commune_counts_suppresses_after_spreading(load) -> None:  # noqa: ANN001
    text = edit(BENEFICIARIES_CSV, "2023,120,false", "2023,30,false")
    dep = load({"beneficiaries.csv": text})
    out = estimate_commune_counts(dep, "rsa", "2023").set_index("code_insee")
    # N = 30 spread 1:2 → 10 (hidden) and 20 (shown); S = 7 → 3 and 4, both hidden.
    assert out["count"].isna().to_dict() == {
        "03001": True,
        "03002": False,
        "03185": True,
        "03190": True,
    }
    assert out.loc["03002", "count"] == 20
    assert out["suppressed"].to_dict() == {
        "03001": True,
        "03002": False,
        "03185": True,
        "03190": True,
    }
    assert out["count"].dtype == "Int64"


def test_estimate_commune_counts_says_how(dep: Department) -> None:
    out = estimate_commune_counts(dep, "rsa", 2023)
    note = out.set_index("code_insee").loc["03001", "method_fr"]
    assert note.startswith("Estimation : effectif du territoire « MDS Nord » (2023")
    assert "réparti entre ses 2 communes au prorata de leur population (INSEE, 2023)" in note
    assert "pas un effectif communal observé" in note
    assert out["source_ref"].tolist() == ["l.61", "l.61", "l.62", "l.62"]
    assert not out["approximate"].any()


def test_estimate_commune_counts_without_known_perimeter(dep: Department) -> None:
    out = estimate_commune_counts(dep, "rsa", 2023, scheme_id="zones")  # only Z2, no communes
    assert out.empty and list(out.columns) == ESTIMATE_COLUMNS
    assert estimate_commune_counts(dep, "rsa", 1999).empty
    assert estimate_commune_counts(dep, "autre", 2023).empty
