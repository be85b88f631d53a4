"""Travel times: straight-line engine, imported matrix, opening days, what-if, figures,
suggestions, on hand-computed cases, random properties and the real Loir-et-Cher package."""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from core.access import straight_line
from core.access.coverage import AccessSummary, coverage_by_unit, summary
from core.access.matrix_engine import ImportedMatrixEngine
from core.access.matrix_file import load_time_matrix
from core.access.model import Engine, ModelInfo, Nearest, Places
from core.access.opening_hours import DAYS_FR, open_on, select_open
from core.access.params import (
    DEFAULT_THRESHOLD_MIN,
    MODES,
    PARAM_RANGES,
    AccessParamError,
    validate_params,
)
from core.access.scenario import AccessComputation, AccessResult, Scenario, difference
from core.access.straight_line import StraightLineEngine
from core.access.suggest import Candidates, suggest_sites
from core.access.weighted_stats import weighted_mean, weighted_median
from core.package.departments import DEFAULT_DATA_DIR, DEFAULT_GEO_DIR, load_department

TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
CENTRE = (700_000.0, 6_600_000.0)  # Lambert-93, near Loir-et-Cher


def l93_places(ids, dxy, names=None) -> Places:
    """Places at Lambert-93 offsets (metres) from :data:`CENTRE`."""
    xy = np.asarray(dxy, dtype=float) + np.asarray(CENTRE)
    lon, lat = TO_WGS84.transform(xy[:, 0], xy[:, 1])
    return Places(np.asarray(ids, dtype=object), lon, lat, names)


def random_places(rng: np.random.Generator, n: int, prefix: str, spread: float = 60_000.0):
    ids = [f"{prefix}{i:05d}" for i in range(n)]
    return l93_places(ids, rng.uniform(-spread, spread, size=(n, 2)))


def car_min(km: float) -> float:
    """Default car model by hand: km × 1.343 ÷ 58 km/h, in minutes."""
    return km * 1.343 / 58.0 * 60.0


# --------------------------------------------------------------------------------------
# Hand-computed case: 3 origins, 2 destinations
# --------------------------------------------------------------------------------------

# O0 at the centre, O1 at (+3 km, +4 km), O2 at (-6 km, +8 km); D0 at the centre,
# D1 at (+9 km, +12 km). Distances (km): O0→D0 0, O0→D1 15; O1→D0 5, O1→D1 10;
# O2→D0 10, O2→D1 √(15² + 4²) = √241.
ORIGINS = l93_places(["41001", "41002", "41003"], [[0, 0], [3000, 4000], [-6000, 8000]])
DESTS = l93_places(["d0", "d1"], [[0, 0], [9000, 12000]], ["Site zéro", "Site un"])
KM = np.array([[0.0, 15.0], [5.0, 10.0], [10.0, math.sqrt(241.0)]])


def test_golden_default_car_minutes() -> None:
    engine = StraightLineEngine()
    m = engine.matrix(ORIGINS, DESTS)
    expected = np.array(
        [
            [0.0, 15.0 * 1.343 / 58 * 60],
            [5.0 * 1.343 / 58 * 60, 10.0 * 1.343 / 58 * 60],
            [10.0 * 1.343 / 58 * 60, math.sqrt(241.0) * 1.343 / 58 * 60],
        ]
    )
    np.testing.assert_allclose(m, expected, rtol=1e-9, atol=1e-6)
    assert m[1, 0] == pytest.approx(6.946551724, abs=1e-6)  # 5 km: 5 × 1.343 / 58 × 60
    near = engine.nearest(ORIGINS, DESTS)
    np.testing.assert_allclose(near.minutes, [0.0, car_min(5), car_min(10)], atol=1e-6)
    assert near.index.tolist() == [0, 0, 0]
    assert near.model == engine.model


def test_golden_custom_parameters() -> None:
    engine = StraightLineEngine("walk", speed_kmh=4.0, detour=1.5, terminal_min=2.0)
    m = engine.matrix(ORIGINS, DESTS)
    # 10 km × 1.5 ÷ 4 km/h = 3.75 h = 225 min, + 2 min.
    assert m[1, 1] == pytest.approx(10 * 1.5 / 4 * 60 + 2, abs=1e-6)
    assert m[0, 0] == pytest.approx(2.0)
    np.testing.assert_allclose(m, KM * 1.5 / 4 * 60 + 2, rtol=1e-9, atol=1e-6)
    text = engine.model.text_fr
    assert text == "Marche : distance à vol d'oiseau × 1,5 ÷ 4 km/h + 2 min (estimation)"
    assert engine.model.params == {"speed_kmh": 4.0, "detour": 1.5, "terminal_min": 2.0}
    assert any(
        "modifiés" in s and "vitesse 4 km/h au lieu de 3,6 km/h" in s
        for s in engine.model.sources_fr
    )


