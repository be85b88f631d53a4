"""The page is rendered from the URL once; controls then write their state back to it."""

from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from server import registry
from ui import ids, layout
from viewstate.url import parse_query


@callback(
    Output(ids.PAGE, "children"),
    Output(ids.PAGE, "className"),
    Input(ids.URL, "pathname"),
    State(ids.URL, "search"),
    State(ids.PAGE, "className"),
)
def render_page(_pathname, search, rendered):
    """Draw the page a link asks for (département, scheme, axes, access, scenario)."""
    if rendered == "rendered":  # writing the query back must not redraw the page
        return no_update, no_update
    return page_for(search), "rendered"


def page_for(search: str | None, presentation: dict | None = None):
    """The page a query string describes (unknown département: the default one, said)."""
    view, notes = parse_query(search)
    reg = registry.current()
    if view.code and view.code not in reg.entries:
        notes.append(
            f"Lien : département « {view.code} » non disponible ; "
            f"{registry.default_code()} affiché."
        )
    code = view.code if view.code in reg.entries else registry.default_code()
    return layout.serve_layout(reg, code, view, notes, presentation)
