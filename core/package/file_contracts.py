"""The declared contracts of every package file (:data:`SCHEMAS`) and GeoPackage layer.

Purely declarative: one :class:`~core.package.contracts.FileSchema` per CSV file and one
:class:`~core.package.contracts.LayerSchema` per layer of ``<code>.gpkg``.
"""

from __future__ import annotations

from typing import Any

from core.package.contracts import (
    ITINERANCES,
    LEVELS,
    PERIMETER_STATUSES,
    PRECISIONS,
    RULES,
    SCHEME_ROLES,
    SCOPES,
    SITE_KINDS,
    SITE_STATUSES,
    Column,
    EmptyPolicy,
    FileSchema,
    Kind,
    LayerSchema,
)

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
