"""Access times in the app: map traces, partial updates, what-if clicks, figures,
suggestions, and the road / imported-matrix engines read from a département package."""

from __future__ import annotations

import dataclasses

import numpy as np
import orjson
import plotly
import pytest
from dash import html
from dash.development.base_component import Component

from callbacks.access import scenario_after_click
from callbacks.map_figure import view_patch
from core.access.unit_figures import units_of
from core.secrecy import SECRECY_LABEL_FR
from layers import DEFAULT_VISIBLE, ViewState, build_figure, slots
from layers import access_times as at
from layers.formatting import fmt_count, fmt_float, fmt_int
from tests.layers.access_cases import mds_sites, straight_minutes, text_of
from ui import access_panels
from viewstate.state import AccessState

ACCESS_METAS = ["access", "access:destinations", "access:added", "access:removed"]


# ---- helpers -------------------------------------------------------------------------


def _find(node, kind) -> list:
    """Every component of type ``kind`` in a tree, in document order."""
    out = []
    if isinstance(node, list | tuple):
        for n in node:
            out += _find(n, kind)
    elif isinstance(node, Component):
        if isinstance(node, kind):
            out.append(node)
        out += _find(getattr(node, "children", None), kind)
    return out


def _patch_json(patch) -> bytes:
    return orjson.dumps(patch.to_plotly_json(), default=plotly.utils.PlotlyJSONEncoder().default)


def _ops(patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def _keys(ops, index: int) -> set[str]:
    """Trace keys a Patch assigns on trace ``index``."""
    return {
        op["location"][2]
        for op in ops
        if op["location"][:2] == ["data", index] and len(op["location"]) == 3
    }


def _value(ops, index: int, key: str):
    (value,) = [op["params"]["value"] for op in ops if op["location"] == ["data", index, key]]
    return value


def _patch(entry, meta, access: AccessState, scheme: str | None = None):
    state = ViewState(scheme_id=scheme or meta["scheme"], axes=tuple(meta["axes"]), access=access)
    return view_patch(entry, meta, state, list(meta["visible"]), "white-bg")


@pytest.fixture(scope="module")
def e41(reg):
    return reg.get("41")


@pytest.fixture(scope="module")
def off_meta(e41):
    return build_figure(e41.dep, e41.assets, ViewState(), DEFAULT_VISIBLE)["layout"]["meta"]


# ---- figure --------------------------------------------------------------------------


def test_access_traces_exist_hidden_and_empty_when_off(e41, off_meta):
    fig = build_figure(e41.dep, e41.assets, ViewState(), DEFAULT_VISIBLE)
    idx = slots(off_meta, "access")
    assert [off_meta["slots"][i] for i in idx] == ACCESS_METAS
    assert idx == list(range(idx[0], idx[0] + 4)), "fixed, contiguous slots"
    choro, *markers = (fig["data"][i] for i in idx)
    assert choro["type"] == "choroplethmap"
    assert choro["geojson"]["features"] == []
    assert choro["locations"] == [] and choro["z"] == []
    for trace in (choro, *markers):
        assert trace["visible"] is False
    for m in markers:
        assert m["type"] == "scattermap"
        assert m["lon"] == [] and m["lat"] == [] and m["customdata"] == []
    assert off_meta["access"]["enabled"] is False


def test_access_layer_on_draws_every_commune(e41):
    dep = e41.dep
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True))
    fig = build_figure(dep, e41.assets, state, DEFAULT_VISIBLE, access=e41.access.view_for(state))
    meta = fig["layout"]["meta"]
    choro, dests, added, removed = (fig["data"][i] for i in slots(meta, "access"))
    assert all(t["visible"] is True for t in (choro, dests, added, removed))
    assert len(choro["locations"]) == 267
    assert choro["locations"] == list(dep.communes["code_insee"])
    features = choro["geojson"]["features"]
    assert len(features) == 267
    assert {f["id"] for f in features} == set(choro["locations"])
    # Destination markers: the 12 MDS of the 2024 scheme, clickable by prefixed id.
    assert len(dests["lon"]) == 12
    assert {c[1] for c in dests["customdata"]} == {f"sites:{s}" for s in mds_sites(dep)["site_id"]}
    assert added["lon"] == [] and removed["lon"] == []

    # Hover: nearest site and minutes, computed here independently.
    sites = mds_sites(dep)
    minutes = straight_minutes(dep, sites)
    nearest = minutes.argmin(axis=1)
    best = minutes.min(axis=1)
    names = dep.communes["nom"].to_numpy()
    for i in range(len(names)):
        text = choro["text"][i]
        assert text.startswith(f"<b>{names[i]}</b><br>")
        assert f"{fmt_float(best[i], 0)} min vers {sites['name'][nearest[i]]}" in text
        assert ("au-delà du seuil de 30 min" in text) == (best[i] > 30)
    blois = list(choro["locations"]).index("41018")
    assert "0 min vers MDS de Blois" in choro["text"][blois]
    np.testing.assert_allclose(choro["z"], np.round(best, 1), atol=0.051)
    assert choro["zmax"] == 60


