"""Department packages: contracts, reading, checks and loading.

Modules, from the bottom up:

- :mod:`~core.package.problems`: :class:`Problem` (a French finding), ``quote``/``sentence``,
  :class:`TableUnreadable`, :class:`FileReport`/:class:`LoadReport`, :class:`PackageError`.
- :mod:`~core.package.contracts`: :class:`Column`, :class:`FileSchema`, :class:`LayerSchema`
  and the vocabularies (domains, patterns) they use.
- :mod:`~core.package.file_contracts`: the declared contract of every file
  (:data:`SCHEMAS`) and GeoPackage layer (:data:`LAYER_SCHEMAS`).
- :mod:`~core.package.values`: cell helpers (``fold``, ``normalize_code_insee``,
  ``split_multi``, ``grouping_problem`` for ambiguous thousands separators).
- :mod:`~core.package.file_kind`: :func:`sniff_kind`, the real type of a file from its
  first bytes (XLSX, ODS, XLS, DOCX, PDF, UTF-16, binary).
- :mod:`~core.package.csv_records`: :func:`split_records`, records delimited line by line
  (a runaway quote or a huge cell rejects only its line).
- :mod:`~core.package.csv_reader`: :func:`read_csv_table` (decoding, separators, header).
- :mod:`~core.package.geo`: :class:`DepartmentShape`, Lambert-93 projection.
- :mod:`~core.package.coordinates`: :func:`check_coordinates`, :func:`diagnose_coordinates`.
- :mod:`~core.package.table_checks`: :class:`TableCheck`, typed parsing of one table.
- :mod:`~core.package.geopackage`: :func:`read_geo`, :func:`check_layer`.
- :mod:`~core.package.meta`: ``department.toml`` (:func:`check_department_meta`).
- :mod:`~core.package.unit_codes` and :mod:`~core.package.cross_checks`: references
  between tables (:func:`check_references`).
- :mod:`~core.package.department`: :class:`Department`, the loaded package.
- :mod:`~core.package.load`: :func:`load_department`, :func:`discover_departments`.
"""

from core.package.department import Department
from core.package.load import (
    DEFAULT_DATA_DIR,
    DEFAULT_GEO_DIR,
    discover_departments,
    load_department,
)
from core.package.problems import FileReport, LoadReport, PackageError, Problem

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_GEO_DIR",
    "Department",
    "FileReport",
    "LoadReport",
    "PackageError",
    "Problem",
    "discover_departments",
    "load_department",
]
