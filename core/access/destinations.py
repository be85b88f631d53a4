"""Which places count as « the nearest service »: sites, digital points, partners.

A destination set is chosen by kind (departmental sites of a scheme, digital access
points, partners of some typologies), narrowed by the plan's axes and, where the data
gives opening hours, by the day of the week. Nothing is dropped silently: places whose
hours are unknown are kept and counted in the notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.access.model import Places
from core.access.opening_hours import DAYS_FR, select_open
from core.plan import digital_points_visible, filter_partners

#: Columns of :attr:`DestinationSet.frame`.
FRAME_COLUMNS = [
    "dest_id",
    "name",
    "kind",
    "typologie",
    "code_insee",
    "precision",
    "status",
    "hours_unknown",
    "lon",
    "lat",
]
KIND_LABELS_FR = {
    "sites": "sites départementaux",
    "digital": "points d'accès numériques",
    "partners": "partenaires",
}


@dataclass(frozen=True)
class DestinationSet:
    """Destinations of an access computation.

    Attributes
    ----------
    places : Places
        Ids are prefixed by kind (``sites:mds_mer``) so ids never collide across kinds.
    frame : pandas.DataFrame
        One row per destination, :data:`FRAME_COLUMNS`.
    notes_fr : tuple of str
        French notes to print with the results (positions, unknown hours…).
    """

    places: Places
    frame: pd.DataFrame
    notes_fr: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.frame)


def _rows(
    data: pd.DataFrame, kind: str, id_col: str, name_col: str, status: str | None
) -> pd.DataFrame:
    if data.empty:
        return pd.DataFrame(columns=[*FRAME_COLUMNS, "horaires", "itinerance"])
    out = pd.DataFrame(
        {
            "dest_id": kind + ":" + data[id_col].astype(str),
            "name": data[name_col].astype(str),
            "kind": kind,
            "typologie": data.get("typologie", pd.Series("", index=data.index)).fillna(""),
            "code_insee": data["code_insee"].astype(str),
            "precision": data.get("precision", pd.Series("", index=data.index)).fillna(""),
            "status": data[status].fillna("") if status and status in data else "",
            "horaires": data["horaires"] if "horaires" in data else None,
            "itinerance": data["itinerance"] if "itinerance" in data else None,
            "lon": data["lon"].astype(float),
            "lat": data["lat"].astype(float),
        }
    )
    return out.reset_index(drop=True)


def _in_group(typologies: pd.Series, group: str, groups: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Partners of ``group``: typology listed in it, or, for a group listing none (the
    catch-all « autres »), typology listed in no group, as the partner layer groups them."""
    codes = typologies.fillna("").astype(str).str.strip().str.upper()
    if group not in groups:
        return np.zeros(len(codes), dtype=bool)
    listed = set(groups[group])
    if not listed:
        listed = {t for members in groups.values() for t in members}
        return ~codes.isin(listed).to_numpy()
    return codes.isin(listed).to_numpy()


def _kind_rows(
    dep,
    kind: str,
    scheme_id: str | None,
    axes: Sequence[str],
    partner_groups: Mapping[str, Sequence[str]],
    notes: list[str],
) -> pd.DataFrame | None:
    """Destination rows of one kind (None when left out, with a note saying why)."""
    if kind == "sites":
        scheme = scheme_id or dep.default_scheme
        sites = dep.sites
        if "scheme_id" in sites.columns:
            sites = sites[sites["scheme_id"].isna() | (sites["scheme_id"] == scheme)]
        return _rows(sites, "sites", "site_id", "name", "status")
    if kind == "digital":
        if digital_points_visible(dep, axes):
            return _rows(dep.digital_points, "digital", "id", "nom", None)
        if len(dep.digital_points):
            notes.append(
                "Points d'accès numériques non retenus : ils ne relèvent pas des axes sélectionnés."
            )
        return None
    if kind.startswith("partners:"):
        group = kind.split(":", 1)[1]
        data = filter_partners(dep, list(axes))
        data = data[_in_group(data["typologie"], group, partner_groups)]
        return _rows(data, kind, "partner_id", "name", None)
    raise ValueError(f"unknown destination kind: {kind}")


def _open_on_day(frame: pd.DataFrame, day: int | None, notes: list[str]) -> pd.DataFrame:
    """Places open on ``day`` (all when None), flagged ``hours_unknown``; notes appended."""
    keep, unknown = select_open(
        frame["horaires"].tolist() if len(frame) else [],
        frame["itinerance"].tolist() if len(frame) else [],
        day,
    )
    keep = np.asarray(keep, dtype=bool)
    unknown = np.asarray(unknown, dtype=bool)
    frame = frame.assign(hours_unknown=unknown if len(frame) else [])
    if day is not None and len(frame):
        closed = int((~keep).sum())
        if closed:
            notes.append(f"{closed} lieu(x) fermé(s) le {DAYS_FR[day]} d'après leurs horaires.")
        n_unknown = int((keep & unknown).sum())
        if n_unknown:
            notes.append(
                f"{n_unknown} lieu(x) sans horaires connus comptés comme ouverts le "
                f"{DAYS_FR[day]} (horaires absents des données)."
            )
        frame = frame[keep].reset_index(drop=True)
    return frame


def select_destinations(
    dep,
    kinds: Iterable[str],
    *,
    scheme_id: str | None,
    axes: Sequence[str] = (),
    day: int | None = None,
    partner_groups: Mapping[str, Sequence[str]] | None = None,
) -> DestinationSet:
    """Destinations of the given kinds.

    Parameters
    ----------
    dep : Department
    kinds : iterable of str
        ``"sites"`` (departmental sites of ``scheme_id`` plus those attached to no scheme),
        ``"digital"`` (digital access points, when they belong to the axe selection) and
        ``"partners:<group>"`` (partners whose typology is in ``partner_groups[group]``,
        narrowed by ``axes``).
    scheme_id : str or None
        Scheme whose sites are used (``None`` = the département's default).
    axes : sequence of str
        Axe filter; empty = no filter.
    day : int or None
        0 = Monday … 6 = Sunday; ``None`` keeps every place whatever its hours.
    partner_groups : mapping, optional
        Typologies of each partner group (the UI's grouping); a group listing none is the
        catch-all: partners whose typology is in no other group.
    """
    notes: list[str] = []
    parts = [
        part
        for kind in dict.fromkeys(kinds)
        if (part := _kind_rows(dep, kind, scheme_id, axes, partner_groups or {}, notes)) is not None
    ]
    frame = (
        pd.concat(parts, ignore_index=True) if parts else _rows(pd.DataFrame(), "", "", "", None)
    )
    frame = frame.dropna(subset=["lon", "lat"]).reset_index(drop=True)
    frame = _open_on_day(frame, day, notes)
    if len(frame) and (frame["precision"] == "commune").any():
        n = int((frame["precision"] == "commune").sum())
        notes.append(
            f"{n} lieu(x) placé(s) au centre de leur commune faute d'adresse géolocalisée : "
            "temps approximatifs."
        )
    places = Places(
        frame["dest_id"].to_numpy(), frame["lon"], frame["lat"], frame["name"].to_numpy()
    )
    return DestinationSet(places, frame[FRAME_COLUMNS], tuple(notes))


def commune_places(dep) -> Places:
    """Origins: every commune at its representative point, named by its name."""
    c = dep.communes
    return Places(c["code_insee"].to_numpy(), c["rep_lon"], c["rep_lat"], c["nom"].to_numpy())
