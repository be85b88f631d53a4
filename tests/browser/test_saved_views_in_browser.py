"""Saved views in the real app: save what the screen shows (framing included), keep it in
the browser, present the saved views with the arrow keys, open and delete them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.helpers import GRAPH, STATE_TIMEOUT_MS

pytestmark = pytest.mark.browser


def query(url: str) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


def map_zoom(page) -> float:
    return page.evaluate(
        "(sel) => document.querySelector(sel)._fullLayout.map._subplot.map.getZoom()", GRAPH
    )


def stored_views(page) -> list[dict]:
    return page.evaluate("() => JSON.parse(localStorage.getItem('saved-views') || 'null')")


def wait_header(page, text: str) -> None:
    page.wait_for_function(
        "(t) => { const h = document.getElementById('pres-header');"
        " return h !== null && h.innerText.includes(t); }",  # null while a slide is redrawn
        arg=text,
    )


def save_view(page, name: str, count: int) -> None:
    page.fill("#view-name", name)
    page.click("#save-view")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#views-list .saved-view').length === n", arg=count
    )


def wait_map_ready(page) -> None:
    """Wait until the map's MapLibre view exists (after a first draw or a redraw)."""
    page.wait_for_function(
        "(sel) => { const g = document.querySelector(sel); return g && g._fullLayout"
        " && g._fullLayout.map && g._fullLayout.map._subplot; }",
        arg=GRAPH,
    )


def zoom_in_and_wait(page) -> float:
    """Zoom the map in with the mouse wheel and wait for the end of the animation, when
    Plotly has recorded the new framing in the figure's layout; returns the new zoom."""
    before = map_zoom(page)
    box = page.locator(f"{GRAPH} .maplibregl-canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -600)  # the planner zooms in before saving
    page.wait_for_function(
        "([sel, z]) => document.querySelector(sel)._fullLayout.map._subplot.map.getZoom()"
        " > z + 0.3",
        arg=[GRAPH, before],
    )
    page.wait_for_function(  # end of the zoom animation: the layout holds the framing
        """(sel) => { const g = document.querySelector(sel);
             const m = g._fullLayout.map._subplot.map;
             return !m.isMoving() && g.layout.map !== undefined
               && Math.abs(g.layout.map.zoom - m.getZoom()) < 1e-6; }""",
        arg=GRAPH,
    )
    return before


def save_zoomed_vendome(page, server_url) -> tuple[dict, float]:
    """Vendôme's view, zoomed in, saved: its query and its zoom."""
    page.goto(f"{server_url}/?dep=41&sel=territory:vendome", wait_until="networkidle")
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    wait_map_ready(page)
    before = zoom_in_and_wait(page)
    zoomed = map_zoom(page)
    save_view(page, "Vendôme, COPIL", 1)
    assert "Vue « Vendôme, COPIL » enregistrée (1 au total)." in page.inner_text("#views-status")
    first = stored_views(page)[0]
    q = query(first["search"])
    assert q["dep"] == "41" and q["decoupage"] == "mdcs_2019" and q["sel"] == "territory:vendome"
    lon, lat, zoom = (float(v) for v in q["carte"].split(","))
    assert zoom == pytest.approx(zoomed, abs=0.01) and zoom > before + 0.3
    assert 0.5 < lon < 2.0 and 47.0 < lat < 48.5
    return q, zoom


def save_lot_et_garonne(page, server_url) -> dict:
    """A second view (Lot-et-Garonne, car access), saved without a name."""
    page.goto(f"{server_url}/?dep=47&acces=voiture", wait_until="networkidle")
    page.wait_for_selector("#views-list .saved-view", timeout=STATE_TIMEOUT_MS)  # kept
    save_view(page, "", 2)
    second = stored_views(page)[1]
    assert second["title"].startswith("Lot-et-Garonne (47) · ")
    assert "accès voiture, seuil 30 min" in second["title"]
    return second


def present_saved_views(page, q: dict, zoom: float) -> None:
    """Presentation through the saved views, with the arrow keys."""
    page.locator('#pres-source label:has(input[value="views"])').click()
    page.click("#present")
    page.wait_for_selector(".app.presentation")
    wait_header(page, "Vendôme, COPIL — 1 / 2")
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    assert "Vendôme" in page.inner_text("#panel-title")
    assert query(page.url)["carte"] == q["carte"]
    wait_map_ready(page)
    assert map_zoom(page) == pytest.approx(zoom, abs=0.01)  # the saved framing
    page.keyboard.press("ArrowRight")
    wait_header(page, "— 2 / 2")
    page.wait_for_function(
        "(sel) => { const g = document.querySelector(sel);"
        " return g && g.data && g.data.some(t => t.meta === 'access'); }",
        arg=GRAPH,
        timeout=STATE_TIMEOUT_MS,
    )
    assert query(page.url)["dep"] == "47"
    page.wait_for_function(
        "() => { const t = document.getElementById('panel-title');"
        " return t !== null && t.innerText === 'Lot-et-Garonne'; }"
    )  # no selection in that view: the département's figures and actions
    assert page.locator(".sidebar").is_hidden()
    page.keyboard.press("ArrowRight")  # wraps around
    wait_header(page, "Vendôme, COPIL — 1 / 2")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => { const r = document.getElementById('app-root');"
        " return r !== null && r.className === 'app'; }"
    )
    assert page.locator(".sidebar").is_visible()


def open_second_and_delete_first(page, second: dict) -> None:
    """Open the second view from the list, then delete the first one."""
    page.locator("#views-list .saved-view").nth(1).locator("button", has_text="Ouvrir").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('dep') === '47'")
    page.wait_for_selector("#views-list .saved-view", timeout=STATE_TIMEOUT_MS)
    page.locator("#views-list .saved-view").first.locator("button", has_text="Supprimer").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#views-list .saved-view').length === 1"
    )
    assert [v["id"] for v in stored_views(page)] == [second["id"]]


def test_saved_views_are_kept_presented_opened_and_deleted(fresh_page, server_url):
    page = fresh_page  # opens its own link
    q, zoom = save_zoomed_vendome(page, server_url)
    second = save_lot_et_garonne(page, server_url)
    present_saved_views(page, q, zoom)
    open_second_and_delete_first(page, second)
    outside = [
        u
        for u in page.requests_seen
        if not u.startswith(("http://127.0.0.1", "data:", "blob:http://127.0.0.1"))
    ]
    assert outside == []