def test_model_text_with_french_decimal_commas() -> None:
    model = StraightLineEngine().model
    assert model.text_fr == (
        "Voiture : distance à vol d'oiseau × 1,343 ÷ 58 km/h + 0 min (estimation)"
    )
    assert model.engine == "straight_line" and model.mode == "car" and model.approximate
    assert model.params == {"speed_kmh": 58.0, "detour": 1.343, "terminal_min": 0.0}
    assert not any("modifiés" in s for s in model.sources_fr)
    assert StraightLineEngine("bike").model.text_fr.startswith("Vélo : ")
    assert "÷ 3,6 km/h" in StraightLineEngine("walk").model.text_fr
    assert isinstance(StraightLineEngine(), Engine)


def test_mode_defaults_follow_the_sources() -> None:
    assert set(MODES) == {"car", "walk", "bike"}
    assert (MODES["car"].speed_kmh, MODES["walk"].speed_kmh, MODES["bike"].speed_kmh) == (
        58.0,
        3.6,
        12.0,
    )
    assert all(m.detour == 1.343 and m.terminal_min == 0.0 for m in MODES.values())
    assert DEFAULT_THRESHOLD_MIN == 30
    for mode in MODES.values():
        text = " ".join(mode.sources_fr)
        assert "10.1177/23998083231168870" in text and "Newell" in text
        assert "aucune source : 0 min par défaut, réglable" in text
    assert "58 à 67 km/h" in " ".join(MODES["car"].sources_fr)
    assert "r5" in " ".join(MODES["walk"].sources_fr)
    assert "12 à 15 km/h" in " ".join(MODES["bike"].sources_fr)
    assert PARAM_RANGES == {
        "speed_kmh": (1.0, 130.0),
        "detour": (1.0, 3.0),
        "terminal_min": (0.0, 60.0),
        "threshold": (1.0, 240.0),
    }


# --------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------


def test_validate_params_accepts_defaults_and_bounds() -> None:
    assert validate_params("car") == []
    assert validate_params("walk", 1, 1.0, 0, 1) == []
    assert validate_params("bike", 130, 3.0, 60, 240) == []


def test_validate_params_speed_out_of_range() -> None:
    (p,) = validate_params("car", speed_kmh=200)
    assert p.file == "paramètres d'accès" and p.column == "vitesse" and p.severity == "error"
    assert "200 km/h" in p.message and "de 1 km/h à 130 km/h" in p.message
    assert "À faire :" in p.message and "58 km/h" in p.message
    assert str(p).startswith("paramètres d'accès, colonne « vitesse » : ")


def test_validate_params_unknown_mode_and_others() -> None:
    problems = validate_params("avion", detour=0.5, terminal_min=-1, threshold=0)
    assert [p.column for p in problems] == [
        "mode de déplacement",
        "facteur de détour",
        "temps terminal",
        "seuil",
    ]
    assert "« avion » inconnu" in problems[0].message
    assert "« car » (voiture)" in problems[0].message
    assert "de 1 à 3" in problems[1].message
    assert "de 0 min à 60 min" in problems[2].message
    assert "de 1 min à 240 min" in problems[3].message and "30 min" in problems[3].message
    (nan,) = validate_params("car", speed_kmh=float("nan"))
    assert "n'est pas un nombre" in nan.message
    (text,) = validate_params("car", detour="beaucoup")  # type: ignore[arg-type]
    assert "« beaucoup »" in text.message


def test_invalid_engine_raises_french_error() -> None:
    with pytest.raises(AccessParamError) as info:
        StraightLineEngine("car", speed_kmh=0)
    assert [p.column for p in info.value.problems] == ["vitesse"]
    assert "Paramètres d'accès invalides" in str(info.value)
    assert "colonne « vitesse »" in str(info.value)
    with pytest.raises(AccessParamError):
        StraightLineEngine("train")


# --------------------------------------------------------------------------------------
# Straight-line engine: properties
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kdtree_nearest_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    origins = random_places(rng, 400, "o")
    dests = random_places(rng, 37, "d")
    engine = StraightLineEngine("bike", terminal_min=3)
    near = engine.nearest(origins, dests)
    d2 = ((origins.xy[:, None, :] - dests.xy[None, :, :]) ** 2).sum(axis=2)
    brute_idx = d2.argmin(axis=1)
    brute_min = np.sqrt(d2.min(axis=1)) * 1.343 / (12 * 1000 / 60) + 3
    assert near.index.tolist() == brute_idx.tolist()
    np.testing.assert_allclose(near.minutes, brute_min, rtol=1e-9)
    m = engine.matrix(origins, dests)
    np.testing.assert_allclose(near.minutes, m.min(axis=1), rtol=1e-9)
    assert (m >= 3).all() and (near.minutes >= 0).all()