def test_minutes_are_capped_at_twice_the_threshold(e41):
    dep = e41.dep
    svc = e41.access
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, threshold=10))
    fields = at.choropleth_fields(state, svc.view_for(state))
    best = straight_minutes(dep, mds_sites(dep)).min(axis=1)
    assert (best > 20).sum() > 10, "the case must exercise the cap"
    assert fields["zmax"] == 20
    assert max(fields["z"]) == 20
    np.testing.assert_allclose(fields["z"], np.minimum(np.round(best, 1), 20), atol=0.051)
    far = int(best.argmax())
    assert fields["z"][far] == 20
    assert f"{fmt_float(best[far], 0)} min vers" in fields["text"][far], "hover keeps the truth"
    assert "au-delà du seuil de 10 min" in fields["text"][far]


# ---- partial updates -----------------------------------------------------------------


def test_switching_access_on_sends_the_commune_polygons_once(e41, off_meta):
    choro = slots(off_meta, "access")[0]
    patch, meta_on = _patch(e41, off_meta, AccessState(enabled=True), "mds_2024")
    ops = _ops(patch)
    geojson = _value(ops, choro, "geojson")
    assert len(geojson["features"]) == 267
    assert len(_value(ops, choro, "locations")) == 267
    assert _value(ops, choro, "visible") is True
    assert meta_on["access"]["enabled"] is True

    # Then: threshold, scenario, mode… travel as values only, never the polygons again.
    for access in (
        AccessState(enabled=True, threshold=20),
        AccessState(enabled=True, added=("41251",)),
        AccessState(enabled=True, removed=("sites:mds_mer",)),
        AccessState(enabled=True, mode="bike"),
    ):
        patch, new = _patch(e41, meta_on, access)
        ops = _ops(patch)
        keys = _keys(ops, choro)
        assert "geojson" not in keys, access
        assert {"z", "text"} <= keys, access
        assert all(op["location"][2] != "geojson" for op in ops), "no polygons at all"
        assert new["access"]["enabled"] is True
        assert len(_patch_json(patch)) < 100_000, "values only, no polygons"

    # No change at all: no operation.
    patch, new = _patch(e41, meta_on, AccessState(enabled=True))
    assert _ops(patch) == []
    assert new == meta_on


def test_switching_access_off_empties_and_hides_the_layer(e41, off_meta):
    choro = slots(off_meta, "access")[0]
    _, meta_on = _patch(e41, off_meta, AccessState(enabled=True), "mds_2024")
    patch, meta_off = _patch(e41, meta_on, AccessState(enabled=False))
    ops = _ops(patch)
    for i in slots(off_meta, "access"):
        assert _value(ops, i, "visible") is False
    assert _value(ops, choro, "locations") == []
    assert _value(ops, choro, "geojson")["features"] == []
    # Switching on again sends the polygons again (they were emptied).
    patch, _ = _patch(e41, meta_off, AccessState(enabled=True))
    assert len(_value(_ops(patch), choro, "geojson")["features"]) == 267


