"""Access-time views beside the map: model, figures per territory and EPCI, what-if, suggestions.

Every view prints the model and its parameters; beneficiary figures go through the
secrecy threshold; estimates and approximations carry their badge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from dash import html

from core.access.destinations import KIND_LABELS_FR
from core.access.scenario import Scenario
from layers import access_times
from layers.formatting import fmt_count, fmt_float, fmt_int
from ui import labels

LEVEL_TITLES = {"territory": "Par territoire", "epci": "Par EPCI"}


def _pct(share) -> str:
    return "n.d." if share is None or not np.isfinite(share) else f"{fmt_float(100 * share, 1)} %"


def _min(value) -> str:
    return access_times.fmt_minutes(value)


def model_block(model, notes=()) -> html.Div:
    """The model sentence, its sources and notes, with the estimate badge."""
    badge = [html.Span("estimation", className="badge badge-estimate")] if model.approximate else []
    return html.Div(
        [
            html.P([html.Strong("Modèle : "), model.text_fr, *badge], className="model"),
            html.Details(
                [
                    html.Summary("Sources des paramètres"),
                    html.Ul([html.Li(s) for s in model.sources_fr]),
                ],
                className="derivation",
            )
            if model.sources_fr
            else None,
            html.Ul([html.Li(n) for n in notes], className="muted") if notes else None,
        ]
    )


def summary_block(summary, before, threshold, scenario_text: str | None) -> html.Dl:
    """Département figures (and their before/after values when a scenario is set)."""

    def pair(now: str, then: str | None) -> str:
        return now if then is None or then == now else f"{then} → {now}"

    now = summary.figures
    then = None if before is None else before.figures

    def both(fmt) -> str:
        return pair(fmt(now), None if then is None else fmt(then))

    rows = [
        (
            f"Habitants à plus de {fmt_float(threshold, 0)} min",
            both(lambda f: f"{fmt_int(f['pop_beyond'])} ({_pct(f['share_beyond'])})"),
        ),
        (
            "Communes au-delà du seuil",
            both(lambda f: f"{fmt_int(f['communes_beyond'])} sur {fmt_int(f['communes'])}"),
        ),
        ("Temps moyen (pondéré par la population)", both(lambda f: _min(f["mean_min"]))),
        ("Temps médian (pondéré par la population)", both(lambda f: _min(f["median_min"]))),
    ]
    if now["pop_unreachable"]:
        rows.append(("Habitants sans service atteignable", fmt_int(now["pop_unreachable"])))
    items = []
    if scenario_text:
        items += [html.Dt("Scénario"), html.Dd(scenario_text)]
    for label, value in rows:
        items += [html.Dt(label), html.Dd(html.Span(value, className="figure-value"))]
    if np.isfinite(summary.beneficiary_mean_min):
        gap = summary.equity_gap_min
        items += [
            html.Dt("Temps moyen pondéré par les bénéficiaires"),
            html.Dd(
                [
                    html.Span(_min(summary.beneficiary_mean_min), className="figure-value"),
                    f"contre {_min(summary.population_mean_min_same_units)} pour la population "
                    f"des mêmes territoires : écart d'équité {'+' if gap >= 0 else ''}"
                    f"{fmt_float(gap, 1)} min",
                    html.Span("estimation", className="badge badge-estimate"),
                    html.P(summary.caveat_fr, className="source"),
                ]
            ),
        ]
    return html.Dl(items, className="figures")


def unit_table(frame: pd.DataFrame, level: str, threshold: float) -> html.Table:
    """Per-unit coverage table (accessible HTML table)."""
    head = [
        "Unité",
        "Communes",
        "Habitants",
        "Moyenne",
        "Médiane",
        f"Habitants > {fmt_float(threshold, 0)} min",
        "Part",
        "Communes au-delà",
    ]
    body = [
        html.Tr(
            [
                html.Td(str(unit)),
                html.Td(fmt_int(r.communes)),
                html.Td(fmt_int(r.population)),
                html.Td(_min(r.mean_min)),
                html.Td(_min(r.median_min)),
                html.Td(fmt_int(r.pop_beyond)),
                html.Td(_pct(r.share_beyond)),
                html.Td(fmt_int(r.communes_beyond)),
            ]
        )
        for unit, r in frame.iterrows()
    ]
    return html.Table(
        [
            html.Caption(f"{LEVEL_TITLES[level]} — temps jusqu'au service le plus proche"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(body),
        ],
        className="data-table",
    )


def scenario_text(dep, access, destinations) -> str | None:
    """« ajout d'un site hypothétique à X ; retrait de Y » with names, or None."""
    if not access.has_scenario:
        return None
    names = dict(zip(dep.communes["code_insee"], dep.communes["nom"], strict=True))
    names.update(zip(destinations["dest_id"], destinations["name"], strict=True))
    text = Scenario(access.added, access.removed).describe_fr(names)
    return text.removeprefix("Scénario : ")


