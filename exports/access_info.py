"""Access times of a snapshot: the model, its figures and notes, as plain values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from exports.metadata import plain_text
from exports.safety import check_counts
from layers.formatting import fmt_float, fmt_int, is_missing
from layers.geojson import json_safe

if TYPE_CHECKING:
    from exports.snapshot import Snapshot



@dataclass(frozen=True)
class AccessInfo:
    """Access-time model and figures of a snapshot (access switched on)."""

    model_text: str
    approximate: bool
    threshold: float
    mode: str
    engine: str
    params: dict[str, Any]
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    summary_lines: tuple[str, ...]
    unit_lines: tuple[str, ...]
    notes: tuple[str, ...]
    problems: tuple[str, ...]
    ok: bool
    scenario: str = ""


def access_info(snapshot: Snapshot) -> AccessInfo | None:
    """Model, figures and notes of the access times (None when access is off)."""
    a = snapshot.state.access
    if not a.enabled:
        return None
    dep = snapshot.dep
    v = snapshot.access_service.view_for(snapshot.state)
    dests = ()
    if v.destinations is not None:
        dests = tuple(str(n) for n in v.destinations.frame["name"])
    if not v.ok:
        return AccessInfo(
            model_text="",
            approximate=True,
            threshold=a.threshold,
            mode=a.mode,
            engine=a.engine,
            params={},
            sources=(),
            destinations=dests,
            summary_lines=(),
            unit_lines=(),
            notes=tuple(v.notes),
            problems=tuple(v.problems),
            ok=False,
        )
    figs = snapshot.access_service.figures(snapshot.state)
    summary = figs["summary"]
    scenario = ""
    if a.has_scenario:
        from core.access import Scenario

        names = dict(zip(dep.communes["code_insee"], dep.communes["nom"], strict=True))
        frame = v.destinations.frame
        names.update(zip(frame["dest_id"], frame["name"], strict=True))
        scenario = Scenario(a.added, a.removed).describe_fr(names).removeprefix("Scénario : ")
    check_counts(
        figs["territory"].get("beneficiaries", pd.Series(dtype=float)),
        dep.secrecy_threshold,
        "les temps d'accès par territoire",
    )
    model = v.model
    return AccessInfo(
        model_text=model.text_fr,
        approximate=bool(model.approximate),
        threshold=float(a.threshold),
        mode=a.mode,
        engine=a.engine,
        params={k: json_safe(val) for k, val in model.params.items()},
        sources=tuple(model.sources_fr),
        destinations=dests,
        summary_lines=tuple(summary.lines_fr()),
        unit_lines=tuple(access_unit_lines(snapshot, figs)),
        notes=tuple(v.notes),
        problems=tuple(v.problems),
        ok=True,
        scenario=scenario,
    )

def access_unit_lines(snapshot: Snapshot, figs: dict) -> list[str]:
    """Access figures of the selected unit, French lines (none when it has none)."""
    kind, code, scheme = snapshot.unit
    th = fmt_float(snapshot.state.access.threshold, 0)
    row = None
    if (
        kind == "territory"
        and scheme == snapshot.scheme
        and snapshot.unit_name in figs["territory"].index
    ):
        row = figs["territory"].loc[snapshot.unit_name]
    elif kind == "epci" and snapshot.unit_name in figs["epci"].index:
        row = figs["epci"].loc[snapshot.unit_name]
    elif kind == "commune":
        frame = snapshot.layer_frames().get("access")
        if frame is not None:
            r = frame[frame["code_insee"] == code]
            if not r.empty:
                m = float(r["minutes"].iloc[0])
                near = plain_text(r["nearest"].iloc[0])
                if not math.isfinite(m):
                    return ["Aucun service atteignable depuis cette commune."]
                return [f"{fmt_float(m, 0)} min jusqu'au service le plus proche ({near})."]
    if row is None:
        return []

    def minutes(v) -> str:
        return "n.d." if v is None or not math.isfinite(float(v)) else f"{fmt_float(v, 1)} min"

    share = row["share_beyond"]
    lines = [
        f"Temps moyen (pondéré par la population) : {minutes(row['mean_min'])}.",
        f"Temps médian : {minutes(row['median_min'])}.",
        f"Habitants à plus de {th} min : {fmt_int(row['pop_beyond'])}"
        + (
            f" ({fmt_float(100 * float(share), 1)} %)."
            if not is_missing(share) and math.isfinite(float(share))
            else "."
        ),
        f"Communes au-delà du seuil : {fmt_int(row['communes_beyond'])} sur "
        f"{fmt_int(row['communes'])}.",
    ]
    return lines
