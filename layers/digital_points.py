"""Digital access points layer (« lieux de médiation numérique » schema)."""

from __future__ import annotations

import pandas as pd

from core.plan import digital_points_visible
from layers import points, style

LAYER_ID = "digital_points"
LABEL = "Points d'accès numérique"


def frame(dep, state) -> pd.DataFrame:
    """All digital points, or none when the selected axes do not concern digital access."""
    points = dep.digital_points
    return points if digital_points_visible(dep, state.axes) else points.iloc[0:0]


def hover_texts(dep, data: pd.DataFrame) -> list[str]:
    out = []
    for row in data.itertuples(index=False):
        programmes = (
            row.dispositif_programmes_nationaux
            if isinstance(row.dispositif_programmes_nationaux, str)
            else ""
        )
        extra = f"<br>{programmes.replace('|', ', ')}" if programmes else ""
        out.append(
            f"<b>{row.nom}</b><br>{row.commune}{extra}"
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
            id_column="id",
            hover=hover_texts(dep, data),
            colour=style.DIGITAL_COLOUR,
            size=style.DIGITAL_SIZE,
        )
    ]


def patch(dep, state) -> list[dict]:
    data = frame(dep, state)
    return [
        points.marker_patch(data, layer_id=LAYER_ID, id_column="id", hover=hover_texts(dep, data))
    ]
