"""Controls and their helpers shared by the page: options, captions, access controls."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from core.access.params import MODES
from core.plan import axe_options
from core.terms import DAYS_FR
from layers import ViewState
from layers.style import PARTNER_GROUPS
from layers.territories import PERIMETER_LABELS
from ui import ids, labels
from viewstate.state import AccessState


def scheme_options(dep) -> list[dict]:
    """Scheme selector options, the perimeter status in the label."""
    status = {"official": "officiel", "approximate": "approximatif", "unknown": "inconnu"}
    return [
        {
            "label": f"{r.label} — périmètre {status.get(r.perimeter_status, r.perimeter_status)}",
            "value": r.scheme_id,
        }
        for r in dep.schemes.itertuples(index=False)
    ]


def axes_dropdown_options(dep) -> list[dict]:
    """Axe filter options « Orientation › Axe »."""
    out = []
    for opt in axe_options(dep):
        group = opt.get("group_label")
        out.append(
            {
                "label": f"{group} › {opt['label']}" if group else opt["label"],
                "value": opt["node_id"],
            }
        )
    return out


def goto_options(dep, scheme_id: str | None) -> list[dict]:
    """Everything a user can jump to from the keyboard: territories, EPCI, communes."""
    scheme = scheme_id or dep.default_scheme
    terr = dep.territories[dep.territories["scheme_id"] == scheme]
    opts = [
        {"label": f"Territoire : {r.name}", "value": f"territory|{r.territory_id}|{scheme}"}
        for r in terr.itertuples(index=False)
    ]
    opts += [
        {"label": f"EPCI : {r.nom}", "value": f"epci|{r.siren_epci}|"}
        for r in dep.epci.sort_values("nom").itertuples(index=False)
    ]
    opts += [
        {"label": f"Commune : {r.nom} ({r.code_insee})", "value": f"commune|{r.code_insee}|"}
        for r in dep.communes.sort_values("nom").itertuples(index=False)
    ]
    return opts


def app_shell() -> html.Div:
    """Top-level layout: the URL and the page rendered from it (see ``callbacks.page``)."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SAVED_VIEWS, storage_type="local"),
            dcc.Store(id=ids.PAGE_REQUEST, data=None),
            html.Div(id=ids.PAGE, children=html.P("Chargement de l'atlas…", className="muted")),
        ]
    )


def plan_title(dep) -> str:
    info = dep.plan_info
    return f"{dep.name} ({dep.code}) — {info.get('name', '')}"


def footer_text(dep) -> str:
    geo = dep.geo_meta
    return (
        f"Géométries : {geo.get('communes_source', 'IGN ADMIN EXPRESS-COG')} ; "
        f"communes, EPCI et populations : {geo.get('cog_source', 'COG 2026')}. "
        f"Plan : {dep.plan_info.get('short_name', dep.plan_info.get('name', ''))}. "
        f"{labels.OFFLINE_NOTE} {labels.SECRECY_NOTE.format(threshold=dep.secrecy_threshold)}"
    )


def caption_text(dep, state: ViewState) -> str:
    """One line above the map: scheme and how its perimeter is known."""
    scheme = state.scheme_id or dep.default_scheme
    rows = dep.schemes[dep.schemes["scheme_id"] == scheme]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    status = PERIMETER_LABELS.get(row["perimeter_status"], "")
    n_territories = int((dep.territories["scheme_id"] == scheme).sum())
    return (
        f"{dep.name} — {row['label']} ({status}) · {n_territories} territoires · "
        f"{len(dep.communes)} communes · {len(dep.epci)} EPCI"
    )


def radio_fieldset(legend: str, component_id: str, choices: dict, value: str) -> html.Fieldset:
    """A labelled group of radio buttons (keyboard: arrows move between choices)."""
    return html.Fieldset(
        [
            html.Legend(legend),
            dcc.RadioItems(
                id=component_id,
                options=[{"label": v, "value": k} for k, v in choices.items()],
                value=value,
            ),
        ]
    )


def control(label: str, component, html_for: str | None = None) -> html.Div:
    return html.Div([html.Label(label, htmlFor=html_for), component], className="control")


def destination_options(dep) -> list[dict]:
    """Destination kinds offered for access times (partner groups present in the data)."""
    opts = [
        {"label": labels.ACCESS_DEST_SITES, "value": "sites"},
        {"label": labels.ACCESS_DEST_DIGITAL, "value": "digital"},
    ]
    present = set(dep.partners["typologie"]) if len(dep.partners) else set()
    for group, spec in PARTNER_GROUPS.items():
        if group == "autres" or present & set(spec["typologies"]):
            opts.append({"label": f"Partenaires : {spec['label']}", "value": f"partners:{group}"})
    return opts


def engine_options(dep) -> list[dict]:
    """Travel-time engines; the road graph and imported matrix only when the package has them."""
    from core.access.package_engines import MATRIX_FILE, ROAD_GRAPH_FILE

    have = {
        "straight_line": True,
        "road": (Path(dep.path) / ROAD_GRAPH_FILE).exists(),
        "imported": (Path(dep.path) / MATRIX_FILE).exists(),
    }
    missing = {"road": "aucun graphe compilé", "imported": "aucune matrice dans le paquet"}
    return [
        {
            "label": label if have[key] else f"{label} ({missing[key]})",
            "value": key,
            "disabled": not have[key],
        }
        for key, label in labels.ACCESS_ENGINES.items()
    ]