def test_added_site_patch_lowers_minutes_to_the_terminal_time(e41, off_meta):
    dep = e41.dep
    svc = e41.access
    choro = slots(off_meta, "access")[0]
    base = AccessState(enabled=True, terminal_min=5.0)
    _, meta_on = _patch(e41, off_meta, base, "mds_2024")
    before = svc.view("mds_2024", (), base).after.minutes
    i = int(before.argmax())
    code = dep.communes["code_insee"].iloc[i]
    assert before[i] > 30, "the commune farthest from every MDS"
    scenario = dataclasses.replace(base, added=(code,))
    patch, new = _patch(e41, meta_on, scenario)
    assert new["access"]["added"] == [code]
    ops = _ops(patch)
    z = np.asarray(_value(ops, choro, "z"))
    assert z[i] == 5.0
    after = svc.view("mds_2024", (), scenario).after.minutes
    assert after[i] == pytest.approx(5.0)
    assert (after <= before + 1e-9).all(), "adding a site never lengthens a trip"
    assert (after < before - 1e-9).sum() >= 2, "neighbours gain too"
    np.testing.assert_allclose(z, np.minimum(np.round(after, 1), 60), atol=0.051)
    # The hypothetical site is drawn at the commune's representative point.
    (added_slot,) = slots(off_meta, "access:added")
    assert _value(ops, added_slot, "customdata") == [["access_added", code]]
    assert _value(ops, added_slot, "lon") == [round(float(dep.communes["rep_lon"].iloc[i]), 5)]
    scenario_state = ViewState(scheme_id="mds_2024", access=scenario)
    text = at.choropleth_fields(scenario_state, svc.view_for(scenario_state))["text"][i]
    assert "Site hypothétique" in text and "min gagnées" in text


def test_removing_a_site_never_shortens_a_trip(e41):
    dep = e41.dep
    svc = e41.access
    base = AccessState(enabled=True)
    v = svc.view("mds_2024", (), dataclasses.replace(base, removed=("sites:mds_vendome",)))
    before, after = v.before.minutes, v.after.minutes
    assert (after >= before - 1e-9).all()
    served = np.asarray(v.before.nearest_id == "sites:mds_vendome")
    assert served.sum() > 0
    assert (after[served] > before[served]).all()
    np.testing.assert_array_equal(after[~served], before[~served])
    assert "sites:mds_vendome" not in set(v.after.nearest_id)
    removed = dataclasses.replace(base, removed=("sites:mds_vendome",))
    removed_state = ViewState(scheme_id="mds_2024", access=removed)
    points = at.points_fields(dep, removed_state, svc.view_for(removed_state))
    assert len(points[0]["lon"]) == 11
    assert points[2]["customdata"] == [["access_removed", "sites:mds_vendome"]]


# ---- what-if clicks ------------------------------------------------------------------


@pytest.fixture(scope="module")
def dests_41(e41):
    access = AccessState(enabled=True, destinations=("sites", "digital", "partners:social"))
    return e41.access.computation("mds_2024", (), access)[1]


def test_click_on_a_commune_toggles_a_hypothetical_site(dests_41):
    empty = {"added": [], "removed": []}
    one = scenario_after_click(empty, ["communes", "41251", None], dests_41)
    assert one == {"added": ["41251"], "removed": []}
    two = scenario_after_click(one, ["communes", "41018", None], dests_41)
    assert two == {"added": ["41251", "41018"], "removed": []}
    assert scenario_after_click(two, ["communes", "41251", None], dests_41) == {
        "added": ["41018"],
        "removed": [],
    }
    # Clicking the hypothetical marker removes it.
    assert scenario_after_click(two, ["access_added", "41018"], dests_41) == {
        "added": ["41251"],
        "removed": [],
    }


def test_click_on_a_destination_toggles_its_removal(dests_41):
    start = {"added": ["41251"], "removed": []}
    out = scenario_after_click(start, ["access_dest", "sites:mds_mer"], dests_41)
    assert out == {"added": ["41251"], "removed": ["sites:mds_mer"]}
    assert scenario_after_click(out, ["access_removed", "sites:mds_mer"], dests_41) == start
    assert scenario_after_click(out, ["access_dest", "sites:mds_mer"], dests_41) == start
    # Map markers of the ordinary layers name the place by its own id: prefixed here.
    assert scenario_after_click(start, ["sites", "mds_blois"], dests_41)["removed"] == [
        "sites:mds_blois"
    ]
    assert scenario_after_click(start, ["digital_points", "41-france-services-mer"], dests_41)[
        "removed"
    ] == ["digital:41-france-services-mer"]
    assert scenario_after_click(start, ["partners", "cias_blaisois"], dests_41)["removed"] == [
        "partners:social:cias_blaisois"
    ]


