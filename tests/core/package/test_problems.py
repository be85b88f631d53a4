"""Problems and reports: French sentences naming file, row and column."""

from __future__ import annotations

import pytest

from core.package import (
    FileReport,
    LoadReport,
    Problem,
)


def test_problem_str_is_a_french_sentence_naming_file_row_column() -> None:
    p = Problem(
        "partners.csv",
        12,
        "latitude",
        "valeur « 147.5 » hors de la plage -90 à 90. À faire : vérifiez que latitude et "
        "longitude ne sont pas inversées.",
    )
    assert str(p) == (
        "partners.csv, ligne 12, colonne « latitude » : valeur « 147.5 » hors de la plage "
        "-90 à 90. À faire : vérifiez que latitude et longitude ne sont pas inversées."
    )
    assert p.severity == "error" and p.severity_fr == "erreur"
    two = Problem("sites.csv", 3, "latitude, longitude", "x. À faire : y.", "warning")
    assert "colonnes « latitude » et « longitude »" in str(two)
    assert two.severity_fr == "avertissement"
    assert str(Problem("department.toml", None, None, "m")) == "department.toml : m"
    with pytest.raises(AttributeError):
        p.row = 3  # type: ignore[misc]


def test_file_report_invariant_is_enforced() -> None:
    with pytest.raises(ValueError, match="rows_read"):
        FileReport("sites.csv", rows_read=3, rows_kept=2, rows_rejected=0)


def test_load_report_summary_in_french() -> None:
    err = Problem("a.csv", 2, "x", "m. À faire : n.")
    warn = Problem("a.csv", 3, "x", "m. À faire : n.", "warning")
    report = LoadReport(
        [
            FileReport("a.csv", 1200, 1198, 2, [err, warn]),
            FileReport("b.csv", present=False),
        ]
    )
    assert report.errors == [err] and report.warnings == [warn]
    assert report.summary_fr() == (
        "1 fichier ou couche contrôlé : 1\u202f200 lignes lues, 1\u202f198 conservées, "
        "2 rejetées ; 1 erreur, 1 avertissement."
    )
    assert LoadReport([FileReport("a.csv", 1, 1, 0)]).summary_fr().endswith("aucune anomalie.")
