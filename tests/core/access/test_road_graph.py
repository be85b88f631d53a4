"""Road graph files: save/load round trip and French messages for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.access.road_engine import RoadEngine
from core.access.road_graph import (
    RoadGraph,
    RoadNetworkError,
)
from tests.core.access.road_cases import (
    error_message,
    random_places,
)

# --------------------------------------------------------------------------------------
# Saved graph files
# --------------------------------------------------------------------------------------


def test_save_load_round_trip(helsinki: RoadGraph, tmp_path: Path) -> None:
    path = helsinki.save(tmp_path / "sub" / "roads.npz")
    assert path == tmp_path / "sub" / "roads.npz" and list(path.parent.iterdir()) == [path]
    back = RoadGraph.load(path)
    for name in ("indptr", "indices", "minutes", "x", "y", "node_ids"):
        a, b = getattr(helsinki, name), getattr(back, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert back.crs == helsinki.crs and back.meta == helsinki.meta
    o = random_places(helsinki, 20, 9, "o")
    d = random_places(helsinki, 4, 10, "d")
    assert np.array_equal(RoadEngine(back).matrix(o, d), RoadEngine(helsinki).matrix(o, d))
    assert RoadEngine(back).model == RoadEngine(helsinki).model


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"not a zip at all", "n'est pas un graphe routier lisible ou il est endommagé"),
        (None, "tableaux absents"),
        ("npy", "n'est pas un graphe routier lisible ou il est endommagé"),
        ("truncated", "n'est pas un graphe routier lisible ou il est endommagé"),
        ("bad-index", "un arc pointe vers un nœud inexistant"),
        ("bad-format", "l'atlas attend « atlas-roads/1 »"),
        ("negative", "un temps de parcours est négatif ou non fini"),
    ],
)
def test_corrupt_graph_file_gives_french_message(
    tiny: RoadGraph, tmp_path: Path, content, expected: str
) -> None:
    path = tmp_path / "roads.npz"
    good = tiny.save(tmp_path / "good.npz")
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        np.savez(path, x=np.zeros(2))
    elif content == "npy":
        with path.open("wb") as fh:
            np.save(fh, np.arange(3))
    elif content == "truncated":
        path.write_bytes(good.read_bytes()[:300])
    else:
        with np.load(good) as z:
            arrays = {k: z[k] for k in z.files}
        if content == "bad-index":
            arrays["indices"] = arrays["indices"] + 10
        elif content == "bad-format":
            arrays["format"] = np.array("autre/9")
        else:
            arrays["minutes"] = -arrays["minutes"]
        np.savez_compressed(path, **arrays)
    with pytest.raises(RoadNetworkError) as exc:
        RoadGraph.load(path)
    text = error_message(exc)
    assert expected in text and "roads.npz" in text and "À faire :" in text


def test_missing_graph_file(tmp_path: Path) -> None:
    with pytest.raises(RoadNetworkError) as exc:
        RoadGraph.load(tmp_path / "absent.npz")
    assert "Le graphe routier « absent.npz » est introuvable" in error_message(exc)
