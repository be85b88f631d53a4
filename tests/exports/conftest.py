"""Fixtures of the export tests: the bundled packages loaded once, snapshots written once.

Tests that need Chromium (PNG, PDF, HTML opened in the browser) are marked ``browser``:
skipped locally when Chromium is missing, failing in CI (``CI=true``) as in tests/browser.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from layers import DEFAULT_VISIBLE, ViewState
from tests.exports.support import HIDDEN_COUNT, SECRET_THRESHOLD, SHOWN_COUNT, WHEN
from viewstate.state import AccessState


@pytest.fixture(scope="session")
def entry41(reg):
    return reg.get("41")


@pytest.fixture(scope="session")
def snap41(entry41, kaleido_browser):
    """Vendôme (MDCS 2019), access times on (car, 30 min), every default layer."""
    from exports import Snapshot

    state = ViewState(scheme_id="mdcs_2019", access=AccessState(enabled=True, threshold=30))
    return Snapshot(
        entry41.dep,
        entry41.assets,
        state,
        DEFAULT_VISIBLE,
        {"type": "territory", "code": "vendome", "scheme": "mdcs_2019"},
        created=WHEN,
        renderer=kaleido_browser,
    )


@pytest.fixture(scope="session")
def kaleido_browser():
    """One Kaleido browser for every render of the export tests (started once, not per
    render); stopped at the end unless a test made it resident (``keep_open``)."""
    from exports import MapRenderer

    with MapRenderer().session() as renderer:
        yield renderer


@pytest.fixture(scope="session")
def docs41(snap41, kaleido_browser, tmp_path_factory) -> dict[str, Path]:
    """PNG, PDF and HTML of ``snap41``, written once: {extension: path}."""
    from exports import write_all

    folder = tmp_path_factory.mktemp("docs41")
    return {p.suffix[1:]: p for p in write_all(snap41, folder, ("png", "pdf", "html"))}


@pytest.fixture(scope="session")
def data41(snap41, tmp_path_factory) -> dict[str, Path]:
    """Data files of ``snap41``: {"communes.csv": path, "xlsx": path, "gpkg": path, …}."""
    from exports import write_data

    folder = tmp_path_factory.mktemp("data41")
    out = {}
    for p in write_data(snap41, folder):
        out[p.name.removeprefix(snap41.base_name).lstrip("_.")] = p
    return out


@pytest.fixture(scope="session")
def secret_dep(entry41):
    """Loir-et-Cher with Vendôme's count below a raised secrecy threshold.

    Raising the threshold to 5 000 lets the hidden count be a distinctive number (4 321)
    that can be searched in every file; Blois's 6 543 stays visible (the other territories,
    below 5 000 too, are hidden as well).
    """
    dep = entry41.dep
    b = dep.beneficiaries.copy()
    b["count"] = b["count"].astype("Int64")
    b.loc[(b["scheme_id"] == "mdcs_2019") & (b["code"] == "vendome"), "count"] = HIDDEN_COUNT
    b.loc[(b["scheme_id"] == "mdcs_2019") & (b["code"] == "blois_agglomeration"), "count"] = (
        SHOWN_COUNT
    )
    return replace(dep, beneficiaries=b, secrecy_threshold=SECRET_THRESHOLD)
