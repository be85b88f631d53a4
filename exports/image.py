"""The map as a PNG: Kaleido 1.x renders the Plotly figure in the system Chromium.

Kaleido drives the Chromium it finds (``/usr/bin/chromium``); nothing is downloaded. The
page Kaleido builds loads plotly.js from the plotly package (a local file) and, unless told
otherwise, MathJax from a CDN: :func:`render_png` therefore calls ``kaleido.calc_fig_sync``
itself with ``mathjax=False`` — what ``plotly.io.to_image`` does, minus that network
request, which ``plotly.io.defaults`` cannot switch off (a false value there means
« Kaleido's default », i.e. the CDN). The map style is ``white-bg``: no tiles either.

One render starts Chromium (about 1 s); a :class:`MapRenderer` keeps one Kaleido browser
open for a batch (``with renderer.session():``) or for the life of the app (``keep_open``).
Every PNG is decoded (:func:`png_pixels`, zlib + numpy) and checked not to be blank before it is
written.
"""

from __future__ import annotations

import atexit
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from exports.safety import ExportError

#: Layout size of the exported map (CSS pixels) and its scale: 1520 × 1200 pixels.
MAP_WIDTH, MAP_HEIGHT, MAP_SCALE = 760, 600, 2
#: Share of pixels that must differ from the background for a map not to be blank (the
#: département outline alone covers about 3 %; a failed render, 0).
MIN_DRAWN_SHARE = 0.002

#: Never MathJax: without a server Kaleido would otherwise fetch it from a CDN.
KALEIDO_OPTIONS = {"mathjax": False}


class MapRenderer:
    """Kaleido's Chromium as used by one owner: the app (kept open once an export asked for
    it), a command-line batch or a test session.

    Kaleido runs one browser per process and answers one caller at a time (its result
    queue is shared), so a process has one renderer: the app keeps its own on
    ``app.server.extensions``. Inside :meth:`session` (or after :meth:`keep_open`) the
    browser started by the first render is reused by the next ones; outside, each render
    starts and stops its own browser. State lives on the instance, under its lock.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._started = False
        self._resident = False

    def _start(self) -> None:
        import kaleido

        if not self._started:
            kaleido.start_sync_server(**KALEIDO_OPTIONS, silence_warnings=True)
            self._started = True

    def _stop(self) -> None:
        import kaleido

        with self._lock:
            if self._started:
                kaleido.stop_sync_server(silence_warnings=True)
                self._started = False

    @contextmanager
    def session(self) -> Iterator[MapRenderer]:
        """Keep one browser open for every render inside the ``with`` block (started by
        the first render, stopped at the end unless :meth:`keep_open` was called)."""
        with self._lock:
            self._depth += 1
        try:
            yield self
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and not self._resident:
                    self._stop()

    def keep_open(self) -> None:
        """Keep the browser open until the process exits (a server exporting often: the
        first export starts Chromium, the next ones reuse it)."""
        with self._lock:
            if not self._resident:
                self._resident = True
                atexit.register(self._stop)

    def png(
        self,
        figure: dict,
        width: int = MAP_WIDTH,
        height: int = MAP_HEIGHT,
        scale: float = MAP_SCALE,
    ) -> bytes:
        """PNG bytes of a Plotly figure dict (no network; raises if the result is blank)."""
        import kaleido

        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        try:
            with self._lock, warnings.catch_warnings():
                if self._depth or self._resident:
                    self._start()
                # With the server open, its own options (MathJax off) apply and Kaleido says
                # the per-call ones are ignored; without it, these start a one-off browser.
                warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)
                png = kaleido.calc_fig_sync(figure, opts=opts, kopts=dict(KALEIDO_OPTIONS))
        except Exception as exc:  # choreographer / kaleido raise their own families
            raise ExportError(
                f"La carte n'a pas pu être dessinée par Chromium ({type(exc).__name__} : "
                f"{exc}). Vérifiez que Chromium est installé (apt-get install chromium)."
            ) from exc
        if is_blank(png):
            raise ExportError("La carte exportée est vide (aucun élément dessiné) : export annulé.")
        return png


def render_png(
    figure: dict, width: int = MAP_WIDTH, height: int = MAP_HEIGHT, scale: float = MAP_SCALE
) -> bytes:
    """PNG bytes of a Plotly figure dict, drawn by a one-off browser (see :class:`MapRenderer`
    to reuse one)."""
    return MapRenderer().png(figure, width, height, scale)


def png_pixels(data: bytes) -> np.ndarray:
    """Decode an 8-bit, non-interlaced PNG into an ``(height, width, channels)`` array."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour {colour}, interlace {interlace})")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8)
    stride = width * channels
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:]
        if kind == 0:
            cur = line.copy()
        elif kind == 1:
            cur = np.cumsum(line.reshape(width, channels), axis=0, dtype=np.uint8).ravel()
        elif kind == 2:
            cur = line + prev
        else:
            cur = _unfilter_slow(int(kind), line, prev, channels)
        out[y] = cur
        prev = cur
    return out.reshape(height, width, channels)


def _unfilter_slow(kind: int, line: np.ndarray, prev: np.ndarray, bpp: int) -> np.ndarray:
    """Average (3) and Paeth (4) filters, pixel by pixel (Chromium writes « Up » rows)."""
    cur = bytearray(len(line))
    up = prev.tobytes()
    src = line.tobytes()
    for i in range(len(src)):
        left = cur[i - bpp] if i >= bpp else 0
        if kind == 3:
            cur[i] = (src[i] + ((left + up[i]) >> 1)) & 0xFF
        elif kind == 4:
            ul = up[i - bpp] if i >= bpp else 0
            p = left + up[i] - ul
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - ul)
            pred = left if pa <= pb and pa <= pc else (up[i] if pb <= pc else ul)
            cur[i] = (src[i] + pred) & 0xFF
        else:
            raise ValueError(f"bad PNG filter {kind}")
    return np.frombuffer(bytes(cur), dtype=np.uint8)


def drawn_share(data: bytes) -> float:
    """Share of pixels whose colour differs from the most frequent one (the background)."""
    pixels = png_pixels(data)[::2, ::2]  # every other pixel: plenty to tell a blank map
    flat = pixels.reshape(-1, pixels.shape[-1])
    packed = np.zeros(len(flat), dtype=np.uint64)
    for c in range(flat.shape[1]):
        packed = (packed << np.uint64(8)) | flat[:, c].astype(np.uint64)
    _, counts = np.unique(packed, return_counts=True)
    return float(1 - counts.max() / len(packed))


def is_blank(data: bytes, min_share: float = MIN_DRAWN_SHARE) -> bool:
    """True when (almost) every pixel has the background colour."""
    return drawn_share(data) < min_share
