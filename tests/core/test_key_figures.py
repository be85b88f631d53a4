"""Key figures of a unit, each with its source (secrecy applied)."""

from __future__ import annotations

import pytest

from core.key_figures import key_figures
from core.package import Department
from core.secrecy import SECRECY_LABEL_FR


def _by_label(figures: list[dict]) -> dict[str, dict]:
    return {f["label"]: f for f in figures}


def test_key_figures_departement(dep: Department) -> None:
    figs = key_figures(dep, "departement", "03")
    assert all(f["source"] for f in figs), figs
    by = _by_label(figs)
    assert by["Population"]["value"] == 10000
    assert by["Population"]["value_text"] == "10\u202f000 habitants"
    assert by["Population"]["year"] == "2023"
    assert "INSEE, populations légales" in by["Population"]["source"]
    assert by["Communes"]["value"] == 4 and by["Communes"]["source"].endswith("2026")
    rsa = by["Allocataires RSA"]
    assert (rsa["value"], rsa["value_text"], rsa["year"], rsa["source_ref"]) == (
        500,
        "500",
        "2023",
        "l.60",
    )
    assert rsa["source"] == "Conseil départemental, PDI de test (2024)"
    assert by["Allocataires RSA pour 1 000 habitants"]["value_text"] == "50,0"
    assert by["Taux de pauvreté"]["value_text"] == "14,5 %"
    assert by["Taux de pauvreté"]["value"] == 14.5
    keys = {
        "label",
        "value",
        "value_text",
        "unit",
        "year",
        "source",
        "source_id",
        "source_ref",
        "approximate",
        "estimated",
        "suppressed",
        "note",
    }
    assert all(set(f) == keys for f in figs)


def test_key_figures_territory_with_secrecy(dep: Department) -> None:
    by = _by_label(key_figures(dep, "territory", "S", scheme_id="mds"))
    rsa = by["Allocataires RSA"]
    assert rsa["value"] is None and rsa["value_text"] == SECRECY_LABEL_FR and rsa["suppressed"]
    assert by["Allocataires RSA pour 1 000 habitants"]["value_text"] == SECRECY_LABEL_FR
    assert all(f["value"] != 7 for f in by.values())
    assert by["Population"]["value"] == 7000 and by["Communes"]["value"] == 2


def test_key_figures_territory_flags(dep: Department) -> None:
    n = _by_label(key_figures(dep, "territory", "N", scheme_id="mds"))
    assert n["Communes (selon la source)"]["value"] == 2
    assert n["Communes (selon la source)"]["source_ref"] == "l.11"
    assert n["Places en ACI"]["value_text"] == "40 places"
    z1 = _by_label(key_figures(dep, "territory", "Z1", scheme_id="zones"))
    assert z1["Population"]["approximate"] and z1["Communes"]["approximate"]
    z2 = _by_label(key_figures(dep, "territory", "Z2", scheme_id="zones"))
    assert z2["Population"]["value"] is None
    assert z2["Population"]["value_text"] == "inconnue (périmètre non connu)"
    with pytest.raises(KeyError):
        key_figures(dep, "territory", "N", scheme_id="zones")


def test_key_figures_epci_and_commune(dep: Department) -> None:
    sud = _by_label(key_figures(dep, "epci", "200000002"))
    assert sud["Population (communes du département)"]["value"] == 7000
    assert sud["Population de l'EPCI entier"]["value"] == 12000
    assert sud["Communes dans le département"]["value_text"] == "2 (sur 5 au total)"
    alpha = _by_label(key_figures(dep, "commune", "03001"))
    assert alpha["Population"]["value"] == 1000
    assert alpha["Allocataires RSA"]["value_text"] == SECRECY_LABEL_FR
    access = alpha["Temps d'accès moyen"]
    assert (
        access["value"] is None and access["value_text"] == "environ 7 min" and access["estimated"]
    )
    assert access["source"] == "Site du département (2025)"
    with pytest.raises(ValueError):
        key_figures(dep, "canton", "1")
