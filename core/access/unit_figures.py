"""Inputs of the access figures drawn from a département package: units and weights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from core.indicators import beneficiaries_by_unit, estimate_commune_counts

#: (indicator, year, level) of the beneficiary series shown by default, or None.
SeriesChooser = Callable[[Any], "tuple[str, str, str] | None"]


def units_of(dep: Any, scheme: str | None) -> dict[str, pd.Series]:
    """Commune → unit maps for the figures: territories of the scheme and EPCI."""
    scheme = scheme or dep.default_scheme
    tc = dep.territory_communes
    terr = tc[tc["scheme_id"] == scheme].drop_duplicates("code_insee")
    names = dep.territories[dep.territories["scheme_id"] == scheme].set_index("territory_id")[
        "name"
    ]
    c = dep.communes.set_index("code_insee")
    epci_names = dep.epci.set_index("siren_epci")["nom"]
    return {
        "territory": terr.set_index("code_insee")["territory_id"].map(names),
        "epci": c["siren_epci"].map(epci_names),
    }


def unit_beneficiaries(
    dep: Any, scheme: str | None, choose_series: SeriesChooser
) -> pd.Series | None:
    """Beneficiaries per territory name when the source gives them for this scheme."""
    series = choose_series(dep)
    if series is None:
        return None
    indicator, year, level = series
    if level != "territory":
        return None
    data = beneficiaries_by_unit(dep, indicator)
    data = data[(data["year"].astype(str) == year) & (data["level"] == "territory")]
    data = data[data["scheme_id"] == (scheme or dep.default_scheme)]
    if data.empty:
        return None
    return data.set_index("name")["count"]


def suggestion_weights(
    dep: Any, weight: str, choose_series: SeriesChooser
) -> tuple[np.ndarray, str, bool]:
    """Commune weights for suggestions: population, or the labelled beneficiary estimate.

    Returns (weights in commune order, French label, whether the weights are estimated).
    """
    pop = dep.communes["population"].astype(float).to_numpy()
    if weight != "beneficiaries":
        return pop, "habitants", False
    series = choose_series(dep)
    if series is None:
        return pop, "habitants (aucun effectif de bénéficiaires dans le paquet)", False
    indicator, year, level = series
    if level == "territory":
        est = estimate_commune_counts(dep, indicator, year, apply_secrecy=False)
        if est is not None and not est.empty:
            w = (
                est.set_index("code_insee")["count"]
                .reindex(dep.communes["code_insee"])
                .fillna(0)
                .astype(float)
                .to_numpy()
            )
            return w, "bénéficiaires (estimation par la population)", True
    return pop, "habitants (bénéficiaires connus au seul niveau départemental)", False
