"""Column contracts of the department package files and their validation, in French."""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from core.formatting import format_number_fr, format_short_number_fr  # noqa: F401 (re-exported)

Severity = Literal["error", "warning"]
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

#: Buffer around the département outline inside which a point is accepted (metres).
OUTLINE_TOLERANCE_M = 2000.0
#: Distance beyond which a point is reported as lying in another commune (metres);
#: the geometries are simplified, so points near a boundary are tolerated.
COMMUNE_TOLERANCE_M = 500.0
#: Lambert-93 value ranges for metropolitan France (metres).
L93_X_RANGE = (0.0, 1_300_000.0)
L93_Y_RANGE = (6_000_000.0, 7_200_000.0)


# --------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One validation finding, shown to package authors in French.

    Parameters
    ----------
    file : str
        File name (``sites.csv``) or GeoPackage layer (``41.gpkg (couche communes)``).
    row : int or None
        Line number in the file, header = line 1 (feature number for a layer).
    column : str or None
        Column concerned; several columns are joined by ``", "``.
    message : str
        French sentence saying what is wrong and, after « À faire : », what to do.
    severity : {"error", "warning"}
        An error rejects the row (or the file); a warning keeps it.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            word = "entité" if ".gpkg" in self.file else "ligne"
            parts.append(f"{word} {self.row}")
        if self.column:
            cols = [c.strip() for c in self.column.split(",") if c.strip()]
            if len(cols) == 1:
                parts.append(f"colonne « {cols[0]} »")
            else:
                quoted = [f"« {c} »" for c in cols]
                parts.append("colonnes " + ", ".join(quoted[:-1]) + " et " + quoted[-1])
        return ", ".join(parts) + " : " + self.message

    @property
    def severity_fr(self) -> str:
        """French label of the severity (« erreur » or « avertissement »)."""
        return "erreur" if self.severity == "error" else "avertissement"


