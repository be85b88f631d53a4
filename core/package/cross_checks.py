"""References between the tables of a package: :func:`check_references`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.package.file_contracts import (
    ACTIONS,
    BENEFICIARIES,
    DIGITAL_POINTS,
    DIGITAL_SCHEMA_COLUMNS,
    FIGURES,
    PARTNERS,
    PLAN,
    SCHEMES,
    SITES,
    TERRITORIES,
    TERRITORY_COMMUNES,
    TERRITORY_RULES,
)
from core.package.geo import DepartmentShape, unknown_commune_message, unknown_commune_todo
from core.package.problems import Problem, quote, sentence
from core.package.table_checks import TableCheck
from core.package.unit_codes import check_action_scopes, check_unit_codes
from core.package.values import normalize_code_insee


def scheme_missing(v: str) -> str:
    """« schéma <v> absent de schemes.csv ; la ligne est rejetée »."""
    return f"schéma {quote(v)} absent de schemes.csv ; la ligne est rejetée"


def territory_missing(s: str, t: str) -> str:
    """« territoire <t> absent du schéma <s> dans territories.csv ; … »."""
    return (
        f"territoire {quote(t)} absent du schéma {quote(s)} dans territories.csv ; "
        "la ligne est rejetée"
    )


def axes_missing(v: str) -> str:
    """« axe(s) <v> absent(s) de plan.csv ; la ligne est rejetée »."""
    return f"axe(s) {quote(v)} absent(s) de plan.csv ; la ligne est rejetée"


AXES_TODO = "utilisez des node_id de plan.csv, séparés par « | »"
TERRITORY_TODO = "déclarez le territoire dans territories.csv ou corrigez l'identifiant"


@dataclass(frozen=True)
class PackageKeys:
    """Identifiers kept in the tables that others refer to.

    Attributes
    ----------
    scheme_ids : set of str
        ``scheme_id`` of ``schemes.csv``.
    node_ids : set of str
        ``node_id`` of ``plan.csv``.
    territory_keys : set of (str, str)
        ``(scheme_id, territory_id)`` of ``territories.csv``.
    """

    scheme_ids: set[str]
    node_ids: set[str]
    territory_keys: set[tuple[str, str]]


def check_references(
    checks: Mapping[str, TableCheck],
    shape: DepartmentShape,
    epci_ids: set[str],
    arrondissements: set[str],
) -> PackageKeys:
    """Check every reference between tables, in loading order; rows are rejected in place.

    Parameters
    ----------
    checks : mapping
        File name → typed table (:data:`~core.package.file_contracts.SCHEMAS` order).
    shape : DepartmentShape
        Communes and outline of the département.
    epci_ids, arrondissements : set of str
        SIREN of the EPCI layer and arrondissement codes of the communes layer.

    Returns
    -------
    PackageKeys
        The identifiers other tables (and ``department.toml``) may refer to.
    """
    schemes = checks[SCHEMES.name]
    schemes.check_unique(("scheme_id",), "scheme_id")
    plan = checks[PLAN.name]
    check_plan(plan)
    keys = PackageKeys(
        set(schemes.kept()["scheme_id"]),
        set(plan.kept()["node_id"]),
        _check_territories(checks, set(schemes.kept()["scheme_id"])),
    )
    _check_sites(checks[SITES.name], keys, shape)
    partners = checks[PARTNERS.name]
    partners.check_in("axes", keys.node_ids, axes_missing, AXES_TODO)
    partners.check_coordinates(shape)
    partners.check_unique(("partner_id",), "partner_id")
    check_digital(checks[DIGITAL_POINTS.name], shape)
    actions = checks[ACTIONS.name]
    actions.check_in("axes", keys.node_ids, axes_missing, AXES_TODO)
    check_action_scopes(actions, keys.scheme_ids, keys.territory_keys, shape)
    actions.check_unique(("action_id",), "action_id")
    _check_counts(checks, shape, epci_ids, keys.territory_keys)
    rules = checks[TERRITORY_RULES.name]
    rules.check_pairs_in(
        ("scheme_id", "territory_id"),
        keys.territory_keys,
        territory_missing,
        TERRITORY_TODO,
        mask=(rules.frame["rule"] != "nearest_site").fillna(True).to_numpy(dtype=bool),
    )
    kept_sites = checks[SITES.name].kept()
    site_schemes = set(kept_sites.loc[kept_sites["territory_id"].notna(), "scheme_id"])
    check_rules(rules, shape, epci_ids, arrondissements, site_schemes)
    return keys


def _check_territories(
    checks: Mapping[str, TableCheck], scheme_ids: set[str]
) -> set[tuple[str, str]]:
    """Territories of known schemes, their communes; returns the kept territory keys."""
    territories = checks[TERRITORIES.name]
    territories.check_in(
        "scheme_id",
        scheme_ids,
        scheme_missing,
        "déclarez le schéma dans schemes.csv ou corrigez scheme_id",
    )
    territories.check_unique(("scheme_id", "territory_id"), "territoire")
    kept_terr = territories.kept()
    territory_keys = set(zip(kept_terr["scheme_id"], kept_terr["territory_id"], strict=True))
    members = checks[TERRITORY_COMMUNES.name]
    members.check_pairs_in(
        ("scheme_id", "territory_id"), territory_keys, territory_missing, TERRITORY_TODO
    )
    members.check_unique(("scheme_id", "territory_id", "code_insee"), "commune")
    check_commune_once_per_scheme(members)
    return territory_keys


def _check_sites(sites: TableCheck, keys: PackageKeys, shape: DepartmentShape) -> None:
    """Sites: served territory, coordinates, unique ``site_id``."""
    has_terr = sites.frame["territory_id"].notna().to_numpy()
    has_scheme = sites.frame["scheme_id"].notna().to_numpy()
    sites.add(
        np.flatnonzero(sites.live() & has_terr & ~has_scheme),
        "scheme_id",
        sentence(
            "territory_id renseigné sans scheme_id ; la ligne est rejetée",
            "indiquez le schéma du territoire desservi",
        ),
    )
    sites.check_in(
        "scheme_id",
        keys.scheme_ids,
        scheme_missing,
        "corrigez scheme_id (voir schemes.csv)",
        mask=has_scheme & ~has_terr,
    )
    sites.check_pairs_in(
        ("scheme_id", "territory_id"),
        keys.territory_keys,
        territory_missing,
        "corrigez scheme_id / territory_id (voir territories.csv)",
        mask=has_terr & has_scheme,
    )
    sites.check_coordinates(shape)
    sites.check_unique(("site_id",), "site_id")


def _check_counts(
    checks: Mapping[str, TableCheck],
    shape: DepartmentShape,
    epci_ids: set[str],
    territory_keys: set[tuple[str, str]],
) -> None:
    """Units of ``beneficiaries.csv`` and ``figures.csv``; a figure needs a value."""
    beneficiaries = checks[BENEFICIARIES.name]
    check_unit_codes(beneficiaries, "level", shape.code, shape, epci_ids, territory_keys)
    beneficiaries.check_unique(("level", "scheme_id", "code", "indicator", "year"), "effectif")
    figures = checks[FIGURES.name]
    check_unit_codes(figures, "unit_type", shape.code, shape, epci_ids, territory_keys)
    no_value = (figures.frame["value"].isna() & figures.frame["value_text"].isna()).to_numpy()
    figures.add(
        np.flatnonzero(figures.live() & no_value),
        "value, value_text",
        sentence(
            "ni value ni value_text : le chiffre est vide ; la ligne est rejetée",
            "indiquez la valeur (value) ou le texte de la source (value_text)",
        ),
    )


def mask_equal(check: TableCheck, column: str, value: str) -> np.ndarray:
    """Rows whose ``column`` equals ``value`` (NA is False)."""
    return (check.frame[column] == value).fillna(False).to_numpy(dtype=bool)


def check_plan(plan: TableCheck) -> None:
    """Unique ``node_id``; every ``parent_id`` exists and the tree has no cycle."""
    plan.check_unique(("node_id",), "node_id")
    frame = plan.frame
    all_ids = dict(zip(frame["node_id"].tolist(), range(len(frame)), strict=False))
    while True:
        live = plan.live()
        ids = set(frame.loc[live, "node_id"].tolist())
        parent = frame["parent_id"]
        bad = live & parent.notna().to_numpy() & ~parent.isin(ids).to_numpy()
        if not bad.any():
            break
        for i in np.flatnonzero(bad).tolist():
            pid = parent.iat[i]
            if pid == frame["node_id"].iat[i]:
                what = f"le nœud {quote(pid)} est son propre parent"
            elif pid in all_ids:
                what = f"le parent {quote(pid)} a été rejeté (ligne {plan.line_of(all_ids[pid])})"
            else:
                what = f"parent {quote(pid)} absent de plan.csv"
            plan.add(
                [i],
                "parent_id",
                sentence(
                    what + " ; la ligne est rejetée", "corrigez parent_id ou ajoutez le nœud parent"
                ),
            )
    # Cycles: nodes not reachable from a root.
    live = np.flatnonzero(plan.live())
    children: dict[str, list[str]] = {}
    roots = []
    for i in live.tolist():
        nid, pid = frame["node_id"].iat[i], frame["parent_id"].iat[i]
        if isinstance(pid, str):
            children.setdefault(pid, []).append(nid)
        else:
            roots.append(nid)
    seen = set(roots)
    stack = list(roots)
    while stack:
        for c in children.get(stack.pop(), []):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    for i in live.tolist():
        if frame["node_id"].iat[i] not in seen:
            plan.add(
                [i],
                "parent_id",
                sentence(
                    f"le nœud {quote(frame['node_id'].iat[i])} est pris dans une boucle de parents "
                    "; la ligne est rejetée",
                    "vérifiez parent_id : l'arbre du plan ne doit pas boucler",
                ),
            )


def check_commune_once_per_scheme(tc: TableCheck) -> None:
    """A commune belongs to at most one territory of a scheme."""
    frame = tc.frame
    first: dict[tuple[str, str], int] = {}
    for i in np.flatnonzero(tc.live()).tolist():
        key = (frame["scheme_id"].iat[i], frame["code_insee"].iat[i])
        if key in first:
            j = first[key]
            tc.add(
                [i],
                "code_insee",
                sentence(
                    f"la commune {quote(key[1])} est déjà dans le territoire "
                    f"{quote(frame['territory_id'].iat[j])} du schéma {quote(key[0])} "
                    f"(ligne {tc.line_of(j)}) ; une commune appartient à un seul territoire "
                    "d'un schéma ; la ligne est rejetée",
                    "retirez la commune de l'un des deux territoires",
                ),
            )
        else:
            first[key] = i


def check_rules(
    rules: TableCheck,
    shape: DepartmentShape,
    epci_ids: set[str],
    arrondissements: set[str],
    site_schemes: set[str],
) -> None:
    """The ``value`` of each rule of ``territory_rules.csv`` names a known unit or scheme."""
    frame = rules.frame
    for i in np.flatnonzero(rules.live()).tolist():
        rule, value = frame["rule"].iat[i], frame["value"].iat[i]
        if rule in ("epci", "commune", "exclude_commune", "arrondissement") and not isinstance(
            value, str
        ):
            rules.add(
                [i],
                "value",
                sentence(
                    f"valeur vide pour la règle {quote(rule)} ; la ligne est rejetée",
                    "indiquez le code concerné",
                ),
            )
            continue
        if rule == "epci" and value not in epci_ids:
            rules.add(
                [i],
                "value",
                sentence(
                    f"EPCI {quote(value)} inconnu dans ce département ; la ligne est rejetée",
                    "écrivez le SIREN à 9 chiffres d'un EPCI du département",
                ),
            )
        elif rule in ("commune", "exclude_commune"):
            norm, status = normalize_code_insee(value)
            if norm not in shape.code_index:
                rules.add(
                    [i],
                    "value",
                    sentence(
                        unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                        unknown_commune_todo(),
                    ),
                )
        elif rule == "arrondissement" and value not in arrondissements:
            rules.add(
                [i],
                "value",
                sentence(
                    f"arrondissement {quote(value)} inconnu dans ce département ; la ligne est "
                    "rejetée",
                    "écrivez le code d'arrondissement INSEE (ex. 411)",
                ),
            )
        elif rule == "nearest_site":
            if frame["territory_id"].iat[i] != "*":
                rules.add(
                    [i],
                    "territory_id",
                    sentence(
                        "une règle nearest_site s'applique à tous les territoires du schéma ; "
                        "la ligne est rejetée",
                        "écrivez « * » dans territory_id",
                    ),
                )
            elif value not in site_schemes:
                rules.add(
                    [i],
                    "value",
                    sentence(
                        f"aucun site de sites.csv ne dessert un territoire du schéma "
                        f"{quote(value if isinstance(value, str) else '')} ; la ligne est "
                        "rejetée",
                        "indiquez dans value le scheme_id des sites (sites.csv) dont la "
                        "proximité définit les territoires",
                    ),
                )


def check_digital(digital: TableCheck, shape: DepartmentShape) -> None:
    """Digital points: national schema columns, coordinates, commune inferred from point."""
    if digital.header:
        missing = [c for c in DIGITAL_SCHEMA_COLUMNS if c not in digital.header]
        if missing:
            digital.problems.append(
                Problem(
                    DIGITAL_POINTS.name,
                    1,
                    ", ".join(missing),
                    sentence(
                        "colonnes du schéma national « lieux de médiation numérique » absentes : "
                        + ", ".join(missing),
                        "ajoutez-les (vides si besoin) pour rester conforme au schéma v1.0.2",
                    ),
                    "warning",
                )
            )
    frame = digital.frame
    no_code = frame["code_insee"].isna().to_numpy()
    no_xy = (frame["latitude"].isna() | frame["longitude"].isna()).to_numpy()
    digital.add(
        np.flatnonzero(digital.live() & no_code & no_xy),
        "code_insee",
        sentence(
            "ni code_insee ni coordonnées : le lieu ne peut pas être placé ; la ligne est rejetée",
            "indiquez le code INSEE de la commune ou les coordonnées",
        ),
    )
    digital.check_coordinates(shape)
    fill = np.flatnonzero(digital.live() & no_code & ~no_xy)
    if len(fill):
        found = shape.locate(
            frame["longitude"].to_numpy(float)[fill], frame["latitude"].to_numpy(float)[fill]
        )
        codes = frame["code_insee"].to_numpy(dtype=object).copy()
        for i, code in zip(fill.tolist(), found.tolist(), strict=True):
            if code is None:
                digital.add(
                    [i],
                    "code_insee",
                    sentence(
                        "code_insee vide et point hors des communes du département ; la ligne est "
                        "rejetée",
                        "indiquez le code INSEE de la commune",
                    ),
                )
            else:
                codes[i] = code
                digital.add(
                    [i],
                    "code_insee",
                    sentence(
                        f"code_insee vide, déduit des coordonnées : {code} "
                        f"({shape.commune_name(code)})",
                        "renseignez code_insee",
                    ),
                    "warning",
                )
        frame["code_insee"] = pd.Series(codes, index=frame.index, dtype="str")
    digital.check_unique(("id",), "id")
