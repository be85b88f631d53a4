"""Constants and helpers shared by the export tests."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

#: A fixed export date, so that file names and texts are known in advance.
WHEN = datetime(2026, 3, 12, 14, 5).astimezone()
#: The count hidden by the secrecy tests (distinctive digits, never found by chance).
HIDDEN_COUNT = 4321
SHOWN_COUNT = 6543
SECRET_THRESHOLD = 5000


def number_re(n: int) -> re.Pattern:
    """``n`` as written in any export (4321, 4 321, 4 321, 4321.0), not inside another
    number or a decimal."""
    text = f"{n:,}".replace(",", r"[\s\u202f\u00a0]?")
    return re.compile(rf"(?<![\d.,]){text}(?![\d]|[.,]\d*[1-9])")


def pdf_text(path) -> str:
    """Text of every page of a PDF, NFKC-normalised (ligatures split)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
