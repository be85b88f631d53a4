"""A corpus of real-world malformed files: each gets its exact French message and row count.

The files under ``corpus/`` are built by ``corpus/build_corpus.py`` (Excel and LibreOffice
workbooks saved as ``.csv``, Notepad UTF-16, French Excel Windows-1252 with « ; », the
export of a social-services software, broken quotes, a huge cell, thousands separators).
Each is loaded as one file of the test package; the test asserts every problem of that file
(line, column, severity, whole French text) and rows read = kept + rejected.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from core.package import load_department
from tests.core.package_fixture import check_invariants

CORPUS = Path(__file__).parent / "corpus"


class Case(NamedTuple):
    file: str
    target: str
    rows: tuple[int, int, int]
    problems: list[tuple[int | None, str | None, str, str]]


CASES = [
    Case(
        "binary_with_nul_bytes.csv",
        "partners.csv",
        (4, 0, 4),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un fichier binaire (il contient des octets nuls), "
                "pas un fichier CSV texte. À faire : exportez les données au "
                "format « CSV UTF-8 (délimité par des virgules) ».",
            ),
        ],
    ),
    Case(
        "bom_crlf_header_typo.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                1,
                "partner_id",
                "error",
                "partners.csv, ligne 1, colonne « partner_id » : colonne(s) "
                "obligatoire(s) absente(s) : partner_id ; le fichier est "
                "rejeté. À faire : ajoutez ces colonnes à la ligne d'en-tête "
                "(voir data/departments/README.md) ; « partner_idd » devrait "
                "sans doute s'écrire « partner_id ».",
            ),
        ],
    ),
    Case(
        "counts_with_thousands_separators.csv",
        "beneficiaries.csv",
        (6, 2, 4),
        [
            (
                2,
                "count",
                "error",
                "beneficiaries.csv, ligne 2, colonne « count » : valeur « "
                "1.000 » ambiguë : 1000 ou 1 ? (« . » peut séparer les "
                "milliers ou les décimales) ; la ligne est rejetée. À faire : "
                "écrivez 1000 ou 1, en chiffres seuls sans séparateur de "
                "milliers.",
            ),
            (
                3,
                "count",
                "error",
                "beneficiaries.csv, ligne 3, colonne « count » : valeur « "
                "1\xa0000 » : un nombre entier est attendu ; la ligne est "
                "rejetée. À faire : écrivez un effectif entier positif ou "
                "nul, sans espace ni décimale ; retirez la ligne si "
                "l'effectif est inconnu.",
            ),
            (
                5,
                "count",
                "error",
                "beneficiaries.csv, ligne 5, colonne « count » : valeur « 1,5 "
                "» : un nombre entier est attendu ; la ligne est rejetée. À "
                "faire : écrivez un effectif entier positif ou nul, sans "
                "espace ni décimale ; retirez la ligne si l'effectif est "
                "inconnu.",
            ),
            (
                7,
                "count",
                "error",
                "beneficiaries.csv, ligne 7, colonne « count » : valeur « "
                "3.337 » ambiguë : 3337 ou 3.337 ? (« . » peut séparer les "
                "milliers ou les décimales) ; la ligne est rejetée. À faire : "
                "écrivez 3337 (un nombre entier est attendu), sans séparateur "
                "de milliers.",
            ),
        ],
    ),
    Case(
        "excel97_xls_saved_as_csv.csv",
        "partners.csv",
        (0, 0, 0),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un classeur Excel 97-2003 (.xls) ou un autre "
                "document Office ancien, pas un fichier CSV texte (nombre de "
                "lignes inconnu). À faire : ouvrez-le dans Excel ou "
                "LibreOffice et enregistrez-le au format « CSV UTF-8 "
                "(délimité par des virgules) » (séparateur virgule).",
            ),
        ],
    ),
    Case(
        "excel_fr_cp1252_semicolon.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                4,
                "name",
                "error",
                "partners.csv, ligne 4, colonne « name » : le fichier n'est pas "
                "encodé en UTF-8 "
                "(octet 0xE7 invalide, « ç » en Windows-1252 : probablement "
                "un export Windows-1252/Latin-1 d'Excel ou d'un logiciel "
                "métier). À faire : réenregistrez-le au format « CSV UTF-8 "
                "(délimité par des virgules) ».",
            ),
        ],
    ),
    Case(
        "excel_fr_utf8_semicolon.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                1,
                None,
                "error",
                "partners.csv, ligne 1 : le fichier utilise le point-virgule "
                "« ; » comme séparateur au lieu de la virgule. À faire : "
                "réenregistrez-le en « CSV UTF-8 (délimité par des virgules) "
                "» ; les nombres décimaux s'écrivent avec un point.",
            ),
        ],
    ),
    Case(
        "excel_workbook_saved_as_csv.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un classeur Excel (.xlsx), pas un fichier CSV texte. "
                "À faire : ouvrez-le dans Excel ou LibreOffice et "
                "enregistrez-le au format « CSV UTF-8 (délimité par des "
                "virgules) » (séparateur virgule).",
            ),
        ],
    ),
    Case(
        "figures_with_ambiguous_grouping.csv",
        "figures.csv",
        (3, 3, 0),
        [
            (
                3,
                "value",
                "warning",
                "figures.csv, ligne 3, colonne « value » : valeur « 1,000 » "
                "ambiguë : 1000 ou 1.000 ? (« , » peut séparer les milliers "
                "ou les décimales) ; la valeur est ignorée. À faire : écrivez "
                "1000 ou 1.000, en chiffres seuls sans séparateur de "
                "milliers.",
            ),
        ],
    ),
    Case(
        "huge_cell.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                3,
                "adresse",
                "error",
                "partners.csv, ligne 3, colonne « adresse » : cellule de "
                "140\u202f000 caractères, plus que la taille maximale lue (131\u202f072 "
                "caractères) ; la ligne est rejetée. À faire : vérifiez qu'un "
                "guillemet n'a pas été oublié ; sinon raccourcissez le texte "
                "de cette cellule (un fichier du paquet ne contient pas de "
                "long texte).",
            ),
        ],
    ),
    Case(
        "libreoffice_all_quoted.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                4,
                "code_insee",
                "error",
                "partners.csv, ligne 4, colonne « code_insee » : commune « "
                "03999 » absente de la liste COG 2026 des communes du "
                "département 03 (Allier) ; la ligne est rejetée. À faire : "
                "vérifiez le code INSEE (ce n'est pas le code postal) ; une "
                "commune fusionnée prend le code de la commune nouvelle.",
            ),
        ],
    ),
    Case(
        "libreoffice_ods_saved_as_csv.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un classeur LibreOffice Calc (.ods), pas un fichier "
                "CSV texte. À faire : ouvrez-le dans Excel ou LibreOffice et "
                "enregistrez-le au format « CSV UTF-8 (délimité par des "
                "virgules) » (séparateur virgule).",
            ),
        ],
    ),
    Case(
        "mixed_line_endings.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                4,
                "code_insee",
                "error",
                "partners.csv, ligne 4, colonne « code_insee » : commune « "
                "03999 » absente de la liste COG 2026 des communes du "
                "département 03 (Allier) ; la ligne est rejetée. À faire : "
                "vérifiez le code INSEE (ce n'est pas le code postal) ; une "
                "commune fusionnée prend le code de la commune nouvelle.",
            ),
        ],
    ),
    Case(
        "multiline_address_kept.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                5,
                "code_insee",
                "error",
                "partners.csv, ligne 5, colonne « code_insee » : commune « "
                "03999 » absente de la liste COG 2026 des communes du "
                "département 03 (Allier) ; la ligne est rejetée. À faire : "
                "vérifiez le code INSEE (ce n'est pas le code postal) ; une "
                "commune fusionnée prend le code de la commune nouvelle.",
            ),
        ],
    ),
    Case(
        "notepad_utf16_bom_crlf.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                1,
                None,
                "error",
                "partners.csv, ligne 1 : le fichier est un texte encodé en "
                "UTF-16 (« Texte Unicode » d'Excel ou du Bloc-notes), pas en "
                "UTF-8. À faire : ouvrez-le dans Excel ou LibreOffice et "
                "enregistrez-le au format « CSV UTF-8 (délimité par des "
                "virgules) » (séparateur virgule).",
            ),
        ],
    ),
    Case(
        "pdf_saved_as_csv.csv",
        "partners.csv",
        (0, 0, 0),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un document PDF, pas un fichier CSV texte (nombre de "
                "lignes inconnu). À faire : exportez les données d'origine "
                "(tableur ou logiciel métier) au format « CSV UTF-8 (délimité "
                "par des virgules) » ; un PDF ne peut pas être lu.",
            ),
        ],
    ),
    Case(
        "social_software_latin1_trailing_separator.csv",
        "beneficiaries.csv",
        (6, 0, 6),
        [
            (
                2,
                "label",
                "error",
                "beneficiaries.csv, ligne 2, colonne « label » : le fichier "
                "n'est pas encodé en UTF-8 (octet 0xE9 invalide, « é » en "
                "Windows-1252 : probablement un export Windows-1252/Latin-1 "
                "d'Excel ou d'un logiciel métier). À faire : réenregistrez-le "
                "au format « CSV UTF-8 (délimité par des virgules) ».",
            ),
        ],
    ),
    Case(
        "social_software_utf8_trailing_separator.csv",
        "beneficiaries.csv",
        (6, 6, 0),
        [],
    ),
    Case(
        "unclosed_quote.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                3,
                "name",
                "error",
                "partners.csv, ligne 3, colonne « name » : guillemet ouvrant "
                "jamais refermé : la cellule avalerait les lignes suivantes ; "
                "seule cette ligne est rejetée, les suivantes sont lues "
                "normalement. À faire : fermez le guillemet de cette cellule, "
                "ou retirez-le (un guillemet à l'intérieur d'une cellule "
                'entre guillemets s\'écrit en double : "").',
            ),
        ],
    ),
    Case(
        "unclosed_quote_on_last_row.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                4,
                "name",
                "error",
                "partners.csv, ligne 4, colonne « name » : guillemet ouvrant "
                "jamais refermé : la cellule avalerait les lignes suivantes ; "
                "seule cette ligne est rejetée, les suivantes sont lues "
                "normalement. À faire : fermez le guillemet de cette cellule, "
                "ou retirez-le (un guillemet à l'intérieur d'une cellule "
                'entre guillemets s\'écrit en double : "").',
            ),
        ],
    ),
    Case(
        "unclosed_quote_then_quoted_row.csv",
        "partners.csv",
        (3, 2, 1),
        [
            (
                3,
                "name",
                "error",
                "partners.csv, ligne 3, colonne « name » : guillemet ouvrant "
                "jamais refermé : la cellule avalerait les lignes suivantes ; "
                "seule cette ligne est rejetée, les suivantes sont lues "
                "normalement. À faire : fermez le guillemet de cette cellule, "
                "ou retirez-le (un guillemet à l'intérieur d'une cellule "
                'entre guillemets s\'écrit en double : "").',
            ),
        ],
    ),
    Case(
        "utf16_be_without_bom.csv",
        "partners.csv",
        (3, 0, 3),
        [
            (
                1,
                None,
                "error",
                "partners.csv, ligne 1 : le fichier est un texte encodé en "
                "UTF-16 sans BOM (« Texte Unicode » d'Excel ou du "
                "Bloc-notes), pas en UTF-8. À faire : ouvrez-le dans Excel ou "
                "LibreOffice et enregistrez-le au format « CSV UTF-8 "
                "(délimité par des virgules) » (séparateur virgule).",
            ),
        ],
    ),
    Case(
        "word_document_saved_as_csv.csv",
        "partners.csv",
        (0, 0, 0),
        [
            (
                None,
                None,
                "error",
                "partners.csv : ce fichier, nommé partners.csv, est en "
                "réalité un document Word (.docx), pas un fichier CSV texte "
                "(nombre de lignes inconnu). À faire : copiez le tableau dans "
                "un tableur puis enregistrez-le au format « CSV UTF-8 "
                "(délimité par des virgules) ».",
            ),
        ],
    ),
]


def test_every_corpus_file_has_a_case() -> None:
    assert sorted(c.file for c in CASES) == sorted(p.name for p in CORPUS.glob("*.csv"))


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_corpus_file(case: Case, make_package, geo_dir) -> None:  # noqa: ANN001
    folder = make_package()
    shutil.copy(CORPUS / case.file, folder / case.target)
    dep = load_department(folder, geo_dirs=[geo_dir])
    check_invariants(dep.report)
    report = dep.report.file(case.target)
    found = [(p.row, p.column, p.severity, str(p)) for p in report.problems]
    assert found == case.problems
    assert (report.rows_read, report.rows_kept, report.rows_rejected) == case.rows
