"""Page layout: controls, map, side panel, tabs. Built for one département at first paint."""

from __future__ import annotations

from dash import dcc, html

import ids
import labels
import panels
from core.filters import actions_for, axe_options
from layers import DEFAULT_VISIBLE, MAP_STYLES, TOGGLES, ViewState, build_figure
from layers.territories import PERIMETER_LABELS


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


def serve_layout(registry, code: str) -> html.Div:
    """The whole page, with the figure of département ``code`` already drawn."""
    if code not in registry.entries:
        code = registry.codes()[0]
    entry = registry.get(code)
    dep, assets = entry.dep, entry.assets
    state = ViewState(scheme_id=dep.default_scheme)
    figure = build_figure(dep, assets, state, DEFAULT_VISIBLE)
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
                    value=dep.default_scheme,
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
                            value=[],
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
                    options=goto_options(dep, dep.default_scheme),
                    value=None,
                    placeholder=labels.GOTO_PLACEHOLDER,
                    searchable=True,
                    labels=labels.DROPDOWN,
                ),
                ids.GOTO,
            ),
            html.Fieldset(
                [
                    html.Legend(labels.LAYERS),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=[{"label": lab, "value": key} for key, (lab, _) in TOGGLES.items()],
                        value=list(DEFAULT_VISIBLE),
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
                        value="rate",
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
        ],
        className="sidebar",
        **{"aria-label": "Filtres et couches"},
    )

    map_tab = html.Div(
        [
            html.P(caption_text(dep, state), id=ids.CAPTION, className="caption"),
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
            html.Div(panels.legend(dep, state, DEFAULT_VISIBLE), id=ids.LEGEND, className="legend"),
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
    actions = actions_for(dep, [])
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
                ]
            ),
            html.Div([sidebar, main, side], className="body"),
            html.Footer(footer_text(dep), id=ids.FOOTER),
            dcc.Store(id=ids.SELECTION, data=None),
            dcc.Store(id=ids.SLOTS, data=figure["layout"]["meta"]),
        ],
        className="app",
    )
