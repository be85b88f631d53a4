"""Expand a department package's ``territory_rules.csv`` into ``territory_communes.csv``.

Usage::

    python scripts/build_territories.py data/departments/41-loir-et-cher [--dry-run]

``territory_rules.csv`` columns: ``scheme_id, territory_id, rule, value, source_id,
source_ref``. Rules are applied in file order, scheme by scheme (each scheme has its own
assignment, a commune belongs to at most one territory of a scheme):

``epci``
    ``value`` = ``siren_epci``: every commune of that EPCI lying in the département.
``arrondissement``
    ``value`` = ``code_arrondissement`` (e.g. ``411``): every commune of that arrondissement.
``commune``
    ``value`` = ``code_insee``: add one commune. If the commune is already in another
    territory of the scheme it is *moved* (this is how a source's exceptions are written).
``exclude_commune``
    ``value`` = ``code_insee``: remove one commune from the row's territory. An excluded
    commune is also never assigned by a later ``nearest_site`` rule of that scheme.
``nearest_site``
    ``value`` = a ``scheme_id`` of ``sites.csv``; ``territory_id`` must be ``*``. Every commune
    of the département not yet assigned in the row's scheme goes to the territory whose site
    (``sites.csv`` rows with that ``scheme_id`` and a ``territory_id``, ``status`` other than
    ``ferme``, located at ``latitude``/``longitude`` or else at the representative point of
    their ``code_insee``) is the nearest to the commune's representative point, straight line
    in Lambert-93 (EPSG:2154).

An ``epci`` or ``arrondissement`` rule that would take a commune already placed in *another*
territory of the same scheme is a conflict (error): write the exception as a later
``commune`` row instead. Each output row keeps the ``source_id``/``source_ref`` of the rule
that placed the commune.

Geometries come from the package's ``geo.gpkg`` if present, else from
``data/geo/<code>.gpkg`` (``code`` from ``department.toml``), layer ``communes``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

REPO_ROOT = Path(__file__).resolve().parent.parent
RULE_COLUMNS = ["scheme_id", "territory_id", "rule", "value", "source_id", "source_ref"]
OUTPUT_COLUMNS = ["scheme_id", "territory_id", "code_insee", "source_id", "source_ref"]
RULES = {"epci", "arrondissement", "commune", "exclude_commune", "nearest_site"}
LAMBERT93 = "EPSG:2154"


class RuleError(Exception):
    """One or more problems in ``territory_rules.csv`` (French messages, one per line)."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class Assignment:
    """State of one scheme while its rules are applied.

    Attributes
    ----------
    placed : dict
        ``code_insee`` -> ``(territory_id, source_id, source_ref)``.
    excluded : set
        Communes explicitly excluded by an ``exclude_commune`` rule of this scheme.
    """

    placed: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    excluded: set[str] = field(default_factory=set)


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a package CSV with every column as text and empty cells as ``""``.

    Parameters
    ----------
    path : pathlib.Path
        CSV file (UTF-8, ``,`` separator, header row).

    Returns
    -------
    pandas.DataFrame
        All columns of dtype ``str``, values stripped.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return df.apply(lambda col: col.str.strip())