def test_matrix_by_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    origins, dests = random_places(rng, 101, "o"), random_places(rng, 7, "d")
    whole = StraightLineEngine().matrix(origins, dests)
    monkeypatch.setattr(straight_line, "_CHUNK_CELLS", 10)
    blocks = StraightLineEngine().matrix(origins, dests)
    np.testing.assert_array_equal(whole, blocks)


def test_missing_coordinates_and_empty_destinations() -> None:
    origins = Places(["a", "b"], [1.3, np.nan], [47.6, np.nan])
    dests = Places(["x", "y"], [np.nan, 1.35], [np.nan, 47.6])
    engine = StraightLineEngine()
    m = engine.matrix(origins, dests)
    assert np.isinf(m[:, 0]).all() and np.isinf(m[1]).all() and np.isfinite(m[0, 1])
    near = engine.nearest(origins, dests)
    assert near.index.tolist() == [1, -1] and np.isinf(near.minutes[1])
    none = engine.nearest(origins, Places([], [], []))
    assert none.index.tolist() == [-1, -1] and np.isinf(none.minutes).all()
    assert engine.matrix(origins, Places([], [], [])).shape == (2, 0)


# --------------------------------------------------------------------------------------
# Imported matrix
# --------------------------------------------------------------------------------------

COMMUNES = ["03001", "03002", "41018"]
DEST_IDS = ["mds_a", "mds_b", "mds_vendôme"]


def load(source, name: str = "temps.csv"):
    return load_time_matrix(
        source, file_name=name, commune_codes=COMMUNES, destination_ids=DEST_IDS
    )


def check_counts(report) -> None:
    assert report.rows_read == report.rows_kept + report.rows_rejected


def test_import_good_file(tmp_path: Path) -> None:
    text = (
        "origine,destination,minutes\n"
        "03001,mds_a,12.5\n03001,mds_b,20\n03002,mds_a,7\n41018,mds_vendôme,0\n"
    )
    path = tmp_path / "temps.csv"
    path.write_text(text, encoding="utf-8")
    engine, report = load(path)
    assert engine is not None and report.errors == []
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (4, 4, 0)
    assert report.missing_pairs == 9 - 4
    assert report.encoding == "utf-8"
    (warn,) = report.warnings
    assert "5 paire(s)" in warn.message and "inaccessibles" in warn.message
    origins = Places(["41018", "03001", "99999"], [0, 0, 0], [0, 0, 0])
    dests = Places(["mds_b", "mds_a", "mds_vendôme", "hypothetique:1"], [0] * 4, [0] * 4)
    m = engine.matrix(origins, dests)
    expected = np.array([[np.inf, np.inf, 0.0, np.inf], [20.0, 12.5, np.inf, np.inf], [np.inf] * 4])
    np.testing.assert_array_equal(m, expected)
    near = engine.nearest(origins, dests)
    assert near.index.tolist() == [2, 1, -1]
    model = engine.model
    assert model.engine == "imported" and model.approximate is False
    assert "« temps.csv »" in model.text_fr and "inaccessibles" in model.text_fr
    assert model.params["file"] == "temps.csv" and model.params["missing_pairs"] == 5
    assert near.model is model
    # Same content as a str path and as text.
    e2, r2 = load(str(path))
    e3, r3 = load(text)
    assert r2.rows_kept == r3.rows_kept == 4
    np.testing.assert_array_equal(e2.matrix(origins, dests), m)
    np.testing.assert_array_equal(e3.matrix(origins, dests), m)


def test_import_semicolon_decimal_comma_bom_aliases() -> None:
    text = "\ufeffCode INSEE;Site_ID;Durée\r\n3001;mds_a;12,5\r\n03002;mds_b;1 234,5\r\n"
    engine, report = load(text.encode("utf-8"))
    assert engine is not None and report.errors == []
    assert report.rows_kept == 2
    origins = Places(["03001", "03002"], [0, 0], [0, 0])
    dests = Places(["mds_a", "mds_b"], [0, 0], [0, 0])
    m = engine.matrix(origins, dests)
    assert m[0, 0] == 12.5 and m[1, 1] == 1234.5
    (padded,) = [p for p in report.warnings if p.row is not None]
    assert padded.row == 2 and padded.column == "Code INSEE"
    assert "« 3001 » lu « 03001 »" in padded.message and "À faire" in padded.message


def test_import_prefers_the_code_column_over_a_name_column() -> None:
    text = "commune,code_insee,site,site_id,temps,minutes\nMoulins,03001,A,mds_a,x,4\n"
    engine, report = load(text)
    assert engine is not None and report.rows_kept == 1 and report.errors == []
    m = engine.matrix(Places(["03001"], [0], [0]), Places(["mds_a"], [0], [0]))
    assert m[0, 0] == 4.0


