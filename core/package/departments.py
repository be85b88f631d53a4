"""Load and validate a department package into a :class:`Department`."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from core.package.schema import (
    ACTIONS,
    BENEFICIARIES,
    DIGITAL_POINTS,
    DIGITAL_SCHEMA_COLUMNS,
    FIGURES,
    LAYER_SCHEMAS,
    PARTNERS,
    PLAN,
    SCHEMAS,
    SCHEMES,
    SITES,
    TERRITORIES,
    TERRITORY_COMMUNES,
    TERRITORY_RULES,
    TOML_FILE,
    DepartmentShape,
    FileSchema,
    ParseContext,
    Problem,
    RawTable,
    TableCheck,
    TableUnreadable,
    check_department_meta,
    check_layer,
    normalize_code_insee,
    quote,
    read_csv_table,
    sentence,
    split_multi,
    unknown_commune_message,
    unknown_commune_todo,
)

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_GEO_DIR",
    "Department",
    "FileReport",
    "LoadReport",
    "PackageError",
    "discover_departments",
    "load_department",
]

log = logging.getLogger(__name__)

_REPO = Path(__file__).resolve().parents[2]
#: Folder holding the department packages shipped with the repository.
DEFAULT_DATA_DIR = _REPO / "data" / "departments"
#: Folder holding the ``<code>.gpkg`` geodata built by ``scripts/build_geo.py``.
DEFAULT_GEO_DIR = _REPO / "data" / "geo"

FOLDER_RE = re.compile(r"^(?P<code>\d{2}|2[AB]|97\d)-(?P<slug>[a-z0-9-]+)$")


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------


class _BySeverity:
    """``errors`` (rejected rows or files) and ``warnings`` (rows kept) of ``problems``."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class FileReport(_BySeverity):
    """Validation outcome of one file or GeoPackage layer.

    Attributes
    ----------
    file : str
        File name (``sites.csv``) or layer label (``41.gpkg (couche communes)``).
    rows_read, rows_kept, rows_rejected : int
        Data rows; always ``rows_read == rows_kept + rows_rejected``.
    problems : list of Problem
        Ordered by line.
    present : bool
        False for an optional file that is absent (the layer is then empty).
    """

    file: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    present: bool = True

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_kept + self.rows_rejected:
            raise ValueError(
                f"{self.file}: rows_read {self.rows_read} != kept {self.rows_kept} "
                f"+ rejected {self.rows_rejected}"
            )


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    word = singular if n <= 1 else (plural or singular + "s")
    return f"{n:,}".replace(",", "\u202f") + " " + word


@dataclass
class LoadReport(_BySeverity):
    """Validation outcome of a whole package (« Qualité des données » panel)."""

    files: list[FileReport]

    @property
    def problems(self) -> list[Problem]:
        """All problems, file by file."""
        return [p for f in self.files for p in f.problems]

    def file(self, name: str) -> FileReport:
        """Report of one file, by name (``KeyError`` if absent)."""
        for f in self.files:
            if f.file == name:
                return f
        raise KeyError(name)

    def to_frame(self) -> pd.DataFrame:
        """Problems as a table: file, row, column, severity, message, text (French)."""
        rows = [
            {
                "file": p.file,
                "row": p.row,
                "column": p.column,
                "severity": p.severity,
                "message": p.message,
                "text": str(p),
            }
            for p in self.problems
        ]
        frame = pd.DataFrame(rows, columns=["file", "row", "column", "severity", "message", "text"])
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary_fr(self) -> str:
        """One French sentence, e.g. « 12 fichiers ou couches contrôlés : 1 234 lignes… »."""
        present = [f for f in self.files if f.present]
        read = sum(f.rows_read for f in present)
        kept = sum(f.rows_kept for f in present)
        rejected = sum(f.rows_rejected for f in present)
        n_err, n_warn = len(self.errors), len(self.warnings)
        text = (
            f"{_plural(len(present), 'fichier ou couche', 'fichiers ou couches')} contrôlé"
            f"{'s' if len(present) > 1 else ''} : {_plural(read, 'ligne lue', 'lignes lues')}, "
            f"{_plural(kept, 'conservée')}, {_plural(rejected, 'rejetée')}"
        )
        if n_err or n_warn:
            text += f" ; {_plural(n_err, 'erreur')}, {_plural(n_warn, 'avertissement')}."
        else:
            text += " ; aucune anomalie."
        return text


