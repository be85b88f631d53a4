"""Export buttons: what the screen shows, as PNG, PDF, offline HTML or data files."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from server import registry
from ui import controls as ctl
from ui import ids
from viewstate.controls import ACCESS_KEYS, view_from_controls

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
    output=dict(
        download=Output(ids.EXPORT_DOWNLOAD, "data"),
        status=Output(ids.EXPORT_STATUS, "children"),
    ),
    inputs=dict(clicks={kind: Input(button, "n_clicks") for button, kind in BUTTONS.items()}),
    state=dict(
        code=State(ids.DEPARTEMENT, "value"),
        selection=State(ids.SELECTION, "data"),
        controls=ctl.states(
            "scheme", "axes", "layers", "beneficiaries_mode", "beneficiaries_estimate", *ACCESS_KEYS
        ),
    ),
    prevent_initial_call=True,
    running=[(Output(ids.EXPORT_STATUS, "children"), "Export en cours…", None)],
)
def export(clicks, code, selection, controls):
    """Build the requested file from the current view and send it to the browser."""
    import exports

    reg = registry.current()
    kind = BUTTONS.get(ctx.triggered_id)
    if kind is None or not reg.has(code):
        return dict(download=no_update, status=no_update)
    entry = reg.get(code)
    state = view_from_controls(controls)
    visible = tuple(controls.get("layers") or ())
    try:
        renderer = registry.renderer()
        renderer.keep_open()  # the first PNG/PDF export starts Chromium, later ones reuse it
        snapshot = exports.Snapshot(
            entry.dep,
            entry.assets,
            state,
            visible,
            selection,
            access_service=entry.access,
            renderer=renderer,
        )
        name, content = export_bytes(snapshot, kind)
    except exports.ExportError as exc:
        return dict(download=no_update, status=html.P(str(exc), className="warning"))
    status = html.P(f"Fichier prêt : {name}", className="muted")
    return dict(download=dcc.send_bytes(content, name), status=status)
