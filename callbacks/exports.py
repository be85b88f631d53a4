"""Export buttons: what the screen shows, as PNG, PDF, offline HTML or data files."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from callbacks.map_view import ACCESS_INPUTS, access_state, view_state
from server import registry
from ui import ids

BUTTONS = {
    ids.EXPORT_PNG: "png",
    ids.EXPORT_PDF: "pdf",
    ids.EXPORT_HTML: "html",
    ids.EXPORT_DATA: "data",
}


def export_bytes(snapshot, kind: str) -> tuple[str, bytes]:
    """(file name, content) of one export of ``snapshot``; data files come zipped."""
    import exports

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if kind == "data":
            files = exports.write_data(snapshot, folder)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.write(path, path.name)
            return f"{snapshot.base_name}_donnees.zip", buffer.getvalue()
        writer = {"png": exports.write_png, "pdf": exports.write_pdf, "html": exports.write_html}
        path = writer[kind](snapshot, folder)
        return path.name, path.read_bytes()


@callback(
    Output(ids.EXPORT_DOWNLOAD, "data"),
    Output(ids.EXPORT_STATUS, "children"),
    *(Input(button, "n_clicks") for button in BUTTONS),
    State(ids.DEPARTEMENT, "value"),
    State(ids.SCHEME, "value"),
    State(ids.AXES, "value"),
    State(ids.LAYERS, "value"),
    State(ids.BENEF_MODE, "value"),
    State(ids.BENEF_ESTIMATE, "value"),
    State(ids.SELECTION, "data"),
    *(State(i, "value") for i in ACCESS_INPUTS),
    State(ids.ACCESS_SCENARIO, "data"),
    prevent_initial_call=True,
    running=[(Output(ids.EXPORT_STATUS, "children"), "Export en cours…", None)],
)
def export(
    _png, _pdf, _html, _data, code, scheme, axes, visible, benef, estimate, selection, *rest
):
    """Build the requested file from the current view and send it to the browser."""
    import exports

    *access_values, scenario = rest
    reg = registry.current()
    kind = BUTTONS.get(ctx.triggered_id)
    if kind is None or code not in reg.entries:
        return no_update, no_update
    entry = reg.get(code)
    state = view_state(
        scheme, axes, benef, estimate, "territory", access_state(*access_values, scenario)
    )
    try:
        if kind in ("png", "pdf"):
            exports.keep_browser_open()  # the first export starts Chromium, later ones reuse it
        snapshot = exports.Snapshot(
            entry.dep,
            entry.assets,
            state,
            tuple(visible or ()),
            selection,
            access_service=entry.access,
        )
        name, content = export_bytes(snapshot, kind)
    except exports.ExportError as exc:
        return no_update, html.P(str(exc), className="warning")
    return dcc.send_bytes(content, name), html.P(f"Fichier prêt : {name}", className="muted")
