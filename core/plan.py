"""Filters by plan axe and by territory: partners, actions, digital points."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.package.values import split_multi

if TYPE_CHECKING:
    from core.package.department import Department

#: French display names of the usual plan levels (others: level with « _ » → space).
LEVEL_LABELS_FR: dict[str, str] = {
    "orientation": "Orientation",
    "axe": "Axe",
    "sous_axe": "Sous-axe",
    "objectif": "Objectif",
    "objectif_operationnel": "Objectif opérationnel",
    "objectif_strategique": "Objectif stratégique",
    "fiche": "Fiche",
    "action": "Action",
    "volet": "Volet",
    "theme": "Thème",
    "chantier": "Chantier",
    "priorite": "Priorité",
    "enjeu": "Enjeu",
}


def level_label(level: str) -> str:
    """French name of a plan level (``objectif_operationnel`` → « Objectif opérationnel »)."""
    return LEVEL_LABELS_FR.get(level, level.replace("_", " ").capitalize())


def node_label(plan: pd.DataFrame, node_id: str) -> str:
    """« Axe 5 – Title » for a plan node (« Title » when it has no number)."""
    row = plan.loc[plan["node_id"] == node_id]
    if row.empty:
        return node_id
    r = row.iloc[0]
    number = r["number"] if isinstance(r["number"], str) else ""
    head = f"{level_label(r['level'])} {number}".strip() if number else ""
    return f"{head} – {r['title']}" if head else str(r["title"])


def _children(plan: pd.DataFrame) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for nid, pid in zip(plan["node_id"], plan["parent_id"], strict=True):
        if isinstance(pid, str):
            children.setdefault(pid, []).append(nid)
    return children


def descendants(plan: pd.DataFrame, node_ids: Iterable[str]) -> set[str]:
    """Nodes below ``node_ids`` in the plan tree, the nodes themselves included.

    Parameters
    ----------
    plan : pandas.DataFrame
        ``plan.csv`` (``node_id``, ``parent_id``).
    node_ids : iterable of str
        Starting nodes (unknown ids are returned as themselves).

    Returns
    -------
    set of str
    """
    children = _children(plan)
    seen = set(node_ids)
    stack = list(seen)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def ancestors(plan: pd.DataFrame, node_id: str) -> list[str]:
    """Parents of ``node_id``, nearest first (the node itself excluded)."""
    parent = dict(zip(plan["node_id"], plan["parent_id"], strict=True))
    out: list[str] = []
    current = parent.get(node_id)
    while isinstance(current, str) and current not in out:
        out.append(current)
        current = parent.get(current)
    return out


def axe_options(dep: Department) -> list[dict[str, Any]]:
    """Options of the axe filter.

    Returns
    -------
    list of dict
        One per plan node of level ``dep.axe_level``, in plan order: ``node_id``,
        ``label`` (« Axe 5 – … »), ``group_node_id`` and ``group_label`` (its ancestor of
        level ``dep.axe_group_level``, None if there is none).
    """
    plan = dep.plan
    level = dict(zip(plan["node_id"], plan["level"], strict=True))
    options = []
    for nid in plan.loc[plan["level"] == dep.axe_level, "node_id"]:
        group = None
        if dep.axe_group_level:
            group = next(
                (a for a in ancestors(plan, nid) if level.get(a) == dep.axe_group_level), None
            )
        options.append(
            {
                "node_id": nid,
                "label": node_label(plan, nid),
                "group_node_id": group,
                "group_label": node_label(plan, group) if group else None,
            }
        )
    return options


def _selected(selected: Iterable[str] | str | None) -> list[str]:
    if selected is None:
        return []
    if isinstance(selected, str):
        return [selected] if selected else []
    return [s for s in selected if s]


def match_axes(
    cells: pd.Series, plan: pd.DataFrame, selected: Iterable[str] | str | None
) -> pd.Series:
    """Rows whose ``|``-separated axes hit the selection.

    A row matches when one of its node_ids is a selected node or a descendant of one.
    With nothing selected every row matches (rows without axes included).

    Returns
    -------
    pandas.Series of bool
        Aligned on ``cells``.
    """
    chosen = _selected(selected)
    if not chosen:
        return pd.Series(True, index=cells.index, dtype=bool)
    allowed = descendants(plan, chosen)
    hits = [any(t in allowed for t in split_multi(v)) for v in cells.to_numpy(dtype=object)]
    return pd.Series(np.asarray(hits, dtype=bool), index=cells.index, dtype=bool)


def filter_partners(dep: Department, axes: Iterable[str] | str | None) -> pd.DataFrame:
    """Partners serving the selected axes (all partners when nothing is selected)."""
    return dep.partners.loc[match_axes(dep.partners["axes"], dep.plan, axes)]


def filter_actions(dep: Department, axes: Iterable[str] | str | None) -> pd.DataFrame:
    """Actions attached to the selected axes (all actions when nothing is selected)."""
    return dep.actions.loc[match_axes(dep.actions["axes"], dep.plan, axes)]


def digital_points_visible(dep: Department, axes: Iterable[str] | str | None) -> bool:
    """Whether digital access points belong to the current axe selection.

    True with no selection; otherwise True when a ``digital_axes`` node is a selected
    node or one of its descendants, or when a selected node lies below a
    ``digital_axes`` node (selecting « médiation numérique » under « inclusion numérique »).
    """
    chosen = _selected(axes)
    if not chosen:
        return True
    digital = set(dep.digital_axes)
    if not digital:
        return False
    return bool(descendants(dep.plan, chosen) & digital) or bool(
        set(chosen) & descendants(dep.plan, digital)
    )


def communes_of(dep: Department, scheme_id: str, territory_id: str) -> list[str]:
    """Sorted commune codes of a territory (empty when its perimeter is unknown)."""
    tc = dep.territory_communes
    mask = (tc["scheme_id"] == scheme_id) & (tc["territory_id"] == territory_id)
    return sorted(tc.loc[mask, "code_insee"].tolist())


def _unit(
    dep: Department,
    scheme_id: str | None,
    territory_id: str | None,
    siren_epci: str | None,
    code_insee: str | None,
) -> tuple[str, set[str]]:
    if territory_id is not None:
        if scheme_id is None:
            raise ValueError("territory_id needs scheme_id")
        return "territory", set(communes_of(dep, scheme_id, territory_id))
    if siren_epci is not None:
        mask = dep.communes["siren_epci"] == siren_epci
        return "epci", set(dep.communes.loc[mask.fillna(False), "code_insee"])
    if code_insee is not None:
        return "commune", {code_insee}
    return "departement", set()


_OVERLAP = {
    "territory": "un territoire qui recoupe ce territoire",
    "epci": "un territoire qui recoupe cet EPCI",
    "commune": "le territoire de cette commune",
}
_IN_UNIT = {"territory": "de ce territoire", "epci": "de cet EPCI"}


def actions_for(
    dep: Department,
    axes: Iterable[str] | str | None,
    *,
    scheme_id: str | None = None,
    territory_id: str | None = None,
    siren_epci: str | None = None,
    code_insee: str | None = None,
) -> pd.DataFrame:
    """Actions of the selected axes that concern a unit, with why (``scope_match``).

    An action concerns a unit when it is département-wide or when its scope territories
    or communes share a commune with the unit (or are the unit itself). With no unit
    (the département), every action is listed. ``scope = unknown`` actions are listed
    only for the département.

    Parameters
    ----------
    dep : Department
    axes : str, iterable of str or None
        Selected plan nodes (None or empty: all).
    scheme_id, territory_id : str, optional
        A territory of a scheme.
    siren_epci : str, optional
        An EPCI (its communes in the département).
    code_insee : str, optional
        A commune.

    Returns
    -------
    pandas.DataFrame
        Rows of ``dep.actions`` plus ``scope_match`` (French: « tout le département »,
        « ce territoire », « une commune de ce territoire »…).
    """
    actions = filter_actions(dep, axes)
    kind, unit_communes = _unit(dep, scheme_id, territory_id, siren_epci, code_insee)
    tc = dep.territory_communes
    members: dict[tuple[str, str], set[str]] = {}
    for (s, t), grp in tc.groupby(["scheme_id", "territory_id"], sort=False):
        members[(s, t)] = set(grp["code_insee"])

    keep: list[bool] = []
    why: list[str | None] = []
    for scope, scheme, codes in zip(
        actions["scope"], actions["scope_scheme_id"], actions["scope_codes"], strict=True
    ):
        tokens = split_multi(codes)
        match: str | None = None
        if scope == "departement":
            match = "tout le département"
        elif kind == "departement":
            match = {
                "territories": "certains territoires",
                "communes": "certaines communes",
            }.get(scope, "périmètre non précisé")
        elif scope == "territories":
            if kind == "territory" and scheme == scheme_id and territory_id in tokens:
                match = "ce territoire"
            else:
                scoped: set[str] = set()
                for t in tokens:
                    scoped |= members.get((scheme, t), set())
                if scoped & unit_communes:
                    match = _OVERLAP[kind]
        elif scope == "communes":
            hit = set(tokens) & unit_communes
            if hit:
                if kind == "commune":
                    match = "cette commune"
                elif len(hit) == 1:
                    match = f"une commune {_IN_UNIT[kind]}"
                else:
                    match = f"{len(hit)} communes {_IN_UNIT[kind]}"
        keep.append(match is not None)
        why.append(match)
    out = actions.loc[np.asarray(keep, dtype=bool)].copy()
    out["scope_match"] = pd.Series(
        [w for w, k in zip(why, keep, strict=True) if k], index=out.index, dtype="str"
    )
    return out