class PackageError(Exception):
    """A package that cannot be loaded at all.

    Attributes
    ----------
    problems : list of Problem
        The fatal problems (French), each saying what to do.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            "Paquet départemental inutilisable :\n" + "\n".join(f"- {p}" for p in self.problems)
        )


# --------------------------------------------------------------------------------------
# Department
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Department:
    """A loaded, validated department package (read-only reference data).

    Geometries are GeoDataFrames in WGS84 (EPSG:4326). Frames of absent optional files are
    empty with the documented columns. Beneficiary counts are raw here: use
    :mod:`core.indicators` / :mod:`core.secrecy` before any display or export.

    Attributes
    ----------
    code, name, slug : str
        From ``department.toml``.
    path : pathlib.Path
        Package folder.
    meta : Mapping
        Parsed ``department.toml``.
    secrecy_threshold : int
        Counts strictly below it are never shown.
    default_scheme : str or None
        A ``scheme_id`` of ``schemes`` (None when absent or unknown).
    axe_level, axe_group_level : str, str or None
        Plan levels offered in the axe filter and used to group it.
    digital_axes : tuple of str
        Plan nodes served by digital access points (existing nodes only).
    plan_info : Mapping
        The ``[plan]`` table.
    sources : pandas.DataFrame
        Index ``source_id``; columns title, kind, vintage, licence, url, note.
    geo_meta : Mapping
        ``meta`` table of the GeoPackage (sources, vintages of the geodata).
    communes : geopandas.GeoDataFrame
        Communes layer plus ``rep_lon``/``rep_lat`` (representative point, degrees).
    epci, epci_outside, outline : geopandas.GeoDataFrame
        EPCI (whole, even across the border), EPCI outside the département, outline.
    schemes, territories, territory_communes : pandas.DataFrame
        As validated; ``territories`` gains ``n_communes`` and
        ``perimeter_status_resolved`` (``unknown`` when it has no commune).
    territory_shapes : geopandas.GeoDataFrame
        One row per territory with communes: scheme_id, territory_id, name,
        perimeter_status (resolved), population, n_communes, geometry (dissolved).
    sites, partners, digital_points : geopandas.GeoDataFrame
        Point geometry; ``lon``/``lat`` always filled (commune representative point when
        ``precision = commune``).
    beneficiaries, plan, actions, figures, territory_rules : pandas.DataFrame
        As validated.
    report : LoadReport
        Validation outcome.
    """

    code: str
    name: str
    slug: str
    path: Path
    meta: Mapping[str, Any]
    secrecy_threshold: int
    default_scheme: str | None
    axe_level: str
    axe_group_level: str | None
    digital_axes: tuple[str, ...]
    plan_info: Mapping[str, Any]
    sources: pd.DataFrame
    geo_meta: Mapping[str, str]
    communes: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    epci_outside: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    schemes: pd.DataFrame
    territories: pd.DataFrame
    territory_communes: pd.DataFrame
    territory_shapes: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    partners: gpd.GeoDataFrame
    digital_points: gpd.GeoDataFrame
    beneficiaries: pd.DataFrame
    plan: pd.DataFrame
    actions: pd.DataFrame
    figures: pd.DataFrame
    territory_rules: pd.DataFrame
    report: LoadReport

    def source_label(self, source_id: str) -> str:
        """« title (vintage) » of a source, or the id itself if unknown."""
        if source_id not in self.sources.index:
            return source_id
        row = self.sources.loc[source_id]
        return f"{row['title']} ({row['vintage']})" if row["vintage"] else str(row["title"])

    def unit_name(self, kind: str, code: str, scheme: str | None = None) -> str:
        """Name of a territory (of ``scheme``, the default one if None), EPCI or commune;
        the département's name for ``departement``; the code itself when unknown."""
        if kind == "territory":
            t = self.territories
            scheme = scheme or self.default_scheme
            row = t[(t["scheme_id"] == scheme) & (t["territory_id"] == code)]
            return str(row["name"].iloc[0]) if not row.empty else code
        if kind == "epci":
            row = self.epci[self.epci["siren_epci"] == code]
            return str(row["nom"].iloc[0]) if not row.empty else code
        if kind == "commune":
            row = self.communes[self.communes["code_insee"] == code]
            return str(row["nom"].iloc[0]) if not row.empty else code
        if kind == "departement":
            return str(self.name)
        return code


# --------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------


def discover_departments(dirs: Sequence[Path]) -> dict[str, Path]:
    """Find department packages.

    Parameters
    ----------
    dirs : sequence of pathlib.Path
        Folders holding ``<code>-<slug>/department.toml`` packages; a code found in an
        earlier folder is not overridden by a later one.

    Returns
    -------
    dict
        Département code → package folder, sorted by code. Only ``department.toml`` is
        read; unreadable packages are skipped (logged).
    """
    found: dict[str, Path] = {}
    for base in dirs:
        base = Path(base)
        if not base.is_dir():
            continue
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            if not FOLDER_RE.match(folder.name):
                continue
            toml_path = folder / TOML_FILE
            if not toml_path.is_file():
                continue
            try:
                with toml_path.open("rb") as fh:
                    code = tomllib.load(fh).get("code")
            except (OSError, tomllib.TOMLDecodeError) as exc:
                log.warning("skipping %s: %s", folder.name, exc)
                continue
            if isinstance(code, int) and not isinstance(code, bool):
                code = f"{code:02d}"
            if not isinstance(code, str) or not code.strip():
                log.warning("skipping %s: no code in %s", folder.name, TOML_FILE)
                continue
            found.setdefault(code.strip().upper(), folder)
    return dict(sorted(found.items()))


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def _fatal(file: str, what: str, todo: str, column: str | None = None) -> Problem:
    return Problem(file, None, column, sentence(what, todo))


