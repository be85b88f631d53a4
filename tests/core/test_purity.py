"""core/ stays pure computation: no dash, plotly or folium, even at runtime or dynamically.

``tests/test_architecture.py`` checks the static ``import`` statements of every floor; this
file adds what it cannot see: modules loaded indirectly when core is imported, and
``importlib.import_module("...")`` calls.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"dash", "plotly", "folium"}
CORE_FILES = sorted((ROOT / "core").rglob("*.py"))
CORE_MODULES = (
    "core.package",
    "core.package.load",
    "core.plan",
    "core.indicators",
    "core.secrecy",
    "core.access",
)


def dynamically_imported_roots(path: Path) -> set[str]:
    """Top-level names of the modules a file loads with ``import_module("<name>")``."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (
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
    names = {p.relative_to(ROOT / "core").with_suffix("").as_posix() for p in CORE_FILES}
    assert {"package/load", "package/department", "plan", "secrecy", "indicators"} <= names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_core_module_loads_no_rendering_framework_dynamically(path: Path) -> None:
    assert not dynamically_imported_roots(path) & FORBIDDEN


def test_dynamic_import_check_sees_import_module(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import importlib\nimportlib.import_module('dash.dcc')\n"
        "from importlib import import_module\nimport_module('plotly.express')\n"
        "import_module('folium')\nimport_module(name)\n",
        encoding="utf-8",
    )
    assert dynamically_imported_roots(sample) == FORBIDDEN


def test_importing_core_loads_no_rendering_framework() -> None:
    code = (
        "import sys\n"
        f"import {', '.join(CORE_MODULES)}\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
