"""Page layout: controls, map, side panel, tabs. Built for one département at first paint."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from core.access.opening_hours import DAYS_FR
from core.access.params import MODES
from core.plan import actions_for, axe_options
from layers import DEFAULT_VISIBLE, MAP_STYLES, TOGGLES, ViewState, build_figure
from layers.style import PARTNER_GROUPS
from layers.territories import PERIMETER_LABELS
from ui import ids, labels, panels
from viewstate.state import AccessState
from viewstate.url import UrlView


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
        html.Details(
            [
                html.Summary(labels.ACCESS_PARAMS),
                control(
                    labels.ACCESS_SPEED,
                    number_input(
                        ids.ACCESS_SPEED, access.speed_kmh, defaults.speed_kmh, 1, 130, 0.1
                    ),
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
                html.Button(
                    labels.ACCESS_DEFAULTS, id=ids.ACCESS_DEFAULTS, className="link-button"
                ),
                html.P(" ".join(defaults.sources_fr), className="source"),
            ],
            className="params",
        ),
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


def serve_page(registry, view: UrlView, notes=()) -> html.Div:
    """The page a URL asks for (département, scheme, axes, access, scenario)."""
    return serve_layout(registry, view.code or "", view, notes)


def serve_layout(
    registry, code: str, view: UrlView | None = None, notes=(), presentation: dict | None = None
) -> html.Div:
    """The whole page, with the figure of département ``code`` already drawn.

    ``presentation`` ({"state", "header"}) draws the page as a presentation slide (a saved
    view stepped through in presentation mode)."""
    view = view or UrlView()
    if code not in registry.entries:
        code = registry.codes()[0]
    entry = registry.get(code)
    dep, assets = entry.dep, entry.assets
    scheme = view.scheme if view.scheme in set(dep.schemes["scheme_id"]) else dep.default_scheme
    known_axes = {o["value"] for o in axes_dropdown_options(dep)}
    axes = tuple(a for a in view.axes if a in known_axes)
    access = view.access
    visible = (
        DEFAULT_VISIBLE
        if view.layers is None
        else tuple(layer for layer in view.layers if layer in TOGGLES)
    )
    state = ViewState(
        scheme_id=scheme, axes=axes, access=access, beneficiaries_mode=view.benef_mode
    )
    figure = build_figure(dep, assets, state, visible, access=entry.access.view_for(state))
    if view.map_view is not None:
        lon, lat, zoom = view.map_view
        figure["layout"]["map"]["center"] = {"lon": lon, "lat": lat}
        figure["layout"]["map"]["zoom"] = zoom
    selection = (
        {"type": view.selection[0], "code": view.selection[1], "scheme": scheme}
        if view.selection
        else None
    )
    sidebar = html.Aside(
        [
            control(
                labels.DEPARTEMENT,
                dcc.Dropdown(
                    id=ids.DEPARTEMENT,
                    options=registry.options(),
                    value=code,
                    clearable=False,
                    labels=labels.DROPDOWN,
                ),
                ids.DEPARTEMENT,
            ),
            control(
                labels.SCHEME,
                dcc.Dropdown(
                    id=ids.SCHEME,
                    options=scheme_options(dep),
                    value=scheme,
                    clearable=False,
                    labels=labels.DROPDOWN,
                ),
                ids.SCHEME,
            ),
            control(
                labels.AXES,
                html.Div(
                    [
                        dcc.Dropdown(
                            id=ids.AXES,
                            options=axes_dropdown_options(dep),
                            value=list(axes),
                            multi=True,
                            placeholder=labels.AXES_PLACEHOLDER,
                            searchable=True,
                            labels=labels.DROPDOWN,
                        ),
                        html.Button(labels.AXES_CLEAR, id=ids.AXES_CLEAR, className="link-button"),
                    ]
                ),
                ids.AXES,
            ),
            control(
                labels.GOTO,
                dcc.Dropdown(
                    id=ids.GOTO,
                    options=goto_options(dep, scheme),
                    value=None,
                    placeholder=labels.GOTO_PLACEHOLDER,
                    searchable=True,
                    labels=labels.DROPDOWN,
                ),
                ids.GOTO,
            ),
            access_controls(dep, access),
            html.Fieldset(
                [
                    html.Legend(labels.LAYERS),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=[{"label": lab, "value": key} for key, (lab, _) in TOGGLES.items()],
                        value=list(visible),
                        className="checklist",
                    ),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(labels.BENEF),
                    dcc.RadioItems(
                        id=ids.BENEF_MODE,
                        options=[{"label": v, "value": k} for k, v in labels.BENEF_MODES.items()],
                        value=view.benef_mode,
                    ),
                    dcc.Checklist(
                        id=ids.BENEF_ESTIMATE,
                        options=[{"label": labels.BENEF_ESTIMATE, "value": "estimate"}],
                        value=[],
                    ),
                ]
            ),
            radio_fieldset(labels.CLICK_LEVEL, ids.CLICK_LEVEL, labels.CLICK_LEVELS, "territory"),
            radio_fieldset(labels.MAP_STYLE, ids.MAP_STYLE, MAP_STYLES, "white-bg"),
            saved_views_fieldset(presentation),
        ],
        className="sidebar",
        **{"aria-label": "Filtres et couches"},
    )

    map_tab = html.Div(
        [
            html.P(caption_text(dep, state), id=ids.CAPTION, className="caption"),
            html.Div(
                [
                    html.Span(labels.EXPORT, className="field-title"),
                    *(
                        html.Button(text, id=f"export-{kind}", className="link-button")
                        for kind, text in labels.EXPORTS.items()
                    ),
                    html.Span(id=ids.EXPORT_STATUS, **{"aria-live": "polite"}),
                    dcc.Download(id=ids.EXPORT_DOWNLOAD),
                ],
                className="exports-bar",
            ),
            html.Div(
                dcc.Graph(
                    id=ids.MAP,
                    figure=figure,
                    className="map",
                    config={
                        "displaylogo": False,
                        "scrollZoom": True,
                        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                    },
                ),
                role="region",
                **{"aria-label": labels.MAP_ARIA},
            ),
            html.Div(panels.legend(dep, state, visible), id=ids.LEGEND, className="legend"),
            html.Div([html.P(n, className="warning") for n in notes], id=ids.URL_NOTES),
            html.Div(id=ids.ACCESS_MESSAGES, **{"aria-live": "polite"}),
            html.Div(id=ids.ACCESS_FIGURES, className="access-figures"),
            html.Div(id=ids.SUGGEST_OUT, className="access-figures"),
            html.Button(labels.SUGGEST_ADD, id=ids.SUGGEST_ADD, className="button", hidden=True),
        ]
    )
    main = html.Main(
        [
            dcc.Tabs(
                id=ids.TABS,
                value="map",
                children=[
                    dcc.Tab(label=labels.TAB_MAP, value="map", children=map_tab),
                    dcc.Tab(
                        label=labels.TAB_TABLE,
                        value="table",
                        children=html.Div(id=ids.TABLE, className="tables"),
                    ),
                    dcc.Tab(
                        label=labels.TAB_QUALITY,
                        value="quality",
                        children=html.Div(panels.quality_view(dep), id=ids.QUALITY),
                    ),
                    dcc.Tab(
                        label=labels.TAB_SOURCES,
                        value="sources",
                        children=html.Div(panels.sources_view(dep), id=ids.SOURCES),
                    ),
                ],
            ),
        ],
        className="main",
    )
    actions = actions_for(dep, list(axes))
    side = html.Section(
        [
            html.Div(
                [
                    html.Button(
                        "×",
                        id=ids.PANEL_CLOSE,
                        className="close",
                        title=labels.PANEL_CLOSE,
                        **{"aria-label": labels.PANEL_CLOSE},
                    ),
                    html.Div(html.P(labels.PANEL_EMPTY, className="muted"), id=ids.PANEL),
                ],
                className="panel",
                **{"aria-live": "polite"},
            ),
            html.Div(
                [
                    html.H2(
                        [
                            labels.ACTIONS_TITLE,
                            " ",
                            html.Span(f"({len(actions)})", id=ids.ACTIONS_COUNT),
                        ]
                    ),
                    html.Div(panels.action_items(dep, actions), id=ids.ACTIONS),
                ],
                className="actions-block",
            ),
        ],
        className="side",
        **{"aria-label": "Fiche et actions"},
    )
    return html.Div(
        [
            html.Header(
                [
                    html.H1(labels.APP_TITLE),
                    html.Span(labels.APP_SUBTITLE, className="subtitle"),
                    html.Span(plan_title(dep), id=ids.PLAN_TITLE, className="plan-title"),
                    html.Button(labels.PRESENT, id=ids.PRESENT, className="present-button"),
                ]
            ),
            html.Div(
                [
                    html.Div(
                        presentation["header"] if presentation else None,
                        id=ids.PRES_HEADER,
                        className="pres-title",
                        **{"aria-live": "polite"},
                    ),
                    html.Button(labels.PRES_PREV, id=ids.PRES_PREV, className="button"),
                    html.Button(labels.PRES_NEXT, id=ids.PRES_NEXT, className="button"),
                    html.Button(labels.PRES_EXIT, id=ids.PRES_EXIT, className="button"),
                    html.Span(labels.PRES_HELP, className="pres-help"),
                ],
                className="pres-bar",
            ),
            html.Div([sidebar, main, side], className="body"),
            html.Footer(footer_text(dep), id=ids.FOOTER),
            dcc.Store(id=ids.SELECTION, data=selection),
            dcc.Store(
                id=ids.PRES_STATE,
                data=presentation["state"] if presentation else {"on": False, "index": -1},
            ),
            dcc.Store(id=ids.VIEW_CAPTURE, data=None),
            dcc.Store(id=ids.SLOTS, data=figure["layout"]["meta"]),
            dcc.Store(
                id=ids.ACCESS_SCENARIO,
                data={"added": list(access.added), "removed": list(access.removed)},
            ),
            dcc.Store(id=ids.SUGGEST_STORE, data=None),
        ],
        className="app presentation" if presentation else "app",
        id=ids.APP_ROOT,
    )


def saved_views_fieldset(presentation: dict | None = None) -> html.Fieldset:
    """Save the current view (a named link kept in this browser), list the saved views and
    choose what presentation mode steps through."""
    return html.Fieldset(
        [
            html.Legend(labels.VIEWS),
            control(
                labels.VIEW_NAME,
                dcc.Input(id=ids.VIEW_NAME, type="text", maxLength=80, className="view-name"),
                ids.VIEW_NAME,
            ),
            html.Button(labels.SAVE_VIEW, id=ids.SAVE_VIEW, className="button"),
            html.Div(id=ids.VIEWS_STATUS, **{"aria-live": "polite"}),
            html.Div(html.P(labels.VIEWS_EMPTY, className="muted"), id=ids.VIEWS_LIST),
            html.P(labels.VIEWS_NOTE, className="muted small"),
            radio_fieldset(
                labels.PRES_SOURCE,
                ids.PRES_SOURCE,
                labels.PRES_SOURCES,
                (presentation or {}).get("state", {}).get("source", "territories"),
            ),
        ]
    )