def test_import_cp1252() -> None:
    text = "origine;destination;minutes\n41018;mds_vendôme;9,5\n"
    engine, report = load(text.encode("cp1252"), "export.csv")
    assert engine is not None and report.encoding == "cp1252"
    assert report.rows_kept == 1 and report.errors == []
    assert any("Windows-1252" in p.message and p.file == "export.csv" for p in report.warnings)
    m = engine.matrix(Places(["41018"], [0], [0]), Places(["mds_vendôme"], [0], [0]))
    assert m[0, 0] == 9.5


def test_import_rejects_bad_rows_with_french_messages() -> None:
    text = (
        "origin,destination,minutes\n"  # line 1
        "03001,mds_a,10\n"  # 2 kept
        "41999,mds_a,4\n"  # 3 unknown commune
        "41018,mds_vendome,4\n"  # 4 unknown destination (accent lost)
        "41018,mds_a,-3\n"  # 5 negative
        "03001,mds_a,11\n"  # 6 duplicate of line 2
        "03002,mds_b,abc\n"  # 7 not a number
        "03002,mds_b,2000\n"  # 8 absurd
        "03002,mds_b,\n"  # 9 missing
        "\n"  # 10 blank, skipped
        "03002,mds_b,5\n"  # 11 kept
        "abc,mds_b,5\n"  # 12 malformed code
    )
    engine, report = load(text)
    assert engine is not None
    check_counts(report)
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == (10, 2, 8)
    by_line = {p.row: p for p in report.errors}
    assert sorted(by_line) == [3, 4, 5, 6, 7, 8, 9, 12]
    assert all(p.file == "temps.csv" and "À faire :" in p.message for p in report.errors)
    assert by_line[3].column == "origin" and "« 41999 »" in by_line[3].message
    assert "n'est pas une commune du département" in by_line[3].message
    assert by_line[4].column == "destination" and "« mds_vendome » inconnue" in by_line[4].message
    assert "remplacez-le par « mds_vendôme »" in by_line[4].message
    assert by_line[5].column == "minutes" and "négative" in by_line[5].message
    assert (
        by_line[6].column == "origin, destination" and "déjà donnée ligne 2" in by_line[6].message
    )
    assert "temps.csv, ligne 6, colonnes « origin » et « destination »" in str(by_line[6])
    assert "n'est pas un nombre" in by_line[7].message
    assert "plus de 24 heures" in by_line[8].message
    assert "durée manquante" in by_line[9].message
    assert "n'est pas un code commune INSEE" in by_line[12].message
    assert str(by_line[5]).startswith("temps.csv, ligne 5, colonne « minutes » : ")
    # The first of the duplicates is kept.
    m = engine.matrix(Places(["03001"], [0], [0]), Places(["mds_a"], [0], [0]))
    assert m[0, 0] == 10.0


def test_import_unquoted_decimal_comma_is_rejected() -> None:
    engine, report = load("origine,destination,minutes\n03001,mds_a,12,5\n03002,mds_a,3\n")
    assert engine is not None and report.rows_kept == 1
    (p,) = report.errors
    assert p.row == 2 and "4 champs au lieu de 3" in p.message and "virgule décimale" in p.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "le fichier est vide"),
        ("   \n\n", "le fichier est vide"),
        ("origine,destination\n03001,mds_a\n", "colonne « minutes » absente"),
        ("a,b,c\n1,2,3\n", "aucune colonne reconnue"),
        ("03001,mds_a,3\n03002,mds_a,4\n", "n'a pas d'en-tête"),
        (b"\xff\xfeo\x00r\x00", "UTF-16"),
        (b"origine,destination,minutes\n03001,\x81\x8d,3\n", "ni en UTF-8 ni en Windows-1252"),
        ("origine,destination,minutes\n41999,mds_a,3\n", "aucune ligne utilisable"),
    ],
)
def test_import_unusable_files(content: str | bytes, expected: str) -> None:
    engine, report = load(content, "matrice.csv")
    assert engine is None
    check_counts(report)
    assert any(expected in p.message for p in report.errors), report.problems
    assert all(p.file == "matrice.csv" for p in report.problems)
    assert all("À faire :" in p.message for p in report.problems)


def test_import_missing_column_names_line_and_column() -> None:
    engine, report = load("origine,destination\n03001,mds_a\n")
    (p,) = report.errors
    assert (p.row, p.column) == (1, "minutes") and report.rows_read == 1
    assert "temps » : doit" not in str(p)  # plain French, one sentence per part
    assert "noms acceptés" in p.message


def test_import_unreadable_path(tmp_path: Path) -> None:
    engine, report = load(tmp_path / "absent.csv")
    assert engine is None and "fichier illisible" in report.errors[0].message


