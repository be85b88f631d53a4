"""Offline exports of a département view: map PNG, one-page PDF, standalone HTML map, data.

One API for the UI and the command line (``scripts/snapshot.py``)::

    from exports import Snapshot, write_all
    snap = Snapshot(dep, assets, ViewState(scheme_id="mdcs_2019"), DEFAULT_VISIBLE,
                    {"type": "territory", "code": "vendome", "scheme": "mdcs_2019"})
    paths = write_all(snap, Path("out"))

Nothing here touches the network: the PNG and the PDF are drawn by the system Chromium
from local files, the HTML map inlines Leaflet, and no tile is ever requested. Every file
states its sources, vintages, date, approximation/estimate flags, the secrecy rule and,
when access times are on, the model. Beneficiary counts below the secrecy threshold are
checked again before anything is written. No Dash import: the exports only use ``core``
and ``layers``.

For a download button, write into a ``tempfile.TemporaryDirectory()`` and send the file
(``snapshot.map_png`` gives the PNG bytes directly). A batch keeps one Kaleido browser open
by sharing one :class:`MapRenderer` (``with renderer.session(): …``); the app keeps its
own. Errors are :class:`ExportError` with a French message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from exports.data import DATA_FORMATS, write_data
from exports.image import MapRenderer, is_blank, render_png
from exports.safety import ExportError, SecrecyError, protect_text, safe_filename
from exports.snapshot import Snapshot, iter_territories

#: Everything :func:`write_all` writes by default.
ALL_FORMATS = ("png", "pdf", "html", *DATA_FORMATS)


def _target(path: Path | str, snapshot: Snapshot, ext: str) -> Path:
    """``path`` itself, or a file named after the snapshot when ``path`` is a folder (an
    existing one, or a path without extension, created)."""
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path.mkdir(parents=True, exist_ok=True)
        return path / f"{snapshot.base_name}.{ext}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def map_png(snapshot: Snapshot) -> bytes:
    """The map PNG of a snapshot (rendered once, then reused by the PDF)."""
    return snapshot.map_png


def write_png(snapshot: Snapshot, path: Path | str) -> Path:
    """Write the map as a PNG (1520 × 1200 pixels); ``path`` may be a folder."""
    target = _target(path, snapshot, "png")
    target.write_bytes(map_png(snapshot))
    return target


def write_pdf(snapshot: Snapshot, path: Path | str) -> Path:
    """Write the one-page A4 landscape PDF snapshot; ``path`` may be a folder."""
    from exports.pdf import write_pdf_file

    return write_pdf_file(snapshot, map_png(snapshot), _target(path, snapshot, "pdf"))


def write_html(snapshot: Snapshot, path: Path | str) -> Path:
    """Write the standalone HTML map (Leaflet inlined, no network); ``path`` may be a folder."""
    from exports.html_map import write_html_file

    return write_html_file(snapshot, _target(path, snapshot, "html"))


def write_all(
    snapshot: Snapshot, folder: Path | str, formats: Iterable[str] = ALL_FORMATS
) -> list[Path]:
    """Write every format of ``formats`` into ``folder``; returns the files written."""
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise ExportError(
            f"Format(s) inconnu(s) : {', '.join(unknown)}. Formats : {', '.join(ALL_FORMATS)}."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "png" in formats:
        written.append(write_png(snapshot, folder))
    if "pdf" in formats:
        written.append(write_pdf(snapshot, folder))
    if "html" in formats:
        written.append(write_html(snapshot, folder))
    data = [f for f in formats if f in DATA_FORMATS]
    if data:
        written += write_data(snapshot, folder, data)
    return written


def snapshots_for_scheme(
    dep, assets, state, visible: Sequence[str], scheme: str | None = None
) -> list[Snapshot]:
    """A snapshot per territory of a scheme (same view, same date), for batch exports."""
    first: Snapshot | None = None
    out = []
    for code, _name in iter_territories(dep, scheme or state.scheme_id):
        snap = Snapshot(
            dep,
            assets,
            state,
            tuple(visible),
            {"type": "territory", "code": code, "scheme": scheme or state.scheme_id},
            created=first.created if first else None,
            access_service=first.access_service if first else None,
            renderer=first.renderer if first else None,
        )
        first = first or snap
        out.append(snap)
    return out


__all__ = [
    "ALL_FORMATS",
    "DATA_FORMATS",
    "ExportError",
    "SecrecyError",
    "Snapshot",
    "is_blank",
    "iter_territories",
    "map_png",
    "protect_text",
    "render_png",
    "MapRenderer",
    "safe_filename",
    "snapshots_for_scheme",
    "write_all",
    "write_data",
    "write_html",
    "write_pdf",
    "write_png",
]
