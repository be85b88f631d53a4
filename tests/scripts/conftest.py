"""Fixtures of the script tests: the bundled packages loaded once.

Tests that need Chromium (a snapshot's PNG and PDF) are marked ``browser``: skipped locally
when Chromium is missing, failing in CI (``CI=true``) as in tests/browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from server import registry as registry_mod
from server import settings as config
from tests.browser.conftest import CHROMIUM

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    for item in items:
        if "browser" in item.keywords and HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def reg() -> registry_mod.Registry:
    return registry_mod.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))
