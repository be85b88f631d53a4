"""A count below the secrecy threshold never appears in any export format.

Vendôme's beneficiary count is set to 4 321 with the threshold raised to 5 000 (a
distinctive number that can be searched in every file); Blois's 6 543 stays visible, which
proves the search would find a count that is shown.
"""

from __future__ import annotations

import re

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from exports import Snapshot, write_all, write_data
from layers import DEFAULT_VISIBLE, ViewState
from tests.exports.support import HIDDEN_COUNT, SHOWN_COUNT, WHEN, number_re, pdf_text
from viewstate.state import AccessState

HIDDEN = number_re(HIDDEN_COUNT)
SHOWN = number_re(SHOWN_COUNT)


def _snapshot(secret_dep, assets, estimate: bool = False, renderer=None) -> Snapshot:
    state = ViewState(
        scheme_id="mdcs_2019",
        beneficiaries_mode="count",
        beneficiaries_estimate=estimate,
        access=AccessState(enabled=True),
    )
    return Snapshot(
        secret_dep,
        assets,
        state,
        (*DEFAULT_VISIBLE, "beneficiaries"),
        {"type": "territory", "code": "vendome", "scheme": "mdcs_2019"},
        created=WHEN,
        renderer=renderer,
    )


def _texts(paths) -> dict[str, str]:
    """Every file as text: CSV/TXT/GeoJSON/HTML as read, XLSX and GPKG cell by cell."""
    out = {}
    for p in paths:
        if p.suffix == ".xlsx":
            wb = load_workbook(p, read_only=True)
            out[p.name] = "\n".join(
                ";".join("" if v is None else str(v) for v in row)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
            )
            wb.close()
        elif p.suffix == ".gpkg":
            parts = []
            for name, _ in pyogrio.list_layers(p):
                frame = pyogrio.read_dataframe(p, layer=name)
                parts.append(frame.drop(columns="geometry", errors="ignore").to_csv(sep=";"))
            out[p.name] = "\n".join(parts)
        elif p.suffix == ".pdf":
            out[p.name] = pdf_text(p)
        elif p.suffix != ".png":
            out[p.name] = p.read_text(encoding="utf-8-sig")
    # JSON embedded in the HTML writes « 6 543 » as 6\u202f543: decode such escapes.
    return {
        name: re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        for name, text in out.items()
    }


def test_beneficiary_layer_already_suppresses(secret_dep, entry41):
    snap = _snapshot(secret_dep, entry41.assets)
    frame = snap.layer_frames()["beneficiaries"]
    row = frame.set_index("code").loc["vendome"]
    assert row["suppressed"] and pd.isna(row["count"]) and pd.isna(row["per_1000"])
    assert int(frame.set_index("code").loc["blois_agglomeration", "count"]) == SHOWN_COUNT


def test_commune_estimates_are_suppressed_too(secret_dep, entry41):
    from core.indicators import estimate_commune_counts

    est = estimate_commune_counts(secret_dep, "rsa_allocataires_conjoints", "2017", "mdcs_2019")
    vendome = est[est["territory_id"] == "vendome"]
    assert vendome["suppressed"].all() and vendome["count"].isna().all()
    raw = estimate_commune_counts(
        secret_dep, "rsa_allocataires_conjoints", "2017", "mdcs_2019", apply_secrecy=False
    )
    assert int(raw[raw["territory_id"] == "vendome"]["count"].sum()) == HIDDEN_COUNT


@pytest.mark.parametrize("estimate", [False, True], ids=["units", "commune-estimate"])
def test_hidden_count_absent_from_every_data_format(secret_dep, entry41, tmp_path, estimate):
    snap = _snapshot(secret_dep, entry41.assets, estimate)
    texts = _texts(write_data(snap, tmp_path))
    assert {p.rsplit(".", 1)[-1] for p in texts} == {"txt", "csv", "xlsx", "geojson", "gpkg"}
    for name, text in texts.items():
        assert not HIDDEN.search(text), name
    if not estimate:
        shown_in = {n.rsplit(".", 1)[-1] for n, t in texts.items() if SHOWN.search(t)}
        assert {"csv", "xlsx", "geojson", "gpkg"} <= shown_in


@pytest.mark.browser
def test_hidden_count_absent_from_pdf_and_html(secret_dep, entry41, tmp_path, kaleido_browser):
    snap = _snapshot(secret_dep, entry41.assets, renderer=kaleido_browser)
    texts = _texts(write_all(snap, tmp_path, ("pdf", "html")))
    assert len(texts) == 2
    for name, text in texts.items():
        assert not HIDDEN.search(text), name
    html = next(t for n, t in texts.items() if n.endswith(".html"))
    pdf = next(t for n, t in texts.items() if n.endswith(".pdf"))
    assert SHOWN.search(html)  # Blois's count in the beneficiaries tooltips
    assert "secret statistique" in pdf  # Vendôme's key figure says why it is hidden
    assert "Les effectifs inférieurs à 5" in pdf  # 5 000, whatever the space
