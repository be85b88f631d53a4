"""Runtime settings from the command line and environment variables."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data" / "departments"
GEO_DIR = ROOT / "data" / "geo"
DEFAULT_DEPARTEMENT = "41"


@dataclass(frozen=True)
class Settings:
    """Where the app listens and which département packages it serves.

    ``data_dirs`` are searched in order for ``<code>-<slug>`` package folders; the bundled
    ``data/departments`` always comes last, so a user folder may add départements.
    """

    host: str = "127.0.0.1"
    port: int = 8050
    departement: str = DEFAULT_DEPARTEMENT
    data_dirs: tuple[Path, ...] = field(default_factory=lambda: (DATA_DIR,))
    geo_dirs: tuple[Path, ...] = field(default_factory=lambda: (GEO_DIR,))
    debug: bool = False


def _split_dirs(value: str | None) -> list[Path]:
    return [Path(p).expanduser() for p in (value or "").split(os.pathsep) if p.strip()]


def from_args(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Parse ``python app.py`` options; environment variables give the defaults.

    ``ATLAS_HOST``, ``ATLAS_PORT``, ``ATLAS_DEPARTEMENT`` and ``ATLAS_DATA_DIRS`` (folders
    separated by ``os.pathsep``) are read from ``environ``.
    """
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="Atlas de l'insertion : carte interactive de la politique d'insertion.",
    )
    parser.add_argument(
        "--host",
        default=env.get("ATLAS_HOST", "127.0.0.1"),
        help="adresse d'écoute (défaut : 127.0.0.1)",
    )
    parser.add_argument(
        "--port", type=int, default=int(env.get("ATLAS_PORT", "8050")), help="port (défaut : 8050)"
    )
    parser.add_argument(
        "--departement",
        default=env.get("ATLAS_DEPARTEMENT", DEFAULT_DEPARTEMENT),
        help="code du département affiché à l'ouverture (défaut : 41)",
    )
    parser.add_argument(
        "--data-dir",
        action="append",
        default=[],
        type=Path,
        help="dossier de paquets départementaux supplémentaire (répétable)",
    )
    parser.add_argument("--debug", action="store_true", help="mode débogage de Dash")
    args = parser.parse_args(argv)
    extra = [*args.data_dir, *_split_dirs(env.get("ATLAS_DATA_DIRS"))]
    return Settings(
        host=args.host,
        port=args.port,
        departement=args.departement,
        data_dirs=(*extra, DATA_DIR),
        geo_dirs=(*extra, GEO_DIR),
        debug=args.debug,
    )