def figures_view(service, state):
    """(figures children, messages children) for the access state (``service``: the
    package's ``AccessService``)."""
    access, dep = state.access, service.dep
    v = service.view_for(state)
    messages = [html.P(p, className="warning") for p in v.problems]
    if not v.ok:
        return None, messages
    figs = service.figures(state)
    dests = v.destinations.frame
    counts = dests["kind"].str.split(":").str[0].value_counts()
    kinds = ", ".join(f"{n} {KIND_LABELS_FR.get(k, k)}" for k, n in counts.items())
    children = [
        html.H3(
            f"{labels.ACCESS} — {labels.ACCESS_MODES[access.mode].lower()}, "
            f"seuil {fmt_float(access.threshold, 0)} min"
        ),
        html.P(f"{len(dests)} destination(s) : {kinds or 'aucune'}.", className="muted"),
        model_block(v.model, v.notes),
        summary_block(
            figs["summary"],
            figs.get("summary_before"),
            access.threshold,
            scenario_text(dep, access, dests),
        ),
    ]
    for level in ("territory", "epci"):
        frame = figs.get(level)
        if frame is not None and len(frame):
            table = unit_table(frame, level, access.threshold)
            children.append(
                table if level == "territory" else html.Details([html.Summary("Par EPCI"), table])
            )
    return children, messages


def _suggestion_rows(suggestions, beneficiaries: bool, amount) -> list[html.Tr]:
    """One row per suggested commune: rank, name, gain, covered, share, mean time."""
    return [
        html.Tr(
            [
                html.Td(str(i + 1)),
                html.Td(s.name),
                html.Td(amount(s.gain)),
                html.Td("—" if beneficiaries else amount(s.covered_after)),
                html.Td(
                    f"{fmt_float(100 * s.share_after, 0)} %"
                    if beneficiaries
                    else _pct(s.share_after)
                ),
                html.Td(f"{fmt_float(s.mean_after, 1)} min"),
            ]
        )
        for i, s in enumerate(suggestions)
    ]


def _suggestion_table(rows: list[html.Tr], label: str) -> html.Table:
    headers = (
        "Rang",
        "Commune",
        f"Gain ({label})",
        "Couverts ensuite",
        "Part couverte",
        "Temps moyen",
    )
    return html.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])), html.Tbody(rows)],
        className="data-table",
    )


def suggestions_view(service, state, k, weight):
    """(children, store) with the k suggested communes and their gains."""
    access, dep = state.access, service.dep
    try:
        k = 3 if k is None or k == "" else int(k)  # 0 is out of range, not « empty »
    except (TypeError, ValueError):
        k = 3
    if not 1 <= k <= 10:
        return html.P("Nombre de sites : choisissez entre 1 et 10.", className="warning"), None
    found = service.suggest(state, k, weight)
    if found is None:
        return (
            html.P(
                "Suggestions indisponibles : le modèle de temps d'accès ne peut pas être "
                "calculé avec ces paramètres.",
                className="warning",
            ),
            None,
        )
    result, label, estimated = found
    beneficiaries = weight == "beneficiaries" and estimated

    def amount(value) -> str:
        return fmt_count(value, dep.secrecy_threshold) if beneficiaries else fmt_int(value)

    rows = _suggestion_rows(result.suggestions, beneficiaries, amount)
    threshold = fmt_float(access.threshold, 0)
    badge = [html.Span("estimation", className="badge badge-estimate")] if estimated else []
    children = [
        html.H3(f"{labels.SUGGEST} — {len(result.suggestions)} site(s)"),
        html.P(
            [
                f"Réseau actuel (scénario compris) : {amount(result.covered_before)} {label} "
                f"à {threshold} min ou moins. Chaque ligne ajoute un site au centre d'une "
                "commune, choisi pour couvrir le plus de personnes encore au-delà du seuil "
                "(méthode gloutonne).",
                *badge,
            ]
        ),
        _suggestion_table(rows, label),
        html.P(
            "Lorsque tout le monde est déjà sous le seuil, les sites suivants sont choisis "
            "pour réduire le temps moyen (gain nul en personnes couvertes).",
            className="muted",
        )
        if any(s.gain == 0 for s in result.suggestions)
        else None,
        html.P(
            "En bénéficiaires, les effectifs couverts ne sont pas affichés et les parts sont "
            "arrondies au point : aucun petit effectif ne peut se déduire par différence.",
            className="muted",
        )
        if beneficiaries
        else None,
        html.P(f"Modèle : {result.model.text_fr}", className="source"),
    ]
    return children, {"ids": [s.id for s in result.suggestions]}


def commune_table(service, state) -> html.Details:
    """Every commune with its minutes and nearest destination (the map as a table)."""
    frame = service.frame(state).sort_values("minutes", ascending=False)
    scenario = "gain" in frame.columns
    head = ["Commune", "Code", "Habitants", "Minutes", "Service le plus proche", "Au-delà"]
    if scenario:
        head += ["Avant scénario", "Gain (min)"]
    rows = []
    for r in frame.itertuples(index=False):
        cells = [
            r.nom,
            r.code_insee,
            fmt_int(r.population),
            _min(r.minutes),
            r.nearest,
            "oui" if r.beyond else "non",
        ]
        if scenario:
            cells += [_min(r.minutes_before), fmt_float(r.gain, 1)]
        rows.append(html.Tr([html.Td(c) for c in cells]))
    return html.Details(
        [
            html.Summary(f"Temps d'accès par commune ({len(frame)})"),
            html.P(f"Modèle : {frame.attrs.get('model', '')}", className="source"),
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                    html.Tbody(rows),
                ],
                className="data-table",
            ),
        ],
        open=True,
    )