# --------------------------------------------------------------------------------------
# Opening days
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "week"),
    [
        ("Mo-Fr 09:00-12:00; Tu 14:00-17:00", "TTTTTFF"),
        ("Tu,Th 09:00-12:00", "FTFTFFF"),
        ("Mo-Sa", "TTTTTTF"),
        ("24/7", "TTTTTTT"),
        ("24/7; PH off", "TTTTTTT"),
        ("off", "FFFFFFF"),
        ("Mo-Fr 09:00-12:00; We off", "TTFTTFF"),
        ("Mo-Fr 08:00-12:00, Sa 10:00-12:00; PH off", "TTTTTTF"),
        ("Mo-Fr 09:00-12:00,14:00-17:00", "TTTTTFF"),
        ("Sa-Mo 10:00-12:00", "TFFFFTT"),
        ("09:00-18:00", "TTTTTTT"),
        ("We 14:00-17:00", "FFTFFFF"),
        ("", "???????"),
        (None, "???????"),
        (float("nan"), "???????"),
        ("PH off", "???????"),
        ("Lu-Ve 9h-12h", "???????"),
        ('Mo-Fr 09:00-12:00 "sur rendez-vous"', "???????"),
        ("Mo 25:00-26:00", "???????"),
        ("Jan-Mar Mo 10:00-12:00", "???????"),
    ],
)
def test_open_on(hours, week: str) -> None:
    expected = [{"T": True, "F": False, "?": None}[c] for c in week]
    assert [open_on(hours, d) for d in range(7)] == expected


def test_open_on_rejects_bad_day() -> None:
    with pytest.raises(ValueError):
        open_on("24/7", 7)
    assert DAYS_FR[0] == "lundi" and DAYS_FR[6] == "dimanche" and len(DAYS_FR) == 7


def test_select_open_keeps_unknown_and_reports_it() -> None:
    horaires = [
        "Mo-Fr 09:00-12:00",  # fixed, open Tuesday
        "We 09:00-12:00",  # fixed, closed Tuesday
        None,  # fixed, unknown
        "n'importe quoi",  # fixed, not understood
        "Tu 09:00-12:00",  # roving, present Tuesday
        "We 09:00-12:00",  # roving, absent Tuesday
        None,  # roving, unknown
        "24/7",  # roving, no day named: unknown
    ]
    itinerance = [
        "Fixe",
        None,
        float("nan"),
        "Fixe",
        "Itinérant",
        "Itinérant",
        "Itinérant",
        "Itinérant",
    ]
    keep, unknown = select_open(horaires, itinerance, 1)
    assert keep.tolist() == [True, False, True, True, True, False, True, True]
    assert unknown.tolist() == [False, False, True, True, False, False, True, True]
    assert int((keep & unknown).sum()) == 4
    keep_all, unknown_none = select_open(horaires, itinerance, None)
    assert keep_all.all() and not unknown_none.any()
    empty_keep, empty_unknown = select_open([], [], 3)
    assert len(empty_keep) == len(empty_unknown) == 0


# --------------------------------------------------------------------------------------
# What-if
# --------------------------------------------------------------------------------------


def test_what_if_hand_case() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    base = comp.evaluate()
    np.testing.assert_allclose(base.minutes, [0.0, car_min(5), car_min(10)], atol=1e-6)
    assert base.nearest_id.tolist() == ["d0", "d0", "d0"]
    # Removing d0 sends everyone to d1.
    removed = comp.evaluate(Scenario(removed=("d0",)))
    np.testing.assert_allclose(
        removed.minutes, [car_min(15), car_min(10), car_min(math.sqrt(241))], atol=1e-6
    )
    assert removed.nearest_name.tolist() == ["Site un"] * 3
    # A hypothetical site in commune 41003 (at its point) serves it in 0 min.
    added = comp.evaluate(Scenario(added=("41003",), removed=("d0",)))
    assert added.minutes[2] == pytest.approx(0.0, abs=1e-6)
    assert added.nearest_id[2] == "hypothetique:41003"
    assert added.nearest_name[2] == "Site hypothétique — 41003"
    # 41003 is 10 km from O0 (vs 15 km to d1) and √(9² + 4²) = √97 km from O1 (vs 10 km).
    assert added.hypothetical.tolist() == [True, True, True]
    assert added.minutes[1] == pytest.approx(car_min(math.sqrt(97)), abs=1e-6)
    assert added.minutes[0] == pytest.approx(car_min(10), abs=1e-6)
    diff = difference(removed, added)
    assert diff.loc["41003"] == pytest.approx(-car_min(math.sqrt(241)), abs=1e-6)
    assert diff.loc["41001"] == pytest.approx(car_min(10) - car_min(15), abs=1e-6)
    assert diff.attrs["model"] == comp.model
    assert list(added.destinations.ids) == ["d1", "hypothetique:41003"]
    with pytest.raises(ValueError):
        comp.evaluate(Scenario(removed=("nope",)))
    with pytest.raises(ValueError):
        comp.evaluate(Scenario(added=("99999",)))


