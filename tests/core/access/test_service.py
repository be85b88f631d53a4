"""AccessService: engines read once per package, a bounded cache, and the same answers
from several threads at once as from one."""

from __future__ import annotations

import random
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from pyproj import Transformer

from core.access.package_engines import ROAD_GRAPH_FILE, read_matrix_engine, read_road_engine
from core.access.road_graph import RoadGraph
from core.access.service import AccessService
from core.package import DEFAULT_DATA_DIR, DEFAULT_GEO_DIR, load_department
from viewstate.state import AccessState, ViewState

FOLDER_41 = "41-loir-et-cher"
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def grid_graph(dep, spacing_m: float = 4000.0, speed_kmh: float = 50.0) -> RoadGraph:
    """A two-way square grid (Lambert-93) covering the communes, edges at ``speed_kmh``."""
    x, y = TO_L93.transform(dep.communes["rep_lon"].to_numpy(), dep.communes["rep_lat"].to_numpy())
    xs = np.arange(x.min() - spacing_m, x.max() + 2 * spacing_m, spacing_m)
    ys = np.arange(y.min() - spacing_m, y.max() + 2 * spacing_m, spacing_m)
    gx, gy = np.meshgrid(xs, ys)
    nx, ny = len(xs), len(ys)
    ids = np.arange(nx * ny).reshape(ny, nx)
    right = np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()])
    up = np.stack([ids[:-1, :].ravel(), ids[1:, :].ravel()])
    pairs = np.concatenate([right, up], axis=1)
    tails = np.concatenate([pairs[0], pairs[1]])
    heads = np.concatenate([pairs[1], pairs[0]])
    minutes = np.full(len(tails), spacing_m / (speed_kmh * 1000 / 60))
    return RoadGraph.from_edges(
        tails, heads, minutes, gx.ravel(), gy.ravel(), crs="EPSG:2154", meta={"note": "grid"}
    )


@pytest.fixture(scope="module")
def road_package(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("service") / FOLDER_41
    shutil.copytree(DEFAULT_DATA_DIR / FOLDER_41, folder)
    dep = load_department(folder, geo_dirs=(DEFAULT_GEO_DIR,))
    grid_graph(dep).save(folder / ROAD_GRAPH_FILE)
    return dep


class CountingReaders:
    """Engine readers that count their calls and pause, so concurrent first calls overlap."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {"road": 0, "imported": 0}
        self._lock = threading.Lock()

    def _counted(self, kind: str, read):
        def reader(dep):
            with self._lock:
                self.calls[kind] += 1
            time.sleep(0.05)
            return read(dep)

        return reader

    def readers(self) -> dict:
        return {
            "road": self._counted("road", read_road_engine),
            "imported": self._counted("imported", read_matrix_engine),
        }


def states(dep) -> list[ViewState]:
    """Different parameters: engines, modes, schemes, days, added and removed sites."""
    far = str(dep.communes["code_insee"].iloc[-1])
    return [
        ViewState(scheme_id="mds_2024", access=AccessState(enabled=True)),
        ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, mode="walk")),
        ViewState(scheme_id="mdcs_2019", access=AccessState(enabled=True, engine="road")),
        ViewState(
            scheme_id="mds_2024", access=AccessState(enabled=True, engine="road", added=(far,))
        ),
        ViewState(
            scheme_id="mds_2024",
            access=AccessState(enabled=True, removed=("sites:mds_vendome",), day=2),
        ),
        ViewState(scheme_id="mds_2024", access=AccessState(enabled=True, engine="imported")),
        ViewState(
            scheme_id="mds_2024",
            access=AccessState(enabled=True, destinations=("sites", "digital"), threshold=20),
        ),
    ]


def answer(service: AccessService, state: ViewState) -> tuple:
    """What the screen shows of a view: minutes, nearest ids, messages, and the frame."""
    v = service.view_for(state)
    if not v.ok:
        return (None, None, v.problems, v.notes, None)
    frame = service.frame(state)
    return (
        v.after.minutes.tolist(),
        v.after.nearest_id.tolist(),
        v.problems,
        v.notes,
        frame.to_dict("list"),
    )


def test_engine_files_are_read_once_and_lazily(road_package) -> None:
    counting = CountingReaders()
    service = AccessService(road_package, readers=counting.readers())
    assert counting.calls == {"road": 0, "imported": 0}, "nothing read before it is needed"
    for state in states(road_package):
        service.view_for(state)
    assert counting.calls == {"road": 1, "imported": 1}
    assert service.engine_status("road").engine is not None
    assert service.engine_status("imported").engine is None  # no access_matrix.csv
    assert counting.calls == {"road": 1, "imported": 1}


def test_cache_is_bounded_and_keeps_answers(road_package) -> None:
    service = AccessService(road_package, cache_size=2)
    first = states(road_package)[0]
    comp = service.computation(first.scheme_id, first.axes, first.access)
    assert service.computation(first.scheme_id, first.axes, first.access) is comp
    for state in states(road_package)[1:4]:
        service.computation(state.scheme_id, state.axes, state.access)
    again = service.computation(first.scheme_id, first.axes, first.access)
    assert again is not comp, "dropped from the bounded cache, computed anew"
    np.testing.assert_array_equal(again.computation.base_matrix, comp.computation.base_matrix)


def test_threads_get_the_single_threaded_answers(road_package) -> None:
    cases = states(road_package)
    reference = AccessService(road_package)
    expected = [answer(reference, s) for s in cases]
    counting = CountingReaders()
    shared = AccessService(road_package, readers=counting.readers(), cache_size=3)
    jobs = [i for i in range(len(cases)) for _ in range(6)]  # same and different parameters
    random.Random(8).shuffle(jobs)
    start = threading.Barrier(8)

    def run(i: int) -> tuple[int, tuple]:
        return i, answer(shared, cases[i])

    def first_together(i: int) -> tuple[int, tuple]:
        start.wait(timeout=60)  # the first eight jobs ask at the same moment
        return run(i)

    with ThreadPoolExecutor(max_workers=8) as pool:
        head = [pool.submit(first_together, i) for i in jobs[:8]]
        rest = [pool.submit(run, i) for i in jobs[8:]]
        results = [f.result(timeout=300) for f in head + rest]
    assert len(results) == len(jobs)
    for i, got in results:
        assert got == expected[i], cases[i]
    assert counting.calls == {"road": 1, "imported": 1}, "each engine file read once"
