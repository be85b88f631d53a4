"""The model in every output, and the real Loir-et-Cher package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.access.coverage import coverage_by_unit, summary
from core.access.matrix_engine import ImportedMatrixEngine
from core.access.matrix_file import load_time_matrix
from core.access.model import ModelInfo, Nearest, Places
from core.access.params import (
    DEFAULT_THRESHOLD_MIN,
)
from core.access.scenario import AccessComputation, AccessResult, Scenario, difference
from core.access.straight_line import StraightLineEngine
from core.package import DEFAULT_DATA_DIR, DEFAULT_GEO_DIR, load_department
from tests.core.access.access_cases import (
    DESTS,
    ORIGINS,
)

# --------------------------------------------------------------------------------------
# Model everywhere
# --------------------------------------------------------------------------------------


def test_model_and_parameters_in_every_output() -> None:
    engine = StraightLineEngine(speed_kmh=50)
    comp = AccessComputation(engine, ORIGINS, DESTS)
    result = comp.evaluate(Scenario(added=("41003",)))
    units = pd.Series(["U", "U", "V"], index=ORIGINS.ids)
    pop = pd.Series([10, 20, 30], index=ORIGINS.ids)
    outputs = [
        engine.nearest(ORIGINS, DESTS).model,
        result.model,
        result.to_frame().attrs["model"],
        result.series().attrs["model"],
        difference(comp.evaluate(), result).attrs["model"],
        coverage_by_unit(result, units, pop).attrs["model"],
        summary(result, units, pop).model,
        comp.suggest(pop, k=1).model,
        comp.suggest(pop, k=1).to_frame().attrs["model"],
    ]
    for model in outputs:
        assert isinstance(model, ModelInfo)
        assert model.params["speed_kmh"] == 50.0 and "÷ 50 km/h" in model.text_fr
    assert isinstance(engine.nearest(ORIGINS, DESTS), Nearest)
    assert isinstance(result, AccessResult)
    assert coverage_by_unit(result, units, pop).attrs["threshold"] == DEFAULT_THRESHOLD_MIN
    engine_imp, _ = load_time_matrix(
        "origine,destination,minutes\n41001,d0,3\n",
        file_name="m.csv",
        commune_codes=list(ORIGINS.ids),
        destination_ids=list(DESTS.ids),
    )
    assert isinstance(engine_imp, ImportedMatrixEngine)
    imported = AccessComputation(engine_imp, ORIGINS, DESTS).evaluate(Scenario(added=("41002",)))
    assert imported.model.engine == "imported" and "« m.csv »" in imported.model.text_fr
    # Hypothetical sites are absent from the file: unreachable, not invented.
    assert imported.minutes.tolist() == [3.0, np.inf, np.inf]


# --------------------------------------------------------------------------------------
# Real package: Loir-et-Cher, MDS 2024
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loir_et_cher():
    return load_department(DEFAULT_DATA_DIR / "41-loir-et-cher", [DEFAULT_GEO_DIR])


def test_real_departement_mds_2024(loir_et_cher) -> None:
    dep = loir_et_cher
    c = dep.communes
    origins = Places(c["code_insee"].to_numpy(), c["rep_lon"], c["rep_lat"], c["nom"].to_numpy())
    sites = dep.sites[dep.sites["scheme_id"] == "mds_2024"]
    assert len(sites) == 12
    dests = Places(
        sites["site_id"].to_numpy(), sites["lon"], sites["lat"], sites["name"].to_numpy()
    )
    comp = AccessComputation(StraightLineEngine("car"), origins, dests)
    result = comp.evaluate()
    assert len(result.minutes) == len(c) == 267
    assert np.isfinite(result.minutes).all() and (result.minutes >= 0).all()
    assert result.minutes.max() < 60  # every commune under an hour by car
    tc = dep.territory_communes
    units = tc[tc["scheme_id"] == "mds_2024"].set_index("code_insee")["territory_id"]
    pop = c.set_index("code_insee")["population"]
    frame = coverage_by_unit(result, units, pop, DEFAULT_THRESHOLD_MIN)
    assert len(frame) == 12 and frame["communes"].sum() == 267
    assert frame["population"].sum() == pytest.approx(float(pop.sum()))
    s = summary(result, units, pop, DEFAULT_THRESHOLD_MIN)
    assert 0 <= s.share_beyond < 0.2
    assert 3 < s.population_mean_min < 25
    assert s.model.text_fr.startswith("Voiture : distance à vol d'oiseau")
    # Closing the Blois MDS lengthens some trips, never shortens any.
    closed = comp.evaluate(Scenario(removed=("mds_blois",)))
    diff = difference(result, closed)
    assert (diff >= -1e-12).all() and diff.max() > 0
    blois = int(np.flatnonzero(origins.ids == "41018")[0])
    assert result.nearest_id[blois] == "mds_blois" and result.minutes[blois] < 2
    # Suggestions at 15 min improve coverage of the population.
    sugg = comp.suggest(pop, k=3, threshold=15)
    assert len(sugg.suggestions) == 3
    assert sugg.suggestions[-1].share_after > sugg.share_before
