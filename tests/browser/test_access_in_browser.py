"""Access times in the real app: car, 30 min, MDS sites; a site added by clicking; suggestions."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from core.package import load_department
from tests.browser.helpers import (
    GRAPH,
    STATE_TIMEOUT_MS,
    hide_point_layers,
    hover_map_at,
    wait_for_trace_length,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dep41():
    return load_department(ROOT / "data/departments/41-loir-et-cher", [ROOT / "data/geo"])


def query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def open_access(page, server_url, search: str) -> None:
    page.goto(f"{server_url}/{search}", wait_until="networkidle")
    wait_for_trace_length(page, "access", 267)
    page.wait_for_selector("#access-figures dl", timeout=STATE_TIMEOUT_MS)


def access_minutes(page) -> dict[str, float]:
    return page.evaluate(
        """(sel) => { const t = document.querySelector(sel).data.find(t => t.meta === 'access');
             return Object.fromEntries(t.locations.map((c, i) => [c, t.z[i]])); }""",
        GRAPH,
    )


def click_lonlat(page, lon: float, lat: float) -> None:
    """A real mouse click at a geographic position of the map."""
    point = page.evaluate(
        """([sel, lon, lat]) => {
             const m = document.querySelector(sel)._fullLayout.map._subplot.map;
             const p = m.project([lon, lat]); return [p.x, p.y]; }""",
        [GRAPH, lon, lat],
    )
    box = page.locator(f"{GRAPH} .maplibregl-canvas").first.bounding_box()
    x, y = box["x"] + point[0], box["y"] + point[1]
    hover_map_at(page, x, y)
    page.mouse.click(x, y)


def test_access_layer_figures_and_model(page, server_url):
    page.locator('#access-on label:has(input[value="on"])').click()
    choose_scheme = page.locator("#scheme")
    assert choose_scheme.count() == 1
    wait_for_trace_length(page, "access", 267)
    page.wait_for_selector("#access-figures dl", timeout=STATE_TIMEOUT_MS)
    text = page.inner_text("#access-figures")
    assert "Habitants à plus de 30 min" in text
    assert "vol d'oiseau" in text and "58 km/h" in text and "1,343" in text
    assert "estimation" in text
    assert "Par territoire" in text
    assert query(page).get("acces") == "voiture"
    minutes = access_minutes(page)
    assert len(minutes) == 267 and all(0 <= v <= 60 for v in minutes.values())


def test_add_a_site_by_clicking_then_suggest_and_reset(fresh_page, server_url, dep41):
    page = fresh_page  # opens its own link
    open_access(page, server_url, "?dep=41&decoupage=mds_2024&acces=voiture")
    hide_point_layers(page)
    before = access_minutes(page)
    far = max(before, key=before.get)
    row = dep41.communes.set_index("code_insee").loc[far]
    page.locator('#access-simulate label:has(input[value="on"])').click()
    click_lonlat(page, float(row["rep_lon"]), float(row["rep_lat"]))
    page.wait_for_function(
        "(code) => new URLSearchParams(location.search).get('ajout') === code", arg=far
    )
    wait_for_trace_length(page, "access:added", 1, key="lon")
    page.wait_for_function(
        "() => document.querySelector('#access-figures').innerText.includes('Scénario')"
    )
    after = access_minutes(page)
    assert after[far] < before[far]
    assert all(after[c] <= before[c] + 1e-9 for c in before), "adding never lengthens a time"
    assert "→" in page.inner_text("#access-figures")

    page.click("#suggest-go")
    page.wait_for_selector("#suggest-out table tbody tr", timeout=STATE_TIMEOUT_MS)
    rows = page.locator("#suggest-out table tbody tr")
    assert rows.count() == 3
    assert "Gain" in page.inner_text("#suggest-out")

    page.click("#access-reset")
    page.wait_for_function("() => !new URLSearchParams(location.search).get('ajout')")
    wait_for_trace_length(page, "access:added", 0, key="lon")


def test_link_restores_scenario(fresh_page, server_url):
    page = fresh_page  # opens its own link
    open_access(page, server_url, "?dep=41&decoupage=mds_2024&acces=voiture&seuil=20&ajout=41059")
    assert page.input_value("#access-threshold") == "20"
    wait_for_trace_length(page, "access:added", 1, key="lon")
    text = page.inner_text("#access-figures")
    assert "Scénario" in text and "plus de 20 min" in text


def test_bad_link_value_gets_a_french_note(fresh_page, server_url):
    page = fresh_page  # opens its own link
    page.goto(f"{server_url}/?dep=41&acces=voiture&vitesse=900", wait_until="networkidle")
    page.wait_for_selector("#url-notes .warning", timeout=STATE_TIMEOUT_MS)
    assert "« vitesse=900 » hors de l'intervalle 1–130" in page.inner_text("#url-notes")


def test_link_restores_layers_and_opens_the_selected_panel(fresh_page, server_url):
    page = fresh_page  # opens its own link
    page.goto(
        f"{server_url}/?dep=41&couches=territories,sites&sel=territory:vendome",
        wait_until="networkidle",
    )
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    assert "Vendôme" in page.inner_text("#panel-title")
    checked = page.eval_on_selector_all("#layers input:checked", "els => els.map(e => e.value)")
    assert sorted(checked) == ["sites", "territories"]
    page.locator('#layers label:has(input[value="epci"])').click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('couches') === 'territories,sites,epci'"
    )


def test_presentation_mode_steps_through_territories_with_arrow_keys(page):
    page.click("#present")
    page.wait_for_selector(".app.presentation")
    page.wait_for_function("() => document.getElementById('pres-header').innerText.includes('1 /')")
    first = page.inner_text("#panel-title")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('pres-header').innerText.includes('2 /')")
    page.wait_for_function(
        "(before) => document.getElementById('panel-title').innerText !== before", arg=first
    )
    assert page.locator(".sidebar").is_hidden()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.getElementById('pres-header').innerText.includes('1 /')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('app-root').className === 'app'")
    assert page.locator(".sidebar").is_visible()
