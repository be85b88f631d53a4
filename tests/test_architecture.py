"""The floors hold: each top-level folder imports only the floors below it.

``core`` (pure computation) ← ``viewstate`` ← ``layers`` ← ``ui`` | ``exports`` ←
``callbacks`` | ``server`` ← ``app.py`` (and the command-line ``scripts``). A private module
(``_name``) is imported only from inside its own package; web and rendering frameworks only on
the floors that draw or serve; no module grows past 600 lines; no ``global`` statement and no
``sys.path`` patching outside the tests.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Floor of each top-level package; a module may import its own package or a lower floor.
FLOORS = {
    "core": 0,
    "viewstate": 1,
    "layers": 2,
    "ui": 3,
    "exports": 3,
    "callbacks": 4,
    "server": 4,
    "app": 5,
    "scripts": 5,
    "benchmarks": 6,
}
#: Same-floor imports that are allowed: callbacks read the registry the server owns.
SIDEWAYS = {("callbacks", "server")}
#: Third-party frameworks and the floors allowed to import them.
FRAMEWORKS = {
    "dash": {"ui", "callbacks", "app", "benchmarks"},
    "flask": {"server", "callbacks", "app", "benchmarks"},
    "flask_compress": {"server", "app"},
    "werkzeug": {"server", "app"},
    "folium": {"exports"},
    "branca": {"exports"},
    "plotly": {"exports", "benchmarks"},
    "kaleido": {"exports"},
}
MAX_LINES = 600
#: Declarative tables allowed to be longer than MAX_LINES (column contracts, not logic).
LONG_TABLES: set[str] = set()


@dataclass(frozen=True)
class Import:
    """One ``import`` or ``from … import`` of a source file."""

    module: str
    line: int


def source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in FLOORS:
        folder = ROOT / package
        if folder.is_dir():
            files += sorted(folder.rglob("*.py"))
    return files


def package_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def dotted(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    """Absolute module names imported by a file (``from a import b`` gives ``a.b`` too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(Import(node.module, node.lineno))
            found += [Import(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def floor_violations(path: Path) -> list[str]:
    here = package_of(path)
    out = []
    for imp in imports_of(path):
        there = imp.module.split(".")[0]
        if there not in FLOORS or there == here:
            continue
        if FLOORS[there] < FLOORS[here] or (here, there) in SIDEWAYS:
            continue
        out.append(f"{path.relative_to(ROOT)}:{imp.line} ({here}) imports {imp.module}")
    return out


def private_violations(path: Path) -> list[str]:
    own = dotted(path)
    out = []
    for imp in imports_of(path):
        parts = imp.module.split(".")
        if parts[0] not in FLOORS:
            continue
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])
                private = ".".join(parts[: i + 1])
                message = f"{path.relative_to(ROOT)}:{imp.line} imports private {private}"
                if not (own == owner or own.startswith(owner + ".")) and message not in out:
                    out.append(message)
                break
    return out


def framework_violations(path: Path) -> list[str]:
    here = package_of(path)
    out = []
    for imp in imports_of(path):
        root = imp.module.split(".")[0]
        if root in FRAMEWORKS and here not in FRAMEWORKS[root]:
            out.append(f"{path.relative_to(ROOT)}:{imp.line} ({here}) imports {imp.module}")
    return out


def test_every_top_level_module_is_app_py() -> None:
    loose = sorted(p.name for p in ROOT.glob("*.py") if p.name != "app.py")
    assert loose == []


def test_floors_import_only_lower_floors() -> None:
    assert [v for p in source_files() for v in floor_violations(p)] == []


def test_private_modules_stay_in_their_package() -> None:
    assert [v for p in source_files() for v in private_violations(p)] == []


def test_frameworks_only_on_their_floors() -> None:
    assert [v for p in source_files() for v in framework_violations(p)] == []


def test_no_module_over_max_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in source_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(p.relative_to(ROOT)) not in LONG_TABLES
    }
    assert long == {}


def test_no_global_statement_and_no_sys_path_patch() -> None:
    found = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} global")
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "path"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} sys.path")
    assert found == []


# The checker itself can fail: each rule is shown catching a sample that breaks it.
@pytest.fixture
def fake_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    return tmp_path


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_checker_catches_an_upward_import(fake_root: Path) -> None:
    bad = _write(fake_root, "core/x.py", "from layers import style\nimport core.plan\n")
    ok = _write(fake_root, "callbacks/y.py", "from server.registry import current\n")
    assert floor_violations(bad) == ["core/x.py:1 (core) imports layers"] + [
        "core/x.py:1 (core) imports layers.style"
    ]
    assert floor_violations(ok) == []
    sideways = _write(fake_root, "ui/z.py", "from exports import write_all\n")
    assert floor_violations(sideways) != []


def test_checker_catches_a_private_import(fake_root: Path) -> None:
    bad = _write(fake_root, "ui/x.py", "from layers._style import PALETTE\n")
    inside = _write(fake_root, "layers/sub/y.py", "from layers.sub._impl import f\n")
    assert private_violations(bad) == ["ui/x.py:1 imports private layers._style"]
    assert private_violations(inside) == []


def test_checker_catches_a_framework_on_the_wrong_floor(fake_root: Path) -> None:
    bad = _write(fake_root, "layers/x.py", "import plotly.graph_objects as go\n")
    ok = _write(fake_root, "ui/y.py", "from dash import html\n")
    assert framework_violations(bad) == ["layers/x.py:1 (layers) imports plotly.graph_objects"]
    assert framework_violations(ok) == []
