"""Fixtures for app-level tests: the bundled packages loaded once, the app built once."""

from __future__ import annotations

import pytest

from server import registry as registry_mod
from server import settings as config

EXPECTED_COMMUNES = {"03": 317, "41": 267, "45": 325, "47": 319, "71": 563}


@pytest.fixture(scope="session")
def reg() -> registry_mod.Registry:
    loaded = registry_mod.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))
    registry_mod.install(loaded)
    return loaded


@pytest.fixture(scope="session")
def app(reg):
    from app import create_app

    return create_app(config.Settings(), reg)


@pytest.fixture()
def client(app):
    return app.server.test_client()
