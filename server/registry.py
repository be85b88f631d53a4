"""The loaded département packages: reference data, loaded once at start-up, read-only.

The registry lives on the app (``app.server.extensions["atlas"]``), never in a module
variable: two apps in one process serve their own packages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import Flask, current_app

from core.access.service import AccessService
from core.package import Department, discover_departments, load_department
from core.package.problems import PackageError, Problem
from exports.image import MapRenderer
from layers import access_times
from layers.assets import MapAssets

#: Key of the registry in ``flask.Flask.extensions``.
EXTENSION = "atlas"
#: Key of the app's map renderer (Kaleido's Chromium, kept open after the first export).
RENDERER = "atlas.renderer"


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
    preferred: str | None = None  # the département shown first (``--departement``)

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
        """Codes of the départements that can be served."""
        return sorted(self.entries)

    def has(self, code: object) -> bool:
        """True when ``code`` names a département that can be served."""
        return isinstance(code, str) and code in self.entries

    def failure(self, code: object) -> Failure | None:
        """Why the package ``code`` cannot be served, or None."""
        return self.failures.get(code) if isinstance(code, str) else None

    def broken(self) -> list[Failure]:
        """Every package that could not be loaded, by code."""
        return [self.failures[c] for c in sorted(self.failures)]

    def default_code(self) -> str:
        """The preferred département when it is loaded, else the first code."""
        return self.preferred if self.preferred in self.entries else self.codes()[0]

    def with_preferred(self, code: str | None) -> Registry:
        """The same packages, ``code`` shown when a URL names no département."""
        return replace(self, preferred=code)

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


def attach(server: Flask, registry: Registry) -> None:
    """Keep ``registry`` and a map renderer on the Flask ``server`` (``create_app`` calls it
    once)."""
    server.extensions[EXTENSION] = registry
    server.extensions[RENDERER] = MapRenderer()


def renderer() -> MapRenderer:
    """The map renderer of the app serving the current request (PNG and PDF exports)."""
    try:
        return current_app.extensions[RENDERER]
    except KeyError:
        raise RuntimeError("No renderer on this app: build it with app.create_app().") from None


def current() -> Registry:
    """The registry of the app serving the current request (callbacks and API routes).

    Raises ``RuntimeError`` outside an app context or when the app has no registry."""
    try:
        return current_app.extensions[EXTENSION]
    except KeyError:
        raise RuntimeError("No registry on this app: build it with app.create_app().") from None


def default_code() -> str:
    """The département served when a URL names none (``--departement``)."""
    return current().default_code()
