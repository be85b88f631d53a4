"""Departmental sites layer: MDCS, MDS, CMS, permanences of the conseil départemental."""

from __future__ import annotations

import pandas as pd

from layers import points, style

LAYER_ID = "sites"
LABEL = "Sites départementaux"

STATUS_LABELS = {"ouvert": "ouvert", "prevu": "ouverture prévue", "ferme": "fermé / remplacé"}


def frame(dep, state) -> pd.DataFrame:
    """Sites of the current scheme plus sites attached to no scheme."""
    scheme = state.scheme_id or dep.default_scheme
    sites = dep.sites
    if "scheme_id" in sites.columns:
        keep = sites["scheme_id"].isna() | (sites["scheme_id"] == scheme)
        sites = sites[keep]
    return sites


def hover_texts(dep, data: pd.DataFrame) -> list[str]:
    names = dep.communes.set_index("code_insee")["nom"]
    out = []
    for row in data.itertuples(index=False):
        commune = names.get(row.code_insee, row.code_insee)
        status = STATUS_LABELS.get(getattr(row, "status", ""), getattr(row, "status", ""))
        out.append(
            f"<b>{row.name}</b><br>{commune} — {status}"
            f"<br><i>{points.precision_note(row.precision)}</i>"
        )
    return out


def traces(dep, assets, state) -> list[dict]:
    data = frame(dep, state)
    return [
        points.scatter(
            data,
            layer_id=LAYER_ID,
            name=LABEL,
            id_column="site_id",
            hover=hover_texts(dep, data),
            colour=style.SITE_COLOUR,
            size=style.SITE_SIZE,
        )
    ]
