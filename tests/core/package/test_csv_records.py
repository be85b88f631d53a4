"""Splitting CSV text into records: runaway quotes, huge cells, line endings, row counts."""

from __future__ import annotations

import csv

import pytest

from core.package.csv_records import (
    FIELD_LIMIT,
    csv_error_fr,
    physical_lines,
    scan,
    split_records,
)


def test_physical_lines_count_every_line_ending() -> None:
    assert physical_lines("a\r\nb\nc\rd\n") == ["a", "b", "c", "d"]
    assert physical_lines("") == []
    assert physical_lines("a\n\nb") == ["a", "", "b"]


@pytest.mark.parametrize(
    ("line", "in_quotes", "expected"),
    [
        ("a,b,c", False, (False, None, 2)),
        ('a,"b,c', False, (True, 1, 1)),
        ('a,"b"",c', False, (True, 1, 1)),  # "" is an escaped quote: still open
        ('a,"b,c",d', False, (False, None, 2)),
        ('a,5" écran,d', False, (False, None, 2)),  # a quote inside a field is a character
        ('fin",x,y', True, (False, None, 2)),
        ("toujours dedans", True, (True, None, 0)),
    ],
)
def test_scan_follows_csv_quoting(line: str, in_quotes: bool, expected: tuple) -> None:
    assert scan(line, in_quotes) == expected


def test_quoted_newline_in_first_column_is_a_cell_not_a_runaway() -> None:
    # The continuation line has as many fields as the header: still one legitimate record.
    out = split_records('a,b,c\n"Blois\nnord",2,3\nx,y,z\n')
    assert out.rows == [["Blois\nnord", "2", "3"], ["x", "y", "z"]]
    assert out.starts == [2, 4]
    assert out.broken == []


def test_every_unclosed_quote_rejects_only_its_line() -> None:
    text = 'a,b,c\n1,"deux,3\n4,5,6\n7,8,"neuf\n10,11,12\n'
    out = split_records(text)
    assert out.starts == [2, 3, 4, 5]
    assert [(b.index, b.field) for b in out.broken] == [(0, 1), (2, 2)]
    assert out.rows[1] == ["4", "5", "6"] and out.rows[3] == ["10", "11", "12"]
    assert "guillemet ouvrant jamais refermé" in out.broken[0].what


def test_unclosed_quote_closed_by_a_later_quoted_row_keeps_that_row() -> None:
    out = split_records('a,b,c\n1,"deux,3\n4,"cinq, six",6\n')
    assert [b.index for b in out.broken] == [0]
    assert out.rows[1] == ["4", "cinq, six", "6"]


def test_blank_and_empty_rows_are_skipped_but_lines_still_counted() -> None:
    out = split_records("a,b\n\n,\n1,2\n")
    assert out.rows == [["1", "2"]]
    assert out.starts == [4]


def test_cell_over_the_limit_rejects_only_its_row() -> None:
    text = "a,b\n1," + "x" * (FIELD_LIMIT + 1) + "\n2,3\n"
    out = split_records(text)
    assert out.starts == [2, 3]
    assert [(b.index, b.field) for b in out.broken] == [(0, 1)]
    assert "131\u202f073 caractères" in out.broken[0].what
    assert out.rows[1] == ["2", "3"]
    # A cell just at the limit is read.
    assert split_records("a\n" + "y" * FIELD_LIMIT + "\n").broken == []


@pytest.mark.parametrize(
    ("message", "french"),
    [
        ("field larger than field limit (131072)", "taille maximale"),
        ("line contains NUL", "octet nul"),
        ("new-line character seen in unquoted field - do you need to open the file", "retour"),
        ("unexpected end of data", "se termine"),
        ("something new", "structure CSV illisible"),
    ],
)
def test_csv_errors_are_translated(message: str, french: str) -> None:
    assert french in csv_error_fr(csv.Error(message))


def test_unclosed_quote_in_header_does_not_swallow_the_rows() -> None:
    out = split_records('a,"b,c\n1,2,3\n4,5,6\n')
    assert out.header == ["a", "b,c"]
    assert out.starts == [2, 3]
