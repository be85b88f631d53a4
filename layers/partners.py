"""Partners layer, one trace per typology group, filtered by the plan's axes."""

from __future__ import annotations

import pandas as pd

from core.plan import filter_partners
from layers import points, style

LAYER_ID = "partners"
LABEL = "Partenaires"
GROUPS = tuple(style.PARTNER_GROUPS)


def frame(dep, state) -> pd.DataFrame:
    """Partners serving at least one selected axe (all partners without a filter)."""
    data = filter_partners(dep, state.axes)
    return data.assign(groupe=data["typologie"].map(style.partner_group))


def hover_texts(dep, data: pd.DataFrame) -> list[str]:
    names = dep.communes.set_index("code_insee")["nom"]
    return [
        f"<b>{row.name}</b> ({row.typologie})<br>{names.get(row.code_insee, row.code_insee)}"
        f"<br><i>{points.precision_note(row.precision)}</i>"
        for row in data.itertuples(index=False)
    ]


def traces(dep, assets, state) -> list[dict]:
    """Always one trace per group (possibly empty) so trace indices stay stable."""
    data = frame(dep, state)
    out = []
    for group in GROUPS:
        part = data[data["groupe"] == group]
        spec = style.PARTNER_GROUPS[group]
        out.append(
            points.scatter(
                part,
                layer_id=LAYER_ID,
                name=spec["label"],
                id_column="partner_id",
                hover=hover_texts(dep, part),
                colour=spec["colour"],
                size=style.PARTNER_SIZE,
                meta=f"{LAYER_ID}:{group}",
            )
        )
    return out


def patch(dep, state) -> list[dict]:
    data = frame(dep, state)
    return [
        points.marker_patch(
            data[data["groupe"] == g],
            layer_id=LAYER_ID,
            id_column="partner_id",
            hover=hover_texts(dep, data[data["groupe"] == g]),
        )
        for g in GROUPS
    ]
