"""A malformed package: French file/row/column messages in the UI and API, never a traceback."""

from __future__ import annotations

import shutil

import pytest

from app import create_app
from server import registry as registry_mod
from server import settings as config
from ui import panels

SRC = config.DATA_DIR / "41-loir-et-cher"


@pytest.fixture()
def bad_dirs(tmp_path):
    root = tmp_path / "paquets"
    pkg = root / "41-loir-et-cher"
    shutil.copytree(SRC, pkg)
    partners = pkg / "partners.csv"
    lines = partners.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    n = len(header)

    def row(**values):
        cells = [""] * n
        for key, value in values.items():
            cells[header.index(key)] = value
        return ",".join(cells)

    base = {
        "typologie": "CCAS",
        "precision": "address",
        "source_id": "seed000",
        "source_ref": "l.1",
    }
    lines += [
        row(partner_id="bad_code", name="Code inconnu", code_insee="99999", **base),
        row(
            partner_id="swapped",
            name="Inversé",
            code_insee="41018",
            latitude="1.3359",
            longitude="47.5861",
            **base,
        ),
        row(
            partner_id="lambert",
            name="Lambert",
            code_insee="41018",
            latitude="6724000",
            longitude="572000",
            **base,
        ),
    ]
    partners.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = root / "36-indre"
    broken.mkdir()
    (broken / "department.toml").write_text('code = "36"\nname = "Indre"\n', encoding="utf-8")
    return root


def test_bad_rows_are_rejected_with_french_messages(bad_dirs):
    reg = registry_mod.Registry.load((bad_dirs,), (config.GEO_DIR,))
    dep = reg.get("41").dep
    report = dep.report.file("partners.csv")
    assert report.rows_read == report.rows_kept + report.rows_rejected
    assert report.rows_rejected == 3
    messages = [str(p) for p in report.problems]
    assert any("ligne" in m and "code_insee" in m and "99999" in m for m in messages)
    assert any("invers" in m for m in messages)
    assert any("Lambert-93" in m for m in messages)
    assert all("À faire" in m for m in messages)
    shown = str(panels.quality_view(dep))
    assert "partners.csv" in shown and "99999" in shown


def test_broken_package_is_listed_not_fatal(bad_dirs):
    reg = registry_mod.Registry.load((bad_dirs,), (config.GEO_DIR,))
    assert reg.has("41")
    failure = reg.failure("36")
    assert failure is not None
    assert failure.problems
    view = str(panels.failure_view(failure))
    assert "36" in view and "Traceback" not in view
    assert any(o["value"] == "36" and o.get("disabled") for o in reg.options())


def test_api_reports_broken_packages(bad_dirs, app):  # ``app``: the session app first
    reg = registry_mod.Registry.load((bad_dirs,), (config.GEO_DIR,))
    app = create_app(config.Settings(data_dirs=(bad_dirs,)), reg)
    body = app.server.test_client().get("/api/departements").get_json()
    assert [d["code"] for d in body["departements"]] == ["41"]
    assert body["paquets_en_erreur"][0]["code"] == "36"
    assert all("Traceback" not in p for p in body["paquets_en_erreur"][0]["problemes"])