def test_difference_with_unreachable() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    none = comp.evaluate(Scenario(removed=("d0", "d1")))
    assert np.isinf(none.minutes).all() and (none.index == -1).all()
    assert list(none.nearest_id) == [None, None, None]
    back = comp.evaluate()
    assert (difference(none, none) == 0).all()
    assert np.isneginf(difference(none, back)).all()
    assert np.isposinf(difference(back, none)[1:]).all()


@pytest.mark.parametrize("seed", [10, 11, 12, 13])
def test_what_if_properties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    origins = random_places(rng, 150, "c")
    dests = random_places(rng, 12, "s")
    engine = StraightLineEngine(terminal_min=float(rng.uniform(0, 10)))
    comp = AccessComputation(engine, origins, dests)
    base = comp.evaluate()
    np.testing.assert_allclose(base.minutes, engine.nearest(origins, dests).minutes, rtol=1e-9)
    assert (base.minutes >= 0).all()
    for _ in range(10):
        added = tuple(rng.choice(origins.ids, size=rng.integers(1, 4), replace=False))
        removed = tuple(rng.choice(dests.ids, size=rng.integers(1, 4), replace=False))
        with_added = comp.evaluate(Scenario(added=added))
        with_removed = comp.evaluate(Scenario(removed=removed))
        both = comp.evaluate(Scenario(added=added, removed=removed))
        assert (with_added.minutes <= base.minutes + 1e-12).all()
        assert (with_removed.minutes >= base.minutes - 1e-12).all()
        assert (both.minutes <= with_removed.minutes + 1e-12).all()
        # Same answer as recomputing from scratch on the changed network.
        kept = dests.take(np.flatnonzero(~np.isin(dests.ids, removed)))
        extra = origins.take([int(np.flatnonzero(origins.ids == a)[0]) for a in added])
        scratch = engine.nearest(origins, Places.concat([kept, extra]))
        np.testing.assert_allclose(both.minutes, scratch.minutes, rtol=1e-9, atol=1e-9)
        for r in (with_added, both):
            hyp = r.hypothetical
            assert all(str(n).startswith("Site hypothétique — ") for n in r.nearest_name[hyp])
            assert all(str(i).startswith("hypothetique:") for i in r.nearest_id[hyp])
        # Nearest names match the destination at the index.
        ok = both.index >= 0
        assert (both.destinations.ids[both.index[ok]] == both.nearest_id[ok]).all()


def test_what_if_is_fast_for_a_large_departement() -> None:
    rng = np.random.default_rng(3)
    origins = random_places(rng, 600, "c")
    dests = random_places(rng, 100, "s")
    comp = AccessComputation(StraightLineEngine(), origins, dests)
    comp.evaluate(Scenario(added=(origins.ids[0],)))  # candidate matrix, built once
    scenarios = [
        Scenario(added=(origins.ids[i],), removed=(dests.ids[i % 100],)) for i in range(20)
    ]
    best = math.inf
    for sc in scenarios:
        t0 = time.perf_counter()
        comp.evaluate(sc)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.020


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def test_weighted_mean_and_median_known_values() -> None:
    assert weighted_mean(np.array([10.0, 20.0]), np.array([1.0, 3.0])) == pytest.approx(17.5)
    assert weighted_mean(np.array([10.0, np.inf]), np.array([1.0, 100.0])) == 10.0
    assert math.isnan(weighted_mean(np.array([np.inf]), np.array([1.0])))
    # cumulative weights 1, 4 (of 5): half = 2.5 reached at 20.
    assert weighted_median(np.array([20.0, 10.0]), np.array([3.0, 1.0])) == 20.0
    # equal weights, even count: the lower middle value.
    assert weighted_median(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4)) == 2.0
    assert weighted_median(np.array([5.0, 1.0, 9.0]), np.ones(3)) == 5.0
    # unreachable population counts as infinitely far.
    assert weighted_median(np.array([5.0, np.inf]), np.array([1.0, 2.0])) == np.inf
    assert weighted_median(np.array([5.0, np.inf]), np.array([2.0, 1.0])) == 5.0
    assert math.isnan(weighted_median(np.array([1.0]), np.array([0.0])))


def _hand_figures():
    minutes = pd.Series(
        [10.0, 40.0, np.inf, 20.0, 35.0],
        index=["c1", "c2", "c3", "c4", "c5"],
    )
    units = pd.Series(["A", "A", "A", "B", "B"], index=minutes.index)
    population = pd.Series([100, 300, 50, 1000, 0], index=minutes.index)
    model = StraightLineEngine().model
    return minutes, units, population, model


