"""Export buttons in the real app: the files a planner downloads."""

from __future__ import annotations

import io
import zipfile

import pytest

pytestmark = pytest.mark.browser


def download(page, button: str):
    with page.expect_download(timeout=60000) as info:
        page.click(f"#{button}")
    return info.value


def test_pdf_and_data_downloads_of_the_selected_territory(page, server_url, tmp_path):
    page.goto(f"{server_url}/?dep=41&sel=territory:vendome&acces=voiture", wait_until="networkidle")
    page.wait_for_selector("#panel-title", timeout=20000)
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