def _read_meta(folder: Path) -> tuple[dict[str, Any], dict[str, Any], list[Problem]]:
    path = folder / TOML_FILE
    if not folder.is_dir():
        raise PackageError(
            [
                _fatal(
                    folder.name,
                    "dossier de paquet introuvable",
                    "vérifiez le chemin du dossier data/departments/<code>-<slug>",
                )
            ]
        )
    if not path.is_file():
        raise PackageError(
            [
                _fatal(
                    TOML_FILE,
                    f"fichier absent du dossier {quote(folder.name)}",
                    "créez department.toml (voir data/departments/README.md)",
                )
            ]
        )
    try:
        with path.open("rb") as fh:
            meta = tomllib.load(fh)
    except UnicodeDecodeError as exc:
        raise PackageError(
            [_fatal(TOML_FILE, "fichier non encodé en UTF-8", "réenregistrez-le en UTF-8")]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackageError(
            [
                _fatal(
                    TOML_FILE,
                    f"syntaxe TOML invalide ({exc})",
                    "corrigez la syntaxe : textes entre guillemets, une clé = valeur par ligne",
                )
            ]
        ) from exc
    settings, problems, fatal = check_department_meta(meta, folder.name)
    if fatal:
        raise PackageError(
            [p for p in problems if p.severity == "error"]
            + [p for p in problems if p.severity == "warning"]
        )
    return meta, settings, problems


def _find_geo(folder: Path, code: str, geo_dirs: Sequence[Path]) -> Path:
    candidates = [folder / "geo.gpkg", folder / f"{code}.gpkg"]
    candidates += [Path(d) / f"{code}.gpkg" for d in geo_dirs]
    for c in candidates:
        if c.is_file():
            return c
    raise PackageError(
        [
            _fatal(
                f"{code}.gpkg",
                "données géographiques introuvables (ni geo.gpkg ni "
                f"{code}.gpkg dans le paquet, ni data/geo/{code}.gpkg)",
                f"lancez python scripts/build_geo.py {code} (ou --out <dossier du paquet>)",
            )
        ]
    )


GEO_COLUMNS_INT = ("population", "n_communes", "n_communes_in_dept", "population_in_dept")


def _read_geo(path: Path, code: str) -> tuple[dict[str, pd.DataFrame], list[FileReport]]:
    """Read and check the GeoPackage layers (EPSG:4326)."""
    try:
        available = {str(r[0]) for r in pyogrio.list_layers(path)}
    except Exception as exc:  # pyogrio raises its own DataSourceError family
        raise PackageError(
            [
                _fatal(
                    path.name,
                    f"GeoPackage illisible ({exc})",
                    f"régénérez-le avec python scripts/build_geo.py {code}",
                )
            ]
        ) from exc
    layers: dict[str, pd.DataFrame] = {}
    reports: list[FileReport] = []
    fatal: list[Problem] = []
    for schema in LAYER_SCHEMAS.values():
        label = f"{path.name} (couche {schema.name})"
        if schema.name not in available:
            if schema.required_layer:
                fatal.append(
                    _fatal(
                        label,
                        "couche absente du GeoPackage",
                        f"régénérez-le avec python scripts/build_geo.py {code}",
                    )
                )
            else:
                reports.append(FileReport(label, present=False))
                layers[schema.name] = gpd.GeoDataFrame(
                    {c: pd.Series(dtype="str") for c in schema.columns},
                    geometry=gpd.GeoSeries([], crs=4326),
                )
            continue
        frame = pyogrio.read_dataframe(path, layer=schema.name)
        try:
            kept, problems, n_rej = check_layer(frame, schema, label)
        except TableUnreadable as exc:
            fatal.extend(exc.problems)
            continue
        for col in GEO_COLUMNS_INT:
            if col in kept.columns:
                kept[col] = pd.to_numeric(kept[col], errors="coerce").astype("Int64")
        layers[schema.name] = kept
        reports.append(FileReport(label, len(frame), len(kept), n_rej, problems))
    if fatal:
        raise PackageError(fatal)
    dept = layers["departement"]
    codes = [str(c) for c in dept["code"].tolist()]
    if codes != [code]:
        raise PackageError(
            [
                _fatal(
                    f"{path.name} (couche departement)",
                    f"la couche décrit {quote(', '.join(codes))} et non le département {code}",
                    f"utilisez data/geo/{code}.gpkg ou relancez python scripts/build_geo.py {code}",
                )
            ]
        )
    if layers["communes"].empty:
        raise PackageError(
            [
                _fatal(
                    f"{path.name} (couche communes)",
                    "aucune commune utilisable",
                    f"relancez python scripts/build_geo.py {code}",
                )
            ]
        )
    return layers, reports


def _open_table(
    folder: Path,
    schema: FileSchema,
    ctx: ParseContext,
    fatal: list[Problem],
    absent: dict[str, FileReport],
    unreadable: dict[str, FileReport],
) -> TableCheck:
    """Read and type one file; an absent or rejected optional file gives an empty table."""
    path = folder / schema.name
    raw: RawTable | None = None
    if not path.is_file():
        if schema.required_file:
            fatal.append(
                _fatal(
                    schema.name,
                    "fichier obligatoire absent du paquet",
                    "créez-le, au moins avec sa ligne d'en-tête (voir data/departments/README.md)",
                )
            )
        else:
            absent[schema.name] = FileReport(schema.name, present=False)
    else:
        try:
            raw = read_csv_table(path, schema)
        except TableUnreadable as exc:
            if schema.required_file:
                fatal.extend(exc.problems)
            else:
                unreadable[schema.name] = FileReport(
                    schema.name, exc.rows_read, 0, exc.rows_read, exc.problems
                )
    if raw is None:
        raw = RawTable(
            schema.name,
            pd.DataFrame({c: pd.Series(dtype="str") for c in schema.column_names}),
            np.zeros(0, dtype=np.int64),
            [],
            np.zeros(0, dtype=bool),
            list(schema.column_names),
        )
    check = TableCheck(raw, schema)
    check.parse(ctx)
    return check


def _mask(check: TableCheck, column: str, value: str) -> np.ndarray:
    return (check.frame[column] == value).fillna(False).to_numpy(dtype=bool)


def _check_plan(plan: TableCheck) -> None:
    plan.check_unique(("node_id",), "node_id")
    frame = plan.frame
    all_ids = dict(zip(frame["node_id"].tolist(), range(len(frame)), strict=False))
    while True:
        live = plan.live()
        ids = set(frame.loc[live, "node_id"].tolist())
        parent = frame["parent_id"]
        bad = live & parent.notna().to_numpy() & ~parent.isin(ids).to_numpy()
        if not bad.any():
            break
        for i in np.flatnonzero(bad).tolist():
            pid = parent.iat[i]
            if pid == frame["node_id"].iat[i]:
                what = f"le nœud {quote(pid)} est son propre parent"
            elif pid in all_ids:
                what = f"le parent {quote(pid)} a été rejeté (ligne {plan.line_of(all_ids[pid])})"
            else:
                what = f"parent {quote(pid)} absent de plan.csv"
            plan.add(
                [i],
                "parent_id",
                sentence(
                    what + " ; la ligne est rejetée", "corrigez parent_id ou ajoutez le nœud parent"
                ),
            )
    # Cycles: nodes not reachable from a root.
    live = np.flatnonzero(plan.live())
    children: dict[str, list[str]] = {}
    roots = []
    for i in live.tolist():
        nid, pid = frame["node_id"].iat[i], frame["parent_id"].iat[i]
        if isinstance(pid, str):
            children.setdefault(pid, []).append(nid)
        else:
            roots.append(nid)
    seen = set(roots)
    stack = list(roots)
    while stack:
        for c in children.get(stack.pop(), []):
            if c not in seen:
                seen.add(c)
                stack.append(c)
    for i in live.tolist():
        if frame["node_id"].iat[i] not in seen:
            plan.add(
                [i],
                "parent_id",
                sentence(
                    f"le nœud {quote(frame['node_id'].iat[i])} est pris dans une boucle de parents "
                    "; la ligne est rejetée",
                    "vérifiez parent_id : l'arbre du plan ne doit pas boucler",
                ),
            )


def _check_commune_once_per_scheme(tc: TableCheck) -> None:
    """A commune belongs to at most one territory of a scheme."""
    frame = tc.frame
    first: dict[tuple[str, str], int] = {}
    for i in np.flatnonzero(tc.live()).tolist():
        key = (frame["scheme_id"].iat[i], frame["code_insee"].iat[i])
        if key in first:
            j = first[key]
            tc.add(
                [i],
                "code_insee",
                sentence(
                    f"la commune {quote(key[1])} est déjà dans le territoire "
                    f"{quote(frame['territory_id'].iat[j])} du schéma {quote(key[0])} "
                    f"(ligne {tc.line_of(j)}) ; une commune appartient à un seul territoire "
                    "d'un schéma ; la ligne est rejetée",
                    "retirez la commune de l'un des deux territoires",
                ),
            )
        else:
            first[key] = i


def _check_unit_codes(
    check: TableCheck,
    level_col: str,
    dept: str,
    shape: DepartmentShape,
    epci_ids: set[str],
    territory_keys: set[tuple[str, str]],
) -> None:
    """``code`` of beneficiaries/figures according to the level (unit_type)."""
    frame = check.frame
    codes = frame["code"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(check.live()).tolist():
        level = frame[level_col].iat[i]
        code = codes[i]
        if not isinstance(code, str):
            continue
        if level == "departement":
            fixed = code.zfill(2) if code.isdigit() else code.upper()
            if fixed != dept:
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"code {quote(code)} différent du code du département {quote(dept)} ; "
                        "la ligne est rejetée",
                        f"écrivez {dept}",
                    ),
                )
            codes[i] = fixed
        elif level == "territory":
            scheme = frame["scheme_id"].iat[i]
            if not isinstance(scheme, str):
                check.add(
                    [i],
                    "scheme_id",
                    sentence(
                        "scheme_id vide alors que le niveau est territory ; la ligne est rejetée",
                        "indiquez le schéma du territoire (schemes.csv)",
                    ),
                )
            elif (scheme, code) not in territory_keys:
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"territoire {quote(code)} absent du schéma {quote(scheme)} dans "
                        "territories.csv ; la ligne est rejetée",
                        "corrigez code (territory_id) ou scheme_id",
                    ),
                )
        elif level == "epci":
            if code not in epci_ids:
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"EPCI {quote(code)} inconnu dans ce département ; la ligne est rejetée",
                        "écrivez le SIREN à 9 chiffres d'un EPCI du département",
                    ),
                )
        elif level == "commune":
            norm, status = normalize_code_insee(code)
            if status == "padded":
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"code {quote(code)} complété en {quote(norm)} (zéro initial perdu)",
                        "enregistrez la colonne en texte pour garder les zéros initiaux",
                    ),
                    "warning",
                )
                codes[i] = norm
            if status == "malformed":
                check.add(
                    [i],
                    "code",
                    sentence(
                        f"code commune {quote(code)} invalide ; la ligne est rejetée",
                        "écrivez le code INSEE de la commune sur 5 caractères",
                    ),
                )
            elif norm not in shape.code_index:
                check.add(
                    [i],
                    "code",
                    sentence(
                        unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                        unknown_commune_todo(),
                    ),
                )
    frame["code"] = pd.Series(codes, index=frame.index, dtype="str")


