"""Fixtures of the layer tests: the bundled packages loaded once."""

from __future__ import annotations

import pytest

from server import registry as registry_mod
from server import settings as config


@pytest.fixture(scope="session")
def reg() -> registry_mod.Registry:
    return registry_mod.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))
