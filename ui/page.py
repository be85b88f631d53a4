"""The page of one département: controls, map, side panel, tabs, drawn from a link.

:func:`department_page` is the one function drawing a page; the URL, a saved view and a
presentation slide all go through it.
"""

from __future__ import annotations

from dash import dcc, html

from core.plan import actions_for
from layers import DEFAULT_VISIBLE, MAP_STYLES, TOGGLES, ViewState, build_figure
from ui import ids, labels, panels
from ui.layout import (
    access_controls,
    axes_dropdown_options,
    caption_text,
    control,
    footer_text,
    goto_options,
    plan_title,
    radio_fieldset,
    scheme_options,
)
from viewstate.url import UrlView, parse_query, view_state_of


def department_page(registry, search: str | None, presentation: dict | None = None) -> html.Div:
    """The page a query string describes (unknown département: the default one, said).

    Parameters
    ----------
    registry
        The app's :class:`server.registry.Registry` (passed in: ui holds no registry).
    search
        The link's query string (``?dep=41&…``).
    presentation
        ``{"state", "header"}`` to draw the page as a presentation slide.
    """
    url, notes = parse_query(search)
    default = registry.default_code()
    if url.code and not registry.has(url.code):
        notes.append(f"Lien : département « {url.code} » non disponible ; {default} affiché.")
    code = url.code if registry.has(url.code) else default
    return serve_layout(registry, code, url, notes, presentation)


def _department_control(registry, code: str) -> html.Div:
    return control(
        labels.DEPARTEMENT,
        dcc.Dropdown(
            id=ids.DEPARTEMENT,
            options=registry.options(),
            value=code,
            clearable=False,
            labels=labels.DROPDOWN,
        ),
        ids.DEPARTEMENT,
    )


def _plan_controls(dep, scheme: str, axes: tuple[str, ...]) -> list[html.Div]:
    """Scheme, axe filter and « Aller à » controls."""
    return [
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
    ]


def _display_controls(visible: tuple[str, ...], beneficiaries_mode: str) -> list[html.Fieldset]:
    """Layers, beneficiaries display, click level and base map."""
    return [
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
                html.Legend(labels.BENEFICIARIES),
                dcc.RadioItems(
                    id=ids.BENEFICIARIES_MODE,
                    options=[
                        {"label": v, "value": k} for k, v in labels.BENEFICIARIES_MODES.items()
                    ],
                    value=beneficiaries_mode,
                ),
                dcc.Checklist(
                    id=ids.BENEFICIARIES_ESTIMATE,
                    options=[{"label": labels.BENEFICIARIES_ESTIMATE, "value": "estimate"}],
                    value=[],
                ),
            ]
        ),
        radio_fieldset(labels.CLICK_LEVEL, ids.CLICK_LEVEL, labels.CLICK_LEVELS, "territory"),
        radio_fieldset(labels.MAP_STYLE, ids.MAP_STYLE, MAP_STYLES, "white-bg"),
    ]


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


def _map_graph(figure: dict) -> html.Div:
    return html.Div(
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
    )


def _map_tab(dep, state: ViewState, visible, figure: dict, notes) -> html.Div:
    """Caption, export bar, map, legend, link notes and access figures."""
    return html.Div(
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
            _map_graph(figure),
            html.Div(panels.legend(dep, state, visible), id=ids.LEGEND, className="legend"),
            html.Div([html.P(n, className="warning") for n in notes], id=ids.URL_NOTES),
            html.Div(id=ids.ACCESS_MESSAGES, **{"aria-live": "polite"}),
            html.Div(id=ids.ACCESS_FIGURES, className="access-figures"),
            html.Div(id=ids.SUGGEST_OUT, className="access-figures"),
            html.Button(labels.SUGGEST_ADD, id=ids.SUGGEST_ADD, className="button", hidden=True),
        ]
    )


def _main(dep, map_tab: html.Div) -> html.Main:
    """The tabs: map, table, data quality, sources."""
    tabs = [
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
    ]
    return html.Main([dcc.Tabs(id=ids.TABS, value="map", children=tabs)], className="main")


def _side(dep, axes: tuple[str, ...]) -> html.Section:
    """The selection's panel and the plan's actions."""
    actions = actions_for(dep, list(axes))
    close = html.Button(
        "×",
        id=ids.PANEL_CLOSE,
        className="close",
        title=labels.PANEL_CLOSE,
        **{"aria-label": labels.PANEL_CLOSE},
    )
    return html.Section(
        [
            html.Div(
                [close, html.Div(html.P(labels.PANEL_EMPTY, className="muted"), id=ids.PANEL)],
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


def _header(dep, presentation: dict | None) -> list[html.Element]:
    """Title bar and presentation bar."""
    return [
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
    ]


def _stores(figure: dict, selection, access, presentation: dict | None) -> list[dcc.Store]:
    """Per-user state of the page (ids and parameters only)."""
    return [
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
    ]


def _figure(entry, state: ViewState, visible, url: UrlView) -> dict:
    """The map figure, framed as the link asks (``carte=``) or on the département."""
    access = entry.access.shown_view(state)
    figure = build_figure(entry.dep, entry.assets, state, visible, access=access)
    if url.framing is not None:
        lon, lat, zoom = url.framing
        figure["layout"]["map"]["center"] = {"lon": lon, "lat": lat}
        figure["layout"]["map"]["zoom"] = zoom
    return figure


def serve_layout(
    registry, code: str, url: UrlView | None = None, notes=(), presentation: dict | None = None
) -> html.Div:
    """The whole page, with the figure of département ``code`` already drawn.

    ``url`` is the view the link asks for (scheme and axes unknown to the package are
    dropped); ``presentation`` ({"state", "header"}) draws the page as a presentation
    slide (a saved view stepped through in presentation mode)."""
    url = url or UrlView()
    if not registry.has(code):
        code = registry.codes()[0]
    entry = registry.get(code)
    dep = entry.dep
    scheme = url.scheme if url.scheme in set(dep.schemes["scheme_id"]) else dep.default_scheme
    known_axes = {o["value"] for o in axes_dropdown_options(dep)}
    axes = tuple(a for a in url.axes if a in known_axes)
    visible = (
        DEFAULT_VISIBLE
        if url.layers is None
        else tuple(layer for layer in url.layers if layer in TOGGLES)
    )
    state = view_state_of(url, scheme, axes)
    figure = _figure(entry, state, visible, url)
    selection = (
        {"type": url.selection[0], "code": url.selection[1], "scheme": scheme}
        if url.selection
        else None
    )
    sidebar = html.Aside(
        [
            _department_control(registry, code),
            *_plan_controls(dep, scheme, axes),
            access_controls(dep, url.access),
            *_display_controls(visible, url.beneficiaries_mode),
            saved_views_fieldset(presentation),
        ],
        className="sidebar",
        **{"aria-label": "Filtres et couches"},
    )
    main = _main(dep, _map_tab(dep, state, visible, figure, notes))
    return html.Div(
        [
            *_header(dep, presentation),
            html.Div([sidebar, main, _side(dep, axes)], className="body"),
            html.Footer(footer_text(dep), id=ids.FOOTER),
            *_stores(figure, selection, url.access, presentation),
        ],
        className="app presentation" if presentation else "app",
        id=ids.APP_ROOT,
    )
