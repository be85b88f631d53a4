"""Column and layer contracts: :class:`Column`, :class:`FileSchema`, :class:`LayerSchema`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.package.problems import Severity

Kind = Literal[
    "text",
    "id",
    "enum",
    "bool",
    "int",
    "year",
    "float",
    "latitude",
    "longitude",
    "code_insee",
    "siren",
    "date",
    "source_id",
]
EmptyPolicy = Literal["ok", "warning", "error"]

README_HINT = "voir data/departments/README.md"
CODE_INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
SIREN_RE = re.compile(r"^\d{9}$")
DEPT_CODE_RE = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FR_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
INT_RE = re.compile(r"^[+-]?\d+(?:\.0+)?$")

PERIMETER_STATUSES = ("official", "approximate", "unknown")
SCHEME_ROLES = (
    "social_service_delivery",
    "insertion_programming",
    "orientation_team",
    "employment_area",
    "plie",
    "experimentation_site",
    "administrative",
)
SITE_KINDS = ("siege", "antenne", "permanence", "maison_departementale", "centre_medico_social")
SITE_STATUSES = ("ouvert", "prevu", "ferme")
PRECISIONS = ("address", "commune")
ITINERANCES = ("Fixe", "Itinérant")
SCOPES = ("departement", "territories", "communes", "unknown")
LEVELS = ("departement", "territory", "epci", "commune")
RULES = ("epci", "arrondissement", "commune", "exclude_commune", "nearest_site")
BOOLEANS = ("true", "false")
SOURCE_KINDS = ("seed", "external", "registry")


@dataclass(frozen=True)
class Column:
    """Contract of one column.

    Parameters
    ----------
    name : str
        Column name in the header.
    kind : str
        Value kind: ``text``, ``id`` (with ``pattern``), ``enum`` (with ``domain``), ``bool``
        (``true``/``false``), ``int``, ``year``, ``float``, ``latitude``, ``longitude`` (WGS84
        degrees), ``code_insee``, ``siren``, ``date`` (YYYY-MM-DD) or ``source_id``.
    required : bool
        The column must be in the header (else the file is rejected).
    empty : {"ok", "warning", "error"}
        What an empty cell is.
    domain : tuple of str
        Allowed values of an ``enum``.
    multi : bool
        Cell holds several ``|``-separated values.
    pattern : str or None
        Regular expression a value (each value, when ``multi``) must match fully.
    min_value : float or None
        Lower bound of numbers.
    on_invalid : {"error", "warning"}
        ``error`` rejects the row; ``warning`` empties the cell and keeps the row.
    hint : str
        French « À faire » advice for invalid values (a generic one is used if empty).
    """

    name: str
    kind: Kind = "text"
    required: bool = True
    empty: EmptyPolicy = "error"
    domain: tuple[str, ...] = ()
    multi: bool = False
    pattern: str | None = None
    min_value: float | None = None
    on_invalid: Severity = "error"
    hint: str = ""


@dataclass(frozen=True)
class FileSchema:
    """Contract of one package file.

    Parameters
    ----------
    name : str
        File name in the package folder.
    columns : tuple of Column
        Known columns, in the documented order.
    required_file : bool
        The file must exist (it may hold only a header).
    key : tuple of str
        Columns whose combination must be unique (second occurrence rejected).
    source_column : str
        Column holding the ``source_id`` (``source`` in the national digital schema).
    """

    name: str
    columns: tuple[Column, ...]
    required_file: bool = False
    key: tuple[str, ...] = ()
    source_column: str = "source_id"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all known columns."""
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns the header must contain."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """Return the contract of column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass(frozen=True)
class LayerSchema:
    """Contract of one GeoPackage layer.

    Parameters
    ----------
    name : str
        Layer name.
    columns : tuple of str
        Required attribute columns.
    geometry : {"polygon", None}
        Expected geometry (``None`` for the non-spatial ``meta`` table).
    required_layer : bool
        The layer must exist.
    key : str or None
        Column that must be unique.
    """

    name: str
    columns: tuple[str, ...]
    geometry: Literal["polygon"] | None = "polygon"
    required_layer: bool = True
    key: str | None = None
