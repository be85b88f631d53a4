"""The page: drawn from the URL once, or from a saved view / slide asking for it; controls
then write their state back to the URL (``callbacks.access.write_url``)."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update

from server import registry
from ui import ids
from ui.page import department_page


@callback(
    output=dict(
        children=Output(ids.PAGE, "children"),
        class_name=Output(ids.PAGE, "className"),
        # Also written by access.write_url (the controls); here only a requested view's link.
        search=Output(ids.URL, "search", allow_duplicate=True),
    ),
    inputs=dict(_pathname=Input(ids.URL, "pathname"), request=Input(ids.PAGE_REQUEST, "data")),
    state=dict(search=State(ids.URL, "search"), rendered=State(ids.PAGE, "className")),
    prevent_initial_call="initial_duplicate",
)
def render_page(_pathname, request, search, rendered):
    """Draw the page a link asks for (département, scheme, axes, access, scenario), or the
    one a saved view or presentation slide requests (``{"search", "presentation"}``)."""
    reg = registry.current()
    if ctx.triggered_id == ids.PAGE_REQUEST and request:
        page = department_page(reg, request["search"], request.get("presentation"))
        return dict(children=page, class_name="rendered", search=request["search"])
    if rendered == "rendered":  # writing the query back must not redraw the page
        return dict(children=no_update, class_name=no_update, search=no_update)
    return dict(children=department_page(reg, search), class_name="rendered", search=no_update)
