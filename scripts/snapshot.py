"""Territory snapshots from the command line: PNG, PDF, HTML map and data, offline.

Examples::

    python scripts/snapshot.py --departement 41 --scheme mdcs_2019 --territory vendome --out out/
    python scripts/snapshot.py --departement 47 --all --out out/ --formats pdf,csv
    python scripts/snapshot.py --departement 41 --territory vendome --axes A1,A8 \\
        --acces voiture --seuil 30 --out out/
    python scripts/snapshot.py --out out/ \\
        --lien "http://127.0.0.1:8050/?dep=41&decoupage=mdcs_2019&sel=territory:vendome"

``--lien`` takes a link copied from the app (département, scheme, axes, layers, selection,
beneficiaries display, access parameters and scenario); options given explicitly win.

Without ``--territory`` nor ``--all``, the whole département is exported. Messages are in
French; bad input (unknown département, scheme, territory, axe, layer, format, access
parameter) exits with code 2 and lists the available values.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from core import terms
from exports import (
    ALL_FORMATS,
    ExportError,
    Snapshot,
    snapshots_for_scheme,
    write_all,
)
from layers import DEFAULT_VISIBLE, TOGGLES, ViewState
from server import registry as registry_mod
from server import settings as config
from viewstate.url import UrlView, parse_query, view_state_of

BAD_INPUT = 2
#: ``--beneficiaires``: the URL values of core.terms, plus the labelled commune estimate.
BENEFICIARIES_CHOICES = {
    **{url: (code, False) for url, code in terms.BENEFICIARY_MODES.from_url().items()},
    "estimation": ("rate", True),
}
MODE_VALUES = ", ".join(terms.TRAVEL_MODES.from_url())


class UsageError(Exception):
    """Bad command-line input (French message, exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # French prefix, argparse's exit code 2
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"Erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python scripts/snapshot.py",
        description=(
            "Instantanés territoriaux hors ligne : carte PNG, fiche PDF d'une page, carte "
            "HTML autonome et données (CSV, XLSX, GeoJSON, GeoPackage)."
        ),
    )
    p.add_argument("--departement", help="code du département (ex. 41)")
    p.add_argument("--lien", help="lien copié depuis l'application (la vue qu'il décrit)")
    p.add_argument(
        "--scheme", "--decoupage", dest="scheme", help="découpage (défaut : celui du paquet)"
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument(
        "--territory", "--territoire", dest="territory", help="identifiant du territoire"
    )
    target.add_argument(
        "--all",
        "--tous",
        dest="all",
        action="store_true",
        help="un instantané par territoire du découpage",
    )
    p.add_argument("--out", type=Path, default=Path("instantanes"), help="dossier de sortie")
    p.add_argument("--axes", default="", help="axes du plan séparés par des virgules (ex. A1,A8)")
    p.add_argument("--acces", help=f"temps d'accès : {MODE_VALUES}")
    p.add_argument("--seuil", help="seuil des temps d'accès, en minutes (défaut 30)")
    p.add_argument(
        "--moteur", help=f"moteur des temps d'accès : {', '.join(terms.ENGINES.from_url())}"
    )
    p.add_argument("--dest", help="destinations : sites, digital, partners:<groupe> (virgules)")
    p.add_argument("--jour", help=f"jour d'ouverture : {', '.join(terms.DAYS_FR)}")
    p.add_argument("--couches", help=f"couches affichées (virgules) : {', '.join(TOGGLES)}")
    p.add_argument(
        "--beneficiaires", help="ajoute la couche bénéficiaires : taux, nombre ou estimation"
    )
    p.add_argument(
        "--formats",
        default=",".join(ALL_FORMATS),
        help=f"formats (virgules) : {', '.join(ALL_FORMATS)}",
    )
    p.add_argument(
        "--data-dir",
        action="append",
        type=Path,
        default=[],
        help="dossier de paquets départementaux supplémentaire (répétable)",
    )
    p.add_argument("--quiet", action="store_true", help="sans barre de progression")
    return p


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _apply_link(args) -> None:
    """Fill the options left out from an app link (``--lien``); explicit options win."""
    args.selection = None
    args.link_access = None
    args.link_beneficiaries = "rate"
    if args.lien:
        query = urlsplit(args.lien).query if "?" in args.lien else args.lien
        view, notes = parse_query(query)
        if notes:
            raise UsageError(
                "Lien : " + " ".join(n.removeprefix("Lien : ").split(" ; ")[0] + "." for n in notes)
            )
        args.departement = args.departement or view.code
        args.scheme = args.scheme or view.scheme
        args.axes = args.axes or ",".join(view.axes)
        if not args.couches and view.layers is not None:
            args.couches = ",".join(view.layers)
        if view.selection and not (args.territory or args.all):
            kind, code = view.selection
            if kind == "territory":
                args.territory = code
            else:
                args.selection = {"type": kind, "code": code}
        args.link_access = view.access
        args.link_beneficiaries = view.beneficiaries_mode
    if not args.departement:
        raise UsageError("Indiquez le département (--departement 41) ou un lien (--lien).")


def _scheme(args, dep) -> str:
    schemes = list(dep.schemes["scheme_id"])
    scheme = args.scheme or dep.default_scheme
    if scheme not in schemes:
        raise UsageError(
            f"Découpage « {scheme} » inconnu pour le {dep.code} ({dep.name}). "
            f"Découpages disponibles : {', '.join(schemes)}."
        )
    return scheme


def _axes(args, dep) -> tuple[str, ...]:
    axes = tuple(_list(args.axes))
    known = list(dep.plan["node_id"])
    bad = [a for a in axes if a not in set(known)]
    if bad:
        offered = dep.plan.loc[dep.plan["level"] == dep.axe_level, "node_id"].tolist()
        raise UsageError(
            f"Axe(s) inconnu(s) : {', '.join(bad)}. Axes disponibles : {', '.join(offered)}."
        )
    return axes


def _access_url(args) -> UrlView:
    """The access options read as a link's parameters (the app's own URL mapping)."""
    params = {
        k: v
        for k, v in (
            ("acces", args.acces),
            ("seuil", args.seuil),
            ("moteur", args.moteur),
            ("dest", args.dest),
            ("jour", args.jour),
        )
        if v is not None
    }
    if params and "acces" not in params:
        raise UsageError(
            f"L'option --{next(iter(params))} n'a d'effet qu'avec --acces ({MODE_VALUES})."
        )
    view, notes = parse_query(urlencode(params))
    if notes:
        raise UsageError(
            " ".join(n.replace("Lien : ", "Paramètre ").split(" ; ")[0] + "." for n in notes)
        )
    if not params and args.link_access is not None:
        return UrlView(access=args.link_access)
    return view


def _visible(args) -> tuple[str, ...]:
    visible = tuple(_list(args.couches)) if args.couches else DEFAULT_VISIBLE
    bad = [v for v in visible if v not in TOGGLES]
    if bad:
        raise UsageError(
            f"Couche(s) inconnue(s) : {', '.join(bad)}. Couches : {', '.join(TOGGLES)}."
        )
    return visible


def _state(args, dep) -> tuple[ViewState, tuple[str, ...]]:
    """View state and layer toggles from the options (UsageError on bad values)."""
    scheme = _scheme(args, dep)
    axes = _axes(args, dep)
    url = _access_url(args)
    visible = _visible(args)
    mode, estimate = args.link_beneficiaries, False
    if args.beneficiaires:
        if args.beneficiaires not in BENEFICIARIES_CHOICES:
            raise UsageError(
                f"Option --beneficiaires « {args.beneficiaires} » inconnu : "
                f"{', '.join(BENEFICIARIES_CHOICES)}."
            )
        mode, estimate = BENEFICIARIES_CHOICES[args.beneficiaires]
        visible = (*visible, "beneficiaries") if "beneficiaries" not in visible else visible
    return view_state_of(replace(url, beneficiaries_mode=mode), scheme, axes, estimate), visible


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(_list(value))
    bad = [f for f in formats if f not in ALL_FORMATS]
    if bad or not formats:
        raise UsageError(
            f"Format(s) inconnu(s) : {', '.join(bad) or '(aucun)'}. "
            f"Formats : {', '.join(ALL_FORMATS)}."
        )
    return formats


def run(args, reg) -> list[Path]:
    """Write the snapshots the options ask for; returns the files written."""
    _apply_link(args)
    code = args.departement.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if not reg.has(code):
        if (failure := reg.failure(code)) is not None:
            problems = " ; ".join(str(p) for p in failure.problems[:3])
            raise UsageError(f"Le paquet du département {code} n'a pas pu être chargé : {problems}")
        raise UsageError(
            f"Département « {args.departement} » inconnu. Départements disponibles : "
            + ", ".join(f"{c} ({reg.get(c).dep.name})" for c in reg.codes())
            + "."
        )
    entry = reg.get(code)
    dep = entry.dep
    formats = _formats(args.formats)
    state, visible = _state(args, dep)
    try:
        snapshots = _snapshots(args, entry, state, visible)
    except ExportError as exc:
        raise UsageError(str(exc)) from exc
    from tqdm import tqdm

    written: list[Path] = []
    with snapshots[0].renderer.session():  # one browser for the whole batch
        bar = tqdm(
            snapshots,
            desc="Instantanés",
            unit="territoire" if args.all else "vue",
            file=sys.stderr,
            disable=args.quiet,
            ascii=True,
        )
        for snap in bar:
            bar.set_postfix_str(snap.unit_name[:30])
            written += write_all(snap, args.out, formats)
    return written


def _snapshots(args, entry, state, visible) -> list[Snapshot]:
    dep = entry.dep
    if args.territory:
        t = dep.territories[dep.territories["scheme_id"] == state.scheme_id]
        if args.territory not in set(t["territory_id"]):
            raise UsageError(
                f"Territoire « {args.territory} » inconnu dans le découpage « {state.scheme_id} ». "
                "Territoires disponibles : "
                + ", ".join(f"{i} ({n})" for i, n in zip(t["territory_id"], t["name"], strict=True))
                + "."
            )
        selection = {"type": "territory", "code": args.territory, "scheme": state.scheme_id}
        snapshots = [
            Snapshot(dep, entry.assets, state, visible, selection, access_service=entry.access)
        ]
    elif args.all:
        snapshots = snapshots_for_scheme(dep, entry.assets, state, visible, state.scheme_id)
        if not snapshots:
            raise UsageError(f"Le découpage « {state.scheme_id} » n'a aucun territoire.")
    else:
        snapshots = [
            Snapshot(dep, entry.assets, state, visible, args.selection, access_service=entry.access)
        ]
    return snapshots


def main(argv: list[str] | None = None, reg=None) -> int:
    """Command-line entry point; ``reg`` (a loaded registry) is for tests."""
    args = build_parser().parse_args(argv)
    try:
        if reg is None:
            extra = tuple(args.data_dir)
            reg = registry_mod.Registry.load((*extra, config.DATA_DIR), (*extra, config.GEO_DIR))
        written = run(args, reg)
    except UsageError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return BAD_INPUT
    except ExportError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} fichier(s) écrit(s) dans {args.out} :")
    for path in written:
        print(f"  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