def test_click_on_a_place_that_is_not_a_destination_changes_nothing(dests_41):
    start = {"added": [], "removed": []}
    assert scenario_after_click(start, ["sites", "mdcs_vendome"], dests_41) is None  # 2019
    assert scenario_after_click(start, ["partners", "pole_emploi_vendome"], dests_41) is None
    assert scenario_after_click(start, ["territories", "mer", "mds_2024"], dests_41) is None
    assert scenario_after_click(start, ["sites", "mds_mer"], None) is None


# ---- figures -------------------------------------------------------------------------


def _territory_beneficiaries(dep) -> dict[str, float]:
    b = dep.beneficiaries
    b = b[(b["level"] == "territory") & (b["scheme_id"] == "mdcs_2019")]
    names = dep.territories.set_index(["scheme_id", "territory_id"])["name"]
    return {names[("mdcs_2019", c)]: float(n) for c, n in zip(b["code"], b["count"], strict=True)}


def test_figures_view_states_model_threshold_and_equity(e41):
    dep = e41.dep
    svc = e41.access
    state = ViewState(scheme_id="mdcs_2019", access=AccessState(enabled=True))
    children, messages = access_panels.figures_view(svc, state)
    assert messages == []
    text = text_of(children)
    assert "vol d'oiseau" in text and "58 km/h" in text and "1,343" in text
    assert "4 destination(s) : 4 sites départementaux." in text
    assert "Habitants à plus de 30 min" in text

    # Population beyond 30 min, computed here.
    sites = dep.sites[dep.sites["scheme_id"] == "mdcs_2019"]
    best = straight_minutes(dep, sites).min(axis=1)
    pop = dep.communes["population"].to_numpy(dtype=float)
    beyond = pop[best > 30].sum()
    assert f"{fmt_int(beyond)} ({fmt_float(100 * beyond / pop.sum(), 1)} %)" in text
    assert f"{fmt_int((best > 30).sum())} sur 267" in text

    # Equity: beneficiaries known per MDCS (2017), mean time of a beneficiary assuming
    # they live like the population within each territory.
    benef = _territory_beneficiaries(dep)
    assert len(benef) == 5 and sum(benef.values()) == 9294
    units = units_of(dep, "mdcs_2019")["territory"].reindex(dep.communes["code_insee"])
    means = {}
    for name in benef:
        sel = (units == name).to_numpy()
        means[name] = np.average(best[sel], weights=pop[sel])
    ben_mean = sum(benef[n] * means[n] for n in benef) / sum(benef.values())
    in_units = units.notna().to_numpy()
    pop_mean = np.average(best[in_units], weights=pop[in_units])
    assert "Temps moyen pondéré par les bénéficiaires" in text
    assert f"{fmt_float(ben_mean, 0)} min" in text
    assert f"contre {fmt_float(pop_mean, 0)} min pour la population" in text
    gap = ben_mean - pop_mean
    assert f"écart d'équité {'+' if gap >= 0 else ''}{fmt_float(gap, 1)} min" in text
    assert "les bénéficiaires sont répartis comme la population" in text  # caveat
    # One row per MDCS territory in the table.
    assert all(name in text for name in benef)


def test_figures_without_beneficiaries_have_no_equity_line(e41):
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True))
    children, _ = access_panels.figures_view(e41.access, state)
    text = text_of(children)
    assert "12 destination(s) : 12 sites départementaux." in text
    assert "pondéré par les bénéficiaires" not in text
    assert "Scénario" not in text


def test_figures_view_with_a_scenario_shows_before_and_after(e41):
    dep = e41.dep
    svc = e41.access
    access = AccessState(enabled=True, added=("41251",), removed=("sites:mdcs_vendome",))
    children, _ = access_panels.figures_view(svc, ViewState(scheme_id="mdcs_2019", access=access))
    text = text_of(children)
    assert "Scénario" in text
    name = dep.communes.set_index("code_insee").at["41251", "nom"]
    assert f"ajout d'un site hypothétique à {name} ; retrait de MDCS de Vendôme." in text
    v = svc.view("mdcs_2019", (), access)
    pop = dep.communes["population"].to_numpy(dtype=float)
    then, now = pop[v.before.minutes > 30].sum(), pop[v.after.minutes > 30].sum()
    assert then != now
    total = pop.sum()
    expected = (
        f"{fmt_int(then)} ({fmt_float(100 * then / total, 1)} %) → "
        f"{fmt_int(now)} ({fmt_float(100 * now / total, 1)} %)"
    )
    assert expected in text


