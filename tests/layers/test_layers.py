"""One test per layer, over every bundled département: traces are valid Plotly and honest."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from layers import DEFAULT_VISIBLE, LAYER_MODULES, TOGGLES, ViewState, build_figure, slots

#: Communes of each bundled département.
from tests.expected import EXPECTED_COMMUNES  # noqa: E402

CODES = sorted(EXPECTED_COMMUNES)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("module", LAYER_MODULES, ids=lambda m: m.LAYER_ID)
def test_layer_traces_are_valid_plotly(reg, code, module):
    entry = reg.get(code)
    state = ViewState(scheme_id=entry.dep.default_scheme)
    traces = module.traces(entry.dep, entry.assets, state)
    assert traces, "a layer always yields at least one trace (stable trace slots)"
    for trace in traces:
        assert trace["meta"].split(":")[0] in (module.LAYER_ID, "epci_outside")
        go.Figure(data=[trace])  # raises on any invalid property
        if trace["type"] == "choroplethmap" and trace["locations"]:
            ids = {f["id"] for f in trace["geojson"]["features"]}
            assert set(trace["locations"]) <= ids, "every location has a geometry"


@pytest.mark.parametrize("code", CODES)
def test_whole_figure_is_valid_plotly(reg, code):
    entry = reg.get(code)
    go.Figure(build_figure(entry.dep, entry.assets, ViewState()))


@pytest.mark.parametrize("code", CODES)
def test_commune_polygons_are_sent_only_for_commune_clicks(reg, code):
    entry = reg.get(code)
    fig = build_figure(entry.dep, entry.assets, ViewState())
    (i,) = slots(fig["layout"]["meta"], "communes")
    assert fig["data"][i]["locations"] == []
    assert fig["data"][i]["geojson"]["features"] == []
    (j,) = [k for k, m in enumerate(fig["layout"]["meta"]["layer_slots"]) if m == "communes"]
    assert fig["layout"]["map"]["layers"][j]["source"]["features"], "outlines are drawn"
    fig = build_figure(entry.dep, entry.assets, ViewState(click_level="commune"))
    assert len(fig["data"][i]["locations"]) == EXPECTED_COMMUNES[code]
    assert len(entry.assets.communes["features"]) == EXPECTED_COMMUNES[code]


def test_commune_outlines_write_each_border_once(reg):
    import orjson
    import shapely

    entry = reg.get("41")

    def geometry(fc):
        return shapely.from_geojson(orjson.dumps(fc["features"][0]["geometry"]))

    inner, border = geometry(entry.assets.commune_lines), geometry(entry.assets.outline_lines)
    polygons = shapely.get_num_coordinates(entry.dep.communes.geometry.values).sum()
    assert shapely.get_num_coordinates(inner) < 0.6 * polygons
    every_edge = shapely.union_all(shapely.boundary(entry.dep.communes.geometry.values)).length
    assert inner.length + border.length == pytest.approx(every_edge, rel=0.01)
    assert shapely.intersection(inner, border.buffer(1e-7)).length < 0.01 * border.length


def test_loir_et_cher_epci_and_mdcs(reg):
    entry = reg.get("41")
    fig = build_figure(
        entry.dep, entry.assets, ViewState(scheme_id="mdcs_2019", click_level="epci")
    )
    meta = fig["layout"]["meta"]
    assert len(fig["data"][slots(meta, "epci")[0]]["locations"]) == 12
    territories = fig["data"][slots(meta, "territories")[0]]
    assert len(territories["locations"]) == 5
    assert all("approximatif" in t for t in territories["text"])


def test_visibility_follows_toggles(reg):
    entry = reg.get("41")
    fig = build_figure(entry.dep, entry.assets, ViewState(), visible=["epci"])
    shown = {t["meta"] for t in fig["data"] if t["visible"]}
    assert shown == {"epci:click", "epci_outside"}
    layers = fig["layout"]["map"]["layers"]
    assert [layer["visible"] for layer in layers] == [
        m in ("epci", "outline") for m in fig["layout"]["meta"]["layer_slots"]
    ]
    assert set(DEFAULT_VISIBLE) <= set(TOGGLES)


def test_partner_filter_by_axe_reduces_markers(reg):
    entry = reg.get("41")
    dep = entry.dep
    all_fig = build_figure(dep, entry.assets, ViewState())
    axes = tuple(dep.plan.loc[dep.plan["level"] == dep.axe_level, "node_id"])
    counts = []
    for axe in axes:
        fig = build_figure(dep, entry.assets, ViewState(axes=(axe,)))
        counts.append(
            sum(len(fig["data"][i]["lon"]) for i in slots(fig["layout"]["meta"], "partners"))
        )
    total = sum(
        len(all_fig["data"][i]["lon"]) for i in slots(all_fig["layout"]["meta"], "partners")
    )
    assert total > 0
    assert min(counts) < total, "some axe must hide some partners"


def test_points_with_commune_precision_are_flagged(reg):
    for code in CODES:
        entry = reg.get(code)
        for module_id in ("sites", "digital_points"):
            module = next(m for m in LAYER_MODULES if m.LAYER_ID == module_id)
            (trace,) = module.traces(entry.dep, entry.assets, ViewState())
            frame = module.frame(entry.dep, ViewState())
            for text, precision in zip(trace["text"], frame["precision"], strict=True):
                if precision == "commune":
                    assert "approximative" in text


def test_beneficiaries_never_show_small_counts(reg):
    from layers import beneficiaries

    for code in CODES:
        dep = reg.get(code).dep
        for estimate in (False, True):
            frame = beneficiaries.frame(dep, ViewState(beneficiaries_estimate=estimate))
            if frame.empty:
                continue
            counts = frame["count"].dropna()
            assert (counts >= dep.secrecy_threshold).all()


def test_loir_et_cher_beneficiaries_rate_is_flagged_approximate(reg):
    from layers import beneficiaries

    entry = reg.get("41")
    state = ViewState(scheme_id="mdcs_2019")
    frame = beneficiaries.frame(entry.dep, state)
    assert set(frame["level"]) == {"territory"}
    assert int(frame["count"].sum()) == 3337 + 1550 + 993 + 1902 + 1512
    assert frame["approximate"].all()
    assert "approximatif" in beneficiaries.caption(entry.dep, state)
    (trace,) = beneficiaries.traces(entry.dep, entry.assets, state)
    assert len(trace["z"]) == 5 and all(z > 0 for z in trace["z"])