def number_input(component_id: str, value, placeholder, low, high, step) -> dcc.Input:
    return dcc.Input(
        id=component_id,
        type="number",
        value=value,
        placeholder=placeholder,
        min=low,
        max=high,
        step=step,
        debounce=True,
        className="number",
    )


def access_controls(dep, access: AccessState) -> html.Fieldset:
    """Access-time controls: mode, engine, threshold, destinations, day, parameters, what-if."""
    defaults = MODES[access.mode]
    day_options = [{"label": labels.ACCESS_ANY_DAY, "value": "any"}] + [
        {"label": d.capitalize(), "value": str(i)} for i, d in enumerate(DAYS_FR)
    ]
    return html.Fieldset(
        [
            html.Legend(labels.ACCESS),
            dcc.Checklist(
                id=ids.ACCESS_ON,
                options=[{"label": labels.ACCESS_ON, "value": "on"}],
                value=["on"] if access.enabled else [],
            ),
            html.Div(
                access_details(dep, access, defaults, day_options),
                id=ids.ACCESS_DETAILS,
                hidden=not access.enabled,
                className="access",
            ),
        ],
        className="access",
    )


def access_details(dep, access: AccessState, defaults, day_options) -> list:
    """The access controls shown once the layer is switched on."""
    return [
        dcc.RadioItems(
            id=ids.ACCESS_MODE,
            options=[{"label": v, "value": k} for k, v in labels.ACCESS_MODES.items()],
            value=access.mode,
            inline=True,
        ),
        dcc.RadioItems(
            id=ids.ACCESS_ENGINE,
            options=engine_options(dep),
            value=access.engine,
        ),
        control(
            labels.ACCESS_THRESHOLD,
            number_input(ids.ACCESS_THRESHOLD, access.threshold, 30, 1, 240, 1),
            ids.ACCESS_THRESHOLD,
        ),
        html.Div(labels.ACCESS_DEST, className="field-title"),
        dcc.Checklist(
            id=ids.ACCESS_DEST,
            options=destination_options(dep),
            value=list(access.destinations),
            className="checklist",
        ),
        control(
            labels.ACCESS_DAY,
            dcc.Dropdown(
                id=ids.ACCESS_DAY,
                options=day_options,
                value="any" if access.day is None else str(access.day),
                clearable=False,
                searchable=False,
                labels=labels.DROPDOWN,
            ),
            ids.ACCESS_DAY,
        ),
        model_params(access, defaults),
        dcc.RadioItems(
            id=ids.ACCESS_SHOW,
            options=[{"label": v, "value": k} for k, v in labels.ACCESS_SHOWS.items()],
            value=access.show,
        ),
        dcc.Checklist(
            id=ids.ACCESS_SIMULATE,
            options=[{"label": labels.ACCESS_SIMULATE, "value": "on"}],
            value=[],
        ),
        html.Button(labels.ACCESS_RESET, id=ids.ACCESS_RESET, className="link-button"),
        *suggest_controls(),
    ]


def model_params(access: AccessState, defaults) -> html.Details:
    """The straight-line model's parameters, empty = the mode's sourced defaults."""
    return html.Details(
        [
            html.Summary(labels.ACCESS_PARAMS),
            control(
                labels.ACCESS_SPEED,
                number_input(ids.ACCESS_SPEED, access.speed_kmh, defaults.speed_kmh, 1, 130, 0.1),
                ids.ACCESS_SPEED,
            ),
            control(
                labels.ACCESS_DETOUR,
                number_input(ids.ACCESS_DETOUR, access.detour, defaults.detour, 1, 3, 0.001),
                ids.ACCESS_DETOUR,
            ),
            control(
                labels.ACCESS_TERMINAL,
                number_input(
                    ids.ACCESS_TERMINAL,
                    access.terminal_min,
                    defaults.terminal_min,
                    0,
                    60,
                    0.5,
                ),
                ids.ACCESS_TERMINAL,
            ),
            html.Button(labels.ACCESS_DEFAULTS, id=ids.ACCESS_DEFAULTS, className="link-button"),
            html.P(" ".join(defaults.sources_fr), className="source"),
        ],
        className="params",
    )


def suggest_controls() -> list:
    """« Sites suggérés »: how many sites, what to maximise, the button."""
    return [
        html.Div(labels.SUGGEST, className="field-title"),
        html.Div(
            [
                control(
                    labels.SUGGEST_K, number_input(ids.SUGGEST_K, 3, 3, 1, 10, 1), ids.SUGGEST_K
                ),
                dcc.RadioItems(
                    id=ids.SUGGEST_WEIGHT,
                    options=[
                        {"label": f"{labels.SUGGEST_WEIGHT} {v}", "value": k}
                        for k, v in labels.SUGGEST_WEIGHTS.items()
                    ],
                    value="population",
                ),
                html.Button(labels.SUGGEST_GO, id=ids.SUGGEST_GO, className="button"),
            ],
            className="suggest",
        ),
    ]
