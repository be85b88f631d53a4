"""Codes naming a unit (département, territory, EPCI, commune): :func:`check_unit_codes`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.package.geo import DepartmentShape, unknown_commune_message, unknown_commune_todo
from core.package.problems import quote, sentence
from core.package.table_checks import TableCheck
from core.package.values import normalize_code_insee, split_multi


def check_unit_codes(
    check: TableCheck,
    level_col: str,
    dept: str,
    shape: DepartmentShape,
    epci_ids: set[str],
    territory_keys: set[tuple[str, str]],
) -> None:
    """``code`` of beneficiaries/figures according to the level (unit_type)."""
    frame = check.frame
    codes = frame["code"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(check.live()).tolist():
        level = frame[level_col].iat[i]
        code = codes[i]
        if not isinstance(code, str):
            continue
        if level == "departement":
            codes[i] = _department_code(check, i, code, dept)
        elif level == "territory":
            _check_territory_code(check, i, code, territory_keys)
        elif level == "epci":
            if code not in epci_ids:
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"EPCI {quote(code)} inconnu dans ce département ; la ligne est rejetée",
                        "écrivez le SIREN à 9 chiffres d'un EPCI du département",
                    ),
                )
        elif level == "commune":
            codes[i] = _commune_code(check, i, code, shape)
    frame["code"] = pd.Series(codes, index=frame.index, dtype="str")


def _department_code(check: TableCheck, i: int, code: str, dept: str) -> str:
    fixed = code.zfill(2) if code.isdigit() else code.upper()
    if fixed != dept:
        check.add(
            [i],
            "code",
            sentence(
                f"code {quote(code)} différent du code du département {quote(dept)} ; "
                "la ligne est rejetée",
                f"écrivez {dept}",
            ),
        )
    return fixed


def _check_territory_code(
    check: TableCheck, i: int, code: str, territory_keys: set[tuple[str, str]]
) -> None:
    scheme = check.frame["scheme_id"].iat[i]
    if not isinstance(scheme, str):
        check.add(
            [i],
            "scheme_id",
            sentence(
                "scheme_id vide alors que le niveau est territory ; la ligne est rejetée",
                "indiquez le schéma du territoire (schemes.csv)",
            ),
        )
    elif (scheme, code) not in territory_keys:
        check.add(
            [i],
            "code",
            sentence(
                f"territoire {quote(code)} absent du schéma {quote(scheme)} dans "
                "territories.csv ; la ligne est rejetée",
                "corrigez code (territory_id) ou scheme_id",
            ),
        )


def _commune_code(check: TableCheck, i: int, code: str, shape: DepartmentShape) -> str:
    """The commune code, padded when a leading zero was lost (the code as is otherwise)."""
    norm, status = normalize_code_insee(code)
    fixed = code
    if status == "padded":
        check.add(
            [i],
            "code",
            sentence(
                f"code {quote(code)} complété en {quote(norm)} (zéro initial perdu)",
                "enregistrez la colonne en texte pour garder les zéros initiaux",
            ),
            "warning",
        )
        fixed = norm
    if status == "malformed":
        check.add(
            [i],
            "code",
            sentence(
                f"code commune {quote(code)} invalide ; la ligne est rejetée",
                "écrivez le code INSEE de la commune sur 5 caractères",
            ),
        )
    elif norm not in shape.code_index:
        check.add(
            [i],
            "code",
            sentence(
                unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                unknown_commune_todo(),
            ),
        )
    return fixed


def check_action_scopes(
    actions: TableCheck,
    scheme_ids: set[str],
    territory_keys: set[tuple[str, str]],
    shape: DepartmentShape,
) -> None:
    """``scope`` / ``scope_scheme_id`` / ``scope_codes`` of ``actions.csv``."""
    frame = actions.frame
    scope = frame["scope"].fillna("unknown")
    frame["scope"] = scope.astype("str")
    codes_out = frame["scope_codes"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(actions.live()).tolist():
        sc = scope.iat[i]
        tokens = split_multi(codes_out[i])
        if sc == "territories":
            fixed = _territory_scope(actions, i, tokens, scheme_ids, territory_keys)
        elif sc == "communes":
            fixed = _commune_scope(actions, i, tokens, shape)
        else:
            fixed = None
            if tokens:
                actions.add(
                    [i],
                    "scope_codes",
                    sentence(
                        f"scope_codes renseigné alors que scope = {sc} ; il est ignoré",
                        "videz scope_codes ou corrigez scope",
                    ),
                    "warning",
                )
        if fixed is not None:
            codes_out[i] = fixed
    frame["scope_codes"] = pd.Series(codes_out, index=frame.index, dtype="str")


def _territory_scope(
    actions: TableCheck,
    i: int,
    tokens: list[str],
    scheme_ids: set[str],
    territory_keys: set[tuple[str, str]],
) -> str | None:
    """Cleaned ``scope_codes`` of a ``territories`` scope (None: leave the cell as is)."""
    scheme = actions.frame["scope_scheme_id"].iat[i]
    if not isinstance(scheme, str) or scheme not in scheme_ids:
        actions.add(
            [i],
            "scope_scheme_id",
            sentence(
                f"schéma {quote(scheme if isinstance(scheme, str) else '')} absent de "
                "schemes.csv alors que scope = territories ; la ligne est rejetée",
                "indiquez le scheme_id des territoires concernés",
            ),
        )
        return None
    if not tokens:
        actions.add(
            [i],
            "scope_codes",
            sentence(
                "aucun territoire indiqué alors que scope = territories ; la ligne est rejetée",
                "listez les territory_id séparés par « | », ou écrivez scope = unknown",
            ),
        )
        return None
    missing = [t for t in tokens if (scheme, t) not in territory_keys]
    if missing:
        actions.add(
            [i],
            "scope_codes",
            sentence(
                f"territoire(s) {quote(', '.join(missing))} absent(s) du schéma "
                f"{quote(scheme)} ; la ligne est rejetée",
                "corrigez les territory_id (voir territories.csv)",
            ),
        )
    return "|".join(tokens)


def _commune_scope(
    actions: TableCheck, i: int, tokens: list[str], shape: DepartmentShape
) -> str | None:
    """Cleaned ``scope_codes`` of a ``communes`` scope (None: leave the cell as is)."""
    if not tokens:
        actions.add(
            [i],
            "scope_codes",
            sentence(
                "aucune commune indiquée alors que scope = communes ; la ligne est rejetée",
                "listez les codes INSEE séparés par « | », ou écrivez scope = unknown",
            ),
        )
        return None
    out = []
    for t in tokens:
        norm, status = normalize_code_insee(t)
        if status == "malformed":
            actions.add(
                [i],
                "scope_codes",
                sentence(
                    f"code commune {quote(t)} invalide ; la ligne est rejetée",
                    "écrivez des codes INSEE à 5 caractères séparés par « | »",
                ),
            )
            continue
        if status == "padded":
            actions.add(
                [i],
                "scope_codes",
                sentence(
                    f"code {quote(t)} complété en {quote(norm)} (zéro initial perdu)",
                    "enregistrez la colonne en texte",
                ),
                "warning",
            )
        if norm not in shape.code_index:
            actions.add(
                [i],
                "scope_codes",
                sentence(
                    unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                    unknown_commune_todo(),
                ),
            )
        out.append(norm)
    return "|".join(out)
