"""Shared fixtures: a tiny valid department package and its GeoPackage, built in tmp_path.

The package data and the assertion helpers live in ``tests/core/package_fixture.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# The repository root is on sys.path through ``pythonpath = ["."]`` in pyproject.toml.
from tests.core.package_fixture import DEPT_CODE, write_geo, write_package


@pytest.fixture(scope="session")
def geo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder holding ``03.gpkg`` (shared by all tests, never modified)."""
    folder = tmp_path_factory.mktemp("geo")
    write_geo(folder / f"{DEPT_CODE}.gpkg")
    return folder


@pytest.fixture
def make_package(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``make_package({"sites.csv": text_or_None, ...})`` → package folder."""

    def make(overrides: dict[str, str | None] | None = None, **kw: str) -> Path:
        return write_package(tmp_path / "packages", overrides, **kw)

    return make


@pytest.fixture
def package(make_package: Callable[..., Path]) -> Path:
    """The valid tiny package folder."""
    return make_package()


@pytest.fixture
def dep(package: Path, geo_dir: Path):  # noqa: ANN201 - Department, imported lazily
    """The valid tiny package, loaded."""
    from core.package import load_department

    return load_department(package, geo_dirs=[geo_dir])


@pytest.fixture
def load(make_package: Callable[..., Path], geo_dir: Path):  # noqa: ANN201
    """Factory: write the package with overrides and load it (Department)."""
    from core.package import load_department

    def _load(overrides: dict[str, str | None] | None = None, geo_dirs: list[Path] | None = None):
        return load_department(make_package(overrides), geo_dirs=geo_dirs or [geo_dir])

    return _load


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright's sync API allows only one
    driver per process, so browser tests and export tests share it)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``browser`` need Chromium: skipped locally without it, failing in CI
    (``CI=true``), so a CI run never passes by skipping them."""
    import os

    from tests.browser.conftest import CHROMIUM

    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# ---- the bundled packages and the app, built once per session ---------------------------


@pytest.fixture(scope="session")
def reg():  # noqa: ANN201 - server.registry.Registry, imported lazily
    """The bundled départements, loaded once (read-only)."""
    from server import registry as registry_mod
    from server import settings as config

    return registry_mod.Registry.load((config.DATA_DIR,), (config.GEO_DIR,))


@pytest.fixture(scope="session")
def app(reg):  # noqa: ANN201 - dash.Dash
    """The app serving ``reg``, built once. Its first request is made here: Dash hands the
    callbacks registered with ``dash.callback`` to the first app that serves a request, so
    apps that tests build later serve their routes and pages, not the callbacks."""
    from app import create_app
    from server import settings as config

    built = create_app(config.Settings(), reg)
    assert built.server.test_client().get("/_dash-dependencies").status_code == 200
    return built


@pytest.fixture()
def client(app):  # noqa: ANN201 - flask.testing.FlaskClient
    return app.server.test_client()


@pytest.fixture()
def app_context(app):  # noqa: ANN201
    """A request context of ``app``: callbacks called directly read its registry."""
    with app.server.test_request_context():
        yield app