def quote(value: object, limit: int = 60) -> str:
    """Quote a cell value for a French message, shortening long values."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"


def sentence(what: str, todo: str) -> str:
    """Build a message « <what>. À faire : <todo>. » with clean punctuation."""
    what = what.strip().rstrip(".")
    todo = todo.strip().rstrip(".")
    return f"{what}. À faire : {todo}."


class TableUnreadable(Exception):
    """A CSV file (or GeoPackage layer) that cannot be used at all.

    Attributes
    ----------
    problems : list of Problem
        Why, in French.
    rows_read : int
        Data rows found before giving up (all rejected).
    """

    def __init__(self, problems: Sequence[Problem], rows_read: int = 0) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)
        self.rows_read = rows_read

    @classmethod
    def about(
        cls,
        file: str,
        row: int | None,
        column: str | None,
        what: str,
        todo: str,
        rows_read: int = 0,
    ) -> TableUnreadable:
        """The file is unusable for one reason: « <what>. À faire : <todo>. »."""
        return cls([Problem(file, row, column, sentence(what, todo))], rows_read=rows_read)


# --------------------------------------------------------------------------------------
# Contracts
# --------------------------------------------------------------------------------------


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


SCHEME_ID = r"[a-z0-9_]+"
TERRITORY_ID = r"[A-Za-z0-9_-]+"
NODE_ID = r"[A-Za-z0-9_.\-]+"
ROW_ID = r"[A-Za-z0-9_.:\-]+"
SOURCE_REF_HINT = "indiquez la ligne, la page ou l'URL d'où vient le fait"


def _source_cols(source: str = "source_id") -> tuple[Column, ...]:
    return (
        Column(source, "source_id"),
        Column("source_ref", empty="warning", hint=SOURCE_REF_HINT),
    )


def _scheme_col(required: bool = True, empty: EmptyPolicy = "error") -> Column:
    return Column("scheme_id", "id", pattern=SCHEME_ID, required=required, empty=empty)


def _territory_col(required: bool = True, empty: EmptyPolicy = "error") -> Column:
    return Column("territory_id", "id", pattern=TERRITORY_ID, required=required, empty=empty)


def _opt(name: str, kind: Kind = "text", **kw: Any) -> Column:
    kw.setdefault("on_invalid", "warning")
    return Column(name, kind, required=False, empty="ok", **kw)


def _coords() -> tuple[Column, ...]:
    return (
        Column("latitude", "latitude", required=False, empty="ok"),
        Column("longitude", "longitude", required=False, empty="ok"),
    )


SCHEMES = FileSchema(
    "schemes.csv",
    (
        _scheme_col(),
        Column("label"),
        Column("role", "enum", domain=SCHEME_ROLES, on_invalid="warning"),
        Column("perimeter_status", "enum", domain=PERIMETER_STATUSES),
        Column(
            "derivation",
            empty="warning",
            hint="expliquez en une phrase comment le périmètre a été obtenu",
        ),
        _opt("valid_from", "year"),
        _opt("valid_to", "year"),
        *_source_cols(),
    ),
    required_file=True,
    key=("scheme_id",),
)

TERRITORIES = FileSchema(
    "territories.csv",
    (
        _scheme_col(),
        _territory_col(),
        Column("name"),
        _opt("seat_code_insee", "code_insee"),
        Column(
            "perimeter_status",
            "enum",
            domain=PERIMETER_STATUSES,
            required=False,
            empty="ok",
        ),
        _opt("n_communes_stated", "int", min_value=0),
        _opt("note"),
        *_source_cols(),
    ),
    required_file=True,
    key=("scheme_id", "territory_id"),
)

TERRITORY_COMMUNES = FileSchema(
    "territory_communes.csv",
    (_scheme_col(), _territory_col(), Column("code_insee", "code_insee"), *_source_cols()),
    required_file=True,
    key=("scheme_id", "territory_id", "code_insee"),
)

TERRITORY_RULES = FileSchema(
    "territory_rules.csv",
    (
        _scheme_col(),
        # « * » = every territory of the scheme (``nearest_site`` rules).
        Column("territory_id", "id", pattern=TERRITORY_ID + r"|\*"),
        Column("rule", "enum", domain=RULES),
        Column("value", empty="ok"),
        *_source_cols(),
    ),
)

SITES = FileSchema(
    "sites.csv",
    (
        Column("site_id", "id", pattern=ROW_ID),
        Column("name"),
        Column("typologie", empty="warning", hint="indiquez la typologie data·inclusion"),
        Column("kind", "enum", domain=SITE_KINDS, on_invalid="warning"),
        Column("code_insee", "code_insee"),
        _opt("adresse"),
        *_coords(),
        Column("precision", "enum", domain=PRECISIONS, empty="ok"),
        _scheme_col(required=False, empty="ok"),
        _territory_col(required=False, empty="ok"),
        _opt("horaires"),
        _opt("itinerance", "enum", domain=ITINERANCES),
        Column("status", "enum", domain=SITE_STATUSES),
        _opt("valid_from", "year"),
        _opt("valid_to", "year"),
        *_source_cols(),
        Column("date_maj", "date", empty="ok", on_invalid="warning"),
    ),
    key=("site_id",),
)

PARTNERS = FileSchema(
    "partners.csv",
    (
        Column("partner_id", "id", pattern=ROW_ID),
        Column("name"),
        Column("typologie", empty="warning", hint="indiquez la typologie data·inclusion"),
        Column("axes", "id", pattern=NODE_ID, multi=True, empty="ok"),
        Column("code_insee", "code_insee"),
        _opt("adresse"),
        *_coords(),
        Column("precision", "enum", domain=PRECISIONS, empty="ok"),
        *_source_cols(),
        Column("date_maj", "date", empty="ok", on_invalid="warning"),
    ),
    key=("partner_id",),
)

#: The 31 columns of the national « lieux de médiation numérique » schema v1.0.2, in order.
DIGITAL_SCHEMA_COLUMNS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)


def _digital_columns() -> tuple[Column, ...]:
    special: dict[str, Column] = {
        "id": Column("id"),
        "nom": Column("nom"),
        "code_insee": Column("code_insee", "code_insee", empty="ok"),
        "latitude": Column("latitude", "latitude", empty="ok"),
        "longitude": Column("longitude", "longitude", empty="ok"),
        "source": Column("source", "source_id"),
        "itinerance": _opt("itinerance", "enum", domain=ITINERANCES, multi=True),
        "date_maj": _opt("date_maj", "date"),
    }
    cols = [special.get(name, _opt(name)) for name in DIGITAL_SCHEMA_COLUMNS]
    cols.append(Column("source_ref", empty="warning", hint=SOURCE_REF_HINT))
    cols.append(Column("precision", "enum", domain=PRECISIONS, empty="ok"))
    return tuple(cols)


DIGITAL_POINTS = FileSchema(
    "digital_points.csv",
    _digital_columns(),
    key=("id",),
    source_column="source",
)

BENEFICIARIES = FileSchema(
    "beneficiaries.csv",
    (
        Column("level", "enum", domain=LEVELS),
        _scheme_col(empty="ok"),
        Column("code"),
        Column("indicator", "id", pattern=r"[a-z0-9_]+"),
        Column("label"),
        Column("year"),
        Column(
            "count",
            "int",
            min_value=0,
            hint="écrivez un effectif entier positif ou nul, sans espace ni décimale ; "
            "retirez la ligne si l'effectif est inconnu",
        ),
        Column("estimated", "bool"),
        _opt("note"),
        *_source_cols(),
    ),
    key=("level", "scheme_id", "code", "indicator", "year"),
)

PLAN = FileSchema(
    "plan.csv",
    (
        Column("node_id", "id", pattern=NODE_ID),
        Column("parent_id", "id", pattern=NODE_ID, empty="ok"),
        Column("level", "id", pattern=r"[a-z0-9_]+"),
        Column("number", empty="ok"),
        Column("title"),
        *_source_cols(),
    ),
    required_file=True,
    key=("node_id",),
)

ACTIONS = FileSchema(
    "actions.csv",
    (
        Column("action_id", "id", pattern=r"[^|]+"),
        Column("title"),
        Column("axes", "id", pattern=NODE_ID, multi=True, empty="ok"),
        _opt("pilot"),
        _opt("partners"),
        _opt("public"),
        _opt("calendar"),
        _opt("indicators"),
        _opt("budget"),
        Column("scope", "enum", domain=SCOPES, empty="warning"),
        _opt("scope_scheme_id"),
        _opt("scope_codes"),
        _opt("scope_text"),
        _opt("document"),
        _opt("status"),
        *_source_cols(),
    ),
    required_file=True,
    key=("action_id",),
)

FIGURES = FileSchema(
    "figures.csv",
    (
        Column("unit_type", "enum", domain=LEVELS),
        _scheme_col(empty="ok"),
        Column("code"),
        Column("indicator"),
        Column(
            "value",
            "float",
            empty="ok",
            on_invalid="warning",
            hint="écrivez un nombre avec un point décimal, sans espace ni unité "
            "(le texte d'origine va dans value_text)",
        ),
        Column("unit", empty="ok"),
        Column("value_text", empty="ok"),
        Column("year", empty="ok"),
        Column("estimated", "bool"),
        _opt("note"),
        *_source_cols(),
    ),
)

#: Every package file, in loading order.
SCHEMAS: dict[str, FileSchema] = {
    s.name: s
    for s in (
        SCHEMES,
        PLAN,
        TERRITORIES,
        TERRITORY_COMMUNES,
        SITES,
        TERRITORY_RULES,
        PARTNERS,
        DIGITAL_POINTS,
        ACTIONS,
        BENEFICIARIES,
        FIGURES,
    )
}


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


LAYER_SCHEMAS: dict[str, LayerSchema] = {
    s.name: s
    for s in (
        LayerSchema(
            "communes",
            (
                "code_insee",
                "nom",
                "population",
                "siren_epci",
                "code_arrondissement",
                "geometry_source",
            ),
            key="code_insee",
        ),
        LayerSchema(
            "epci",
            (
                "siren_epci",
                "nom",
                "type",
                "population",
                "n_communes",
                "n_communes_in_dept",
                "population_in_dept",
                "crosses_border",
            ),
            key="siren_epci",
        ),
        LayerSchema(
            "epci_outside",
            ("siren_epci", "nom", "n_communes", "population"),
            required_layer=False,
            key="siren_epci",
        ),
        LayerSchema("departement", ("code", "nom", "population")),
        LayerSchema("meta", ("key", "value"), geometry=None),
    )
}


# --------------------------------------------------------------------------------------
# Value normalisation (scalar helpers, also used for multi-valued cells)
# --------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Casefold and strip accents (to match ``Prévu`` with ``prevu``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_code_insee(value: str) -> tuple[str, Literal["ok", "padded", "malformed"]]:
    """Normalise a commune code.

    Parameters
    ----------
    value : str
        Code as written (already stripped).

    Returns
    -------
    code, status : str, {"ok", "padded", "malformed"}
        ``padded`` when a lost leading zero was restored (``3185`` → ``03185``, also from a
        spreadsheet float ``3185.0``); ``malformed`` when the value is not a COG code.
    """
    code = value.strip().upper()
    status: Literal["ok", "padded", "malformed"] = "ok"
    if re.fullmatch(r"\d+\.0+", code):
        code = code.split(".")[0]
        status = "padded"
    if re.fullmatch(r"\d{4}", code):
        code = "0" + code
        status = "padded"
    if re.fullmatch(r"2[AB]\d{3}", code) and value.strip() != code:
        status = "padded"
    if not CODE_INSEE_RE.fullmatch(code):
        return value, "malformed"
    return code, status


def dept_prefix(code_insee: str, dept_code: str) -> str:
    """Département prefix of a commune code, with as many characters as ``dept_code``."""
    return code_insee[: len(dept_code)]


def split_multi(value: object) -> list[str]:
    """Split a ``|``-separated cell into stripped, non-empty tokens (NA gives ``[]``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [t.strip() for t in str(value).split("|") if t.strip()]


# --------------------------------------------------------------------------------------
# Reading a CSV file
# --------------------------------------------------------------------------------------


@dataclass
class RawTable:
    """A CSV file read as text cells, before typing.

    Attributes
    ----------
    file : str
        File name.
    frame : pandas.DataFrame
        One column per known column (missing optional ones added empty), ``str`` cells
        stripped, NA for empty cells.
    lines : numpy.ndarray
        Line number (header = 1) where each row starts.
    problems : list of Problem
        Problems found while reading.
    rejected : numpy.ndarray
        Rows already rejected (structural problems such as too many fields).
    header : list of str
        Columns as found in the file.
    """

    file: str
    frame: pd.DataFrame
    lines: np.ndarray
    problems: list[Problem]
    rejected: np.ndarray
    header: list[str]


def _decode(path: Path, name: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableUnreadable.about(
            name,
            None,
            None,
            f"fichier illisible ({exc.strerror or exc})",
            "vérifiez que le fichier existe et que ses droits permettent la lecture",
        ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableUnreadable.about(
            name,
            1,
            None,
            "le fichier est encodé en UTF-16, pas en UTF-8",
            "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableUnreadable.about(
            name,
            line,
            None,
            "le fichier n'est pas encodé en UTF-8 (caractère invalide à cette "
            "ligne, probablement un export Windows-1252/Latin-1)",
            "réenregistrez-le au format « CSV UTF-8 (délimité par des virgules) »",
        ) from exc
    if "\x00" in text:
        raise TableUnreadable.about(
            name,
            None,
            None,
            "le fichier contient des octets nuls : ce n'est pas un CSV texte "
            "(classeur Excel ou fichier binaire ?)",
            "exportez la feuille au format « CSV UTF-8 (délimité par des virgules) »",
        )
    return text


def _sniff_separator(first_line: str, schema: FileSchema) -> str | None:
    """Return ``;``/tab/``|`` if the header splits better with it than with a comma."""
    known = set(schema.column_names)

    def score(sep: str) -> int:
        return sum(1 for c in first_line.split(sep) if c.strip().strip('"').lower() in known)

    comma = score(",")
    best = max((";", "\t", "|"), key=score)
    return best if score(best) > comma else None


SEPARATOR_NAMES = {";": "le point-virgule « ; »", "\t": "la tabulation", "|": "la barre « | »"}


def read_csv_table(path: Path, schema: FileSchema) -> RawTable:
    """Read a package CSV file as stripped text cells.

    Parameters
    ----------
    path : pathlib.Path
        File to read (UTF-8, comma separator, header row, ``"`` quoting).
    schema : FileSchema
        Its contract (used to detect a wrong separator and missing columns).

    Returns
    -------
    RawTable

    Raises
    ------
    TableUnreadable
        File not readable, not UTF-8, empty, wrong separator, duplicated or missing
        required columns: the whole file is rejected.
    """
    name = schema.name
    text = _decode(path, name)
    if not text.strip():
        raise TableUnreadable.about(
            name,
            None,
            None,
            "fichier vide",
            "ajoutez au moins la ligne d'en-tête (" + ",".join(schema.required_columns) + ")",
        )
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    starts: list[int] = []
    try:
        header_raw = next(reader)
        while True:
            start = reader.line_num + 1
            try:
                rec = next(reader)
            except StopIteration:
                break
            if not rec or all(not c.strip() for c in rec):
                continue
            records.append(rec)
            starts.append(start)
    except csv.Error as exc:
        raise TableUnreadable.about(
            name,
            reader.line_num,
            None,
            f"structure CSV illisible ({exc})",
            "vérifiez les guillemets : un champ qui contient une virgule ou un "
            "retour à la ligne doit être entre guillemets doubles",
        ) from exc

    header = [h.strip().lower() for h in header_raw]
    missing = [c for c in schema.required_columns if c not in header]
    if missing:
        sep = _sniff_separator(first_line, schema)
        if sep is not None:
            raise TableUnreadable.about(
                name,
                1,
                None,
                f"le fichier utilise {SEPARATOR_NAMES[sep]} comme séparateur au lieu de la virgule",
                "réenregistrez-le en « CSV UTF-8 (délimité par des virgules) » ; "
                "les nombres décimaux s'écrivent avec un point",
                rows_read=len(records),
            )
        hints = []
        for m in missing:
            close = difflib.get_close_matches(m, [h for h in header if h], n=1, cutoff=0.75)
            if close:
                hints.append(f"« {close[0]} » devrait sans doute s'écrire « {m} »")
        todo = "ajoutez ces colonnes à la ligne d'en-tête (" + README_HINT + ")"
        if hints:
            todo += " ; " + " ; ".join(hints)
        raise TableUnreadable.about(
            name,
            1,
            ", ".join(missing),
            "colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(missing)
            + " ; le fichier est rejeté",
            todo,
            rows_read=len(records),
        )
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise TableUnreadable.about(
            name,
            1,
            ", ".join(dupes),
            "colonne(s) présente(s) deux fois dans l'en-tête : " + ", ".join(dupes),
            "supprimez ou renommez la colonne en double",
            rows_read=len(records),
        )

    problems: list[Problem] = []
    known = set(schema.column_names)
    for h in header:
        if h and h not in known:
            close = difflib.get_close_matches(h, list(known), n=1, cutoff=0.75)
            todo = (
                f"renommez-la « {close[0]} » si c'est bien cette colonne"
                if close
                else "supprimez-la ou ignorez cet avertissement"
            )
            problems.append(
                Problem(
                    name,
                    1,
                    h,
                    sentence("colonne inconnue, ignorée par l'application", todo),
                    "warning",
                )
            )

    width = len(header)
    rejected = np.zeros(len(records), dtype=bool)
    rows: list[list[str]] = []
    for i, rec in enumerate(records):
        if len(rec) > width:
            # Even empty extra fields mean shifted values: never guess the alignment.
            rejected[i] = True
            problems.append(
                Problem(
                    name,
                    starts[i],
                    None,
                    sentence(
                        f"la ligne a {len(rec)} champs au lieu de {width} ; elle est rejetée",
                        "mettez entre guillemets doubles les valeurs qui contiennent une "
                        'virgule (ex. "Blois, Vendôme") et retirez les virgules en trop',
                    ),
                )
            )
            rec = rec[:width]
        elif len(rec) < width:
            problems.append(
                Problem(
                    name,
                    starts[i],
                    None,
                    sentence(
                        f"la ligne a {len(rec)} champs au lieu de {width} ; les dernières "
                        "colonnes sont considérées vides",
                        "ajoutez les virgules manquantes en fin de ligne",
                    ),
                    "warning",
                )
            )
            rec = rec + [""] * (width - len(rec))
        rows.append(rec)

    data: dict[str, pd.Series] = {}
    for j, h in enumerate(header):
        if not h or h not in known:
            continue
        s = pd.Series([r[j] for r in rows], dtype="str").str.strip()
        data[h] = s.mask(s == "")
    for col in schema.columns:
        if col.name not in data:
            data[col.name] = pd.Series([pd.NA] * len(rows), dtype="str")
    frame = pd.DataFrame({c: data[c] for c in schema.column_names}, index=range(len(rows)))
    return RawTable(
        name,
        frame,
        np.asarray(starts, dtype=np.int64),
        problems,
        rejected,
        header,
    )


# --------------------------------------------------------------------------------------
# Geography helpers
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def transformer(src: int, dst: int) -> Transformer:
    """Cached ``always_xy`` pyproj transformer between two EPSG codes."""
    return Transformer.from_crs(src, dst, always_xy=True)


def to_l93(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS84 degrees (EPSG:4326) to Lambert-93 metres (EPSG:2154)."""
    x, y = transformer(4326, 2154).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def geoms_to_l93(geoms: np.ndarray) -> np.ndarray:
    """Project shapely geometries from EPSG:4326 to EPSG:2154."""
    tr = transformer(4326, 2154)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True, eq=False)
class DepartmentShape:
    """Geometry a package is checked against.

    Attributes
    ----------
    code, name : str
        Département code and name.
    cog_label : str
        Vintage of the commune list, e.g. ``COG 2026``.
    outline_l93 : shapely.Geometry
        Département outline in Lambert-93 (EPSG:2154), prepared.
    commune_codes : numpy.ndarray
        Commune codes, aligned with ``commune_geoms``.
    commune_names : numpy.ndarray
        Commune names, aligned with ``commune_codes``.
    commune_geoms : numpy.ndarray
        Commune polygons in EPSG:4326, prepared.
    """

    code: str
    name: str
    cog_label: str
    outline_l93: Any
    commune_codes: np.ndarray
    commune_names: np.ndarray
    commune_geoms: np.ndarray
    code_index: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_layers(
        cls,
        code: str,
        name: str,
        cog_label: str,
        outline: gpd.GeoDataFrame,
        communes: gpd.GeoDataFrame,
    ) -> DepartmentShape:
        """Build from the ``departement`` and ``communes`` layers (EPSG:4326)."""
        outline_l93 = geoms_to_l93(np.asarray([shapely.union_all(outline.geometry.values)]))[0]
        shapely.prepare(outline_l93)
        geoms = np.asarray(communes.geometry.values, dtype=object)
        shapely.prepare(geoms)
        codes = communes["code_insee"].to_numpy(dtype=object)
        return cls(
            code=code,
            name=name,
            cog_label=cog_label,
            outline_l93=outline_l93,
            commune_codes=codes,
            commune_names=communes["nom"].to_numpy(dtype=object),
            commune_geoms=geoms,
            code_index={c: i for i, c in enumerate(codes)},
        )

    @property
    def label(self) -> str:
        """« département 41 (Loir-et-Cher) »."""
        return f"département {self.code} ({self.name})"

    def commune_name(self, code: str) -> str:
        """Name of a commune of the département (the code itself if unknown)."""
        i = self.code_index.get(code)
        return str(self.commune_names[i]) if i is not None else code

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Code of the commune containing each point (``None`` outside every commune)."""
        pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
        out = np.full(len(pts), None, dtype=object)
        if len(pts) == 0:
            return out
        tree = shapely.STRtree(self.commune_geoms)
        pt_idx, geom_idx = tree.query(pts, predicate="intersects")
        # First match wins for points on a shared boundary.
        order = np.argsort(pt_idx, kind="stable")
        pt_idx, geom_idx = pt_idx[order], geom_idx[order]
        first = np.unique(pt_idx, return_index=True)[1]
        out[pt_idx[first]] = self.commune_codes[geom_idx[first]]
        return out


def diagnose_coordinates(lat: np.ndarray, lon: np.ndarray, outline_l93: Any) -> pd.DataFrame:
    """Classify coordinate pairs against a département outline.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Values of the ``latitude`` and ``longitude`` columns (supposed WGS84 degrees);
        both finite.
    outline_l93 : shapely.Geometry
        Département outline in Lambert-93 (EPSG:2154).

    Returns
    -------
    pandas.DataFrame
        ``status`` (``ok``, ``lambert93``, ``range_lat``, ``range_lon``, ``swapped``,
        ``outside``), ``distance_km`` (distance to the outline, for ``outside``),
        ``fixed_lat``/``fixed_lon`` (degrees after conversion, for ``lambert93``).
        A point within :data:`OUTLINE_TOLERANCE_M` of the outline is ``ok``.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    n = len(lat)
    status = np.full(n, "ok", dtype=object)
    dist_km = np.full(n, np.nan)
    fixed_lat = np.full(n, np.nan)
    fixed_lon = np.full(n, np.nan)

    def in_range(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
        return (v >= lo) & (v <= hi)

    l93 = in_range(lon, *L93_X_RANGE) & in_range(lat, *L93_Y_RANGE)
    l93_sw = in_range(lat, *L93_X_RANGE) & in_range(lon, *L93_Y_RANGE)
    x = np.where(l93, lon, lat)
    y = np.where(l93, lat, lon)
    any_l93 = l93 | l93_sw
    if any_l93.any():
        flon, flat = transformer(2154, 4326).transform(x[any_l93], y[any_l93])
        fixed_lon[any_l93] = flon
        fixed_lat[any_l93] = flat
        status[any_l93] = "lambert93"
    bad_lat = ~any_l93 & (np.abs(lat) > 90)
    bad_lon = ~any_l93 & ~bad_lat & (np.abs(lon) > 180)
    status[bad_lat] = "range_lat"
    status[bad_lon] = "range_lon"

    todo = status == "ok"
    if todo.any():
        px, py = to_l93(lon[todo], lat[todo])
        inside = _near(outline_l93, px, py)
        idx = np.flatnonzero(todo)
        out = idx[~inside]
        if len(out):
            # Swapped pair: latitude read as longitude and vice versa.
            sw_ok = (np.abs(lon[out]) <= 90) & (np.abs(lat[out]) <= 180)
            swapped = np.zeros(len(out), dtype=bool)
            if sw_ok.any():
                sx, sy = to_l93(lat[out][sw_ok], lon[out][sw_ok])
                swapped[sw_ok] = _near(outline_l93, sx, sy)
            status[out[swapped]] = "swapped"
            far = out[~swapped]
            status[far] = "outside"
            if len(far):
                fx, fy = to_l93(lon[far], lat[far])
                d = shapely.distance(outline_l93, shapely.points(fx, fy))
                dist_km[far] = np.asarray(d) / 1000.0
    return pd.DataFrame(
        {"status": status, "distance_km": dist_km, "fixed_lat": fixed_lat, "fixed_lon": fixed_lon}
    )


def _near(outline_l93: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points inside the outline or within :data:`OUTLINE_TOLERANCE_M` of it."""
    finite = np.isfinite(x) & np.isfinite(y)
    ok = np.zeros(len(x), dtype=bool)
    if not finite.any():
        return ok
    xs, ys = x[finite], y[finite]
    inside = shapely.contains_xy(outline_l93, xs, ys)
    if (~inside).any():
        d = shapely.distance(outline_l93, shapely.points(xs[~inside], ys[~inside]))
        inside[~inside] = np.asarray(d) <= OUTLINE_TOLERANCE_M
    ok[finite] = inside
    return ok


# --------------------------------------------------------------------------------------
# Row-level validation of one table
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseContext:
    """What the per-column checks need to know about the package.

    Attributes
    ----------
    shape : DepartmentShape
        Communes and outline of the département.
    source_ids : frozenset of str
        Sources declared in ``department.toml``.
    """

    shape: DepartmentShape
    source_ids: frozenset[str]


GENERIC_HINTS: dict[str, str] = {
    "id": "utilisez seulement les caractères autorisés ({pattern}), sans espace",
    "int": "écrivez un nombre entier sans espace ni décimale",
    "year": "écrivez une année sur 4 chiffres (ex. 2024)",
    "float": "écrivez un nombre avec un point décimal, sans espace ni unité",
    "siren": "écrivez le SIREN à 9 chiffres",
    "date": "écrivez la date au format AAAA-MM-JJ (ex. 2025-05-21)",
}


class TableCheck:
    """Row-level validation of one table: types, domains, references, coordinates.

    Rows with an error are flagged as rejected; :meth:`kept` returns the others. Every
    check adds :class:`Problem` objects naming the file line.

    Parameters
    ----------
    raw : RawTable
        The table as read by :func:`read_csv_table`.
    schema : FileSchema
        Its contract.
    """

    def __init__(self, raw: RawTable, schema: FileSchema) -> None:
        self.file = raw.file
        self.schema = schema
        self.frame = raw.frame.copy()
        self.lines = raw.lines
        self.problems: list[Problem] = list(raw.problems)
        self.rejected = raw.rejected.copy()
        # Rows rejected for their structure: their cells are not checked (noise).
        self.structural = raw.rejected.copy()
        self.header = raw.header

    # -- bookkeeping -------------------------------------------------------------------

    @property
    def rows_read(self) -> int:
        """Number of data rows in the file."""
        return len(self.frame)

    def add(
        self,
        positions: Iterable[int] | np.ndarray,
        column: str | None,
        message: str | Callable[[int], str],
        severity: Severity = "error",
    ) -> None:
        """Record a problem for each row position; an error rejects the row."""
        for p in np.asarray(list(positions), dtype=np.int64).tolist():
            if self.structural[p]:
                continue
            text = message(p) if callable(message) else message
            self.problems.append(Problem(self.file, int(self.lines[p]), column, text, severity))
            if severity == "error":
                self.rejected[p] = True

    def live(self) -> np.ndarray:
        """Boolean mask of the rows not rejected so far."""
        return ~self.rejected

    def line_of(self, position: int) -> int:
        """File line number of a row position."""
        return int(self.lines[position])

    def kept(self) -> pd.DataFrame:
        """Rows without error, re-indexed from 0."""
        return self.frame.loc[~self.rejected].reset_index(drop=True)

    def sorted_problems(self) -> list[Problem]:
        """Problems ordered by line, then column."""
        return sorted(
            self.problems, key=lambda p: (p.row if p.row is not None else 0, p.column or "")
        )

    # -- typing ------------------------------------------------------------------------

    def parse(self, ctx: ParseContext) -> None:
        """Check and type every column of the contract."""
        for col in self.schema.columns:
            self._parse_column(col, ctx)

    def _empty(self, col: Column) -> None:
        s = self.frame[col.name]
        if col.empty == "ok" or (not col.required and col.name not in self.header):
            return
        pos = np.flatnonzero(s.isna().to_numpy())
        if not len(pos):
            return
        todo = col.hint or "renseignez cette cellule"
        if col.empty == "error":
            self.add(
                pos,
                col.name,
                sentence(
                    "cellule vide alors que la valeur est obligatoire ; la ligne est rejetée", todo
                ),
            )
        else:
            self.add(pos, col.name, sentence("cellule vide", todo), "warning")

    def _invalid(
        self,
        col: Column,
        positions: Iterable[int],
        what: Callable[[int], str],
        todo: str | None = None,
    ) -> None:
        """Report invalid values; with ``on_invalid=warning`` the cell is emptied."""
        positions = list(positions)
        if not positions:
            return
        hint = (
            todo
            or col.hint
            or GENERIC_HINTS.get(col.kind, "corrigez la valeur").format(pattern=col.pattern)
        )
        if col.on_invalid == "error":
            self.add(
                positions, col.name, lambda p: sentence(what(p) + " ; la ligne est rejetée", hint)
            )
        else:
            self.add(
                positions,
                col.name,
                lambda p: sentence(what(p) + " ; la valeur est ignorée", hint),
                "warning",
            )
            self.frame.loc[positions, col.name] = pd.NA

    def _parse_column(self, col: Column, ctx: ParseContext) -> None:
        name = col.name
        self._empty(col)
        s = self.frame[name]
        values = s.to_numpy(dtype=object)
        present = [i for i, v in enumerate(values) if isinstance(v, str)]

        if col.kind in ("text",):
            return
        if col.kind == "id":
            rx = re.compile(col.pattern or r".+")
            bad = []
            new = values.copy()
            for i in present:
                tokens = split_multi(values[i]) if col.multi else [values[i]]
                if col.multi:
                    new[i] = "|".join(tokens) if tokens else None
                if any(not rx.fullmatch(t) for t in tokens):
                    bad.append(i)
            if col.multi:
                self.frame[name] = pd.Series(new, index=self.frame.index, dtype="str")
            self._invalid(col, bad, lambda p: f"identifiant {quote(values[p])} invalide")
            return
        if col.kind in ("enum", "bool"):
            self._parse_enum(col, present, values)
            if col.kind == "bool":
                out = self.frame[name].map({"true": True, "false": False}, na_action="ignore")
                self.frame[name] = out.astype("boolean")
            return
        if col.kind in ("int", "year"):
            self._parse_int(col, present, values)
            return
        if col.kind in ("float", "latitude", "longitude"):
            self._parse_float(col, present, values)
            return
        if col.kind == "code_insee":
            self._parse_code_insee(col, present, values, ctx)
            return
        if col.kind == "siren":
            bad = [i for i in present if not SIREN_RE.fullmatch(values[i])]
            self._invalid(col, bad, lambda p: f"SIREN {quote(values[p])} invalide")
            return
        if col.kind == "date":
            self._parse_date(col, present, values)
            return
        if col.kind == "source_id":
            bad = [i for i in present if values[i] not in ctx.source_ids]
            self._invalid(
                col,
                bad,
                lambda p: f"source {quote(values[p])} non déclarée dans department.toml",
                f"déclarez la source dans department.toml ([sources.<identifiant>]) ou "
                f"corrigez {name}",
            )
            return
        raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover

    def _parse_enum(self, col: Column, present: list[int], values: np.ndarray) -> None:
        domain = BOOLEANS if col.kind == "bool" else col.domain
        folded = {fold(d): d for d in domain}
        bad, fixed = [], []
        new = values.copy()
        for i in present:
            tokens = split_multi(values[i]) if col.multi else [values[i]]
            out = []
            ok = True
            for t in tokens:
                if t in domain:
                    out.append(t)
                elif fold(t) in folded:
                    out.append(folded[fold(t)])
                    fixed.append((i, t, folded[fold(t)]))
                else:
                    ok = False
            if not ok:
                bad.append(i)
            else:
                new[i] = "|".join(out)
        self.frame[col.name] = pd.Series(new, index=self.frame.index, dtype="str")
        allowed = ", ".join(domain)
        todo = (
            "écrivez true ou false ; laissez la cellule vide si c'est inconnu (jamais 0)"
            if col.kind == "bool"
            else f"utilisez une des valeurs : {allowed}"
        )
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} non reconnue", todo)
        for i, before, after in fixed:
            self.add(
                [i],
                col.name,
                sentence(
                    f"valeur {quote(before)} lue comme {quote(after)}",
                    f"écrivez exactement {quote(after)}",
                ),
                "warning",
            )

    def _parse_int(self, col: Column, present: list[int], values: np.ndarray) -> None:
        out = np.full(len(values), np.nan)
        bad, neg = [], []
        for i in present:
            v = values[i]
            if col.kind == "year":
                if not re.fullmatch(r"\d{4}", v):
                    bad.append(i)
                    continue
            elif not INT_RE.fullmatch(v):
                bad.append(i)
                continue
            n = int(float(v))
            if col.min_value is not None and n < col.min_value:
                neg.append(i)
                continue
            out[i] = n
        what = "une année" if col.kind == "year" else "un nombre entier"
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} : {what} est attendu")
        self._invalid(
            col,
            neg,
            lambda p: f"valeur {quote(values[p])} inférieure au minimum {col.min_value:g}",
        )
        rejected_or_blank = set(bad) | set(neg)
        keep = np.array([i not in rejected_or_blank for i in range(len(values))])
        self.frame[col.name] = pd.array(np.where(keep, out, np.nan), dtype="Float64").astype(
            "Int64"
        )

    def _parse_float(self, col: Column, present: list[int], values: np.ndarray) -> None:
        out = np.full(len(values), np.nan)
        bad, comma = [], []
        for i in present:
            v = values[i]
            text = v
            if re.fullmatch(r"[+-]?\d+,\d+", v):
                text = v.replace(",", ".")
                comma.append(i)
            try:
                f = float(text)
            except ValueError:
                bad.append(i)
                continue
            if not np.isfinite(f):
                bad.append(i)
                continue
            out[i] = f
        self._invalid(col, bad, lambda p: f"valeur {quote(values[p])} : un nombre est attendu")
        for i in comma:
            self.add(
                [i],
                col.name,
                sentence(
                    f"valeur {quote(values[i])} lue comme {out[i]:g} (virgule décimale)",
                    "utilisez le point comme séparateur décimal",
                ),
                "warning",
            )
        out[bad] = np.nan
        self.frame[col.name] = out

    def _parse_date(self, col: Column, present: list[int], values: np.ndarray) -> None:
        bad = []
        for i in present:
            v = values[i]
            m = FR_DATE_RE.fullmatch(v)
            if m:
                d, mo, y = (int(g) for g in m.groups())
                try:
                    iso = date(y, mo, d).isoformat()
                except ValueError:
                    bad.append(i)
                    continue
                self.frame.loc[i, col.name] = iso
                self.add(
                    [i],
                    col.name,
                    sentence(
                        f"date {quote(v)} lue comme {quote(iso)}",
                        "écrivez les dates au format AAAA-MM-JJ",
                    ),
                    "warning",
                )
                continue
            if not DATE_RE.fullmatch(v):
                bad.append(i)
                continue
            try:
                date.fromisoformat(v)
            except ValueError:
                bad.append(i)
        self._invalid(col, bad, lambda p: f"date {quote(values[p])} invalide")

    def _parse_code_insee(
        self, col: Column, present: list[int], values: np.ndarray, ctx: ParseContext
    ) -> None:
        bad, unknown = [], []
        for i in present:
            code, status = normalize_code_insee(values[i])
            if status == "malformed":
                bad.append(i)
                continue
            if status == "padded":
                self.add(
                    [i],
                    col.name,
                    sentence(
                        f"code {quote(values[i])} complété en {quote(code)} (zéro initial perdu)",
                        "enregistrez la colonne en texte pour garder les zéros initiaux",
                    ),
                    "warning",
                )
                self.frame.loc[i, col.name] = code
            if code not in ctx.shape.code_index:
                unknown.append((i, code))
        self._invalid(
            col,
            bad,
            lambda p: (
                f"code commune {quote(values[p])} invalide (5 caractères attendus, "
                "ex. 03185, 2A004)"
            ),
            "écrivez le code INSEE de la commune (pas le code postal), sur 5 caractères",
        )
        codes = dict(unknown)
        self._invalid(
            col,
            [i for i, _ in unknown],
            lambda p: unknown_commune_message(codes[p], ctx.shape),
            unknown_commune_todo(),
        )

    # -- cross checks ------------------------------------------------------------------

    def check_unique(self, columns: Sequence[str], what: str = "identifiant") -> None:
        """Reject the 2nd and later occurrences of a key, naming the first line."""
        live = np.flatnonzero(self.live())
        if not len(live):
            return
        sub = self.frame.loc[live, list(columns)]
        keys = list(sub.itertuples(index=False, name=None))
        first: dict[tuple[Any, ...], int] = {}
        dupes: list[tuple[int, int, tuple[Any, ...]]] = []
        for pos, key in zip(live.tolist(), keys, strict=True):
            norm = tuple(
                None if (k is pd.NA or (isinstance(k, float) and np.isnan(k))) else k for k in key
            )
            if norm in first:
                dupes.append((pos, first[norm], norm))
            else:
                first[norm] = pos
        column = columns[-1] if len(columns) == 1 else ", ".join(columns)
        for pos, orig, key in dupes:
            shown = " / ".join("" if k is None else str(k) for k in key)
            self.add(
                [pos],
                column,
                sentence(
                    f"{what} {quote(shown)} en double (déjà ligne {self.line_of(orig)}) ; "
                    "cette ligne est rejetée",
                    "supprimez le doublon ou donnez un identifiant unique à chaque ligne",
                ),
            )

    def check_in(
        self,
        column: str,
        allowed: Iterable[str],
        what: Callable[[str], str],
        todo: str,
        mask: np.ndarray | None = None,
        severity: Severity = "error",
    ) -> None:
        """Every ``|`` token of ``column`` (rows in ``mask``) must be in ``allowed``."""
        allowed = set(allowed)
        values = self.frame[column].to_numpy(dtype=object)
        rows = np.flatnonzero(self.live() if mask is None else (self.live() & mask))
        for i in rows.tolist():
            missing = [t for t in split_multi(values[i]) if t not in allowed]
            if missing:
                self.add([i], column, sentence(what(", ".join(missing)), todo), severity)

    def check_pairs_in(
        self,
        columns: tuple[str, str],
        allowed: set[tuple[str, str]],
        what: Callable[[str, str], str],
        todo: str,
        mask: np.ndarray | None = None,
    ) -> None:
        """The pair of values in ``columns`` must be in ``allowed`` (rows in ``mask``)."""
        a = self.frame[columns[0]].to_numpy(dtype=object)
        b = self.frame[columns[1]].to_numpy(dtype=object)
        rows = np.flatnonzero(self.live() if mask is None else (self.live() & mask))
        for i in rows.tolist():
            if (a[i], b[i]) not in allowed:
                self.add([i], ", ".join(columns), sentence(what(str(a[i]), str(b[i])), todo))

    def check_coordinates(self, shape: DepartmentShape, code_column: str = "code_insee") -> None:
        """Check ``latitude``/``longitude`` and settle ``precision``.

        Rows without coordinates get ``precision = commune`` (a warning when ``address``
        was declared); coordinates are then checked against the département outline
        (swapped pair, Lambert-93 metres, far point) and against the row's commune
        (only a warning). Adds float columns ``latitude``/``longitude``.
        """
        lat = self.frame["latitude"].to_numpy(dtype=float)
        lon = self.frame["longitude"].to_numpy(dtype=float)
        prec = self.frame["precision"].to_numpy(dtype=object)
        has_lat, has_lon = np.isfinite(lat), np.isfinite(lon)
        live = self.live()
        one = live & (has_lat ^ has_lon)
        self.add(
            np.flatnonzero(one),
            "latitude, longitude",
            lambda p: sentence(
                "une seule des deux coordonnées est renseignée ; la ligne est rejetée",
                "renseignez latitude et longitude, ou videz les deux (précision commune)",
            ),
        )
        none = ~has_lat & ~has_lon
        declared_address = np.array([v == "address" for v in prec], dtype=bool)
        for i in np.flatnonzero(live & none & declared_address).tolist():
            self.add(
                [i],
                "precision",
                sentence(
                    "précision « address » sans coordonnées : le lieu est placé au point "
                    "représentatif de sa commune",
                    "ajoutez latitude et longitude, ou écrivez « commune »",
                ),
                "warning",
            )
        both = has_lat & has_lon
        declared_commune = np.array([v == "commune" for v in prec], dtype=bool)
        for i in np.flatnonzero(self.live() & both & declared_commune).tolist():
            self.add(
                [i],
                "precision",
                sentence(
                    "précision « commune » mais coordonnées renseignées : elles sont ignorées "
                    "et le lieu est placé au point représentatif de sa commune",
                    "écrivez « address » si les coordonnées localisent bien l'adresse",
                ),
                "warning",
            )
        new_prec = np.where(both & ~declared_commune, "address", "commune")
        self.frame["precision"] = pd.Series(new_prec, index=self.frame.index, dtype="str")

        check = np.flatnonzero(self.live() & both & ~declared_commune)
        if not len(check):
            return
        diag = diagnose_coordinates(lat[check], lon[check], shape.outline_l93)
        for k, i in enumerate(check.tolist()):
            st = diag.at[k, "status"]
            if st == "ok":
                continue
            la, lo = quote(f"{lat[i]:g}"), quote(f"{lon[i]:g}")
            if st == "lambert93":
                what = (
                    f"latitude {la}, longitude {lo} : coordonnées en Lambert-93 (EPSG:2154) au "
                    f"lieu de degrés WGS84 (soit environ latitude {diag.at[k, 'fixed_lat']:.5f}, "
                    f"longitude {diag.at[k, 'fixed_lon']:.5f})"
                )
                todo = "convertissez-les en degrés WGS84 (EPSG:4326) avant de les saisir"
                cols = "latitude, longitude"
            elif st == "range_lat":
                what = f"valeur {la} hors de la plage -90 à 90"
                todo = "vérifiez que latitude et longitude ne sont pas inversées"
                cols = "latitude"
            elif st == "range_lon":
                what = f"valeur {lo} hors de la plage -180 à 180"
                todo = "vérifiez que latitude et longitude ne sont pas inversées"
                cols = "longitude"
            elif st == "swapped":
                what = (
                    f"latitude {la} et longitude {lo} sont inversées (le point inversé tombe "
                    f"dans le {shape.label})"
                )
                todo = "échangez les valeurs des colonnes latitude et longitude"
                cols = "latitude, longitude"
            else:
                km = diag.at[k, "distance_km"]
                what = (
                    f"le point (latitude {la}, longitude {lo}) est hors du {shape.label}, "
                    f"à {format_number_fr(km, 1)} km de son contour"
                )
                todo = (
                    "vérifiez les coordonnées (degrés WGS84, point décimal) ou le géocodage de "
                    "l'adresse"
                )
                cols = "latitude, longitude"
            self.add([i], cols, sentence(what + " ; la ligne est rejetée", todo))

        # Point in another commune than its code: a warning only (simplified boundaries).
        ok = np.flatnonzero(self.live() & both & ~declared_commune)
        codes = self.frame[code_column].to_numpy(dtype=object)
        idx = np.array(
            [shape.code_index.get(c, -1) if isinstance(c, str) else -1 for c in codes[ok]],
            dtype=np.int64,
        )
        with_code = idx >= 0
        rows, gi = ok[with_code], idx[with_code]
        if not len(rows):
            return
        inside = shapely.contains_xy(shape.commune_geoms[gi], lon[rows], lat[rows])
        miss_rows, miss_g = rows[~inside], gi[~inside]
        if not len(miss_rows):
            return
        px, py = to_l93(lon[miss_rows], lat[miss_rows])
        g93 = geoms_to_l93(shape.commune_geoms[miss_g])
        dist = np.asarray(shapely.distance(g93, shapely.points(px, py)))
        found = shape.locate(lon[miss_rows], lat[miss_rows])
        for i, d, other in zip(miss_rows.tolist(), dist.tolist(), found.tolist(), strict=True):
            if d <= COMMUNE_TOLERANCE_M:
                continue
            code = codes[i]
            where = (
                f"dans la commune {shape.commune_name(other)} ({other})"
                if other
                else "hors des communes du département"
            )
            self.add(
                [i],
                "latitude, longitude",
                sentence(
                    f"le point est {where}, à {format_number_fr(d / 1000, 1)} km de "
                    f"{shape.commune_name(code)} ({code}) indiquée par code_insee",
                    "vérifiez les coordonnées ou le code INSEE",
                ),
                "warning",
            )


def unknown_commune_message(code: str, shape: DepartmentShape) -> str:
    """French description of a commune code absent from the département."""
    base = (
        f"commune {quote(code)} absente de la liste {shape.cog_label} des communes du {shape.label}"
    )
    prefix = dept_prefix(code, shape.code)
    if prefix != shape.code:
        base += f" (le code commence par {prefix} : commune d'un autre département ?)"
    return base


def unknown_commune_todo() -> str:
    """French advice for an unknown commune code."""
    return (
        "vérifiez le code INSEE (ce n'est pas le code postal) ; une commune fusionnée prend "
        "le code de la commune nouvelle"
    )


# --------------------------------------------------------------------------------------
# GeoPackage layers
# --------------------------------------------------------------------------------------


def check_layer(
    frame: pd.DataFrame, schema: LayerSchema, file: str
) -> tuple[pd.DataFrame, list[Problem], int]:
    """Check one GeoPackage layer: columns, CRS, geometries, unique key.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The layer as read.
    schema : LayerSchema
        Its contract.
    file : str
        Label used in problems, e.g. ``41.gpkg (couche communes)``.

    Returns
    -------
    kept, problems, n_rejected
        Features without error (reprojected to EPSG:4326 and repaired when needed).

    Raises
    ------
    TableUnreadable
        Missing columns, unknown CRS or no geometry: the layer cannot be used.
    """
    problems: list[Problem] = []
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise TableUnreadable.about(
            file,
            None,
            ", ".join(missing),
            "colonne(s) absente(s) de la couche : " + ", ".join(missing),
            "relancez scripts/build_geo.py pour régénérer le GeoPackage",
            rows_read=len(frame),
        )
    if schema.geometry is None:
        return frame.reset_index(drop=True), problems, 0
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise TableUnreadable.about(
            file,
            None,
            "geometry",
            "la couche n'a pas de géométrie",
            "relancez scripts/build_geo.py pour régénérer le GeoPackage",
            rows_read=len(frame),
        )
    gdf = frame
    if gdf.crs is None:
        raise TableUnreadable.about(
            file,
            None,
            "geometry",
            "système de coordonnées inconnu : la couche n'a pas de CRS",
            "régénérez la couche en WGS84 (EPSG:4326) avec scripts/build_geo.py",
            rows_read=len(frame),
        )
    epsg = CRS.from_user_input(gdf.crs).to_epsg()
    if epsg != 4326:
        label = f"EPSG:{epsg}" if epsg else gdf.crs.name
        if epsg == 2154:
            label += " (Lambert-93)"
        problems.append(
            Problem(
                file,
                None,
                "geometry",
                sentence(
                    f"couche en {label}, reprojetée en WGS84 (EPSG:4326) au chargement",
                    "régénérez la couche en EPSG:4326 avec scripts/build_geo.py",
                ),
                "warning",
            )
        )
        gdf = gdf.to_crs(4326)
    gdf = gdf.reset_index(drop=True)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    rejected = np.zeros(len(gdf), dtype=bool)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(empty).tolist():
        rejected[i] = True
        problems.append(
            Problem(
                file,
                i + 1,
                "geometry",
                sentence(
                    "géométrie vide ; l'entité est rejetée",
                    "relancez scripts/build_geo.py ; si le problème persiste, signalez la "
                    "commune à l'auteur du script",
                ),
            )
        )
    types = shapely.get_type_id(geoms)
    polygonal = np.isin(types, [3, 6])
    for i in np.flatnonzero(~empty & ~polygonal).tolist():
        rejected[i] = True
        problems.append(
            Problem(
                file,
                i + 1,
                "geometry",
                sentence(
                    f"géométrie de type {geoms[i].geom_type} au lieu d'un polygone "
                    "; l'entité est rejetée",
                    "régénérez la couche avec des (multi)polygones",
                ),
            )
        )
    check = ~empty & polygonal
    invalid = np.zeros(len(gdf), dtype=bool)
    invalid[check] = ~shapely.is_valid(geoms[check])
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        repaired = shapely.make_valid(geoms[invalid])
        # Keep only the polygonal part of a repaired geometry.
        repaired = np.array([_polygonal_part(g) for g in repaired], dtype=object)
        for i, why in zip(np.flatnonzero(invalid).tolist(), reasons, strict=True):
            problems.append(
                Problem(
                    file,
                    i + 1,
                    "geometry",
                    sentence(
                        f"géométrie invalide ({why}), réparée au chargement",
                        "relancez scripts/build_geo.py pour produire des géométries valides",
                    ),
                    "warning",
                )
            )
        geoms = geoms.copy()
        geoms[invalid] = repaired
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=4326, index=gdf.index))
    if schema.key:
        dup = gdf[schema.key].duplicated() & gdf[schema.key].notna() & ~pd.Series(rejected)
        for i in np.flatnonzero(dup.to_numpy()).tolist():
            rejected[i] = True
            problems.append(
                Problem(
                    file,
                    i + 1,
                    schema.key,
                    sentence(
                        f"{schema.key} {quote(gdf.at[i, schema.key])} en double ; l'entité est "
                        "rejetée",
                        "relancez scripts/build_geo.py",
                    ),
                )
            )
    kept = gdf.loc[~rejected].reset_index(drop=True)
    return kept, problems, int(rejected.sum())


