"""The package's ``department.toml``: :func:`check_department_meta` and its references."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.package.contracts import DEPT_CODE_RE, SOURCE_KINDS
from core.package.problems import (
    README_HINT,
    PackageError,
    Problem,
    Severity,
    fatal_problem,
    quote,
    sentence,
)

TOML_FILE = "department.toml"
TOML_REQUIRED = ("code", "name", "slug", "secrecy_threshold", "axe_level", "sources")
SOURCE_FIELDS = ("title", "kind", "vintage", "licence", "url", "note")


@dataclass
class _Findings:
    """Problems of ``department.toml``; any error makes the package unloadable."""

    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False

    def add(self, column: str | None, what: str, todo: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(TOML_FILE, None, column, sentence(what, todo), severity))
        if severity == "error":
            self.fatal = True


def check_department_meta(
    meta: Mapping[str, Any], folder_name: str
) -> tuple[dict[str, Any], list[Problem], bool]:
    """Check and normalise the parsed ``department.toml``.

    Parameters
    ----------
    meta : mapping
        Parsed TOML.
    folder_name : str
        Name of the package folder (``41-loir-et-cher``).

    Returns
    -------
    settings, problems, fatal
        ``settings`` holds typed values (code, name, slug, secrecy_threshold, axe_level,
        axe_group_level, default_scheme, digital_axes, plan, sources as a dict of dicts).
        ``fatal`` is True when the package cannot be loaded.
    """
    found = _Findings()
    missing = [k for k in TOML_REQUIRED if k not in meta]
    if missing:
        found.add(
            ", ".join(missing),
            "clé(s) obligatoire(s) absente(s) : " + ", ".join(missing),
            "ajoutez-les à department.toml (" + README_HINT + ")",
        )
    out: dict[str, Any] = {}
    _check_code(meta, folder_name, out, found)
    _check_required_values(meta, out, found)
    _check_optional_texts(meta, out, found)
    out["digital_axes"] = _digital_axes(meta, found)
    out["plan"] = _plan_table(meta, found)
    out["sources"] = _sources(meta, found)
    return out, found.problems, found.fatal


def _check_code(
    meta: Mapping[str, Any], folder_name: str, out: dict[str, Any], found: _Findings
) -> None:
    code = meta.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        fixed = f"{code:02d}"
        found.add(
            "code",
            f"code {quote(code)} écrit comme un nombre, lu comme {quote(fixed)}",
            f'écrivez code = "{fixed}" entre guillemets',
            "warning",
        )
        code = fixed
    if code is None:
        return
    if not isinstance(code, str) or not DEPT_CODE_RE.fullmatch(code.strip().upper()):
        found.add(
            "code",
            f"code de département {quote(code)} invalide",
            'écrivez le code INSEE du département entre guillemets, ex. "03", "41", "2A"',
        )
        return
    code = code.strip().upper()
    out["code"] = code
    if not folder_name.startswith(code + "-"):
        found.add(
            None,
            f"le dossier {quote(folder_name)} ne commence pas par le code {code}",
            f"nommez le dossier « {code}-<slug> »",
            "warning",
        )


def _check_required_values(meta: Mapping[str, Any], out: dict[str, Any], found: _Findings) -> None:
    """``name``, ``slug``, ``axe_level`` (non-empty texts) and ``secrecy_threshold``."""
    for key in ("name", "slug", "axe_level"):
        v = meta.get(key)
        if key in meta and (not isinstance(v, str) or not v.strip()):
            found.add(key, f"{key} doit être un texte non vide", f'écrivez {key} = "..."')
        elif isinstance(v, str):
            out[key] = v.strip()
    thr = meta.get("secrecy_threshold")
    if "secrecy_threshold" in meta:
        if isinstance(thr, bool) or not isinstance(thr, int) or thr < 1:
            found.add(
                "secrecy_threshold",
                f"seuil de secret statistique {quote(thr)} invalide",
                "écrivez un entier positif, ex. secrecy_threshold = 11",
            )
        else:
            out["secrecy_threshold"] = thr


def _check_optional_texts(meta: Mapping[str, Any], out: dict[str, Any], found: _Findings) -> None:
    for key in ("default_scheme", "axe_group_level"):
        v = meta.get(key)
        if v is None or v == "":
            out[key] = None
        elif not isinstance(v, str):
            found.add(
                key,
                f"{key} doit être un texte",
                f'écrivez {key} = "..." ou retirez la clé',
                "warning",
            )
            out[key] = None
        else:
            out[key] = v.strip()


def _digital_axes(meta: Mapping[str, Any], found: _Findings) -> tuple[str, ...]:
    axes = meta.get("digital_axes", [])
    if isinstance(axes, str):
        axes = [axes]
    if not isinstance(axes, list) or not all(isinstance(a, str) for a in axes):
        found.add(
            "digital_axes",
            "digital_axes doit être une liste de node_id",
            'écrivez digital_axes = ["A11"]',
            "warning",
        )
        axes = []
    return tuple(a.strip() for a in axes if a.strip())


def _plan_table(meta: Mapping[str, Any], found: _Findings) -> dict[str, Any]:
    plan = meta.get("plan", {})
    if not isinstance(plan, dict):
        found.add(
            "plan",
            "[plan] doit être une table",
            "écrivez une table [plan] (name, years…)",
            "warning",
        )
        plan = {}
    elif not plan:
        found.add(
            "plan",
            "table [plan] absente : le nom du plan ne sera pas affiché",
            "ajoutez une table [plan] avec name, short_name, years et source_id",
            "warning",
        )
    return dict(plan)


def _sources(meta: Mapping[str, Any], found: _Findings) -> dict[str, dict[str, str]]:
    sources = meta.get("sources", {})
    clean: dict[str, dict[str, str]] = {}
    if not isinstance(sources, dict) or ("sources" in meta and not sources):
        found.add(
            "sources",
            "aucune source déclarée",
            "ajoutez au moins une table [sources.<identifiant>] avec title, kind et vintage",
        )
        sources = {}
    for sid, src in sources.items():
        entry = _source_entry(sid, src, found)
        if entry is not None:
            clean[str(sid)] = entry
    return clean


def _source_entry(sid: Any, src: Any, found: _Findings) -> dict[str, str] | None:
    """One ``[sources.<id>]`` table as texts (``None`` when it is not a table)."""
    col = f"sources.{sid}"
    if not isinstance(src, dict):
        found.add(
            col,
            f"la source {quote(sid)} doit être une table",
            f"écrivez [sources.{sid}] suivi de title, kind, vintage",
            "warning",
        )
        return None
    entry = {k: "" if src.get(k) is None else str(src.get(k)).strip() for k in SOURCE_FIELDS}
    if not entry["title"]:
        found.add(
            col,
            f"la source {quote(sid)} n'a pas de titre (title)",
            'ajoutez title = "..." : il est affiché avec chaque chiffre',
            "warning",
        )
        entry["title"] = sid
    if entry["kind"] not in SOURCE_KINDS:
        found.add(
            col,
            f"kind {quote(entry['kind'])} non reconnu pour la source {quote(sid)}",
            "utilisez seed, external ou registry",
            "warning",
        )
    if not entry["vintage"]:
        found.add(
            col,
            f"la source {quote(sid)} n'a pas de millésime (vintage)",
            'ajoutez vintage = "AAAA" (année des faits ou de publication)',
            "warning",
        )
    return entry


def read_meta(folder: Path) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    """Parse and check ``department.toml``: raw TOML, typed settings, non-fatal problems."""
    path = folder / TOML_FILE
    if not folder.is_dir():
        raise PackageError(
            [
                fatal_problem(
                    folder.name,
                    "dossier de paquet introuvable",
                    "vérifiez le chemin du dossier data/departments/<code>-<slug>",
                )
            ]
        )
    if not path.is_file():
        raise PackageError(
            [
                fatal_problem(
                    TOML_FILE,
                    f"fichier absent du dossier {quote(folder.name)}",
                    "créez department.toml (voir data/departments/README.md)",
                )
            ]
        )
    try:
        with path.open("rb") as fh:
            meta = tomllib.load(fh)
    except UnicodeDecodeError as exc:
        raise PackageError(
            [fatal_problem(TOML_FILE, "fichier non encodé en UTF-8", "réenregistrez-le en UTF-8")]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackageError(
            [
                fatal_problem(
                    TOML_FILE,
                    f"syntaxe TOML invalide ({exc})",
                    "corrigez la syntaxe : textes entre guillemets, une clé = valeur par ligne",
                )
            ]
        ) from exc
    settings, problems, fatal = check_department_meta(meta, folder.name)
    if fatal:
        raise PackageError(
            [p for p in problems if p.severity == "error"]
            + [p for p in problems if p.severity == "warning"]
        )
    return meta, settings, problems


def check_meta_references(
    settings: Mapping[str, Any],
    scheme_ids: set[str],
    node_ids: set[str],
    levels: set[str],
    problems: list[Problem],
) -> tuple[str | None, tuple[str, ...]]:
    """Check what ``department.toml`` names in the tables (non-fatal, added to ``problems``).

    Parameters
    ----------
    settings : mapping
        As returned by :func:`check_department_meta`.
    scheme_ids, node_ids : set of str
        Kept ``scheme_id`` of ``schemes.csv`` and ``node_id`` of ``plan.csv``.
    levels : set of str
        Levels present in the kept ``plan.csv`` (empty when the plan is empty).
    problems : list of Problem
        Problems of ``department.toml``, extended in place.

    Returns
    -------
    default_scheme, digital_axes
        The default scheme (None when unknown) and the existing digital axes.
    """
    default_scheme = settings["default_scheme"]
    if default_scheme is not None and default_scheme not in scheme_ids:
        problems.append(
            Problem(
                TOML_FILE,
                None,
                "default_scheme",
                sentence(
                    f"schéma par défaut {quote(default_scheme)} absent de schemes.csv",
                    "indiquez un scheme_id de schemes.csv",
                ),
            )
        )
        default_scheme = None
    digital_axes = []
    for node in settings["digital_axes"]:
        if node in node_ids:
            digital_axes.append(node)
        else:
            problems.append(
                Problem(
                    TOML_FILE,
                    None,
                    "digital_axes",
                    sentence(
                        f"nœud {quote(node)} absent de plan.csv ; il est ignoré",
                        "indiquez des node_id de plan.csv",
                    ),
                )
            )
    _check_levels(settings, levels, problems)
    plan_source = settings["plan"].get("source_id")
    if plan_source and plan_source not in settings["sources"]:
        problems.append(
            Problem(
                TOML_FILE,
                None,
                "plan.source_id",
                sentence(f"source {quote(plan_source)} non déclarée", "ajoutez-la dans [sources]"),
                "warning",
            )
        )
    return default_scheme, tuple(digital_axes)


def _check_levels(settings: Mapping[str, Any], levels: set[str], problems: list[Problem]) -> None:
    """``axe_level`` and ``axe_group_level`` must be levels of a non-empty plan."""
    for key in ("axe_level", "axe_group_level"):
        lvl = settings.get(key)
        if lvl and levels and lvl not in levels:
            problems.append(
                Problem(
                    TOML_FILE,
                    None,
                    key,
                    sentence(
                        f"niveau {quote(lvl)} absent de la colonne level de plan.csv "
                        f"(niveaux présents : {', '.join(sorted(levels))})",
                        "indiquez un niveau de plan.csv",
                    ),
                    "warning",
                )
            )
