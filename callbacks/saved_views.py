"""Saved views: « Enregistrer la vue » keeps the current link and map framing in this
browser; the list opens or deletes them; presentation mode can step through them."""

from __future__ import annotations

from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, html, no_update

from server import registry
from ui import ids, labels
from viewstate.saved import clean_views, find_view, new_view, remove_view

# The map framing is only known in the browser: read it when the button is pressed.
clientside_callback(
    """
    function (n, name) {
        if (!n) { return window.dash_clientside.no_update; }
        var center = null, zoom = null;
        var graph = document.querySelector("#map .js-plotly-plot");
        try {
            var m = graph._fullLayout.map._subplot.map;
            var c = m.getCenter();
            center = {lon: c.lng, lat: c.lat};
            zoom = m.getZoom();
        } catch (e) {
            try {  /* map not drawn yet: the framing it is about to draw */
                center = graph.layout.map.center; zoom = graph.layout.map.zoom;
            } catch (e2) { /* no figure: saved without its framing */ }
        }
        return {search: window.location.search, name: name || "", center: center,
                zoom: zoom, n: n};
    }
    """,
    Output(ids.VIEW_CAPTURE, "data"),
    Input(ids.SAVE_VIEW, "n_clicks"),
    State(ids.VIEW_NAME, "value"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.SAVED_VIEWS, "data"),
    Output(ids.VIEW_NAME, "value"),
    Output(ids.VIEWS_STATUS, "children"),
    Input(ids.VIEW_CAPTURE, "data"),
    State(ids.SAVED_VIEWS, "data"),
    prevent_initial_call=True,
)
def save_view(capture, saved):
    """Add the captured view to the saved list."""
    if not isinstance(capture, dict):
        return no_update, no_update, no_update
    views, message = new_view(
        registry.current(),
        str(capture.get("search") or ""),
        capture.get("name"),
        capture.get("center"),
        capture.get("zoom"),
        saved,
    )
    return views, "", html.P(message, className="muted")


@callback(
    Output(ids.VIEWS_LIST, "children"),
    Input(ids.SAVED_VIEWS, "data"),
    Input(ids.VIEW_NAME, "id"),  # a page is drawn: list what this browser kept
)
def list_views(saved, _drawn):
    """One line per saved view: title, what it shows, open / delete, its link."""
    views = clean_views(saved)
    if not views:
        return html.P(labels.VIEWS_EMPTY, className="muted")
    return html.Ol(
        [
            html.Li(
                [
                    html.Div(v["title"], className="view-title"),
                    html.Div(
                        " · ".join(
                            [v["detail"]] * (v["detail"] != v["title"])
                            + [f"enregistrée le {v['saved']}"] * bool(v["saved"])
                        ),
                        className="muted small",
                    ),
                    html.Button(
                        labels.VIEW_OPEN,
                        id={"type": ids.VIEW_OPEN, "index": v["id"]},
                        className="link-button",
                    ),
                    html.Button(
                        labels.VIEW_DELETE,
                        id={"type": ids.VIEW_DELETE, "index": v["id"]},
                        className="link-button",
                        title=f"Supprimer « {v['title']} »",
                    ),
                    html.A("Lien", href=v["search"] or "?", className="view-link"),
                ],
                className="saved-view",
            )
            for v in views
        ],
        className="saved-views",
    )


def _clicked(clicks) -> str | None:
    """Id of the saved view whose button was pressed (None when the list was just drawn)."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return None
    return ctx.triggered_id["index"]


@callback(
    # Also written by save_view (a view added).
    Output(ids.SAVED_VIEWS, "data", allow_duplicate=True),
    Input({"type": ids.VIEW_DELETE, "index": ALL}, "n_clicks"),
    State(ids.SAVED_VIEWS, "data"),
    prevent_initial_call=True,
)
def delete_view(clicks, saved):
    """Forget one saved view."""
    view_id = _clicked(clicks)
    return no_update if view_id is None else remove_view(saved, view_id)


@callback(
    # Also written by presentation.present (a saved view stepped through as a slide).
    Output(ids.PAGE_REQUEST, "data"),
    Input({"type": ids.VIEW_OPEN, "index": ALL}, "n_clicks"),
    State(ids.SAVED_VIEWS, "data"),
    prevent_initial_call=True,
)
def open_view(clicks, saved):
    """Ask for the page of a saved view (with its map framing; ``callbacks.page`` draws it
    and puts its link in the bar)."""
    view_id = _clicked(clicks)
    view = None if view_id is None else find_view(saved, view_id)
    if view is None:
        return no_update
    return {"search": view["search"], "presentation": None}