def _polygonal_part(geom: Any) -> Any:
    if geom is None or shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in (3, 6)]
    polys: list[Any] = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if shapely.get_type_id(p) == 6 else [p])
    return shapely.multipolygons(polys) if polys else shapely.from_wkt("POLYGON EMPTY")


# --------------------------------------------------------------------------------------
# department.toml
# --------------------------------------------------------------------------------------

TOML_FILE = "department.toml"
TOML_REQUIRED = ("code", "name", "slug", "secrecy_threshold", "axe_level", "sources")


def check_department_meta(
    meta: Mapping[str, Any], folder_name: str
) -> tuple[dict[str, Any], list[Problem], bool]:
    """Check and normalise the parsed ``department.toml``.

    Parameters
    ----------
    meta : mapping
        Parsed TOML.
    folder_name : str
        Name of the package folder (``41-loir-et-cher``).

    Returns
    -------
    settings, problems, fatal
        ``settings`` holds typed values (code, name, slug, secrecy_threshold, axe_level,
        axe_group_level, default_scheme, digital_axes, plan, sources as a dict of dicts).
        ``fatal`` is True when the package cannot be loaded.
    """
    f = TOML_FILE
    problems: list[Problem] = []
    fatal = False

    def err(column: str | None, what: str, todo: str, severity: Severity = "error") -> None:
        nonlocal fatal
        problems.append(Problem(f, None, column, sentence(what, todo), severity))
        if severity == "error":
            fatal = True

    missing = [k for k in TOML_REQUIRED if k not in meta]
    if missing:
        err(
            ", ".join(missing),
            "clé(s) obligatoire(s) absente(s) : " + ", ".join(missing),
            "ajoutez-les à department.toml (" + README_HINT + ")",
        )
    out: dict[str, Any] = {}

    code = meta.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        fixed = f"{code:02d}"
        err(
            "code",
            f"code {quote(code)} écrit comme un nombre, lu comme {quote(fixed)}",
            f'écrivez code = "{fixed}" entre guillemets',
            "warning",
        )
        code = fixed
    if code is not None:
        if not isinstance(code, str) or not DEPT_CODE_RE.fullmatch(code.strip().upper()):
            err(
                "code",
                f"code de département {quote(code)} invalide",
                'écrivez le code INSEE du département entre guillemets, ex. "03", "41", "2A"',
            )
        else:
            code = code.strip().upper()
            out["code"] = code
            if not folder_name.startswith(code + "-"):
                err(
                    None,
                    f"le dossier {quote(folder_name)} ne commence pas par le code {code}",
                    f"nommez le dossier « {code}-<slug> »",
                    "warning",
                )
    for key in ("name", "slug", "axe_level"):
        v = meta.get(key)
        if key in meta and (not isinstance(v, str) or not v.strip()):
            err(key, f"{key} doit être un texte non vide", f'écrivez {key} = "..."')
        elif isinstance(v, str):
            out[key] = v.strip()

    thr = meta.get("secrecy_threshold")
    if "secrecy_threshold" in meta:
        if isinstance(thr, bool) or not isinstance(thr, int) or thr < 1:
            err(
                "secrecy_threshold",
                f"seuil de secret statistique {quote(thr)} invalide",
                "écrivez un entier positif, ex. secrecy_threshold = 11",
            )
        else:
            out["secrecy_threshold"] = thr

    for key in ("default_scheme", "axe_group_level"):
        v = meta.get(key)
        if v is None or v == "":
            out[key] = None
        elif not isinstance(v, str):
            err(
                key,
                f"{key} doit être un texte",
                f'écrivez {key} = "..." ou retirez la clé',
                "warning",
            )
            out[key] = None
        else:
            out[key] = v.strip()

    axes = meta.get("digital_axes", [])
    if isinstance(axes, str):
        axes = [axes]
    if not isinstance(axes, list) or not all(isinstance(a, str) for a in axes):
        err(
            "digital_axes",
            "digital_axes doit être une liste de node_id",
            'écrivez digital_axes = ["A11"]',
            "warning",
        )
        axes = []
    out["digital_axes"] = tuple(a.strip() for a in axes if a.strip())

    plan = meta.get("plan", {})
    if not isinstance(plan, dict):
        err(
            "plan",
            "[plan] doit être une table",
            "écrivez une table [plan] (name, years…)",
            "warning",
        )
        plan = {}
    elif not plan:
        err(
            "plan",
            "table [plan] absente : le nom du plan ne sera pas affiché",
            "ajoutez une table [plan] avec name, short_name, years et source_id",
            "warning",
        )
    out["plan"] = dict(plan)

    sources = meta.get("sources", {})
    clean: dict[str, dict[str, str]] = {}
    if not isinstance(sources, dict) or ("sources" in meta and not sources):
        err(
            "sources",
            "aucune source déclarée",
            "ajoutez au moins une table [sources.<identifiant>] avec title, kind et vintage",
        )
        sources = {}
    for sid, src in sources.items():
        col = f"sources.{sid}"
        if not isinstance(src, dict):
            err(
                col,
                f"la source {quote(sid)} doit être une table",
                f"écrivez [sources.{sid}] suivi de title, kind, vintage",
                "warning",
            )
            continue
        entry = {
            k: "" if src.get(k) is None else str(src.get(k)).strip()
            for k in ("title", "kind", "vintage", "licence", "url", "note")
        }
        if not entry["title"]:
            err(
                col,
                f"la source {quote(sid)} n'a pas de titre (title)",
                'ajoutez title = "..." : il est affiché avec chaque chiffre',
                "warning",
            )
            entry["title"] = sid
        if entry["kind"] not in SOURCE_KINDS:
            err(
                col,
                f"kind {quote(entry['kind'])} non reconnu pour la source {quote(sid)}",
                "utilisez seed, external ou registry",
                "warning",
            )
        if not entry["vintage"]:
            err(
                col,
                f"la source {quote(sid)} n'a pas de millésime (vintage)",
                'ajoutez vintage = "AAAA" (année des faits ou de publication)',
                "warning",
            )
        clean[str(sid)] = entry
    out["sources"] = clean
    return out, problems, fatal