def read_rules(path: Path) -> pd.DataFrame:
    """Read ``territory_rules.csv`` and add its file line numbers.

    Parameters
    ----------
    path : pathlib.Path
        The rules file.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RULE_COLUMNS` plus ``line`` (line in the file, header = line 1).

    Raises
    ------
    RuleError
        If a required column is missing.
    """
    rules = read_csv_text(path)
    missing = [c for c in RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise RuleError(
            [f"{path.name} : colonne(s) manquante(s) {', '.join(missing)} ; "
             f"en-tête attendu : {','.join(RULE_COLUMNS)}."]
        )
    rules = rules[RULE_COLUMNS].copy()
    rules["line"] = np.arange(2, len(rules) + 2)
    return rules


def load_communes(package_dir: Path, code: str | None = None) -> gpd.GeoDataFrame:
    """Load the commune polygons used by a package.

    Parameters
    ----------
    package_dir : pathlib.Path
        Department package folder.
    code : str, optional
        Département code; read from ``department.toml`` when omitted.

    Returns
    -------
    geopandas.GeoDataFrame
        Layer ``communes`` (``code_insee``, ``nom``, ``population``, ``siren_epci``,
        ``code_arrondissement``, geometry).

    Raises
    ------
    FileNotFoundError
        If neither ``geo.gpkg`` in the package nor ``data/geo/<code>.gpkg`` exists.
    """
    local = package_dir / "geo.gpkg"
    if local.exists():
        path = local
    else:
        if code is None:
            code = read_department_code(package_dir)
        path = REPO_ROOT / "data" / "geo" / f"{code}.gpkg"
    if not path.exists():
        raise FileNotFoundError(
            f"Géométries introuvables : ni {local.name} dans le paquet, ni data/geo/{code}.gpkg. "
            f"Lancez d'abord : python scripts/build_geo.py {code}"
        )
    communes = gpd.read_file(path, layer="communes")
    for col in ("code_insee", "siren_epci", "code_arrondissement"):
        communes[col] = communes[col].astype("str").where(communes[col].notna(), "")
    return communes


def read_department_code(package_dir: Path) -> str:
    """Return the ``code`` of a package's ``department.toml``.

    Parameters
    ----------
    package_dir : pathlib.Path
        Department package folder.

    Returns
    -------
    str
        Département code as text (``"03"``, ``"2A"``).
    """
    with open(package_dir / "department.toml", "rb") as f:
        return str(tomllib.load(f)["code"])


def site_points(sites: pd.DataFrame, site_scheme: str, communes: gpd.GeoDataFrame
                ) -> gpd.GeoDataFrame:
    """Locate the sites of one scheme in Lambert-93.

    Parameters
    ----------
    sites : pandas.DataFrame
        ``sites.csv`` read as text.
    site_scheme : str
        ``scheme_id`` whose sites are used.
    communes : geopandas.GeoDataFrame
        Commune polygons (any CRS) with ``code_insee``.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per usable site, columns ``site_id``, ``territory_id``, geometry in EPSG:2154.
        Sites with coordinates are placed there; others at the representative point of
        their commune; sites with neither are dropped.
    """
    sel = sites[(sites["scheme_id"] == site_scheme) & (sites["territory_id"] != "")]
    if "status" in sel.columns:
        sel = sel[sel["status"] != "ferme"]
    sel = sel.reset_index(drop=True)
    empty = pd.Series("", index=sel.index, dtype="str")
    lat = pd.to_numeric(sel.get("latitude", empty), errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(sel.get("longitude", empty), errors="coerce").to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))
    x = np.full(len(sel), np.nan)
    y = np.full(len(sel), np.nan)
    if located.any():
        transformer = Transformer.from_crs("EPSG:4326", LAMBERT93, always_xy=True)
        x[located], y[located] = transformer.transform(lon[located], lat[located])
    reps = commune_points(communes)
    rx = pd.Series(reps.x.to_numpy(), index=communes["code_insee"].to_numpy())
    ry = pd.Series(reps.y.to_numpy(), index=communes["code_insee"].to_numpy())
    codes = sel["code_insee"]
    x[~located] = codes[~located].map(rx).to_numpy(dtype=float)
    y[~located] = codes[~located].map(ry).to_numpy(dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    return gpd.GeoDataFrame(
        {"site_id": sel.get("site_id", empty)[ok].to_numpy(),
         "territory_id": sel["territory_id"][ok].to_numpy()},
        geometry=gpd.points_from_xy(x[ok], y[ok]), crs=LAMBERT93,
    )


def commune_points(communes: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Representative points of communes in Lambert-93 (EPSG:2154).

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        Commune polygons with a CRS.

    Returns
    -------
    geopandas.GeoSeries
        Points guaranteed inside each polygon, same index as ``communes``.
    """
    return communes.geometry.to_crs(LAMBERT93).representative_point()


def nearest_territory(points: gpd.GeoSeries, sites: gpd.GeoDataFrame) -> np.ndarray:
    """Territory of the nearest site for each point (straight line, both in EPSG:2154).

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points in a projected CRS.
    sites : geopandas.GeoDataFrame
        Output of :func:`site_points`.

    Returns
    -------
    numpy.ndarray
        ``territory_id`` per point.
    """
    px, py = points.x.to_numpy(), points.y.to_numpy()
    sx, sy = sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()
    d2 = (px[:, None] - sx[None, :]) ** 2 + (py[:, None] - sy[None, :]) ** 2
    return sites["territory_id"].to_numpy()[d2.argmin(axis=1)]


def apply_rules(rules: pd.DataFrame, communes: gpd.GeoDataFrame,
                sites: pd.DataFrame | None = None,
                territories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply territory rules in file order and return the membership table.

    Parameters
    ----------
    rules : pandas.DataFrame
        Output of :func:`read_rules` (a ``line`` column is optional).
    communes : geopandas.GeoDataFrame
        Commune polygons of the département (``code_insee``, ``siren_epci``,
        ``code_arrondissement``, geometry, with a CRS).
    sites : pandas.DataFrame, optional
        ``sites.csv`` (text), needed only by ``nearest_site`` rules.
    territories : pandas.DataFrame, optional
        ``territories.csv`` (text); when given, every ``territory_id`` used must exist in it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`OUTPUT_COLUMNS`, sorted by scheme, territory and commune.

    Raises
    ------
    RuleError
        All problems found, one French message per problem, naming the line.
    """
    if "line" not in rules.columns:
        rules = rules.assign(line=np.arange(2, len(rules) + 2))
    known = None
    if territories is not None:
        known = set(zip(territories["scheme_id"], territories["territory_id"], strict=True))
    ctx = RuleContext(communes, sites, known)
    errors: list[str] = []
    state: dict[str, Assignment] = {}
    for row in rules.itertuples(index=False):
        where = f"territory_rules.csv ligne {row.line}"
        problem = ctx.row_problem(row, where, errors)
        if problem:
            errors.append(problem)
            continue
        st = state.setdefault(row.scheme_id, Assignment())
        apply = APPLIERS[row.rule]
        problem = apply(ctx, row, st, where)
        if problem:
            errors.append(problem)
    if errors:
        raise RuleError(errors)
    out_rows = [(scheme, t, c, s, r) for scheme, st in state.items()
                for c, (t, s, r) in st.placed.items()]
    out = pd.DataFrame(out_rows, columns=OUTPUT_COLUMNS, dtype="str")
    return out.sort_values(["scheme_id", "territory_id", "code_insee"], ignore_index=True)


@dataclass
class RuleContext:
    """What every rule reads: the communes, the sites and the known territories.

    Attributes
    ----------
    communes : geopandas.GeoDataFrame
        Commune polygons of the département.
    sites : pandas.DataFrame or None
        ``sites.csv`` (text), for ``nearest_site`` rules.
    known : set of (scheme_id, territory_id), or None
        Territories of ``territories.csv``; None when not checked.
    """

    communes: gpd.GeoDataFrame
    sites: pd.DataFrame | None
    known: set[tuple[str, str]] | None

    @cached_property
    def codes(self) -> set[str]:
        """Codes of the département's communes."""
        return set(self.communes["code_insee"])

    @cached_property
    def points(self) -> gpd.GeoSeries:
        """Representative points of the communes (Lambert-93), computed on first use."""
        return commune_points(self.communes)

    def row_problem(self, row, where: str, errors: list[str]) -> str | None:
        """The problem that stops a rule row before it is applied, if any.

        A missing ``source_id`` is added to ``errors`` without stopping the row.
        """
        rule, scheme, terr = row.rule, row.scheme_id, row.territory_id
        if rule not in RULES:
            return (f"{where} : règle « {rule} » inconnue ; valeurs permises : "
                    f"{', '.join(sorted(RULES))}.")
        if not scheme:
            return f"{where} : scheme_id vide."
        if not row.source_id:
            errors.append(f"{where} : source_id vide ; chaque ligne doit citer sa source.")
        if rule == "nearest_site":
            if terr != "*":
                return (f"{where} : une règle nearest_site doit avoir territory_id « * » "
                        f"(trouvé « {terr} »).")
        elif not terr:
            return f"{where} : territory_id vide."
        elif self.known is not None and (scheme, terr) not in self.known:
            return (f"{where} : territoire « {terr} » absent de territories.csv pour le "
                    f"schéma « {scheme} ».")
        return None


def apply_group(ctx: RuleContext, row, st: Assignment, where: str) -> str | None:
    """``epci`` / ``arrondissement``: place every commune of the group (conflicts are errors)."""
    rule, value, terr = row.rule, row.value, row.territory_id
    col = "siren_epci" if rule == "epci" else "code_arrondissement"
    members = ctx.communes.loc[ctx.communes[col] == value, "code_insee"].tolist()
    if not members:
        label = "l'EPCI" if rule == "epci" else "l'arrondissement"
        return (f"{where} : aucune commune du département dans {label} "
                f"« {value} » ; vérifiez le code ({col}).")
    clash = sorted(c for c in members if c in st.placed and st.placed[c][0] != terr)
    if clash:
        others = sorted({st.placed[c][0] for c in clash})
        return (f"{where} : conflit, {len(clash)} commune(s) de {rule} « {value} » déjà "
                f"placée(s) dans le territoire {', '.join(others)} du schéma "
                f"« {row.scheme_id} » (ex. {', '.join(clash[:5])}) ; pour une exception, "
                f"ajoutez plutôt une ligne « commune » après la règle de groupe.")
    for c in members:
        st.placed.setdefault(c, (terr, row.source_id, row.source_ref))
        st.excluded.discard(c)
    return None


def apply_commune(ctx: RuleContext, row, st: Assignment, where: str) -> str | None:
    """``commune`` (add or move one commune) / ``exclude_commune`` (remove it)."""
    value, terr = row.value, row.territory_id
    if value not in ctx.codes:
        return (f"{where} : commune « {value} » inconnue dans le département "
                f"(code INSEE à 5 caractères, zéros initiaux conservés).")
    if row.rule == "commune":
        st.placed[value] = (terr, row.source_id, row.source_ref)
        st.excluded.discard(value)
        return None
    if value in st.placed and st.placed[value][0] == terr:
        del st.placed[value]
    else:
        print(f"Avertissement : {where} : la commune {value} n'est pas dans le "
              f"territoire « {terr} » ; exclusion sans effet sur l'affectation.",
              file=sys.stderr)
    st.excluded.add(value)
    return None


def apply_nearest_site(ctx: RuleContext, row, st: Assignment, where: str) -> str | None:
    """``nearest_site``: every commune not yet placed goes to its nearest site's territory."""
    value, scheme = row.value, row.scheme_id
    if ctx.sites is None:
        return f"{where} : règle nearest_site mais pas de sites.csv dans le paquet."
    spts = site_points(ctx.sites, value, ctx.communes)
    if spts.empty:
        return (f"{where} : aucun site localisable avec scheme_id « {value} » et "
                f"un territory_id dans sites.csv.")
    if ctx.known is not None:
        bad = sorted(set(spts["territory_id"]) - {t for s, t in ctx.known if s == scheme})
        if bad:
            return (f"{where} : sites rattachés à des territoires absents de "
                    f"territories.csv pour « {scheme} » : {', '.join(bad)}.")
    communes = ctx.communes
    todo = ~communes["code_insee"].isin(set(st.placed) | st.excluded).to_numpy()
    if todo.any():
        terrs = nearest_territory(ctx.points[todo], spts)
        for c, t in zip(communes["code_insee"].to_numpy()[todo], terrs, strict=True):
            st.placed[c] = (t, row.source_id, row.source_ref)
    return None


#: Rule name -> the function applying one row of it.
APPLIERS = {
    "epci": apply_group,
    "arrondissement": apply_group,
    "commune": apply_commune,
    "exclude_commune": apply_commune,
    "nearest_site": apply_nearest_site,
}


def summarize(members: pd.DataFrame, communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per-territory summary: number of communes and population.

    Parameters
    ----------
    members : pandas.DataFrame
        Output of :func:`apply_rules`.
    communes : geopandas.GeoDataFrame
        Communes with ``code_insee`` and ``population``.

    Returns
    -------
    pandas.DataFrame
        Columns ``scheme_id``, ``territory_id``, ``communes``, ``population``.
    """
    pop = pd.Series(pd.to_numeric(communes["population"]).to_numpy(),
                    index=communes["code_insee"].to_numpy())
    m = members.assign(population=members["code_insee"].map(pop).fillna(0).astype("int64"))
    return (m.groupby(["scheme_id", "territory_id"], as_index=False)
             .agg(communes=("code_insee", "size"), population=("population", "sum")))


def build(package_dir: Path, dry_run: bool = False) -> pd.DataFrame:
    """Expand a package's rules, print a summary and write ``territory_communes.csv``.

    Parameters
    ----------
    package_dir : pathlib.Path
        Department package folder holding ``territory_rules.csv``.
    dry_run : bool
        If true, nothing is written.

    Returns
    -------
    pandas.DataFrame
        The membership table.
    """
    rules = read_rules(package_dir / "territory_rules.csv")
    communes = load_communes(package_dir)
    sites_path = package_dir / "sites.csv"
    sites = read_csv_text(sites_path) if sites_path.exists() else None
    terr_path = package_dir / "territories.csv"
    territories = read_csv_text(terr_path) if terr_path.exists() else None
    members = apply_rules(rules, communes, sites, territories)

    summary = summarize(members, communes)
    n_total = len(communes)
    for scheme, grp in summary.groupby("scheme_id", sort=False):
        print(f"Schéma {scheme} :")
        for r in grp.itertuples(index=False):
            word = "commune " if r.communes == 1 else "communes"
            print(f"  {r.territory_id:<30} {r.communes:>4} {word}  {r.population:>9,} hab."
                  .replace(",", "\u202f"))
        n = int(grp["communes"].sum())
        print(f"  {'(non affectées)':<30} {n_total - n:>4} communes")
    if territories is not None:
        used = set(zip(members["scheme_id"], members["territory_id"], strict=True))
        ruled = set(rules["scheme_id"])
        empty = [f"{s}/{t}" for s, t in zip(territories["scheme_id"],
                                             territories["territory_id"], strict=True)
                 if s in ruled and (s, t) not in used]
        if empty:
            print("Territoires sans commune (périmètre inconnu) : " + ", ".join(empty))
    if not dry_run:
        out = package_dir / "territory_communes.csv"
        members.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
        print(f"Écrit : {out.name} ({len(members)} lignes)")
    return members


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code: 0 success, 1 rule errors, 2 usage / missing files.
    """
    parser = argparse.ArgumentParser(
        description="Développe territory_rules.csv en territory_communes.csv.")
    parser.add_argument("package_dir", type=Path, help="dossier du paquet départemental")
    parser.add_argument("--dry-run", action="store_true", help="n'écrit rien, affiche le bilan")
    args = parser.parse_args(argv)
    pkg: Path = args.package_dir
    if not (pkg / "territory_rules.csv").exists():
        print(f"Erreur : {pkg}/territory_rules.csv introuvable.", file=sys.stderr)
        return 2
    if not (pkg / "department.toml").exists() and not (pkg / "geo.gpkg").exists():
        print(f"Erreur : {pkg}/department.toml introuvable.", file=sys.stderr)
        return 2
    try:
        build(pkg, dry_run=args.dry_run)
    except FileNotFoundError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except RuleError as exc:
        print(f"{len(exc.messages)} erreur(s), rien n'a été écrit :", file=sys.stderr)
        for m in exc.messages:
            print(f"  - {m}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
