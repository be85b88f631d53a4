"""Travel times read from a matrix supplied by the département (see ``matrix_file``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from core.access.model import (
    ModelInfo,
    Nearest,
    Places,
    nearest_from_matrix,
)
from core.access.params import (
    MODES,
)
from core.formatting import format_number_fr


class ImportedMatrixEngine:
    """Times read from a matrix supplied by the département (see :func:`load_time_matrix`).

    Parameters
    ----------
    origin_ids, destination_ids : sequence of str
        Row and column ids of ``minutes``.
    minutes : numpy.ndarray
        ``(len(origin_ids), len(destination_ids))``; ``inf`` where the file gives no time.
    file_name : str
    mode : str
        Travel mode the times are for (``car`` by default).

    Notes
    -----
    Origins and destinations are looked up by id; a pair absent from the file (or a place
    the file does not know, such as a hypothetical site) is unreachable (``inf``).
    """

    engine_name = "imported"

    def __init__(
        self,
        origin_ids: Sequence[str],
        destination_ids: Sequence[str],
        minutes: np.ndarray,
        file_name: str,
        mode: str = "car",
    ) -> None:
        self._rows = pd.Index(np.asarray(origin_ids, dtype=object))
        self._cols = pd.Index(np.asarray(destination_ids, dtype=object))
        self._minutes = np.asarray(minutes, dtype=np.float64)
        if self._minutes.shape != (len(self._rows), len(self._cols)):
            raise ValueError("minutes must have shape (len(origin_ids), len(destination_ids))")
        self.file_name = file_name
        self.mode = mode

    @property
    def pairs(self) -> int:
        """Pairs with a time."""
        return int(np.isfinite(self._minutes).sum())

    @property
    def missing_pairs(self) -> int:
        """Pairs of the département without a time (unreachable)."""
        return int(self._minutes.size - self.pairs)

    @cached_property
    def model(self) -> ModelInfo:
        """Model description, naming the file."""
        label = MODES[self.mode].label_fr if self.mode in MODES else self.mode
        text = (
            f"{label} : temps importés du fichier « {self.file_name} » "
            f"({format_number_fr(self.pairs)} paires commune–destination"
        )
        if self.missing_pairs:
            text += (
                f" ; {format_number_fr(self.missing_pairs)} paires absentes comptées comme "
                "inaccessibles"
            )
        text += ")"
        return ModelInfo(
            engine=self.engine_name,
            mode=self.mode,
            params={
                "file": self.file_name,
                "pairs": self.pairs,
                "missing_pairs": self.missing_pairs,
            },
            text_fr=text,
            sources_fr=(
                f"Matrice de temps fournie par le département (fichier « {self.file_name} ») ; "
                "une paire absente du fichier est comptée comme inaccessible.",
            ),
            approximate=False,
        )

    def matrix(self, origins: Places, destinations: Places) -> np.ndarray:
        """Minutes looked up by ids, ``inf`` for pairs absent from the file."""
        r = self._rows.get_indexer(origins.ids)
        c = self._cols.get_indexer(destinations.ids)
        out = np.full((len(r), len(c)), np.inf)
        ri, ci = np.flatnonzero(r >= 0), np.flatnonzero(c >= 0)
        if len(ri) and len(ci):
            out[np.ix_(ri, ci)] = self._minutes[np.ix_(r[ri], c[ci])]
        return out

    def nearest(self, origins: Places, destinations: Places) -> Nearest:
        """Nearest destination of every origin, from the looked-up matrix."""
        return nearest_from_matrix(self.matrix(origins, destinations), self.model)
