"""The loaded département packages: reference data, loaded once at start-up, read-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.access.service import AccessService
from core.package import Department, discover_departments, load_department
from core.package.problems import PackageError, Problem
from layers import access_times
from layers.assets import MapAssets


@dataclass(frozen=True)
class Entry:
    """One loaded département, its precomputed map assets and its access-time service."""

    dep: Department
    assets: MapAssets
    access: AccessService


@dataclass(frozen=True)
class Failure:
    """A package that could not be loaded, with its French problems."""

    code: str
    path: Path
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Registry:
    """Every département the app serves, by code."""

    entries: dict[str, Entry] = field(default_factory=dict)
    failures: dict[str, Failure] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dirs: Sequence[Path], geo_dirs: Sequence[Path]) -> Registry:
        """Discover and load every package; a broken package is reported, not fatal."""
        entries: dict[str, Entry] = {}
        failures: dict[str, Failure] = {}
        for code, path in discover_departments(data_dirs).items():
            try:
                dep = load_department(path, geo_dirs=geo_dirs)
            except PackageError as exc:
                failures[code] = Failure(code, path, tuple(exc.problems))
                continue
            entries[code] = Entry(dep, MapAssets.build(dep), access_times.service_for(dep))
        return cls(entries, failures)

    def codes(self) -> list[str]:
        return sorted(self.entries)

    def get(self, code: str) -> Entry:
        """The entry of ``code``; ``KeyError`` when it is unknown or failed to load."""
        return self.entries[code]

    def options(self) -> list[dict]:
        """Département selector options (broken packages listed, disabled)."""
        opts = [
            {"label": f"{code} – {e.dep.name}", "value": code}
            for code, e in sorted(self.entries.items())
        ]
        opts += [
            {"label": f"{code} – paquet en erreur", "value": code, "disabled": True}
            for code in sorted(self.failures)
        ]
        return opts


_CURRENT: Registry | None = None
_DEFAULT_CODE: str | None = None


def install(registry: Registry, default_code: str | None = None) -> None:
    """Make ``registry`` the one callbacks and API routes read."""
    global _CURRENT, _DEFAULT_CODE
    _CURRENT = registry
    _DEFAULT_CODE = default_code


def current() -> Registry:
    """The installed registry (``create_app`` installs it)."""
    if _CURRENT is None:
        raise RuntimeError("No registry installed: build the app with app.create_app().")
    return _CURRENT


def default_code() -> str:
    """The département served when a URL names none (``--departement``)."""
    reg = current()
    if _DEFAULT_CODE in reg.entries:
        return _DEFAULT_CODE
    return reg.codes()[0]
