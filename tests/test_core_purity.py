"""core/ stays pure computation: no dash, plotly or folium, even indirectly."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"dash", "plotly", "folium"}
CORE_FILES = sorted((ROOT / "core").rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every module imported by a file (``import`` and ``from``)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_core_has_modules() -> None:
    names = {p.stem for p in CORE_FILES}
    assert {"schema", "departments", "plan", "secrecy", "indicators"} <= names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_core_module_imports_no_rendering_framework(path: Path) -> None:
    assert not imported_roots(path) & FORBIDDEN


def test_imported_roots_sees_every_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import dash\nfrom plotly import graph_objects\nimport folium.plugins as fp\n"
        "import importlib\nimportlib.import_module('dash.dcc')\nfrom . import sibling\n",
        encoding="utf-8",
    )
    assert imported_roots(sample) >= FORBIDDEN
    assert "sibling" not in imported_roots(sample)


def test_importing_core_loads_no_rendering_framework() -> None:
    code = (
        "import sys\n"
        "import core.package.departments, core.plan, core.indicators, core.package.schema, core.secrecy, core.access\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
