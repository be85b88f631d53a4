"""Export buttons in the real app: the files a planner downloads."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.browser.helpers import STATE_TIMEOUT_MS

pytestmark = pytest.mark.browser
#: A PDF or a PNG is drawn by Chromium on the server: allow twice a state wait.
DOWNLOAD_TIMEOUT_MS = 2 * STATE_TIMEOUT_MS


def download(page, button: str):
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.click(f"#{button}")
    return info.value


def test_pdf_and_data_downloads_of_the_selected_territory(fresh_page, server_url, tmp_path):
    page = fresh_page  # opens its own link
    page.goto(f"{server_url}/?dep=41&sel=territory:vendome&acces=voiture", wait_until="networkidle")
    page.wait_for_selector("#panel-title", timeout=STATE_TIMEOUT_MS)
    pdf = download(page, "export-pdf")
    assert pdf.suggested_filename.endswith(".pdf") and "vendome" in pdf.suggested_filename
    path = tmp_path / pdf.suggested_filename
    pdf.save_as(path)
    from pypdf import PdfReader

    reader = PdfReader(path)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Vendôme" in text and "vol d'oiseau" in text

    data = download(page, "export-data")
    assert data.suggested_filename.endswith("_donnees.zip")
    data.save_as(tmp_path / "d.zip")
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "d.zip").read_bytes())).namelist()
    assert any(n.endswith(".csv") for n in names) and any(n.endswith(".gpkg") for n in names)
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".geojson") for n in names)
    assert "Fichier prêt" in page.inner_text("#export-status")


def test_png_and_offline_html_downloads(fresh_page, server_url, tmp_path):
    page = fresh_page  # opens its own link
    from exports.image import is_blank, png_pixels

    page.goto(f"{server_url}/?dep=47&acces=voiture&dest=digital", wait_until="networkidle")
    page.wait_for_selector("#access-figures dl", timeout=STATE_TIMEOUT_MS)
    png = download(page, "export-png")
    assert png.suggested_filename.startswith("atlas_47_") and png.suggested_filename.endswith(
        ".png"
    )
    png.save_as(tmp_path / "map.png")
    data = (tmp_path / "map.png").read_bytes()
    assert png_pixels(data).shape[:2] == (1200, 1520) and not is_blank(data)
    second = download(page, "export-png")  # the app's Kaleido browser is reused
    second.save_as(tmp_path / "again.png")
    assert not is_blank((tmp_path / "again.png").read_bytes())

    html = download(page, "export-html")
    assert html.suggested_filename.endswith(".html")
    html.save_as(tmp_path / "map.html")
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "L.map(" in text or "L.map (" in text  # Leaflet inlined, the map built in the file
    # Nothing the browser would fetch: no external script, stylesheet or image element.
    assert re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=[\"']?https?:", text) == []
    assert "Lot-et-Garonne" in text and "Voiture : distance à vol d" in text
