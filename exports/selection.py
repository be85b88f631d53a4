"""The selected unit of a snapshot, checked against the département."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exports.safety import ExportError

#: Point selections of the UI (a place's panel): exported as the département view.
POINT_KINDS = ("sites", "partners", "digital_points")


def checked_selection(
    dep: Any, sel: Mapping[str, Any] | None, scheme: str
) -> dict[str, Any] | None:
    """The selection as the snapshot keeps it (None for the département or a place).

    Raises
    ------
    ExportError
        Unknown unit (French message listing the available values).
    """
    if not sel:
        return None
    kind, code = sel.get("type"), str(sel.get("code") or "")
    if kind in ("departement", *POINT_KINDS):
        # A site, partner or digital point has no key figures nor actions of its own:
        # the snapshot is the département's (the point stays on the map).
        return None
    if kind == "territory":
        unit_scheme = sel.get("scheme") or scheme
        table = dep.territories[dep.territories["scheme_id"] == unit_scheme]
        if code not in set(table["territory_id"]):
            raise ExportError(
                f"Territoire « {code} » inconnu dans le découpage « {unit_scheme} ». "
                "Territoires disponibles : "
                + ", ".join(
                    f"{t} ({n})"
                    for t, n in zip(table["territory_id"], table["name"], strict=True)
                )
                + "."
            )
        return {"type": kind, "code": code, "scheme": unit_scheme}
    if kind == "epci":
        if code not in set(dep.epci["siren_epci"]):
            raise ExportError(
                f"EPCI « {code} » inconnu. EPCI disponibles : "
                + ", ".join(
                    f"{s} ({n})"
                    for s, n in zip(dep.epci["siren_epci"], dep.epci["nom"], strict=True)
                )
                + "."
            )
        return {"type": kind, "code": code}
    if kind == "commune":
        if code not in set(dep.communes["code_insee"]):
            raise ExportError(
                f"Commune « {code} » inconnue dans le {dep.code} (code INSEE attendu)."
            )
        return {"type": kind, "code": code}
    raise ExportError(
        f"Sélection « {kind} » inconnue : territory, epci, commune ou departement."
    )
