"""Presentation slides: the drawn territories of a scheme, or the EPCI when none is drawn."""

from __future__ import annotations

from callbacks.presentation import slides


def test_slides_follow_the_scheme_territories_in_package_order(reg):
    dep = reg.get("41").dep
    items = slides(dep, "mdcs_2019")
    names = list(dep.territories.loc[dep.territories["scheme_id"] == "mdcs_2019", "name"])
    assert [s["title"] for s in items] == names
    assert len(items) == 5
    first = items[0]
    codes = dep.territories.loc[dep.territories["scheme_id"] == "mdcs_2019", "territory_id"]
    assert first["selection"] == {"type": "territory", "code": codes.iloc[0], "scheme": "mdcs_2019"}
    west, south, east, north = first["bounds"]
    d_west, d_south, d_east, d_north = dep.outline.total_bounds
    assert d_west - 1e-6 <= west < east <= d_east + 1e-6
    assert d_south - 1e-6 <= south < north <= d_north + 1e-6


def test_unknown_perimeters_fall_back_to_epci(reg):
    dep = reg.get("45").dep
    items = slides(dep, dep.default_scheme)
    assert len(items) == len(dep.epci)
    assert all(s["selection"]["type"] == "epci" for s in items)
    assert "périmètres du découpage inconnus" in items[0]["title"]
