"""PNG, PDF and standalone HTML map of a territory snapshot (drawn by the system Chromium)."""

from __future__ import annotations

import re

import pytest

from exports.image import drawn_share, is_blank, png_pixels
from exports.pdf import CHROMIUM_ARGS as PDF_ARGS
from exports.snapshot import date_fr
from tests.browser.conftest import STATE_TIMEOUT_MS
from tests.exports.support import pdf_text

pytestmark = pytest.mark.browser


def test_png_is_a_drawn_map(docs41):
    data = docs41["png"].read_bytes()
    pixels = png_pixels(data)
    assert pixels.shape[:2] == (1200, 1520)
    assert not is_blank(data)
    assert drawn_share(data) > 0.15  # territories, communes, points: far from a white page
    # several colours, not a single flat fill
    assert len({tuple(p) for p in pixels[::40, ::40].reshape(-1, pixels.shape[2])}) > 20


def test_resident_browser_renders_the_same_map_without_warnings(snap41, kaleido_browser):
    """The app keeps Kaleido's browser open: a render through it gives the map, with MathJax
    still off and no warning about per-call options."""
    import warnings

    from exports import map_png

    snap41.renderer.keep_open()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first, second = map_png(snap41), map_png(snap41)
    assert not is_blank(first)
    assert png_pixels(first).shape == png_pixels(second).shape == (1200, 1520, 4)
    assert abs(drawn_share(first) - drawn_share(second)) < 1e-3


def test_blank_png_is_detected():
    import struct
    import zlib

    width, height = 64, 48
    raw = b"".join(b"\x02" + b"\x00" * (width * 3) for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert png_pixels(png).shape == (48, 64, 3)
    assert is_blank(png)


def test_pdf_is_one_page_with_name_sources_date_and_model(docs41, snap41):
    text = pdf_text(docs41["pdf"])
    from pypdf import PdfReader

    assert len(PdfReader(str(docs41["pdf"])).pages) == 1
    assert "Vendôme" in text
    assert "Sources" in text
    assert date_fr(snap41.created) in text  # « 12 mars 2026 »
    flat = re.sub(r"\s+", " ", text)
    assert "Modèle" in flat and "58 km/h" in flat and "vol d'oiseau" in flat
    assert "Seuil : 30 min" in flat
    assert "Chiffres clés" in flat and "Actions du plan qui le concernent" in flat
    assert "Les effectifs inférieurs à 11 sont masqués" in flat
    assert "périmètre approximatif" in flat
    assert "--no-pdf-header-footer" in PDF_ARGS


@pytest.fixture(scope="module")
def offline_page(browser, docs41):
    """The HTML map opened from its file path, every non-file request aborted and kept
    (opened once: the tests that share it leave its layers as they found them)."""
    attempts: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    context.set_default_timeout(STATE_TIMEOUT_MS)

    def guard(route):
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file://", "data:")) else attempts.append(r.url),
    )
    page.goto(docs41["html"].as_uri(), wait_until="load")
    page.wait_for_selector(".leaflet-overlay-pane path")
    page.attempts = attempts
    yield page
    context.close()


def test_html_map_draws_offline_and_toggles_layers(offline_page, snap41):
    page = offline_page
    n_communes = len(snap41.dep.communes)
    n_epci = len(snap41.dep.epci)
    paths = page.locator(".leaflet-overlay-pane path")
    before = paths.count()
    # communes + EPCI + territories + outline + circle markers (sites, partners, points)
    assert before >= n_communes + n_epci + 5 + 1 + 10
    labels = page.locator(".leaflet-control-layers-overlays label")
    names = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
    assert "EPCI (intercommunalités)" in names
    assert any(n.startswith("Communes") for n in names)
    page.get_by_label("EPCI (intercommunalités)").uncheck()
    assert paths.count() == before - n_epci
    page.get_by_label("EPCI (intercommunalités)").check()
    assert paths.count() == before
    assert page.attempts == []


def test_html_map_tooltips_and_title_block(offline_page, snap41):
    page = offline_page
    title = page.locator("#atlas-title").inner_text()
    assert "Vendôme" in title and "12 mars 2026" in title
    assert snap41.access.model_text in title
    assert "Les effectifs inférieurs à 11 sont masqués" in title
    page.locator("#atlas-title summary", has_text="Sources").click()
    assert "Millésime des populations : 2023" in page.locator("#atlas-title").inner_text()
    # Hover the representative point of a commune without any marker on it: its tooltip
    # names it and gives its minutes.
    frames = snap41.layer_frames()
    taken = set().union(*(set(frames[k]["code_insee"]) for k in ("sites", "partners")))
    taken |= set(frames["digital_points"]["code_insee"])
    communes = snap41.dep.communes.sort_values("code_insee").set_index("code_insee")
    row = communes.loc[[c for c in communes.index if c not in taken][10]]
    x, y = page.evaluate(
        """([lat, lon]) => {
             const key = Object.keys(window).find(k => k.startsWith('map_'));
             const p = window[key].latLngToContainerPoint([lat, lon]);
             const box = document.querySelector('.folium-map').getBoundingClientRect();
             return [box.left + p.x, box.top + p.y]; }""",
        [float(row["rep_lat"]), float(row["rep_lon"])],
    )
    page.mouse.move(x + 2, y + 2)
    page.mouse.move(x, y)
    # Tooltips of communes crossed on the way may linger for a moment: wait for this one.
    tip = page.locator(".leaflet-tooltip", has_text=row["nom"]).first
    tip.wait_for(timeout=STATE_TIMEOUT_MS)
    text = tip.inner_text()
    assert row["nom"] in text
    assert "min" in text and "Habitants" in text
    assert page.attempts == []
