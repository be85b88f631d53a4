"""Access times from the engines a département package supplies: its compiled road graph
and its imported time matrix (views, figures, map, messages)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import flask
import numpy as np
import pytest

from callbacks.access import show_figures
from core.access import package_engines
from core.access.destinations import commune_places, select_destinations
from core.access.package_engines import MATRIX_FILE, ROAD_GRAPH_FILE
from core.access.road_engine import RoadEngine
from core.access.road_graph import RoadGraph
from core.access.straight_line import StraightLineEngine
from core.package import load_department
from layers import DEFAULT_VISIBLE, ViewState, build_figure, slots
from layers import access_times as at
from layers.assets import MapAssets
from server import registry as registry_mod
from server import settings as config
from tests.layers.access_cases import FOLDER_41, mds_sites, straight_minutes, text_of
from ui import access_panels
from viewstate.state import AccessState

ACCESS_METAS = ["access", "access:destinations", "access:added", "access:removed"]


# ---- road engine from the package ----------------------------------------------------


def synthetic_grid(dep, spacing_m: float = 2000.0, speed_kmh: float = 50.0) -> RoadGraph:
    """A SYNTHETIC test graph, not a road network: a square grid of nodes every
    ``spacing_m`` over the département (Lambert-93), edges both ways between neighbours,
    driven at ``speed_kmh``."""
    x0, y0, x1, y1 = dep.outline.to_crs("EPSG:2154").total_bounds
    xs = np.arange(x0 - 4000, x1 + 4000 + spacing_m, spacing_m)
    ys = np.arange(y0 - 4000, y1 + 4000 + spacing_m, spacing_m)
    gx, gy = np.meshgrid(xs, ys)
    idx = np.arange(gx.size).reshape(gx.shape)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    tails, heads = np.concatenate([a, b]), np.concatenate([b, a])
    minutes = np.full(len(tails), spacing_m / (speed_kmh * 1000 / 60))
    return RoadGraph.from_edges(
        tails,
        heads,
        minutes,
        gx.ravel(),
        gy.ravel(),
        crs="EPSG:2154",
        meta={"source": {"file": "grille synthétique de test"}, "speed_factor": 1.0},
    )


@pytest.fixture(scope="module")
def road_dep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("road") / FOLDER_41
    shutil.copytree(config.DATA_DIR / FOLDER_41, folder)
    dep = load_department(folder, geo_dirs=(config.GEO_DIR,))
    graph = synthetic_grid(dep)
    graph.save(folder / ROAD_GRAPH_FILE)
    return dep, graph


def test_road_engine_from_the_package(road_dep):
    dep, graph = road_dep
    svc = at.service_for(dep)
    assert graph.n_nodes > 3000
    access = AccessState(enabled=True, engine="road")
    v = svc.view("mds_2024", (), access)
    assert v.ok, v.problems
    assert v.problems == ()
    assert v.model.engine == "road"
    assert "grille synthétique de test" in v.model.text_fr
    minutes = v.after.minutes
    assert np.isfinite(minutes).all(), "every commune is on the grid"
    # Property: no trip is faster than the straight line at the grid speed (50 km/h),
    # and the grid's detour (at most √2, plus the legs to the nodes) bounds it above.
    straight = straight_minutes(dep, mds_sites(dep), speed_kmh=50.0, detour=1.0).min(axis=1)
    assert (minutes >= straight - 1e-3).all()
    leg = np.sqrt(2) * 1000  # farthest point of a 2 km cell from its nearest node
    upper = np.sqrt(2) * (straight + 2 * leg / (50_000 / 60)) + 2 * leg / (25_000 / 60)
    assert (minutes <= upper + 1e-3).all()
    assert (minutes > straight + 0.1).mean() > 0.5, "road times differ from straight lines"
    # Same times as the engine queried directly.
    sites = svc.computation("mds_2024", (), access)[1].places
    direct = RoadEngine(graph).nearest(commune_places(dep), sites)
    np.testing.assert_allclose(minutes, direct.minutes, rtol=1e-9)


def test_road_engine_in_figures_and_map(road_dep):
    dep, graph = road_dep
    svc = at.service_for(dep)
    state = ViewState(
        scheme_id="mds_2024", access=AccessState(enabled=True, engine="road", mode="walk")
    )
    children, messages = access_panels.figures_view(svc, state)
    assert messages == []
    text = text_of(children)
    assert "réseau routier OpenStreetMap (grille synthétique de test" in text
    assert "distance à vol d'oiseau ×" not in text
    assert "Le réseau routier donne des temps en voiture ; le mode choisi est ignoré." in text
    fig = build_figure(
        dep, MapAssets.build(dep), state, DEFAULT_VISIBLE, access=svc.view_for(state)
    )
    choro = fig["data"][slots(fig["layout"]["meta"], "access")[0]]
    assert len(choro["locations"]) == 267
    # A hypothetical site on the road graph, at the commune's point: the trip is the leg
    # to the nearest node and back (the road engine does not shortcut a zero-length trip).
    added = dataclasses.replace(state.access, added=("41251",))
    v = svc.view("mds_2024", (), added)
    i = list(dep.communes["code_insee"]).index("41251")
    leg = RoadEngine(graph).snap(commune_places(dep).take([i])).minutes[0]
    assert 0 < leg < 3.5
    assert v.after.minutes[i] == pytest.approx(2 * leg)
    assert v.before.minutes[i] > 15
    assert (v.after.minutes <= v.before.minutes + 1e-9).all()


def test_road_engine_without_graph_names_the_compile_script(imported_dep):
    dep, _ = imported_dep
    svc = at.service_for(dep)
    assert not (Path(dep.path) / ROAD_GRAPH_FILE).exists()
    v = svc.view("mds_2024", (), AccessState(enabled=True, engine="road"))
    assert not v.ok
    (problem,) = v.problems
    assert "Aucun graphe routier pour Loir-et-Cher" in problem
    assert "scripts/compile_roads.py" in problem
    children, messages = access_panels.figures_view(
        svc, ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, engine="road"))
    )
    assert children is None
    assert "scripts/compile_roads.py" in text_of(messages)
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, engine="road"))
    assert at.choropleth_fields(state, svc.view_for(state))["locations"] == []


def test_damaged_road_graph_is_a_french_message(tmp_path):
    folder = tmp_path / FOLDER_41
    shutil.copytree(config.DATA_DIR / FOLDER_41, folder)
    (folder / ROAD_GRAPH_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    dep = load_department(folder, geo_dirs=(config.GEO_DIR,))
    svc = at.service_for(dep)
    v = svc.view("mds_2024", (), AccessState(enabled=True, engine="road"))
    assert not v.ok
    (problem,) = v.problems
    assert "roads.npz" in problem and "endommagé" in problem
    assert "scripts/compile_roads.py" in problem


# ---- imported matrix from the package ------------------------------------------------


def _fr(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@pytest.fixture(scope="module")
def imported_dep(tmp_path_factory):
    """41 with an access_matrix.csv: every commune × the 12 MDS 2024, straight line × 2,
    then three bad rows (unknown commune, negative minutes, duplicate pair)."""
    folder = tmp_path_factory.mktemp("matrix") / FOLDER_41
    shutil.copytree(config.DATA_DIR / FOLDER_41, folder)
    dep = load_department(folder, geo_dirs=(config.GEO_DIR,))
    sites = mds_sites(dep)
    minutes = 2 * StraightLineEngine("car").matrix(
        commune_places(dep),
        select_destinations(dep, ["sites"], scheme_id="mds_2024").places,
    )
    lines = ["origine;destination;minutes"]
    codes = dep.communes["code_insee"].tolist()
    for i, code in enumerate(codes):
        for j, site in enumerate(sites["site_id"]):
            lines.append(f"{code};{site};{_fr(minutes[i, j])}")
    lines += [
        "99999;mds_mer;12,5",  # line 3206: unknown commune
        f"{codes[0]};mds_blois;-3",  # line 3207: negative minutes
        f"{codes[0]};{sites['site_id'][0]};0,5",  # line 3208: pair already on line 2
    ]
    (folder / MATRIX_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dep, np.round(minutes, 2)


def test_imported_matrix_from_the_package(imported_dep):
    dep, written = imported_dep
    svc = at.service_for(dep)
    access = AccessState(enabled=True, engine="imported")
    v = svc.view("mds_2024", (), access)
    assert v.ok
    assert v.model.engine == "imported"
    assert "access_matrix.csv" in v.model.text_fr
    assert not v.model.approximate
    # Minutes are the file's (first value of a duplicated pair kept).
    np.testing.assert_allclose(v.after.minutes, written.min(axis=1), atol=1e-9)
    assert v.after.minutes[0] == pytest.approx(written[0].min())
    assert v.after.minutes[0] > 0.5
    # Rows read = kept + rejected, with the right numbers.
    n = 267 * 12
    assert f"access_matrix.csv : {n + 3} lignes lues, {n} retenues, 3 rejetées." in v.notes


def test_imported_matrix_bad_rows_are_shown_in_french(imported_dep):
    dep, _ = imported_dep
    svc = at.service_for(dep)
    state = ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, engine="imported"))
    v = svc.view("mds_2024", (), state.access)
    assert v.ok
    assert len(v.problems) == 3, v.problems
    unknown, negative, duplicate = v.problems
    assert unknown.startswith("access_matrix.csv, ligne 3206")
    assert "« 99999 » n'est pas une commune du département" in unknown
    assert "ligne 3207" in negative and "durée négative" in negative
    assert "ligne 3208" in duplicate and "déjà donnée ligne 2" in duplicate
    # The figures still show, and the rejected rows are listed as warnings beside them.
    children, messages = access_panels.figures_view(svc, state)
    assert children is not None
    assert "temps importés du fichier « access_matrix.csv »" in text_of(children)
    assert [text_of(m) for m in messages] == list(v.problems)


def test_imported_matrix_is_read_once_per_package(imported_dep, monkeypatch):
    dep, _ = imported_dep
    svc = at.service_for(dep)
    svc.view("mds_2024", (), AccessState(enabled=True, engine="imported"))
    calls = []
    monkeypatch.setattr(
        package_engines, "load_time_matrix", lambda *a, **k: calls.append(a) or (None, None)
    )
    for day in (0, 1, 2):  # new parameters, new computations: the file is not read again
        v = svc.view("mdcs_2019", (), AccessState(enabled=True, engine="imported", day=day))
        assert v.ok and v.model.engine == "imported"
    assert calls == []


def test_imported_matrix_says_hypothetical_sites_are_unknown(imported_dep):
    dep, _ = imported_dep
    svc = at.service_for(dep)
    access = AccessState(enabled=True, engine="imported", added=("41251",))
    v = svc.view("mds_2024", (), access)
    np.testing.assert_array_equal(v.after.minutes, v.before.minutes)
    assert any("sites hypothétiques ne figurent pas dans access_matrix.csv" in n for n in v.notes)


def test_imported_engine_without_matrix_file(road_dep):
    dep, _ = road_dep
    svc = at.service_for(dep)
    v = svc.view("mds_2024", (), AccessState(enabled=True, engine="imported"))
    assert not v.ok
    assert "Aucune matrice de temps importée pour Loir-et-Cher" in v.problems[0]
    assert "access_matrix.csv" in v.problems[0]


def test_show_figures_callback_reads_the_package_engine(road_dep):
    """The registered callback, on a registry serving the copy with a road graph."""
    dep, _ = road_dep
    tmp_reg = registry_mod.Registry.load((Path(dep.path).parent,), (config.GEO_DIR,))
    assert tmp_reg.codes() == ["41"]
    keys = ("access_on", "access_mode", "access_engine", "access_threshold", "access_dest")
    keys += ("access_day", "access_speed", "access_detour", "access_terminal", "access_show")
    server = flask.Flask(__name__)
    registry_mod.attach(server, tmp_reg)
    with server.app_context():
        values = (["on"], "car", "road", 30, ["sites"], "any", None, None, None, "minutes")
        access = dict(zip(keys, values, strict=True))
        controls = {"scheme": "mds_2024", "axes": [], **access, "scenario": None}
        out = show_figures(controls=controls, code="41")
        children, messages = out["figures"], out["messages"]
        assert messages == []
        assert "réseau routier OpenStreetMap" in text_of(children)
        off = {**controls, "access_on": ["off"]}
        assert show_figures(controls=off, code="41") == {"figures": None, "messages": None}
