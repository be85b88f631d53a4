"""The registry lives on the app: no module-level state, each app serves its own packages."""

from __future__ import annotations

import pytest

from app import create_app
from server import registry as registry_mod
from server import settings as config


def test_two_apps_in_one_process_serve_their_own_registries(reg, app):
    only_47 = registry_mod.Registry({"47": reg.get("47")})
    other = create_app(config.Settings(departement="47"), only_47)
    with other.server.app_context():
        assert registry_mod.current().codes() == ["47"]
        assert registry_mod.default_code() == "47"
    with app.server.app_context():
        assert registry_mod.current().codes() == reg.codes()
        assert registry_mod.default_code() == "41"
    ours = app.server.test_client().get("/api/departements").get_json()
    theirs = other.server.test_client().get("/api/departements").get_json()
    assert [d["code"] for d in ours["departements"]] == reg.codes()
    assert [d["code"] for d in theirs["departements"]] == ["47"]
    assert app.server.extensions[registry_mod.EXTENSION] is not only_47
    # Each app owns its map renderer (Kaleido's browser state is not a module variable).
    with other.server.app_context():
        theirs_renderer = registry_mod.renderer()
    with app.server.app_context():
        assert registry_mod.renderer() is not theirs_renderer


def test_the_registry_is_read_only_inside_an_app():
    with pytest.raises(RuntimeError):
        registry_mod.current()
    with pytest.raises(RuntimeError):
        registry_mod.renderer()


def test_the_preferred_departement_falls_back_to_the_first_code(reg):
    assert reg.with_preferred("99").default_code() == reg.codes()[0]
    assert reg.with_preferred("47").default_code() == "47"
    assert reg.default_code() == reg.codes()[0]