def test_coverage_by_unit_hand_case() -> None:
    minutes, units, population, model = _hand_figures()
    frame = coverage_by_unit(minutes, units, population, 30, model=model)
    a, b = frame.loc["A"], frame.loc["B"]
    assert a["communes"] == 3 and a["population"] == 450
    assert a["mean_min"] == pytest.approx((10 * 100 + 40 * 300) / 400)  # inf excluded
    assert a["median_min"] == 40.0  # half of 450 = 225: 100 ≤ 10 min, 400 ≤ 40 min
    assert a["pop_beyond"] == 350 and a["share_beyond"] == pytest.approx(350 / 450)
    assert a["communes_beyond"] == 2
    assert a["pop_unreachable"] == 50 and a["communes_unreachable"] == 1
    assert b["mean_min"] == 20.0 and b["pop_beyond"] == 0 and b["communes_beyond"] == 1
    assert frame.attrs["model"] == model and frame.attrs["threshold"] == 30.0
    assert "median_min" in frame.attrs["definitions_fr"]
    with pytest.raises(AccessParamError):
        coverage_by_unit(minutes, units, population, 0)


def test_summary_equity_figure_and_caveat() -> None:
    minutes, units, population, model = _hand_figures()
    units = pd.concat([units, pd.Series(["C"], index=["c6"])])
    minutes = pd.concat([minutes, pd.Series([5.0], index=["c6"])])
    population = pd.concat([population, pd.Series([10], index=["c6"])])
    beneficiaries = pd.Series([40, 10, pd.NA, 99], index=["A", "B", "C", "D"], dtype="Int64")
    s = summary(
        minutes,
        units,
        population,
        30,
        beneficiaries=beneficiaries,
        model=model,
        unit_names={"C": "Territoire C", "D": "Territoire D"},
    )
    assert isinstance(s, AccessSummary) and s.model == model and s.threshold == 30.0
    mean_a, mean_b = (10 * 100 + 40 * 300) / 400, 20.0
    assert s.beneficiary_mean_min == pytest.approx((40 * mean_a + 10 * mean_b) / 50)
    same_units = (10 * 100 + 40 * 300 + 20 * 1000) / 1400
    assert s.population_mean_min_same_units == pytest.approx(same_units)
    assert s.equity_gap_min == pytest.approx(s.beneficiary_mean_min - same_units)
    all_pop = (10 * 100 + 40 * 300 + 20 * 1000 + 5 * 10) / 1410
    assert s.population_mean_min == pytest.approx(all_pop)
    assert s.units_used == ("A", "B") and s.units_left_out == ("C", "D")
    assert "répartis comme la population" in s.caveat_fr
    assert "inconnu ou masqué (secret statistique) : Territoire C" in s.caveat_fr
    assert "Territoire D" in s.caveat_fr
    assert s.figures["pop_unreachable"] == 50 and s.figures["communes"] == 6
    lines = s.lines_fr()
    assert lines[0] == f"Modèle : {model.text_fr}."
    assert any("plus de 30 min" in line for line in lines)
    plain = summary(minutes, units, population, 30, model=model)
    assert math.isnan(plain.beneficiary_mean_min) and plain.caveat_fr == ""


def test_figures_from_an_access_result_carry_its_model() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    result = comp.evaluate()
    units = pd.Series(["U", "U", "V"], index=ORIGINS.ids)
    pop = pd.Series([10, 20, 30], index=ORIGINS.ids)
    frame = coverage_by_unit(result, units, pop, 10)
    assert frame.attrs["model"] is result.model and frame.attrs["threshold"] == 10.0
    assert frame.loc["V", "communes_beyond"] == 1  # 10 km by car > 10 min
    assert summary(result, units, pop, 10).model is result.model
    table = result.to_frame()
    assert table.attrs["model"] is result.model and table.attrs["scenario"] == Scenario()


# --------------------------------------------------------------------------------------
# Suggestions
# --------------------------------------------------------------------------------------


def _brute_best_single(cm, cur, w, threshold) -> int:
    covered = cur <= threshold
    best, best_key = -1, None
    for j in range(cm.shape[1]):
        gain = sum(w[i] for i in range(len(cur)) if not covered[i] and cm[i, j] <= threshold)
        cur_c = np.where(np.isfinite(cur), cur, 1e6)
        cm_c = np.where(np.isfinite(cm[:, j]), cm[:, j], 1e6)
        drop = float(np.sum(w * np.maximum(cur_c - cm_c, 0)))
        key = (round(gain, 6), round(drop, 6))
        if best_key is None or key > best_key:
            best, best_key = j, key
    return best


def _coverage(cm, cur, w, threshold, chosen) -> float:
    m = np.minimum(cur, cm[:, list(chosen)].min(axis=1)) if chosen else cur
    return float(w[m <= threshold].sum())