def test_figures_view_reports_bad_parameters_in_french(e41):
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, speed_kmh=500))
    children, messages = access_panels.figures_view(e41.access, state)
    assert children is None
    assert "vitesse 500 km/h hors de la plage admise" in text_of(messages)


def test_commune_table_lists_every_commune(e41):
    access = AccessState(enabled=True, added=("41251",))
    table = access_panels.commune_table(e41.access, ViewState(scheme_id="mds_2024", access=access))
    rows = _find(table, html.Tr)
    assert len(rows) == 1 + 267
    assert "Gain (min)" in text_of(rows[0])
    first = [text_of(td) for td in rows[1].children]
    assert first[5] == "oui"  # sorted by minutes, farthest first


# ---- suggestions ---------------------------------------------------------------------


def _rows(children) -> list[list[str]]:
    (table,) = _find(children, html.Table)
    return [[text_of(td) for td in tr.children] for tr in _find(table, html.Tbody)[0].children]


def test_suggestions_are_ranked_by_non_increasing_gain(e41):
    dep = e41.dep
    svc = e41.access
    state = ViewState(scheme_id="mdcs_2019", access=AccessState(enabled=True))
    children, store = access_panels.suggestions_view(svc, state, 3, "population")
    rows = _rows(children)
    assert len(rows) == 3 == len(store["ids"])
    result, label, estimated = svc.suggest(state, 3, "population")
    assert (label, estimated) == ("habitants", False)
    gains = [s.gain for s in result.suggestions]
    assert gains == sorted(gains, reverse=True) and gains[-1] > 0
    assert [r[2] for r in rows] == [fmt_int(g) for g in gains]
    assert [r[1] for r in rows] == [s.name for s in result.suggestions]
    assert store["ids"] == [s.id for s in result.suggestions]
    # Each gain is the population newly within 30 min once the site is added.
    pop = dep.communes["population"].to_numpy(dtype=float)
    covered = pop[svc.view("mdcs_2019", (), state.access).after.minutes <= 30].sum()
    for k, s in enumerate(result.suggestions, start=1):
        access = dataclasses.replace(state.access, added=tuple(store["ids"][:k]))
        now = pop[svc.view("mdcs_2019", (), access).after.minutes <= 30].sum()
        assert now - covered == pytest.approx(s.gain)
        assert now == pytest.approx(s.covered_after)
        covered = now


@pytest.mark.parametrize("k", [0, 11, -1, "11"])
def test_suggestions_outside_1_to_10_give_a_french_warning(e41, k):
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True))
    children, store = access_panels.suggestions_view(e41.access, state, k, "population")
    assert store is None
    assert text_of(children) == "Nombre de sites : choisissez entre 1 et 10."


def test_beneficiary_weighted_suggestions_respect_secrecy(e41):
    dep = e41.dep
    svc = e41.access
    threshold = dep.secrecy_threshold
    assert threshold == 11
    state = ViewState(scheme_id="mdcs_2019", access=AccessState(enabled=True, threshold=45))
    children, store = access_panels.suggestions_view(svc, state, 3, "beneficiaries")
    text = text_of(children)
    assert "estimation" in text
    result, label, estimated = svc.suggest(state, 3, "beneficiaries")
    assert estimated and "bénéficiaires" in label
    gains = [s.gain for s in result.suggestions]
    assert any(0 < g < threshold for g in gains), "the case must hit the secrecy threshold"
    rows = _rows(children)
    assert len(rows) == 3
    for row, s in zip(rows, result.suggestions, strict=True):
        if s.gain < threshold:
            assert row[2] == SECRECY_LABEL_FR
        else:
            assert row[2] == fmt_int(s.gain)
        # no running total and whole-percent shares: a hidden gain cannot be recovered by
        # subtracting two rows
        assert row[3] == "—"
        assert row[4].endswith(" %") and "," not in row[4]
    assert fmt_count(result.covered_before, threshold) in text
    assert "aucun petit effectif ne peut se déduire par différence" in text
