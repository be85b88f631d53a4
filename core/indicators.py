"""Beneficiary indicators by unit, commune estimates and key figures (secrecy applied)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.secrecy import is_suppressed, suppress

if TYPE_CHECKING:
    from core.package.department import Department

UNIT_TYPES = ("departement", "territory", "epci", "commune")

BY_UNIT_COLUMNS = [
    "level",
    "scheme_id",
    "code",
    "name",
    "indicator",
    "label",
    "year",
    "count",
    "suppressed",
    "population",
    "per_1000",
    "approximate",
    "perimeter_status",
    "estimated",
    "note",
    "source_id",
    "source_title",
    "source_ref",
]

ESTIMATE_COLUMNS = [
    "code_insee",
    "nom",
    "scheme_id",
    "territory_id",
    "territory_name",
    "indicator",
    "label",
    "year",
    "population",
    "count",
    "suppressed",
    "estimated",
    "approximate",
    "method_fr",
    "source_id",
    "source_title",
    "source_ref",
]


def _territory_table(dep: Department) -> pd.DataFrame:
    terr = dep.territories.set_index(["scheme_id", "territory_id"])
    pop = dep.territory_shapes.set_index(["scheme_id", "territory_id"])["population"]
    terr = terr.join(pop.rename("population"))
    return terr


def unit_population(
    dep: Department, unit_type: str, code: str, scheme_id: str | None = None
) -> int | None:
    """Population of a unit (INSEE figures carried by the GeoPackage).

    Parameters
    ----------
    dep : Department
    unit_type : {"departement", "territory", "epci", "commune"}
    code : str
        Département code, territory_id, siren_epci or code_insee.
    scheme_id : str, optional
        Scheme of the territory.

    Returns
    -------
    int or None
        Territory: sum over its communes, None when its perimeter is unknown. EPCI: its
        communes in the département (the counts shown are the département's). None when
        unknown.
    """
    value: Any = None
    if unit_type == "departement":
        if code == dep.code:
            value = dep.outline["population"].iloc[0]
            if pd.isna(value):
                value = dep.communes["population"].sum(min_count=1)
    elif unit_type == "territory":
        shapes = dep.territory_shapes
        row = shapes.loc[(shapes["scheme_id"] == scheme_id) & (shapes["territory_id"] == code)]
        if not row.empty:
            value = row["population"].iloc[0]
    elif unit_type == "epci":
        row = dep.epci.loc[dep.epci["siren_epci"] == code]
        if not row.empty:
            col = "population_in_dept" if bool(row["crosses_border"].iloc[0]) else "population"
            value = row[col].iloc[0]
    elif unit_type == "commune":
        row = dep.communes.loc[dep.communes["code_insee"] == code]
        if not row.empty:
            value = row["population"].iloc[0]
    else:
        raise ValueError(f"unknown unit type {unit_type!r}")
    return None if value is None or pd.isna(value) else int(value)


def _unit_info(dep: Department) -> pd.DataFrame:
    """Name, population, perimeter status of every unit, keyed by (level, scheme_id, code)."""
    rows: list[dict[str, Any]] = [
        {
            "level": "departement",
            "scheme_id": None,
            "code": dep.code,
            "name": dep.name,
            "population": unit_population(dep, "departement", dep.code),
            "perimeter_status": None,
        }
    ]
    terr = _territory_table(dep).reset_index()
    for r in terr.itertuples(index=False):
        known = r.n_communes > 0
        rows.append(
            {
                "level": "territory",
                "scheme_id": r.scheme_id,
                "code": r.territory_id,
                "name": r.name,
                "population": r.population if known else None,
                "perimeter_status": r.perimeter_status_resolved,
            }
        )
    epci = dep.epci
    pop_epci = np.where(
        epci["crosses_border"].astype(bool), epci["population_in_dept"], epci["population"]
    )
    for sid, nom, pop in zip(epci["siren_epci"], epci["nom"], pop_epci, strict=True):
        rows.append(
            {
                "level": "epci",
                "scheme_id": None,
                "code": sid,
                "name": nom,
                "population": pop,
                "perimeter_status": None,
            }
        )
    com = dep.communes
    for c, nom, pop in zip(com["code_insee"], com["nom"], com["population"], strict=True):
        rows.append(
            {
                "level": "commune",
                "scheme_id": None,
                "code": c,
                "name": nom,
                "population": pop,
                "perimeter_status": None,
            }
        )
    info = pd.DataFrame(rows)
    info["population"] = pd.to_numeric(info["population"], errors="coerce").astype("Int64")
    info["scheme_id"] = info["scheme_id"].astype("str")
    return info


def beneficiaries_by_unit(dep: Department, indicator: str | None = None) -> pd.DataFrame:
    """Beneficiary counts at the level each source gives, with secrecy applied.

    Parameters
    ----------
    dep : Department
    indicator : str, optional
        Keep one indicator (``rsa_allocataires_conjoints``…).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BY_UNIT_COLUMNS`: ``count`` (Int64, NA when below the secrecy
        threshold), ``suppressed``, ``population`` of the unit, ``per_1000`` (count /
        population × 1000; NA when the count is suppressed or the population unknown),
        ``approximate`` (territory with an approximate perimeter), ``estimated``, year,
        source. Raw counts never leave this function.
    """
    b = dep.beneficiaries
    if indicator is not None:
        b = b.loc[b["indicator"] == indicator]
    info = _unit_info(dep)
    key = ["level", "scheme_id", "code"]
    merged = b.merge(info, on=key, how="left")
    out = merged.copy()
    out["suppressed"] = is_suppressed(merged["count"], dep.secrecy_threshold).to_numpy()
    out["count"] = suppress(merged["count"], dep.secrecy_threshold).to_numpy()
    out["count"] = out["count"].astype("Int64")
    pop = out["population"].astype("Float64")
    rate = out["count"].astype("Float64") / pop.where(pop > 0) * 1000
    out["per_1000"] = rate.astype("Float64")
    out["approximate"] = (out["perimeter_status"] == "approximate").fillna(False).astype(bool)
    out["source_title"] = out["source_id"].map(dep.source_label).astype("str")
    return out[BY_UNIT_COLUMNS].reset_index(drop=True)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total proportionally to weights; the parts sum to ``total``."""
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    w = np.where(w > 0, w, 0.0)
    if w.sum() <= 0:
        w = np.ones(len(w))
    exact = total * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:rest]] += 1
    return base


def estimate_commune_counts(
    dep: Department,
    indicator: str,
    year: str | int,
    scheme_id: str | None = None,
    *,
    apply_secrecy: bool = True,
) -> pd.DataFrame:
    """Spread territory counts to their communes in proportion to population.

    Parameters
    ----------
    dep : Department
    indicator : str
        Indicator of ``beneficiaries.csv``.
    year : str or int
        Year as written in ``beneficiaries.csv``.
    scheme_id : str, optional
        Scheme whose territory counts are spread; default: ``dep.default_scheme`` if it
        has counts, else the first scheme that has.
    apply_secrecy : bool
        Suppress counts below the threshold (keep True for anything displayed or
        exported; False only to check totals).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ESTIMATE_COLUMNS`, one row per commune of each territory with a
        known perimeter; ``estimated`` is always True and ``method_fr`` says how the
        figure was made. Before suppression the commune counts of a territory sum to its
        count (largest-remainder rounding); suppression is applied after spreading.
    """
    b = dep.beneficiaries
    rows = b.loc[
        (b["level"] == "territory") & (b["indicator"] == indicator) & (b["year"] == str(year))
    ]
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in ESTIMATE_COLUMNS})
    if rows.empty:
        return _typed_estimates(empty)
    schemes = list(dict.fromkeys(rows["scheme_id"]))
    if scheme_id:
        chosen = scheme_id
    elif dep.default_scheme is not None and dep.default_scheme in schemes:
        chosen = dep.default_scheme
    else:
        chosen = schemes[0]
    rows = rows.loc[rows["scheme_id"] == chosen]
    spread = _Spreading(
        dep,
        chosen,
        indicator,
        _territory_table(dep),
        dep.communes.set_index("code_insee"),
        dep.geo_meta.get("population_vintage", ""),
    )
    parts = [part for r in rows.itertuples(index=False) if (part := spread.row(r)) is not None]
    if not parts:
        return _typed_estimates(empty)
    out = pd.concat(parts, ignore_index=True)
    out["count"] = out["count"].astype("Int64")
    out["suppressed"] = False
    if apply_secrecy:
        # A commune share never exceeds its territory count, so a territory below the
        # threshold has all its communes hidden too.
        hidden = is_suppressed(out["count"], dep.secrecy_threshold)
        out["suppressed"] = hidden.to_numpy()
        out["count"] = out["count"].mask(hidden)
    return _typed_estimates(out[ESTIMATE_COLUMNS])


@dataclass(frozen=True)
class _Spreading:
    """What spreading the territory counts of one scheme onto communes needs."""

    dep: Department
    scheme_id: str
    indicator: str
    territories: pd.DataFrame
    communes: pd.DataFrame
    population_vintage: str

    def row(self, r: Any) -> pd.DataFrame | None:
        """Communes of one territory count row (None when the perimeter is unknown)."""
        tc = self.dep.territory_communes
        codes = tc.loc[
            (tc["scheme_id"] == self.scheme_id) & (tc["territory_id"] == r.code), "code_insee"
        ]
        if codes.empty:
            return None  # unknown perimeter: nothing to spread onto
        codes = sorted(codes)
        com = self.communes
        pop = com.loc[codes, "population"].astype("Float64").to_numpy(dtype=float, na_value=0)
        counts = _largest_remainder(int(r.count), pop)
        t = self.territories.loc[(self.scheme_id, r.code)]
        approximate = t["perimeter_status_resolved"] == "approximate"
        return pd.DataFrame(
            {
                "code_insee": codes,
                "nom": com.loc[codes, "nom"].to_numpy(),
                "scheme_id": self.scheme_id,
                "territory_id": r.code,
                "territory_name": t["name"],
                "indicator": self.indicator,
                "label": r.label,
                "year": r.year,
                "population": com.loc[codes, "population"].to_numpy(),
                "count": counts,
                "estimated": True,
                "approximate": bool(approximate),
                "method_fr": self.method(r, t["name"], len(codes), bool(approximate)),
                "source_id": r.source_id,
                "source_title": self.dep.source_label(r.source_id),
                "source_ref": r.source_ref,
            }
        )

    def method(self, r: Any, name: str, n_communes: int, approximate: bool) -> str:
        """French sentence saying how the commune figures were made."""
        vintage = self.population_vintage
        return (
            f"Estimation : effectif du territoire « {name} » ({r.year}, "
            f"{self.dep.source_label(r.source_id)}) réparti entre ses {n_communes} communes au "
            f"prorata de leur population (INSEE{', ' + vintage if vintage else ''})"
            + ("; périmètre du territoire approximatif" if approximate else "")
            + ". Ce n'est pas un effectif communal observé."
        )


def _typed_estimates(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["population"] = pd.to_numeric(frame["population"]).astype("Int64")
    frame["count"] = pd.to_numeric(frame["count"]).astype("Int64")
    for col in ("suppressed", "estimated", "approximate"):
        frame[col] = frame[col].astype(bool)
    return frame.reset_index(drop=True)