def _check_action_scopes(
    actions: TableCheck,
    scheme_ids: set[str],
    territory_keys: set[tuple[str, str]],
    shape: DepartmentShape,
) -> None:
    frame = actions.frame
    scope = frame["scope"].fillna("unknown")
    frame["scope"] = scope.astype("str")
    codes_out = frame["scope_codes"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(actions.live()).tolist():
        sc = scope.iat[i]
        tokens = split_multi(codes_out[i])
        if sc == "territories":
            scheme = frame["scope_scheme_id"].iat[i]
            if not isinstance(scheme, str) or scheme not in scheme_ids:
                actions.add(
                    [i],
                    "scope_scheme_id",
                    sentence(
                        f"schéma {quote(scheme if isinstance(scheme, str) else '')} absent de "
                        "schemes.csv alors que scope = territories ; la ligne est rejetée",
                        "indiquez le scheme_id des territoires concernés",
                    ),
                )
                continue
            if not tokens:
                actions.add(
                    [i],
                    "scope_codes",
                    sentence(
                        "aucun territoire indiqué alors que scope = territories ; la ligne est "
                        "rejetée",
                        "listez les territory_id séparés par « | », ou écrivez scope = unknown",
                    ),
                )
                continue
            missing = [t for t in tokens if (scheme, t) not in territory_keys]
            if missing:
                actions.add(
                    [i],
                    "scope_codes",
                    sentence(
                        f"territoire(s) {quote(', '.join(missing))} absent(s) du schéma "
                        f"{quote(scheme)} ; la ligne est rejetée",
                        "corrigez les territory_id (voir territories.csv)",
                    ),
                )
            codes_out[i] = "|".join(tokens)
        elif sc == "communes":
            if not tokens:
                actions.add(
                    [i],
                    "scope_codes",
                    sentence(
                        "aucune commune indiquée alors que scope = communes ; la ligne est rejetée",
                        "listez les codes INSEE séparés par « | », ou écrivez scope = unknown",
                    ),
                )
                continue
            out = []
            for t in tokens:
                norm, status = normalize_code_insee(t)
                if status == "malformed":
                    actions.add(
                        [i],
                        "scope_codes",
                        sentence(
                            f"code commune {quote(t)} invalide ; la ligne est rejetée",
                            "écrivez des codes INSEE à 5 caractères séparés par « | »",
                        ),
                    )
                    continue
                if status == "padded":
                    actions.add(
                        [i],
                        "scope_codes",
                        sentence(
                            f"code {quote(t)} complété en {quote(norm)} (zéro initial perdu)",
                            "enregistrez la colonne en texte",
                        ),
                        "warning",
                    )
                if norm not in shape.code_index:
                    actions.add(
                        [i],
                        "scope_codes",
                        sentence(
                            unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                            unknown_commune_todo(),
                        ),
                    )
                out.append(norm)
            codes_out[i] = "|".join(out)
        elif tokens:
            actions.add(
                [i],
                "scope_codes",
                sentence(
                    f"scope_codes renseigné alors que scope = {sc} ; il est ignoré",
                    "videz scope_codes ou corrigez scope",
                ),
                "warning",
            )
    frame["scope_codes"] = pd.Series(codes_out, index=frame.index, dtype="str")


def _check_rules(
    rules: TableCheck,
    shape: DepartmentShape,
    epci_ids: set[str],
    arrondissements: set[str],
    site_schemes: set[str],
) -> None:
    frame = rules.frame
    for i in np.flatnonzero(rules.live()).tolist():
        rule, value = frame["rule"].iat[i], frame["value"].iat[i]
        if rule in ("epci", "commune", "exclude_commune", "arrondissement") and not isinstance(
            value, str
        ):
            rules.add(
                [i],
                "value",
                sentence(
                    f"valeur vide pour la règle {quote(rule)} ; la ligne est rejetée",
                    "indiquez le code concerné",
                ),
            )
            continue
        if rule == "epci" and value not in epci_ids:
            rules.add(
                [i],
                "value",
                sentence(
                    f"EPCI {quote(value)} inconnu dans ce département ; la ligne est rejetée",
                    "écrivez le SIREN à 9 chiffres d'un EPCI du département",
                ),
            )
        elif rule in ("commune", "exclude_commune"):
            norm, status = normalize_code_insee(value)
            if norm not in shape.code_index:
                rules.add(
                    [i],
                    "value",
                    sentence(
                        unknown_commune_message(norm, shape) + " ; la ligne est rejetée",
                        unknown_commune_todo(),
                    ),
                )
        elif rule == "arrondissement" and value not in arrondissements:
            rules.add(
                [i],
                "value",
                sentence(
                    f"arrondissement {quote(value)} inconnu dans ce département ; la ligne est "
                    "rejetée",
                    "écrivez le code d'arrondissement INSEE (ex. 411)",
                ),
            )
        elif rule == "nearest_site":
            if frame["territory_id"].iat[i] != "*":
                rules.add(
                    [i],
                    "territory_id",
                    sentence(
                        "une règle nearest_site s'applique à tous les territoires du schéma ; "
                        "la ligne est rejetée",
                        "écrivez « * » dans territory_id",
                    ),
                )
            elif value not in site_schemes:
                rules.add(
                    [i],
                    "value",
                    sentence(
                        f"aucun site de sites.csv ne dessert un territoire du schéma "
                        f"{quote(value if isinstance(value, str) else '')} ; la ligne est "
                        "rejetée",
                        "indiquez dans value le scheme_id des sites (sites.csv) dont la "
                        "proximité définit les territoires",
                    ),
                )


def _points(frame: pd.DataFrame, communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Place rows: own coordinates when ``precision = address``, else commune point."""
    rep = communes.set_index("code_insee")[["rep_lon", "rep_lat"]]
    codes = frame["code_insee"]
    at_address = (frame["precision"] == "address").fillna(False).to_numpy(dtype=bool)
    lon = np.where(
        at_address,
        frame["longitude"].to_numpy(dtype=float),
        codes.map(rep["rep_lon"]).to_numpy(dtype=float, na_value=np.nan),
    )
    lat = np.where(
        at_address,
        frame["latitude"].to_numpy(dtype=float),
        codes.map(rep["rep_lat"]).to_numpy(dtype=float, na_value=np.nan),
    )
    out = frame.copy()
    out["lon"] = lon
    out["lat"] = lat
    return gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=4326)


def _territory_shapes(
    territories: pd.DataFrame,
    tc: pd.DataFrame,
    communes: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    cols = ["scheme_id", "territory_id", "name", "perimeter_status", "population", "n_communes"]
    if tc.empty:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype="str") for c in cols[:4]}
            | {"population": pd.Series(dtype="Int64"), "n_communes": pd.Series(dtype="Int64")},
            geometry=gpd.GeoSeries([], crs=4326),
        )
    geo = communes.set_index("code_insee")
    merged = tc[["scheme_id", "territory_id", "code_insee"]].join(
        geo[["population"]], on="code_insee"
    )
    merged["geometry"] = geo.geometry.reindex(merged["code_insee"]).to_numpy()
    rows = []
    for (scheme, terr), grp in merged.groupby(["scheme_id", "territory_id"], sort=False):
        geoms = np.asarray(grp["geometry"].to_numpy(), dtype=object)
        rows.append(
            {
                "scheme_id": scheme,
                "territory_id": terr,
                "population": grp["population"].sum(min_count=1),
                "n_communes": len(grp),
                "geometry": _dissolve(geoms),
            }
        )
    shapes = pd.DataFrame(rows)
    info = territories.set_index(["scheme_id", "territory_id"])[
        ["name", "perimeter_status_resolved"]
    ]
    shapes = shapes.join(info, on=["scheme_id", "territory_id"])
    shapes = shapes.rename(columns={"perimeter_status_resolved": "perimeter_status"})
    shapes["population"] = shapes["population"].astype("Int64")
    shapes["n_communes"] = shapes["n_communes"].astype("Int64")
    return gpd.GeoDataFrame(shapes[cols + ["geometry"]], geometry="geometry", crs=4326)


def _dissolve(geoms: np.ndarray) -> Any:
    """Union of commune polygons; the fast coverage union when they tile cleanly."""
    if len(geoms) == 1:
        return geoms[0]
    merged = shapely.coverage_union_all(geoms)
    # coverage_union assumes edge-matched polygons; fall back when it is not the case.
    if not shapely.is_valid(merged) or abs(shapely.area(merged) - shapely.area(geoms).sum()) > (
        1e-6 * shapely.area(geoms).sum()
    ):
        merged = shapely.union_all(geoms)
    return merged


def load_department(folder: Path, geo_dirs: Sequence[Path] = (DEFAULT_GEO_DIR,)) -> Department:
    """Load and validate one department package.

    Parameters
    ----------
    folder : pathlib.Path
        Package folder ``<code>-<slug>`` (see ``data/departments/README.md``).
    geo_dirs : sequence of pathlib.Path
        Folders searched for ``<code>.gpkg`` when the package has no ``geo.gpkg``.

    Returns
    -------
    Department
        Rows with an error are left out and reported in ``report``.

    Raises
    ------
    PackageError
        Folder or ``department.toml`` missing or invalid, geodata missing or unusable, a
        required file missing or structurally unreadable.
    """
    folder = Path(folder)
    meta, settings, toml_problems = _read_meta(folder)
    code = settings["code"]
    geo_path = _find_geo(folder, code, geo_dirs)
    layers, geo_reports = _read_geo(geo_path, code)
    geo_meta = {
        str(k): "" if pd.isna(v) else str(v)
        for k, v in zip(layers["meta"]["key"], layers["meta"]["value"], strict=True)
    }
    communes = layers["communes"]
    rep = communes.geometry.representative_point()
    communes["rep_lon"] = rep.x.to_numpy()
    communes["rep_lat"] = rep.y.to_numpy()
    outline = layers["departement"]
    # Vintage of the commune list, written by scripts/build_geo.py in the meta layer.
    cog_label = f"COG {geo_meta.get('cog_vintage') or '2026'}"
    shape = DepartmentShape.from_layers(code, settings["name"], cog_label, outline, communes)
    ctx = ParseContext(shape, frozenset(settings["sources"]))

    fatal: list[Problem] = []
    absent: dict[str, FileReport] = {}
    unreadable: dict[str, FileReport] = {}
    checks = {
        name: _open_table(folder, schema, ctx, fatal, absent, unreadable)
        for name, schema in SCHEMAS.items()
    }
    if fatal:
        raise PackageError(fatal)

    schemes = checks[SCHEMES.name]
    plan = checks[PLAN.name]
    territories = checks[TERRITORIES.name]
    members = checks[TERRITORY_COMMUNES.name]
    sites = checks[SITES.name]
    rules = checks[TERRITORY_RULES.name]
    partners = checks[PARTNERS.name]
    digital = checks[DIGITAL_POINTS.name]
    actions = checks[ACTIONS.name]
    benef = checks[BENEFICIARIES.name]
    figures = checks[FIGURES.name]

    schemes.check_unique(("scheme_id",), "scheme_id")
    scheme_ids = set(schemes.kept()["scheme_id"])
    _check_plan(plan)
    node_ids = set(plan.kept()["node_id"])

    def scheme_missing(v: str) -> str:
        return f"schéma {quote(v)} absent de schemes.csv ; la ligne est rejetée"

    territories.check_in(
        "scheme_id",
        scheme_ids,
        scheme_missing,
        "déclarez le schéma dans schemes.csv ou corrigez scheme_id",
    )
    territories.check_unique(("scheme_id", "territory_id"), "territoire")
    kept_terr = territories.kept()
    territory_keys = set(zip(kept_terr["scheme_id"], kept_terr["territory_id"], strict=True))

    def territory_missing(s: str, t: str) -> str:
        return (
            f"territoire {quote(t)} absent du schéma {quote(s)} dans territories.csv ; "
            "la ligne est rejetée"
        )

    members.check_pairs_in(
        ("scheme_id", "territory_id"),
        territory_keys,
        territory_missing,
        "déclarez le territoire dans territories.csv ou corrigez l'identifiant",
    )
    members.check_unique(("scheme_id", "territory_id", "code_insee"), "commune")
    _check_commune_once_per_scheme(members)

    # Sites: served territory, coordinates.
    has_terr = sites.frame["territory_id"].notna().to_numpy()
    has_scheme = sites.frame["scheme_id"].notna().to_numpy()
    sites.add(
        np.flatnonzero(sites.live() & has_terr & ~has_scheme),
        "scheme_id",
        sentence(
            "territory_id renseigné sans scheme_id ; la ligne est rejetée",
            "indiquez le schéma du territoire desservi",
        ),
    )
    sites.check_in(
        "scheme_id",
        scheme_ids,
        scheme_missing,
        "corrigez scheme_id (voir schemes.csv)",
        mask=has_scheme & ~has_terr,
    )
    sites.check_pairs_in(
        ("scheme_id", "territory_id"),
        territory_keys,
        territory_missing,
        "corrigez scheme_id / territory_id (voir territories.csv)",
        mask=has_terr & has_scheme,
    )
    sites.check_coordinates(shape)
    sites.check_unique(("site_id",), "site_id")

    def axes_missing(v: str) -> str:
        return f"axe(s) {quote(v)} absent(s) de plan.csv ; la ligne est rejetée"

    axes_todo = "utilisez des node_id de plan.csv, séparés par « | »"
    partners.check_in("axes", node_ids, axes_missing, axes_todo)
    partners.check_coordinates(shape)
    partners.check_unique(("partner_id",), "partner_id")

    _check_digital(digital, shape)

    actions.check_in("axes", node_ids, axes_missing, axes_todo)
    _check_action_scopes(actions, scheme_ids, territory_keys, shape)
    actions.check_unique(("action_id",), "action_id")

    epci_ids = set(layers["epci"]["siren_epci"].dropna().astype(str))
    _check_unit_codes(benef, "level", code, shape, epci_ids, territory_keys)
    benef.check_unique(("level", "scheme_id", "code", "indicator", "year"), "effectif")
    _check_unit_codes(figures, "unit_type", code, shape, epci_ids, territory_keys)
    no_value = (figures.frame["value"].isna() & figures.frame["value_text"].isna()).to_numpy()
    figures.add(
        np.flatnonzero(figures.live() & no_value),
        "value, value_text",
        sentence(
            "ni value ni value_text : le chiffre est vide ; la ligne est rejetée",
            "indiquez la valeur (value) ou le texte de la source (value_text)",
        ),
    )

    rules.check_pairs_in(
        ("scheme_id", "territory_id"),
        territory_keys,
        territory_missing,
        "déclarez le territoire dans territories.csv ou corrigez l'identifiant",
        mask=(rules.frame["rule"] != "nearest_site").fillna(True).to_numpy(dtype=bool),
    )
    arrondissements = set(communes["code_arrondissement"].dropna().astype(str))
    kept_sites = sites.kept()
    site_schemes = set(kept_sites.loc[kept_sites["territory_id"].notna(), "scheme_id"])
    _check_rules(rules, shape, epci_ids, arrondissements, site_schemes)

    # department.toml references (non-fatal).
    toml_problems = list(toml_problems)
    default_scheme = settings["default_scheme"]
    if default_scheme is not None and default_scheme not in scheme_ids:
        toml_problems.append(
            Problem(
                TOML_FILE,
                None,
                "default_scheme",
                sentence(
                    f"schéma par défaut {quote(default_scheme)} absent de schemes.csv",
                    "indiquez un scheme_id de schemes.csv",
                ),
            )
        )
        default_scheme = None
    digital_axes = []
    for node in settings["digital_axes"]:
        if node in node_ids:
            digital_axes.append(node)
        else:
            toml_problems.append(
                Problem(
                    TOML_FILE,
                    None,
                    "digital_axes",
                    sentence(
                        f"nœud {quote(node)} absent de plan.csv ; il est ignoré",
                        "indiquez des node_id de plan.csv",
                    ),
                )
            )
    plan_frame = plan.kept()
    levels = set(plan_frame["level"])
    for key in ("axe_level", "axe_group_level"):
        lvl = settings.get(key)
        if lvl and plan_frame.shape[0] and lvl not in levels:
            toml_problems.append(
                Problem(
                    TOML_FILE,
                    None,
                    key,
                    sentence(
                        f"niveau {quote(lvl)} absent de la colonne level de plan.csv "
                        f"(niveaux présents : {', '.join(sorted(levels))})",
                        "indiquez un niveau de plan.csv",
                    ),
                    "warning",
                )
            )
    plan_source = settings["plan"].get("source_id")
    if plan_source and plan_source not in settings["sources"]:
        toml_problems.append(
            Problem(
                TOML_FILE,
                None,
                "plan.source_id",
                sentence(f"source {quote(plan_source)} non déclarée", "ajoutez-la dans [sources]"),
                "warning",
            )
        )

    # Reports, in loading order.
    reports = [FileReport(TOML_FILE, 0, 0, 0, toml_problems)] + geo_reports
    frames: dict[str, pd.DataFrame] = {}
    for name, check in checks.items():
        frames[name] = check.kept()
        if name in absent:
            reports.append(absent[name])
        elif name in unreadable:
            reports.append(unreadable[name])
        else:
            rejected = int(check.rejected.sum())
            reports.append(
                FileReport(
                    name,
                    check.rows_read,
                    check.rows_read - rejected,
                    rejected,
                    check.sorted_problems(),
                )
            )

    # Derived frames.
    tc = frames[TERRITORY_COMMUNES.name]
    terr = frames[TERRITORIES.name]
    scheme_status = frames[SCHEMES.name].set_index("scheme_id")["perimeter_status"]
    counts = tc.groupby(["scheme_id", "territory_id"]).size()
    terr["n_communes"] = pd.Series(
        [
            int(counts.get((s, t), 0))
            for s, t in zip(terr["scheme_id"], terr["territory_id"], strict=True)
        ],
        index=terr.index,
        dtype="Int64",
    )
    resolved = terr["perimeter_status"].fillna(terr["scheme_id"].map(scheme_status))
    terr["perimeter_status_resolved"] = resolved.where(terr["n_communes"] > 0, "unknown").astype(
        "str"
    )
    territory_shapes = _territory_shapes(terr, tc, communes)

    sources = pd.DataFrame.from_dict(
        settings["sources"],
        orient="index",
        columns=["title", "kind", "vintage", "licence", "url", "note"],
    )
    sources.index.name = "source_id"
    sources = sources.astype("str")

    digital_frame = frames[DIGITAL_POINTS.name]
    digital_frame["source_id"] = digital_frame["source"]

    return Department(
        code=code,
        name=settings["name"],
        slug=settings["slug"],
        path=folder,
        meta=MappingProxyType(meta),
        secrecy_threshold=int(settings["secrecy_threshold"]),
        default_scheme=default_scheme,
        axe_level=settings["axe_level"],
        axe_group_level=settings["axe_group_level"],
        digital_axes=tuple(digital_axes),
        plan_info=MappingProxyType(settings["plan"]),
        sources=sources,
        geo_meta=MappingProxyType(geo_meta),
        communes=communes,
        epci=layers["epci"],
        epci_outside=layers["epci_outside"],
        outline=outline,
        schemes=frames[SCHEMES.name],
        territories=terr,
        territory_communes=tc,
        territory_shapes=territory_shapes,
        sites=_points(frames[SITES.name], communes),
        partners=_points(frames[PARTNERS.name], communes),
        digital_points=_points(digital_frame, communes),
        beneficiaries=frames[BENEFICIARIES.name],
        plan=plan_frame,
        actions=frames[ACTIONS.name],
        figures=frames[FIGURES.name],
        territory_rules=frames[TERRITORY_RULES.name],
        report=LoadReport(reports),
    )


def _check_digital(digital: TableCheck, shape: DepartmentShape) -> None:
    """Digital points: national schema columns, coordinates, commune inferred from point."""
    if digital.header:
        missing = [c for c in DIGITAL_SCHEMA_COLUMNS if c not in digital.header]
        if missing:
            digital.problems.append(
                Problem(
                    DIGITAL_POINTS.name,
                    1,
                    ", ".join(missing),
                    sentence(
                        "colonnes du schéma national « lieux de médiation numérique » absentes : "
                        + ", ".join(missing),
                        "ajoutez-les (vides si besoin) pour rester conforme au schéma v1.0.2",
                    ),
                    "warning",
                )
            )
    frame = digital.frame
    no_code = frame["code_insee"].isna().to_numpy()
    no_xy = (frame["latitude"].isna() | frame["longitude"].isna()).to_numpy()
    digital.add(
        np.flatnonzero(digital.live() & no_code & no_xy),
        "code_insee",
        sentence(
            "ni code_insee ni coordonnées : le lieu ne peut pas être placé ; la ligne est rejetée",
            "indiquez le code INSEE de la commune ou les coordonnées",
        ),
    )
    digital.check_coordinates(shape)
    fill = np.flatnonzero(digital.live() & no_code & ~no_xy)
    if len(fill):
        found = shape.locate(
            frame["longitude"].to_numpy(float)[fill], frame["latitude"].to_numpy(float)[fill]
        )
        codes = frame["code_insee"].to_numpy(dtype=object).copy()
        for i, code in zip(fill.tolist(), found.tolist(), strict=True):
            if code is None:
                digital.add(
                    [i],
                    "code_insee",
                    sentence(
                        "code_insee vide et point hors des communes du département ; la ligne est "
                        "rejetée",
                        "indiquez le code INSEE de la commune",
                    ),
                )
            else:
                codes[i] = code
                digital.add(
                    [i],
                    "code_insee",
                    sentence(
                        f"code_insee vide, déduit des coordonnées : {code} "
                        f"({shape.commune_name(code)})",
                        "renseignez code_insee",
                    ),
                    "warning",
                )
        frame["code_insee"] = pd.Series(codes, index=frame.index, dtype="str")
    digital.check_unique(("id",), "id")
