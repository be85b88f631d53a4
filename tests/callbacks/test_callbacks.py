"""Callbacks called directly: thin glue, patches only what changes."""

from __future__ import annotations

import re

import orjson
import plotly

from callbacks.map_figure import switch_department, view_patch
from callbacks.selection import selection_from_click, selection_from_goto, show_panel
from layers import DEFAULT_VISIBLE, ViewState, build_figure
from viewstate.controls import view_from_controls


def _meta(reg, code="41"):
    entry = reg.get(code)
    return build_figure(entry.dep, entry.assets, ViewState(), DEFAULT_VISIBLE)["layout"]["meta"]


def _patch_json(patch) -> bytes:
    return orjson.dumps(patch.to_plotly_json(), default=plotly.utils.PlotlyJSONEncoder().default)


def test_axe_filter_patches_only_markers(reg):
    entry = reg.get("41")
    meta = _meta(reg)
    axe = entry.dep.plan.loc[entry.dep.plan["level"] == entry.dep.axe_level, "node_id"].iloc[0]
    state = view_from_controls({"scheme": meta["scheme"], "axes": [axe]})
    patch, new = view_patch(entry, meta, state, list(DEFAULT_VISIBLE), "white-bg")
    ops = patch.to_plotly_json()["operations"]
    touched = {op["location"][1] for op in ops}
    partner_slots = {
        i for i, m in enumerate(meta["slots"]) if m.startswith(("partners", "digital"))
    }
    assert touched <= partner_slots
    assert new["axes"] == [axe]
    assert len(_patch_json(patch)) < 50_000


def test_no_change_no_patch(reg):
    entry = reg.get("41")
    meta = _meta(reg)
    state = view_from_controls({"scheme": meta["scheme"], "axes": []})
    patch, new = view_patch(entry, meta, state, list(DEFAULT_VISIBLE), "white-bg")
    assert new == meta
    assert patch.to_plotly_json()["operations"] == []


def test_switch_department_resets_view(reg, app_context):
    controls = {
        "layers": list(DEFAULT_VISIBLE),
        "beneficiaries_mode": "rate",
        "map_style": "white-bg",
    }
    out = switch_department(code="47", controls=controls)
    meta, scheme, axes, title = out["meta"], out["scheme"], out["axes"], out["plan_title"]
    assert meta["departement"] == "47"
    assert scheme == reg.get("47").dep.default_scheme
    assert axes == []
    assert "Lot-et-Garonne" in title


def test_selection_from_click_and_goto():
    click = {"points": [{"customdata": ["territories", "T1", "mdcs_2019"]}]}
    assert selection_from_click(click) == {"type": "territory", "code": "T1", "scheme": "mdcs_2019"}
    assert selection_from_click({"points": [{"customdata": ["sites", "S1"]}]})["type"] == "sites"
    assert selection_from_click({"points": [{}]}) is None
    assert selection_from_goto("commune|41018|") == {
        "type": "commune",
        "code": "41018",
        "scheme": None,
    }


def test_panel_for_every_territory_has_figures_with_sources(reg, app_context):
    dep = reg.get("41").dep
    for row in dep.territories[dep.territories["scheme_id"] == "mdcs_2019"].itertuples():
        panel = show_panel(
            {"type": "territory", "code": row.territory_id, "scheme": "mdcs_2019"}, [], "41"
        )
        text = str(panel)
        assert "Chiffres clés" in text
        assert "Source" in text


def test_panel_for_unknown_unit_is_a_french_message(reg, app_context):
    panel = show_panel({"type": "epci", "code": "000000000", "scheme": None}, [], "41")
    assert "Traceback" not in str(panel)


def test_commune_panel_lists_actions_scoped_to_that_commune(reg, app_context):
    dep = reg.get("71").dep
    scoped = dep.actions[dep.actions["scope"] == "communes"]
    assert not scoped.empty
    code = scoped["scope_codes"].iloc[0].split("|")[0]
    action_id = scoped["action_id"].iloc[0]
    panel = str(show_panel({"type": "commune", "code": code, "scheme": None}, [], "71"))
    assert action_id in panel
    other = dep.communes[
        ~dep.communes["code_insee"].isin("|".join(scoped["scope_codes"]).split("|"))
    ]["code_insee"].iloc[0]
    assert action_id not in str(show_panel({"type": "commune", "code": other}, [], "71"))


def test_epci_panel_says_it_crosses_the_border(reg, app_context):
    dep = reg.get("41").dep
    crossing = dep.epci[dep.epci["crosses_border"]]["siren_epci"].iloc[0]
    panel = str(show_panel({"type": "epci", "code": crossing, "scheme": None}, [], "41"))
    assert "déborde du département" in panel
    assert "Chiffres clés" in panel


def text_of(component) -> str:
    """All the text a Dash component tree shows, as one string."""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def test_territory_panel_shows_sourced_beneficiaries(reg, app_context):
    panel = text_of(
        show_panel({"type": "territory", "code": "vendome", "scheme": "mdcs_2019"}, [], "41")
    )
    assert re.search(
        r"Allocataires du RSA \(allocataires \+ conjoints\)\s+\(2017\)\s+1\u202f550", panel
    )
    assert "Source : Conseil départemental de Loir-et-Cher" in panel
    assert "périmètre approximatif" in panel


def test_quality_and_sources_tabs_are_built_when_opened(reg, app_context):
    from dash import no_update

    from callbacks.panels import quality_and_sources

    quality, sources = quality_and_sources("quality", "47")
    assert "lignes lues" in text_of(quality) and sources is no_update
    quality, sources = quality_and_sources("sources", "47")
    assert quality is no_update and "Lot-et-Garonne" in text_of(sources)
    assert quality_and_sources("map", "47") == (no_update, no_update)
