"""``scripts/snapshot.py``: one territory, a whole scheme in one batch, bad input."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "snapshot.py"


@pytest.fixture(scope="module")
def cli():
    spec = importlib.util.spec_from_file_location("snapshot_cli", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_one_territory_every_format(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--departement",
            "41",
            "--scheme",
            "mdcs_2019",
            "--territory",
            "vendome",
            "--axes",
            "A1,A8",
            "--acces",
            "voiture",
            "--seuil",
            "30",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard only: a loaded machine may take minutes
    )
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.iterdir()}
    date = next(n for n in names if n.endswith(".pdf")).rsplit("_", 1)[-1][:-4]
    base = f"atlas_41_mdcs-2019_vendome_{date}"
    assert {f"{base}.{ext}" for ext in ("png", "pdf", "html", "xlsx", "gpkg")} <= names
    assert {f"{base}_LISEZMOI.txt", f"{base}_access.csv", f"{base}_access.geojson"} <= names
    assert "fichier(s) écrit(s)" in proc.stdout
    readme = (out / f"{base}_LISEZMOI.txt").read_text(encoding="utf-8-sig")
    assert "Axes du plan : Axe 1" in readme and "Temps d'accès : modèle : Voiture" in readme


def test_all_territories_of_a_scheme_in_one_batch(cli, reg, tmp_path, capsys):
    code = cli.main(
        [
            "--departement",
            "47",
            "--scheme",
            "territoires_intervention",
            "--all",
            "--formats",
            "html,csv",
            "--out",
            str(tmp_path),
        ],
        reg=reg,
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    html = sorted(p.name for p in tmp_path.glob("*.html"))
    assert len(html) == 3
    assert all(n.startswith("atlas_47_territoires-intervention_") for n in html)
    assert len(list(tmp_path.glob("*_LISEZMOI.txt"))) == 3
    assert "Instantanés" in captured.err and "3/3" in captured.err  # the progress bar


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--departement", "99"], "Départements disponibles : 03 (Allier), 41 (Loir-et-Cher)"),
        (["--departement", "41", "--scheme", "x"], "Découpages disponibles : mdcs_2019, mds_2024"),
        (
            ["--departement", "41", "--territory", "x"],
            "Territoires disponibles : blois_agglomeration",
        ),
        (["--departement", "41", "--axes", "ZZ"], "Axes disponibles : "),
        (["--departement", "41", "--acces", "avion"], "mode d'accès « avion » inconnu"),
        (["--departement", "41", "--seuil", "20"], "qu'avec --acces"),
        (["--departement", "41", "--acces", "voiture", "--seuil", "999"], "hors de l'intervalle"),
        (["--departement", "41", "--formats", "docx"], "Formats : png, pdf, html, csv"),
        (["--departement", "41", "--couches", "tuiles"], "Couches : territories"),
    ],
)
def test_bad_input_exits_2_with_the_available_values(cli, reg, tmp_path, capsys, argv, expected):
    code = cli.main([*argv, "--out", str(tmp_path)], reg=reg)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Erreur : ")
    assert expected in err
    assert not any(tmp_path.iterdir())


def test_bad_input_from_the_shell(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--departement", "41", "--territory", "x", "--all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard only
    )
    assert proc.returncode == 2
    assert "Erreur" in proc.stderr


def test_link_copied_from_the_app(cli, reg, tmp_path, capsys):
    link = (
        "http://127.0.0.1:8050/?dep=41&decoupage=mds_2024&axes=A8&sel=epci:200030385"
        "&couches=territories,communes,beneficiaries&benef=nombre&acces=velo&seuil=20"
        "&ajout=41001"
    )
    code = cli.main(
        ["--lien", link, "--formats", "csv", "--quiet", "--out", str(tmp_path)], reg=reg
    )
    assert code == 0, capsys.readouterr().err
    readme = next(tmp_path.glob("*_LISEZMOI.txt"))
    assert readme.name.startswith("atlas_41_mds-2024_200030385_")
    text = readme.read_text(encoding="utf-8-sig")
    assert "Sélection : EPCI : CA de Blois" in text
    assert "Axes du plan : Axe 8" in text
    assert "Couches : Territoires d'action sociale, Communes, Bénéficiaires" in text
    assert "Temps d'accès : modèle : Vélo" in text and "Temps d'accès : seuil : 20 min" in text
    assert "Temps d'accès : scénario : ajout d'un site hypothétique à Ambloy." in text
    assert (tmp_path / readme.name.replace("LISEZMOI.txt", "beneficiaries.csv")).exists()
