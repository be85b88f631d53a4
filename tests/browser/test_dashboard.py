"""The real app in headless Chromium: département switch, axe filter, panel, offline."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
    GRAPH,
    STATE_TIMEOUT_MS,
    choose,
    hide_point_layers,
    hover_map_at,
    set_click_level,
    trace_lengths,
    wait_for_trace_length,
)

pytestmark = pytest.mark.browser

def test_loir_et_cher_first_paint(page):
    assert trace_lengths(page, "territories") == [5]
    assert page.evaluate(f"document.querySelector('{GRAPH}').layout.map.layers.length") == 3
    set_click_level(page, "commune")
    wait_for_trace_length(page, "communes:click", 267)
    set_click_level(page, "epci")
    wait_for_trace_length(page, "epci:click", 12)
    assert trace_lengths(page, "communes") == [0], "polygons leave when no longer clickable"
    legend = page.inner_text("#legend")
    for name in ("Blois", "Vendôme", "Romorantin", "Sud-Loire", "Nord-Loire"):
        assert name in legend
    assert "approximatif" in legend
    assert "Loir-et-Cher" in page.inner_text("header")


@pytest.mark.parametrize(
    ("code", "name", "n"),
    [
        ("47", "Lot-et-Garonne", 319),
        ("03", "Allier", 317),
        ("45", "Loiret", 325),
        ("71", "Saône-et-Loire", 563),
    ],
)
def test_switch_department(page, code, name, n):
    set_click_level(page, "commune")
    wait_for_trace_length(page, "communes:click", 267)
    choose(page, "departement", name)
    wait_for_trace_length(page, "communes:click", n)
    assert name in page.inner_text("header")
    assert page.evaluate(f"document.querySelector('{GRAPH}').layout.meta.departement") == code


def test_axe_filter_changes_partners_and_actions(page):
    before_partners = sum(trace_lengths(page, "partners", "lon"))
    before_actions = int(re.search(r"\d+", page.inner_text("#actions-count")).group())
    assert before_partners > 0 and before_actions > 0
    choose(page, "axes", "Faciliter l'accès au numérique")
    page.wait_for_function(
        "(n) => { const m = document.querySelector('#actions-count').innerText.match(/\\d+/);"
        " return m && Number(m[0]) !== n; }",
        arg=before_actions,
        timeout=STATE_TIMEOUT_MS,
    )
    after_actions = int(re.search(r"\d+", page.inner_text("#actions-count")).group())
    page.wait_for_function(  # the map's partner markers follow the filter
        """([sel, n]) => document.querySelector(sel).data
            .filter(t => t.meta === 'partners' || String(t.meta).startsWith('partners:'))
            .reduce((s, t) => s + (t.lon || []).length, 0) !== n""",
        arg=[GRAPH, before_partners],
        timeout=STATE_TIMEOUT_MS,
    )
    after_partners = sum(trace_lengths(page, "partners", "lon"))
    assert 0 < after_actions < before_actions
    assert after_partners != before_partners
    # every listed action carries the selected axe (or one of its descendants)
    assert page.locator("#actions li.action").count() == min(after_actions, 200)


def test_click_territory_opens_panel(page):
    hide_point_layers(page)
    page.wait_for_function(
        "(sel) => document.querySelector(sel).data.filter(t => t.type === 'scattermap')"
        ".every(t => t.visible === false)",
        arg=GRAPH,
        timeout=STATE_TIMEOUT_MS,
    )
    box = page.locator(f"{GRAPH} .maplibregl-canvas").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hover_map_at(page, x, y)
    page.mouse.click(x, y)
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    panel = page.inner_text("#panel")
    assert "Chiffres clés" in panel
    assert "Source" in panel
    assert "approximatif" in panel


def test_goto_territory_panel_shows_sourced_beneficiaries(page):
    choose(page, "goto", "Territoire : Vendôme")
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    panel = page.inner_text("#panel")
    assert "Vendôme" in page.inner_text("#panel-title")
    assert "1 550" in panel.replace("\u202f", " ")
    assert "2017" in panel
    assert "Source" in panel


def test_no_request_leaves_loopback(page):
    set_click_level(page, "commune")
    choose(page, "departement", "Lot-et-Garonne")
    wait_for_trace_length(page, "communes:click", 319)
    page.wait_for_load_state("networkidle")  # whatever the new map fetches has been asked
    outside = [
        u for u in page.requests_seen if not re.match(r"^(http://127\.0\.0\.1:\d+/|data:|blob:)", u)
    ]
    assert page.requests_seen, "no request recorded at all"
    assert outside == []


def test_keyboard_only_opens_a_panel_and_clears_the_filter(page):
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(6):  # mode présentation, département, découpage, axes, effacer, aller à
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "goto"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement.classList.contains('dash-dropdown-search')"
    )
    page.keyboard.type("Romorantin")
    page.locator("[role=option]", has_text="Territoire : Romorantin").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    assert "Romorantin" in page.inner_text("#panel-title")
    choose(page, "axes", "Faciliter l'accès au numérique")
    page.wait_for_function(
        "() => document.querySelectorAll('#axes .dash-dropdown-value-item, "
        "#axes [class*=value]').length > 0",
        timeout=STATE_TIMEOUT_MS,
    )
    filtered = page.inner_text("#actions-count")
    page.focus("#axes-clear")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(n) => document.querySelector('#actions-count').innerText !== n",
        arg=filtered,
        timeout=STATE_TIMEOUT_MS,
    )
