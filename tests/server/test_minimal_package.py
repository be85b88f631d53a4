"""A new département set up with only the required, header-only tables still serves a map."""

from __future__ import annotations

import shutil

from app import create_app
from callbacks.map_figure import switch_department
from layers import DEFAULT_VISIBLE, ViewState, build_figure
from server import registry as registry_mod
from server import settings as config

HEADERS = {
    "schemes.csv": "scheme_id,label,role,perimeter_status,derivation,valid_from,valid_to,"
    "source_id,source_ref\nepci,EPCI 2026,administrative,official,EPCI du COG 2026,,,cog,\n",
    "territories.csv": "scheme_id,territory_id,name,seat_code_insee,perimeter_status,"
    "n_communes_stated,note,source_id,source_ref\n",
    "territory_communes.csv": "scheme_id,territory_id,code_insee,source_id,source_ref\n",
    "plan.csv": "node_id,parent_id,level,number,title,source_id,source_ref\n",
    "actions.csv": "action_id,title,axes,pilot,partners,public,calendar,indicators,budget,"
    "scope,scope_scheme_id,scope_codes,scope_text,source_id,source_ref\n",
}
TOML = """code = "41"
name = "Loir-et-Cher (paquet minimal)"
slug = "loir-et-cher"
secrecy_threshold = 11
default_scheme = "epci"
axe_level = "axe"

[plan]
name = "Plan non saisi"
source_id = "cog"

[sources.cog]
title = "COG 2026"
kind = "registry"
vintage = "2026"
licence = "Licence Ouverte"
"""


def test_minimal_package_serves_map_api_and_page(tmp_path, app):  # the session app first
    pkg = tmp_path / "41-loir-et-cher"
    pkg.mkdir()
    (pkg / "department.toml").write_text(TOML, encoding="utf-8")
    for name, text in HEADERS.items():
        (pkg / name).write_text(text, encoding="utf-8")
    shutil.copy(config.GEO_DIR / "41.gpkg", pkg / "41.gpkg")  # as build_geo.py --out writes
    reg = registry_mod.Registry.load((tmp_path,), ())
    assert not reg.broken(), reg.broken()
    entry = reg.get("41")
    assert len(entry.dep.communes) == 267
    fig = build_figure(entry.dep, entry.assets, ViewState(), DEFAULT_VISIBLE)
    assert fig["layout"]["meta"]["departement"] == "41"
    minimal = create_app(config.Settings(data_dirs=(tmp_path,), geo_dirs=()), reg)
    client = minimal.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    body = client.get("/api/departements").get_json()
    assert body["departements"][0]["n_communes"] == 267
    controls = {
        "layers": list(DEFAULT_VISIBLE),
        "beneficiaries_mode": "rate",
        "map_style": "white-bg",
    }
    with minimal.server.test_request_context():
        out = switch_department(code="41", controls=controls)
    assert out["meta"]["departement"] == "41"
