"""Travel times to the nearest service, what-if scenarios, coverage figures and suggestions.

Every engine answers one question, vectorised: ``matrix(origins, destinations)`` gives
minutes as an ``(n_origins, n_destinations)`` float array (``inf`` when a destination is
unreachable); ``nearest(origins, destinations)`` gives, for each origin, the minutes to the
nearest destination and its index. Every engine describes itself with a
:class:`~core.access.model.ModelInfo`, which travels with every result so that the model
and its parameters are printed wherever times are shown or exported.

Modules (import a name from the module that defines it; the names are also re-exported
here for convenience)
-----------------------------------------------------------------------------------------
``model``           :class:`Places`, :class:`ModelInfo`, :class:`Nearest`, the :class:`Engine`
                    protocol, :func:`nearest_from_matrix`.
``params``          mode defaults and their sources (:data:`MODES`), :func:`validate_params`,
                    :class:`AccessParamError`, the threshold.
``straight_line``   :class:`StraightLineEngine` (vol d'oiseau × detour ÷ speed + terminal).
``matrix_file``     :func:`load_time_matrix`, :class:`MatrixReport` (a CSV supplied by the
                    département, checked row by row); ``matrix_engine``:
                    :class:`ImportedMatrixEngine`.
``opening_hours``   :func:`open_on`, :func:`select_open`.
``destinations``    :func:`select_destinations`, :func:`commune_places`.
``road_graph``      :class:`RoadGraph` (CSR arrays, ``.npz`` file), speeds and their sources.
``road_compile``    :func:`compile_pbf` (OpenStreetMap extract → graph).
``road_engine``     :class:`RoadEngine`, :func:`multi_source_minutes`.
``scenario``        :class:`Scenario`, :class:`AccessResult`, :class:`AccessComputation`,
                    :func:`difference`.
``coverage``        :func:`coverage_by_unit`, :func:`summary`; ``weighted_stats``: weighted
                    mean and median.
``suggest``         :func:`suggest_sites` (greedy maximal coverage).
``service``         :class:`AccessService`: one département package's engines and cached
                    computations, thread-safe, as the app uses them.
"""

from __future__ import annotations

from core.access.coverage import (
    COVERAGE_COLUMNS,
    DEFINITIONS_FR,
    AccessSummary,
    coverage_by_unit,
    summary,
)
from core.access.matrix_engine import ImportedMatrixEngine
from core.access.matrix_file import MATRIX_COLUMN_ALIASES, MatrixReport, load_time_matrix
from core.access.matrix_rows import MAX_IMPORTED_MINUTES
from core.access.model import LAMBERT93, Engine, ModelInfo, Nearest, Places, nearest_from_matrix
from core.access.opening_hours import DAYS_FR, open_on, select_open
from core.access.params import (
    DEFAULT_THRESHOLD_MIN,
    MODES,
    PARAM_LABELS_FR,
    PARAM_RANGES,
    PARAMS_FILE_FR,
    THRESHOLD_SOURCE_FR,
    AccessParamError,
    ModeDefaults,
    validate_params,
)
from core.access.scenario import (
    HYPOTHETICAL_PREFIX,
    AccessComputation,
    AccessResult,
    Scenario,
    difference,
    hypothetical_name,
)
from core.access.straight_line import StraightLineEngine
from core.access.suggest import Candidates, Suggestion, SuggestionResult, suggest_sites
from core.access.weighted_stats import weighted_mean, weighted_median

__all__ = [
    "COVERAGE_COLUMNS",
    "DAYS_FR",
    "DEFAULT_THRESHOLD_MIN",
    "DEFINITIONS_FR",
    "HYPOTHETICAL_PREFIX",
    "LAMBERT93",
    "MATRIX_COLUMN_ALIASES",
    "MAX_IMPORTED_MINUTES",
    "MODES",
    "PARAMS_FILE_FR",
    "PARAM_LABELS_FR",
    "PARAM_RANGES",
    "THRESHOLD_SOURCE_FR",
    "AccessComputation",
    "AccessParamError",
    "AccessResult",
    "AccessSummary",
    "Candidates",
    "Engine",
    "ImportedMatrixEngine",
    "MatrixReport",
    "ModeDefaults",
    "ModelInfo",
    "Nearest",
    "Places",
    "Scenario",
    "StraightLineEngine",
    "Suggestion",
    "SuggestionResult",
    "coverage_by_unit",
    "difference",
    "hypothetical_name",
    "load_time_matrix",
    "nearest_from_matrix",
    "open_on",
    "select_open",
    "suggest_sites",
    "summary",
    "validate_params",
    "weighted_mean",
    "weighted_median",
]
