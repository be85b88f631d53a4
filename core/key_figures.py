"""Key figures of a unit for the side panel and exports: :func:`key_figures`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from core.formatting import format_number_fr
from core.indicators import UNIT_TYPES, beneficiaries_by_unit, unit_population
from core.secrecy import SECRECY_LABEL_FR, format_count

if TYPE_CHECKING:
    from core.package.department import Department


#: Details of a key figure and their defaults, in the order of the figure's keys.
FIGURE_DETAILS: Mapping[str, Any] = MappingProxyType(
    {
        "unit": "",
        "year": "",
        "source": "",
        "source_id": "",
        "source_ref": "",
        "approximate": False,
        "estimated": False,
        "suppressed": False,
        "note": "",
    }
)


def _figure(label: str, value: float | None, value_text: str, **details: Any) -> dict[str, Any]:
    """One key figure; ``details`` are keys of :data:`FIGURE_DETAILS`."""
    unknown = set(details) - set(FIGURE_DETAILS)
    if unknown:
        raise TypeError(f"unknown figure details {sorted(unknown)}")
    return {"label": label, "value": value, "value_text": value_text, **FIGURE_DETAILS, **details}


def _str(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _geo_source(dep: Department) -> tuple[str, str]:
    """(source text, year) of the populations carried by the GeoPackage."""
    meta = dep.geo_meta
    year = meta.get("population_vintage") or meta.get("population_year") or ""
    title = meta.get("population_source") or meta.get("source") or "INSEE, populations légales"
    return (f"{title} ({year})" if year and year not in title else title), year


def key_figures(
    dep: Department, unit_type: str, code: str, scheme_id: str | None = None
) -> list[dict[str, Any]]:
    """Key figures of a unit for the side panel and exports, each with its source.

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
    list of dict
        Keys: label, value (number or None), value_text (French, secrecy applied), unit,
        year, source (title and vintage), source_id, source_ref, approximate, estimated,
        suppressed, note. Population, communes, beneficiaries (with rate per 1 000
        inhabitants) and the rows of ``figures.csv`` for the unit.
    """
    if unit_type not in UNIT_TYPES:
        raise ValueError(f"unknown unit type {unit_type!r}")
    territory = _territory_row(dep, scheme_id, code) if unit_type == "territory" else None
    approximate = territory is not None and territory["perimeter_status_resolved"] == "approximate"
    figures = [_population_figure(dep, unit_type, code, scheme_id, approximate)]
    if territory is not None:
        figures += _territory_commune_figures(dep, territory, approximate)
    elif unit_type == "departement":
        cog, cog_source = _cog(dep)
        n = len(dep.communes)
        figures.append(_figure("Communes", n, format_number_fr(n), year=cog, source=cog_source))
    elif unit_type == "epci":
        figures += _epci_commune_figures(dep, code)
    figures += _beneficiary_figures(dep, unit_type, code, scheme_id)
    figures += _table_figures(dep, unit_type, code, scheme_id)
    return figures


def _territory_row(dep: Department, scheme_id: str | None, code: str) -> pd.Series:
    terr = dep.territories
    row = terr.loc[(terr["scheme_id"] == scheme_id) & (terr["territory_id"] == code)]
    if row.empty:
        raise KeyError(f"territory {scheme_id}/{code}")
    return row.iloc[0]


def _cog(dep: Department) -> tuple[str, str]:
    """(vintage, source text) of the commune list."""
    cog = dep.geo_meta.get("cog_vintage", "")
    return cog, f"INSEE, Code officiel géographique {cog}".strip()


def _population_figure(
    dep: Department, unit_type: str, code: str, scheme_id: str | None, approximate: bool
) -> dict[str, Any]:
    geo_source, pop_year = _geo_source(dep)
    population = unit_population(dep, unit_type, code, scheme_id)
    if population is None and unit_type == "territory":
        return _figure(
            "Population",
            None,
            "inconnue (périmètre non connu)",
            source=geo_source,
            year=pop_year,
        )
    return _figure(
        "Population" + (" (communes du département)" if unit_type == "epci" else ""),
        population,
        "inconnue" if population is None else format_number_fr(population) + " habitants",
        unit="habitants",
        year=pop_year,
        source=geo_source,
        approximate=approximate,
    )


def _territory_commune_figures(
    dep: Department, t: pd.Series, approximate: bool
) -> list[dict[str, Any]]:
    cog, cog_source = _cog(dep)
    figures = []
    n = int(t["n_communes"])
    if n:
        figures.append(
            _figure(
                "Communes",
                n,
                format_number_fr(n),
                year=cog,
                source=cog_source,
                approximate=approximate,
            )
        )
    stated = t.get("n_communes_stated")
    if stated is not None and not pd.isna(stated):
        figures.append(
            _figure(
                "Communes (selon la source)",
                int(stated),
                format_number_fr(int(stated)),
                source=dep.source_label(t["source_id"]),
                source_id=t["source_id"],
                source_ref=_str(t["source_ref"]),
            )
        )
    return figures


def _epci_commune_figures(dep: Department, code: str) -> list[dict[str, Any]]:
    row = dep.epci.loc[dep.epci["siren_epci"] == code]
    if row.empty:
        return []
    cog, cog_source = _cog(dep)
    geo_source, pop_year = _geo_source(dep)
    figures = []
    e = row.iloc[0]
    n_in = int(e["n_communes_in_dept"])
    text = format_number_fr(n_in)
    if bool(e["crosses_border"]):
        text += f" (sur {format_number_fr(int(e['n_communes']))} au total)"
        figures.append(
            _figure(
                "Population de l'EPCI entier",
                int(e["population"]),
                format_number_fr(int(e["population"])) + " habitants",
                unit="habitants",
                year=pop_year,
                source=geo_source,
            )
        )
    figures.append(_figure("Communes dans le département", n_in, text, year=cog, source=cog_source))
    return figures


def _beneficiary_figures(
    dep: Department, unit_type: str, code: str, scheme_id: str | None
) -> list[dict[str, Any]]:
    """Counts of the unit (secrecy applied) and their rate per 1 000 inhabitants."""
    figures = []
    beneficiaries = beneficiaries_by_unit(dep)
    mask = (beneficiaries["level"] == unit_type) & (beneficiaries["code"] == code)
    if unit_type == "territory":
        mask &= beneficiaries["scheme_id"] == scheme_id
    for r in (
        beneficiaries.loc[mask]
        .sort_values(["indicator", "year"], ascending=[True, False])
        .itertuples(index=False)
    ):
        count = None if pd.isna(r.count) else int(r.count)
        common: dict[str, Any] = dict(
            year=_str(r.year),
            source=_str(r.source_title),
            source_id=_str(r.source_id),
            source_ref=_str(r.source_ref),
            approximate=bool(r.approximate),
            estimated=bool(r.estimated) if not pd.isna(r.estimated) else False,
            note=_str(r.note),
        )
        figures.append(
            _figure(
                str(r.label),
                count,
                format_count(count, bool(r.suppressed)),
                unit="personnes",
                suppressed=bool(r.suppressed),
                **common,
            )
        )
        if not pd.isna(r.per_1000):
            figures.append(
                _figure(
                    f"{r.label} pour 1 000 habitants",
                    float(r.per_1000),
                    format_number_fr(float(r.per_1000), 1),
                    unit="‰",
                    **common,
                )
            )
        elif bool(r.suppressed):
            figures.append(
                _figure(
                    f"{r.label} pour 1 000 habitants",
                    None,
                    SECRECY_LABEL_FR,
                    unit="‰",
                    suppressed=True,
                    **common,
                )
            )
    return figures


def _table_figures(
    dep: Department, unit_type: str, code: str, scheme_id: str | None
) -> list[dict[str, Any]]:
    """Rows of ``figures.csv`` for the unit."""
    figures = []
    fig = dep.figures
    mask = (fig["unit_type"] == unit_type) & (fig["code"] == code)
    if unit_type == "territory":
        mask &= fig["scheme_id"] == scheme_id
    for r in fig.loc[mask].itertuples(index=False):
        value = None if pd.isna(r.value) else float(r.value)
        text = _str(r.value_text)
        if not text and value is not None:
            text = format_number_fr(value, 0 if value.is_integer() else 1)
            if _str(r.unit):
                text += f" {r.unit}"
        figures.append(
            _figure(
                str(r.indicator),
                value,
                text,
                unit=_str(r.unit),
                year=_str(r.year),
                source=dep.source_label(r.source_id),
                source_id=r.source_id,
                source_ref=_str(r.source_ref),
                estimated=bool(r.estimated) if not pd.isna(r.estimated) else False,
                note=_str(r.note),
            )
        )
    return figures
