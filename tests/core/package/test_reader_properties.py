"""Property: whatever the bytes, reading never crashes and every data row is counted once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.package.csv_reader import read_csv_table
from core.package.csv_records import physical_lines, split_records
from core.package.file_contracts import PARTNERS
from core.package.problems import TableUnreadable
from tests.core.package_fixture import PARTNERS_CSV

#: Characters that break CSV files: quotes, separators, line endings, spaces, accents.
NASTY = st.sampled_from(['"', ",", ";", "\n", "\r", "\r\n", " ", "é", "x", "1", "\u00a0"])


def _mutated(edits: list[tuple[int, str]]) -> str:
    text = PARTNERS_CSV
    for pos, chunk in edits:
        pos %= len(text) + 1
        text = text[:pos] + chunk + text[pos:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10_000), NASTY), max_size=8))
def test_split_records_counts_every_nonblank_record(edits: list[tuple[int, str]]) -> None:
    text = _mutated(edits)
    out = split_records(text)
    assert len(out.rows) == len(out.starts)
    assert out.starts == sorted(set(out.starts))  # one row per start line, in file order
    n_lines = len(physical_lines(text))
    assert all(2 <= s <= n_lines for s in out.starts)
    assert all(0 <= b.index < len(out.rows) for b in out.broken)
    # Lines without any quote are always their own record (or blank): never swallowed.
    lines = physical_lines(text)
    if '"' not in text:
        expected = [i + 1 for i, ln in enumerate(lines) if i > 0 and ln.replace(",", "").strip()]
        assert out.starts == expected


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=400)
    | st.lists(st.tuples(st.integers(0, 10_000), NASTY)).map(lambda e: _mutated(e).encode("utf-8"))
)
def test_read_csv_table_never_crashes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "partners.csv"
        path.write_bytes(data)
        try:
            raw = read_csv_table(path, PARTNERS)
        except TableUnreadable as exc:
            assert exc.problems and exc.rows_read >= 0
            assert all("À faire : " in p.message for p in exc.problems)
            return
    assert len(raw.frame) == len(raw.lines) == len(raw.rejected)
    assert all("À faire : " in p.message for p in raw.problems)
