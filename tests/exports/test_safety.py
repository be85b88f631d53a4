"""Safety rules of the exports: file names, formula injection, secrecy checks."""

from __future__ import annotations

import pandas as pd
import pytest

from exports import ExportError, SecrecyError, Snapshot, safe_filename
from exports.safety import (
    check_beneficiary_frame,
    check_counts,
    protect_frame,
    protect_text,
    slug,
)


@pytest.mark.parametrize(
    "parts",
    [
        ("../../etc/passwd",),
        ("atlas", "41", "Vendôme / Montoire", "..", "2026-03-12"),
        ("C:\\Windows\\system32", "nul"),
        ("", None, "   "),
        ("x" * 500, "é" * 300),
        ("Saône-et-Loire", "Mâcon « œuvre »"),
    ],
)
def test_safe_filename_is_an_ascii_slug(parts):
    name = safe_filename(*parts, ext="csv")
    stem = name.removesuffix(".csv")
    assert name.endswith(".csv")
    assert stem and stem.isascii()
    assert "/" not in name and "\\" not in name and ".." not in name
    assert all(c.isalnum() or c in "-_" for c in stem)
    assert len(stem) <= 96


def test_slug_keeps_letters_without_accents():
    assert slug("Nord-Loire – Pays de Chambord") == "nord-loire-pays-de-chambord"
    assert safe_filename("atlas", "41", "Vendôme") == "atlas_41_vendome"


def test_snapshot_base_name_is_safe(snap41):
    assert snap41.base_name == "atlas_41_mdcs-2019_vendome_2026-03-12"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-12 rue des Lilas", "'-12 rue des Lilas"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Vendôme", "Vendôme"),
        ("", ""),
    ],
)
def test_protect_text(text, expected):
    assert protect_text(text) == expected


def test_protect_frame_keeps_numbers_numeric():
    frame = pd.DataFrame(
        {
            "name": pd.array(["=1+2", "ok", None], dtype="string"),
            "minutes": [-3.5, 2.0, float("nan")],
            "count": pd.array([-1, 12, None], dtype="Int64"),
            "flag": [True, False, True],
        }
    )
    out = protect_frame(frame)
    assert out["name"].tolist()[:2] == ["'=1+2", "ok"]
    assert pd.isna(out["name"].iloc[2])
    assert out["minutes"].dtype == frame["minutes"].dtype
    assert out["count"].dtype == frame["count"].dtype
    assert out["count"].iloc[0] == -1
    assert out["flag"].dtype == bool


def test_check_counts_stops_a_small_count():
    check_counts([None, 11, 250, pd.NA], 11, "un test")
    with pytest.raises(SecrecyError, match="seuil de secret statistique"):
        check_counts([None, 10, 250], 11, "un test")


def test_check_beneficiary_frame_refuses_a_rate_of_a_hidden_count():
    ok = pd.DataFrame({"count": pd.array([None, 40], dtype="Int64"), "per_1000": [None, 2.0]})
    check_beneficiary_frame(ok, 11, "un test")
    leak = pd.DataFrame({"count": pd.array([None], dtype="Int64"), "per_1000": [3.2]})
    with pytest.raises(SecrecyError):
        check_beneficiary_frame(leak, 11, "un test")
    low = pd.DataFrame({"count": pd.array([4], dtype="Int64"), "per_1000": [3.2]})
    with pytest.raises(SecrecyError):
        check_beneficiary_frame(low, 11, "un test")


def test_snapshot_refuses_unknown_values_in_french(entry41):
    dep, assets = entry41.dep, entry41.assets
    from layers import ViewState

    with pytest.raises(ExportError, match="Territoires disponibles : .*vendome"):
        Snapshot(
            dep,
            assets,
            ViewState(scheme_id="mdcs_2019"),
            selection={"type": "territory", "code": "x"},
        )
    with pytest.raises(ExportError, match="Découpages disponibles : mdcs_2019"):
        Snapshot(dep, assets, ViewState(scheme_id="nope"))
    with pytest.raises(ExportError, match="Couche"):
        Snapshot(dep, assets, ViewState(), visible=("territories", "tiles"))
    with pytest.raises(ExportError, match="Axe"):
        Snapshot(dep, assets, ViewState(axes=("ZZ9",)))


def test_exports_do_not_import_dash():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, exports, exports.pdf, exports.html_map, exports.data; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'flask')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