@pytest.mark.parametrize("seed", [20, 21, 22, 23, 24])
def test_suggestions_properties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, c = 60, 15
    cm = rng.uniform(0, 60, size=(n, c))
    cm[rng.random((n, c)) < 0.05] = np.inf
    cur = rng.uniform(10, 80, size=n)
    cur[:3] = np.inf
    w = rng.integers(0, 1000, size=n).astype(float)
    ids = [f"c{j}" for j in range(c)]
    names = [f"Commune {j}" for j in range(c)]
    one = suggest_sites(Candidates(cm, ids, names), cur, w, 30, 1)
    assert one.suggestions[0].id == ids[_brute_best_single(cm, cur, w, 30)]
    res = suggest_sites(Candidates(cm, ids, names), cur, w, 30, 4, weights_label="population")
    gains = [s.gain for s in res.suggestions]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(gains))
    chosen = [ids.index(s.id) for s in res.suggestions]
    assert len(set(chosen)) == len(chosen)
    best_single = max(_coverage(cm, cur, w, 30, [j]) for j in range(c))
    assert res.suggestions[-1].covered_after >= best_single - 1e-9
    # Bookkeeping: covered_after = before + cumulative gains, and matches a recount.
    assert res.covered_before == pytest.approx(_coverage(cm, cur, w, 30, []))
    for k, s in enumerate(res.suggestions, start=1):
        assert s.covered_after == pytest.approx(res.covered_before + sum(gains[:k]))
        assert s.covered_after == pytest.approx(_coverage(cm, cur, w, 30, chosen[:k]))
        assert s.share_after == pytest.approx(s.covered_after / w.sum())
        m = np.minimum(cur, cm[:, chosen[:k]].min(axis=1))
        assert s.mean_after == pytest.approx(weighted_mean(m, w))
        assert s.name == f"Commune {chosen[k - 1]}"
    # Brute force over every pair: greedy is within the 1 - 1/e guarantee.
    best_pair = max(_coverage(cm, cur, w, 30, p) for p in itertools.combinations(range(c), 2))
    two = suggest_sites(Candidates(cm, ids, names), cur, w, 30, 2)
    gained = two.suggestions[-1].covered_after - two.covered_before
    assert gained >= (1 - 1 / math.e) * (best_pair - two.covered_before) - 1e-9


def test_suggestions_tie_break_and_stop() -> None:
    cur = np.array([50.0, 50.0])
    w = np.array([1.0, 1.0])
    # Candidates 0 and 1 both cover origin 0; 1 brings origin 1 closer (tie-break).
    cm = np.array([[10.0, 10.0, 60.0], [60.0, 40.0, 60.0]])
    res = suggest_sites(Candidates(cm, ["a", "b", "c"], ["A", "B", "C"]), cur, w, 30, 3, model=None)
    assert [s.id for s in res.suggestions] == ["b"]  # then nothing improves: search stops
    assert res.suggestions[0].gain == 1.0 and res.share_before == 0.0
    # Equal everything: candidate order.
    same = suggest_sites(
        Candidates(np.array([[5.0, 5.0]]), ["x", "y"], ["X", "Y"]),
        np.array([50.0]),
        np.array([1.0]),
        30,
        1,
    )
    assert same.suggestions[0].id == "x"
    assert (
        suggest_sites(Candidates(cm, ["a", "b", "c"], ["A", "B", "C"]), cur, w, 30, 0).suggestions
        == ()
    )


def test_computation_suggest_uses_scenario_and_model() -> None:
    comp = AccessComputation(StraightLineEngine(), ORIGINS, DESTS)
    pop = pd.Series([100, 200, 300], index=ORIGINS.ids)
    res = comp.suggest(pop, k=1, threshold=5, scenario=Scenario(removed=("d0",)))
    # Without d0 nobody is within 5 min; a site in 41002 covers 41002 and 41001 (5 km = 6.9
    # min, no), so 41003 (300) wins: it covers itself only, the largest weight.
    assert res.suggestions[0].id == "41003" and res.suggestions[0].gain == 300
    assert res.model is comp.model and res.threshold == 5.0
    assert "Sélection gloutonne" in res.method_fr
    frame = res.to_frame()
    assert frame.attrs["model"] is comp.model and frame.attrs["threshold"] == 5.0
    assert comp.candidate_minutes().shape == (3, 3)
    np.testing.assert_allclose(
        comp.candidate_minutes(), StraightLineEngine().matrix(ORIGINS, ORIGINS), rtol=1e-12
    )
    excluded = comp.suggest(
        pop, k=1, threshold=5, scenario=Scenario(removed=("d0",)), exclude=["41003"]
    )
    assert excluded.suggestions[0].id == "41002"


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
