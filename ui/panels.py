"""Dash components for the side panel, action list, legend, tables and data-quality views.

Builders take loaded data and return components; they hold no state and do no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from dash import html

from core.key_figures import key_figures
from core.plan import actions_for
from layers import LAYERS
from layers import beneficiaries as beneficiaries_layer
from layers import territories as terr_layer
from layers.formatting import fmt_count, fmt_float, fmt_int, is_missing
from layers.points import precision_note
from layers.style import PARTNER_GROUPS
from ui import labels

UNIT_TITLES = {
    "territory": "Territoire",
    "epci": "EPCI",
    "commune": "Commune",
    "departement": "Département",
}


def _text(value) -> str:
    return "" if is_missing(value) else str(value)


def source_label(dep, source_id: str, ref: str | None = None) -> str:
    """« Title (vintage), ref » for a source_id of the package."""
    text = dep.source_label(source_id)
    return f"{text}, {ref}" if ref and not is_missing(ref) else text


def flag(text: str, kind: str = "approx") -> html.Span:
    """A visible badge for approximations and estimates."""
    return html.Span(text, className=f"badge badge-{kind}")


def figures_list(figures: Iterable[dict]) -> html.Dl:
    """Key figures as a definition list, each with its year, source and flags."""
    items = []
    for fig in figures:
        badges = []
        if fig.get("approximate"):
            badges.append(flag("périmètre approximatif"))
        if fig.get("estimated"):
            badges.append(flag("estimation", "estimate"))
        if fig.get("suppressed"):
            badges.append(flag("secret statistique", "secret"))
        year = f" ({fig['year']})" if fig.get("year") else ""
        items += [
            html.Dt([fig.get("label", ""), year]),
            html.Dd(
                [
                    html.Span(fig.get("value_text", ""), className="figure-value"),
                    *badges,
                    html.Div(f"Source : {fig.get('source', 'non précisée')}", className="source"),
                ]
            ),
        ]
    return html.Dl(items, className="figures")


def derivation_details(scheme_row, badge: str) -> html.Details:
    """The perimeter flag, with how the perimeter was derived one click away."""
    text = _text(scheme_row["derivation"]) if scheme_row is not None else ""
    return html.Details(
        [
            html.Summary([flag(badge), " Comment ce périmètre a été établi"]),
            html.P(text, className="note"),
        ],
        className="derivation",
    )


def unit_header(dep, selection: dict) -> tuple[str, list]:
    """Title and sub-lines of the selected unit."""
    kind, code = selection["type"], selection["code"]
    if kind == "territory":
        scheme = selection.get("scheme") or dep.default_scheme
        terr = dep.territories[
            (dep.territories["scheme_id"] == scheme) & (dep.territories["territory_id"] == code)
        ]
        srow = terr_layer.scheme_row(dep, scheme)
        name = terr["name"].iloc[0] if not terr.empty else code
        listing = terr_layer.listing(dep, scheme).set_index("territory_id")
        status = listing["perimeter_status"].get(code, "unknown")
        lines: list = [html.Div(srow["label"] if srow is not None else scheme, className="muted")]
        if status == "unknown":
            lines.append(html.P(labels.UNKNOWN_PERIMETER, className="warning"))
        elif status == "approximate":
            lines.append(derivation_details(srow, "périmètre approximatif"))
        if not terr.empty and not is_missing(terr["note"].iloc[0] if "note" in terr else None):
            lines.append(html.P(terr["note"].iloc[0], className="note"))
        return name, lines
    if kind == "epci":
        row = dep.epci[dep.epci["siren_epci"] == code]
        name = row["nom"].iloc[0] if not row.empty else code
        lines = [html.Div(f"EPCI, SIREN {code}", className="muted")]
        if not row.empty and bool(row["crosses_border"].iloc[0]):
            lines.append(
                html.P(
                    f"Cet EPCI déborde du département : {row['n_communes_in_dept'].iloc[0]} de ses "
                    f"{row['n_communes'].iloc[0]} communes sont dans le {dep.code}.",
                    className="note",
                )
            )
        return name, lines
    if kind == "commune":
        row = dep.communes[dep.communes["code_insee"] == code]
        name = row["nom"].iloc[0] if not row.empty else code
        return name, [html.Div(f"Commune, code INSEE {code}", className="muted")]
    return dep.name, [html.Div("Département", className="muted")]


def point_panel(dep, kind: str, code: str) -> html.Div:
    """Details of a site, partner or digital point."""
    frame, id_col, name_col = {
        "sites": (dep.sites, "site_id", "name"),
        "partners": (dep.partners, "partner_id", "name"),
        "digital_points": (dep.digital_points, "id", "nom"),
    }[kind]
    rows = frame[frame[id_col].astype(str) == code]
    if rows.empty:
        return html.Div("Élément introuvable.", className="warning")
    row = rows.iloc[0]
    communes = dep.communes.set_index("code_insee")["nom"]
    details = [
        ("Commune", communes.get(row["code_insee"], row["code_insee"])),
        ("Adresse", _text(row.get("adresse"))),
        ("Type", _text(row.get("typologie"))),
        ("Localisation", precision_note(row.get("precision", ""))),
        ("Horaires", _text(row.get("horaires"))),
        ("Statut", _text(row.get("status"))),
        ("Mis à jour", _text(row.get("date_maj"))),
    ]
    source_id = row.get("source_id", row.get("source"))
    return html.Div(
        [
            html.H2(row[name_col]),
            html.Dl(
                [x for k, v in details if v for x in (html.Dt(k), html.Dd(v))], className="figures"
            ),
            html.Div(
                f"Source : {source_label(dep, _text(source_id), _text(row.get('source_ref')))}",
                className="source",
            ),
        ]
    )


def unit_panel(dep, selection: dict, axes: Sequence[str]) -> html.Div:
    """The side panel of a territory, EPCI, commune or point."""
    kind, code = selection["type"], selection["code"]
    if kind in ("sites", "partners", "digital_points"):
        return point_panel(dep, kind, code)
    title, lines = unit_header(dep, selection)
    figures = key_figures(dep, kind, code, scheme_id=selection.get("scheme"))
    actions = actions_for(dep, axes, **_unit_kwargs(selection, dep))
    return html.Div(
        [
            html.H2(title, id="panel-title"),
            *lines,
            html.H3("Chiffres clés"),
            figures_list(figures) if figures else html.P(labels.NO_DATA),
            html.H3(f"{labels.ACTIONS_TITLE} qui le concernent ({len(actions)})"),
            action_items(dep, actions),
        ]
    )


def _unit_kwargs(selection: dict, dep) -> dict:
    kind, code = selection["type"], selection["code"]
    if kind == "territory":
        return {"scheme_id": selection.get("scheme") or dep.default_scheme, "territory_id": code}
    if kind == "epci":
        return {"siren_epci": code}
    if kind == "commune":
        return {"code_insee": code}
    return {}


def action_items(dep, actions: pd.DataFrame, limit: int = 200) -> html.Ul:
    """Actions as a list: id, title, axes, pilot, scope, source."""
    if actions.empty:
        return html.Ul([html.Li(labels.NO_ACTIONS)], className="actions")
    titles = dep.plan.set_index("node_id")["title"]
    items = []
    for row in actions.head(limit).itertuples(index=False):
        axes = [a for a in _text(row.axes).split("|") if a]
        meta = []
        if axes:
            meta.append("Axes : " + " ; ".join(f"{a}" for a in axes))
        if _text(getattr(row, "pilot", "")):
            meta.append(f"Pilote : {row.pilot}")
        scope = _text(getattr(row, "scope_match", "")) or _text(getattr(row, "scope_text", ""))
        if scope:
            meta.append(f"Portée : {scope}")
        doc = _text(getattr(row, "document", ""))
        if doc and str(row.action_id).startswith(doc):
            doc = ""  # ids like « PDI-01 » already say their document
        items.append(
            html.Li(
                [
                    html.Span(f"{doc + ' ' if doc else ''}{row.action_id}", className="action-id"),
                    " ",
                    html.Span(row.title, className="action-title"),
                    html.Div(" · ".join(meta), className="muted"),
                    html.Div(
                        f"Source : {source_label(dep, row.source_id, _text(row.source_ref))}",
                        className="source",
                        title=" | ".join(_text(titles.get(a)) for a in axes),
                    ),
                ],
                className="action",
                **{"data-action-id": str(row.action_id)},
            )
        )
    if len(actions) > limit:
        items.append(html.Li(f"… et {len(actions) - limit} autres (voir l'onglet Tableau)."))
    return html.Ul(items, className="actions")


def legend(dep, state, visible: Iterable[str]) -> html.Div:
    """The map legend: territories with colours and perimeter status, layers, flags."""
    shown = set(visible)
    scheme = state.scheme_id or dep.default_scheme
    table = terr_layer.listing(dep, scheme)
    srow = terr_layer.scheme_row(dep, scheme)
    parts: list = []
    if "territories" in shown:
        parts.append(html.H3(srow["label"] if srow is not None else labels.SCHEME))
        parts.append(
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(className="swatch", style={"background": r.colour}),
                            f" {r.name}",
                            html.Span(
                                " (non dessiné : périmètre inconnu)" if not r.drawn else "",
                                className="muted",
                            ),
                        ]
                    )
                    for r in table.itertuples(index=False)
                ]
                or [html.Li("Aucun territoire connu pour ce découpage.")],
                className="legend-list",
            )
        )
        status = str(srow["perimeter_status"]) if srow is not None else "unknown"
        parts.append(derivation_details(srow, terr_layer.PERIMETER_LABELS.get(status, status)))
    symbols = [
        ("epci", "line-epci", "EPCI (trait violet ; zone pâle : partie hors département)"),
        ("communes", "line-commune", "Communes (trait gris)"),
        ("sites", "dot-site", "Sites départementaux"),
        ("digital_points", "dot-digital", "Points d'accès numérique"),
    ]
    parts.append(
        html.Ul(
            [
                html.Li([html.Span(className=f"symbol {cls}"), f" {text}"])
                for key, cls, text in symbols
                if key in shown
            ],
            className="legend-list",
        )
    )
    parts.append(
        html.Ul(
            [
                html.Li(
                    [
                        html.Span(className="symbol dot", style={"background": spec["colour"]}),
                        f" {spec['label']}",
                    ]
                )
                for g, spec in PARTNER_GROUPS.items()
                if f"partners:{g}" in shown
            ],
            className="legend-list",
        )
    )
    if "beneficiaries" in shown:
        parts.append(html.P(beneficiaries_layer.caption(dep, state), className="note"))
    parts.append(
        html.P(
            "Points localisés à la commune : position approximative (centre "
            "représentatif de la commune).",
            className="muted",
        )
    )
    return html.Div(parts)


def _territories_table(dep, state) -> html.Table:
    t = terr_layer.listing(dep, state.scheme_id)
    return _table(
        "Territoires",
        ["Territoire", "Communes", "Habitants", "Périmètre"],
        [
            [
                r.name,
                fmt_int(r.n_communes) if r.drawn else "—",
                fmt_int(r.population) if r.drawn else "—",
                terr_layer.PERIMETER_LABELS.get(r.perimeter_status, r.perimeter_status),
            ]
            for r in t.itertuples(index=False)
        ],
    )


def _beneficiaries_table(dep, state) -> html.Table:
    b = beneficiaries_layer.frame(dep, state)
    return _table(
        beneficiaries_layer.caption(dep, state),
        ["Unité", "Effectif", "Pour 1 000 hab.", "Année"],
        [
            [r.name, fmt_count(r.count, dep.secrecy_threshold), fmt_float(r.per_1000), r.year]
            for r in b.itertuples(index=False)
        ],
    )


def _epci_table(dep, state) -> html.Table:
    e = LAYERS["epci"].frame(dep, state)
    return _table(
        "EPCI",
        ["EPCI", "Type", "Communes (dont dans le département)", "Habitants", "Déborde"],
        [
            [
                r.nom,
                r.type,
                f"{r.n_communes} ({r.n_communes_in_dept})",
                fmt_int(r.population),
                "oui" if r.crosses_border else "non",
            ]
            for r in e.itertuples(index=False)
        ],
    )


def _sites_table(dep, state) -> html.Table:
    s = LAYERS["sites"].frame(dep, state)
    names = dep.communes.set_index("code_insee")["nom"]
    return _table(
        "Sites départementaux",
        ["Site", "Commune", "Statut", "Localisation"],
        [
            [
                r.name,
                names.get(r.code_insee, r.code_insee),
                _text(r.status),
                precision_note(r.precision),
            ]
            for r in s.itertuples(index=False)
        ],
    )


def _partners_table(dep, state, shown: set[str]) -> html.Table:
    """Partners of the groups shown (the table is always there, possibly empty)."""
    p = LAYERS["partners"].frame(dep, state)
    p = p[[f"partners:{g}" in shown for g in p["groupe"]]]
    names = dep.communes.set_index("code_insee")["nom"]
    return _table(
        "Partenaires" + (" (filtrés par axe)" if state.axes else ""),
        ["Partenaire", "Type", "Commune", "Axes", "Localisation"],
        [
            [
                r.name,
                r.typologie,
                names.get(r.code_insee, r.code_insee),
                _text(r.axes),
                precision_note(r.precision),
            ]
            for r in p.itertuples(index=False)
        ],
        table_id="table-partners",
    )


def _digital_table(dep, state) -> html.Table:
    d = LAYERS["digital_points"].frame(dep, state)
    return _table(
        "Points d'accès numérique",
        ["Lieu", "Commune", "Dispositifs", "Localisation"],
        [
            [
                r.nom,
                r.commune,
                _text(r.dispositif_programmes_nationaux).replace("|", ", "),
                precision_note(r.precision),
            ]
            for r in d.itertuples(index=False)
        ],
    )


def _communes_table(dep, state) -> html.Details:
    c = LAYERS["communes"].frame(dep, state)
    table = _table(
        f"Communes ({len(c)})",
        ["Code", "Commune", "Habitants", "EPCI", "Territoire"],
        [
            [r.code_insee, r.nom, fmt_int(r.population), _text(r.epci), _text(r.territoire)]
            for r in c.itertuples(index=False)
        ],
    )
    return _collapsed(f"Communes ({len(c)})", table)


#: The tables of the layers, in screen order (partners: see :func:`_partners_table`).
LAYER_TABLES = (
    ("territories", _territories_table),
    ("beneficiaries", _beneficiaries_table),
    ("epci", _epci_table),
    ("sites", _sites_table),
)


def table_view(dep, state, visible: Iterable[str]) -> html.Div:
    """Tables of what the map shows (accessible alternative to the map)."""
    shown = set(visible)
    blocks: list = [table(dep, state) for layer, table in LAYER_TABLES if layer in shown]
    blocks.append(_partners_table(dep, state, shown))
    if "digital_points" in shown:
        blocks.append(_digital_table(dep, state))
    if "communes" in shown:
        blocks.append(_communes_table(dep, state))
    return html.Div(blocks)


def _collapsed(summary: str, content) -> html.Details:
    """A long table folded by default (opened with a click or Enter)."""
    return html.Details([html.Summary(f"{summary} — afficher"), content])


def _table(
    caption: str, header: Sequence[str], rows: Sequence[Sequence], table_id: str | None = None
):
    body = [html.Tr([html.Td(_text(v)) for v in row]) for row in rows]
    if not body:
        body = [html.Tr([html.Td(labels.NO_DATA, colSpan=len(header))])]
    kwargs = {"id": table_id} if table_id else {}
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
            html.Tbody(body),
        ],
        className="data-table",
        **kwargs,
    )


def quality_view(dep) -> html.Div:
    """Rows read / kept / rejected per file, and every problem in French."""
    report = dep.report
    rows = [
        [f.file, f.rows_read, f.rows_kept, f.rows_rejected, len(f.problems)] for f in report.files
    ]
    problems = [html.Li(str(p), className=f"problem-{p.severity}") for p in report.problems]
    return html.Div(
        [
            html.P(report.summary_fr()),
            _table(
                "Lignes lues, gardées et rejetées par fichier",
                ["Fichier", "Lues", "Gardées", "Rejetées", "Remarques"],
                rows,
            ),
            html.H3("Remarques de validation"),
            html.Ul(problems or [html.Li("Aucune remarque : toutes les lignes sont valides.")]),
        ]
    )


def sources_view(dep) -> html.Div:
    """Every source of the package with kind, vintage and licence, plus the geodata."""
    rows = [
        [sid, s["title"], _text(s.get("kind")), _text(s.get("vintage")), _text(s.get("licence"))]
        for sid, s in dep.sources.iterrows()
    ]
    geo = [[k, v] for k, v in dep.geo_meta.items()]
    return html.Div(
        [
            _table(
                "Sources du paquet départemental",
                ["Id", "Source", "Nature", "Millésime", "Licence"],
                rows,
            ),
            _table("Géométries et populations", ["Clé", "Valeur"], geo),
            html.P(labels.SECRECY_NOTE.format(threshold=dep.secrecy_threshold)),
        ]
    )


def failure_view(failure) -> html.Div:
    """French problems of a package that could not be loaded (never a traceback)."""
    return html.Div(
        [
            html.H2(f"Le paquet du département {failure.code} n'a pas pu être chargé"),
            html.Ul([html.Li(str(p)) for p in failure.problems]),
        ],
        className="warning",
    )
