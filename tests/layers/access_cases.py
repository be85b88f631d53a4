"""Shared helpers of the access-time layer tests: component text, Loir-et-Cher MDS sites,
straight-line minutes computed independently."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from core.access.params import MODES

FOLDER_41 = "41-loir-et-cher"
#: Car defaults of the straight-line model (sourced in core.access.params.MODES).
CAR = MODES["car"]
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def text_of(node) -> str:
    """Visible text of a Dash component tree (strings joined by spaces)."""
    if node is None:
        return ""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return " ".join(text_of(n) for n in node)
    return text_of(getattr(node, "children", None))


def straight_minutes(dep, sites, *, speed_kmh=CAR.speed_kmh, detour=CAR.detour):
    """(n_communes, n_sites) straight-line minutes, computed here from Lambert-93."""
    cx, cy = TO_L93.transform(
        dep.communes["rep_lon"].to_numpy(), dep.communes["rep_lat"].to_numpy()
    )
    sx, sy = TO_L93.transform(sites["lon"].to_numpy(), sites["lat"].to_numpy())
    dist = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :])
    return dist * detour / (speed_kmh * 1000 / 60)


def mds_sites(dep):
    """The MDS of the 2024 scheme of Loir-et-Cher."""
    return dep.sites[dep.sites["scheme_id"] == "mds_2024"].reset_index(drop=True)
