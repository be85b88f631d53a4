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
