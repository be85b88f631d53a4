"""Package CSV reader benchmark: line-by-line record splitting against a bare ``csv.reader``.

Run: ``python benchmarks/readers_bench.py`` (prints a table; exit 1 when the target is
missed; ``run()`` returns the rows).

:func:`core.package.csv_reader.read_csv_table` delimits records itself (so one unclosed quote
or one huge cell rejects only its line) and then parses each record with :mod:`csv`. The
baseline, measured in the same run on the same text, is what the reader did before: one
``csv.reader`` over the whole file. The file is the test package's ``partners.csv`` repeated
to 50 000 rows, one row in four with a quoted cell holding a comma. Target: the splitting
costs at most :data:`TARGET_RATIO` times the bare parser (both are a small part of loading,
which is dominated by the per-column checks and geometry).
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from pathlib import Path

from core.package.csv_reader import read_csv_table
from core.package.csv_records import split_records
from core.package.file_contracts import PARTNERS

TARGET_RATIO = 4.0
N_ROWS = 50_000


def _text() -> str:
    header = (
        "partner_id,name,typologie,axes,code_insee,adresse,latitude,longitude,precision,"
        "source_id,source_ref,date_maj"
    )
    rows = []
    for i in range(N_ROWS):
        name = f'"CCAS {i}, Beta"' if i % 4 == 0 else f"CCAS {i}"
        rows.append(f"P{i},{name},CCAS,A2.1,03002,2 rue B,46.45,3.15,address,seed,l.{i},")
    return header + "\n" + "\n".join(rows) + "\n"


def _best(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def run() -> list[tuple[str, float]]:
    """Rows (label, milliseconds)."""
    text = _text()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "partners.csv"
        path.write_text(text, encoding="utf-8")
        return [
            (
                "csv.reader sur tout le fichier (référence)",
                _best(lambda: list(csv.reader(io.StringIO(text, newline="")))),
            ),
            ("split_records (découpage ligne à ligne)", _best(lambda: split_records(text))),
            ("read_csv_table (lecture complète)", _best(lambda: read_csv_table(path, PARTNERS))),
        ]


def main() -> int:
    rows = run()
    for label, ms in rows:
        print(f"{label:<48} {ms:8.1f} ms")
    ratio = rows[1][1] / rows[0][1]
    ok = ratio <= TARGET_RATIO
    print(
        f"ratio découpage / référence : {ratio:.1f} (cible ≤ {TARGET_RATIO:g}) "
        + ("OK" if ok else "MANQUÉ")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
