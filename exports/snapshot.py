"""The view being exported (:class:`Snapshot`) and everything the exports say about it.

A snapshot is what the screen shows for one département view: the map state, the layer
toggles and the selected unit. Its derived content (key figures, actions, legend, sources,
flags, access model and figures, metadata) is computed once, lazily, and shared by the
PNG, PDF, HTML and data writers so that they all state the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import pandas as pd

from core.access.service import AccessService
from core.key_figures import key_figures
from core.plan import actions_for, node_label
from core.secrecy import SECRECY_NOTE_FR
from exports.access_info import AccessInfo, access_info
from exports.image import MapRenderer
from exports.metadata import metadata_rows, plain_text, snapshot_metadata
from exports.safety import ExportError, check_beneficiary_frame, check_counts, safe_filename
from exports.selection import checked_selection
from layers import DEFAULT_VISIBLE, TOGGLES, ViewState, access_times, build_figure
from layers import beneficiaries as beneficiaries_layer
from layers import territories as terr_layer
from layers.assets import MapAssets
from layers.polygons import line_layer

UNIT_KINDS = ("territory", "epci", "commune", "departement")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
#: Colour and width of the selected unit's outline drawn over the exported map.
SELECTION_LINE = ("#000000", 4.5)
#: Geo metadata keys quoted as the geodata sources, in this order.
GEO_SOURCE_KEYS = (
    ("geometry_upstream", "Géométries"),
    ("admin_express_vintage", "Millésime des géométries"),
    ("cog_source", "Découpage administratif"),
    ("cog_vintage", "Millésime du COG"),
    ("population_source", "Populations"),
    ("population_vintage", "Millésime des populations"),
    ("geometry_licence", "Licence des géométries"),
    ("cog_licence", "Licence du découpage"),
    ("build_date", "Géodonnées construites le"),
)


def date_fr(moment: datetime) -> str:
    """« 3 mars 2026 »."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS_FR[moment.month - 1]} {moment.year}"



@dataclass(frozen=True, eq=False)
class Snapshot:
    """One département view to export.

    Parameters
    ----------
    dep
        A loaded :class:`core.departments.Department`.
    assets
        Its :class:`layers.assets.MapAssets`.
    state
        The map state (scheme, axes, beneficiary mode, access parameters).
    visible
        Layer toggles that are on (ids of :data:`layers.TOGGLES`).
    selection
        The unit whose side panel is open: ``{"type": "territory", "code": "vendome",
        "scheme": "mdcs_2019"}``, ``{"type": "epci", "code": "200030658"}``,
        ``{"type": "commune", "code": "41269"}``, or None for the whole département. A
        place's panel (``sites``, ``partners``, ``digital_points``) exports the département.
    created
        Date and time written in every export (now by default).
    access_service
        The package's :class:`core.access.service.AccessService` (the registry entry's
        ``access``); by default a new one for this snapshot.
    renderer
        The :class:`exports.image.MapRenderer` drawing the map PNG (the app's, or a batch's);
        by default a new one (a one-off browser per render).

    Raises
    ------
    ExportError
        Unknown scheme, layer toggle or selected unit (French message listing the
        available values).
    """

    dep: Any
    assets: MapAssets
    state: ViewState = field(default_factory=ViewState)
    visible: tuple[str, ...] = DEFAULT_VISIBLE
    selection: Mapping[str, Any] | None = None
    created: datetime | None = None
    access_service: AccessService | None = None
    renderer: MapRenderer | None = None

    def __post_init__(self) -> None:
        dep = self.dep
        if self.access_service is None:
            object.__setattr__(self, "access_service", access_times.service_for(dep))
        if self.renderer is None:
            object.__setattr__(self, "renderer", MapRenderer())
        visible = tuple(dict.fromkeys(self.visible))
        unknown = [v for v in visible if v not in TOGGLES]
        if unknown:
            raise ExportError(
                f"Couche(s) inconnue(s) : {', '.join(unknown)}. Couches : {', '.join(TOGGLES)}."
            )
        object.__setattr__(self, "visible", visible)
        if self.created is None:
            object.__setattr__(self, "created", datetime.now().astimezone())
        schemes = list(dep.schemes["scheme_id"])
        scheme = self.state.scheme_id or dep.default_scheme
        if scheme not in schemes:
            raise ExportError(
                f"Découpage « {scheme} » inconnu pour le {dep.code}. "
                f"Découpages disponibles : {', '.join(schemes) or 'aucun'}."
            )
        plan_ids = set(dep.plan["node_id"])
        bad_axes = [a for a in self.state.axes if a not in plan_ids]
        if bad_axes:
            raise ExportError(
                f"Axe(s) inconnu(s) : {', '.join(bad_axes)}. Axes disponibles : "
                f"{', '.join(dep.plan.loc[dep.plan['level'] == dep.axe_level, 'node_id'])}."
            )
        object.__setattr__(self, "selection", checked_selection(dep, self.selection, scheme))


    # ---- identity ---------------------------------------------------------------------

    @cached_property
    def scheme(self) -> str:
        """Scheme shown on the map."""
        return self.state.scheme_id or self.dep.default_scheme

    @cached_property
    def scheme_row(self) -> pd.Series | None:
        return terr_layer.scheme_row(self.dep, self.scheme)

    @cached_property
    def scheme_label(self) -> str:
        return str(self.scheme_row["label"]) if self.scheme_row is not None else self.scheme

    @cached_property
    def unit(self) -> tuple[str, str, str | None]:
        """(kind, code, scheme) of the selected unit; the département when none is."""
        sel = self.selection
        if not sel:
            return "departement", self.dep.code, None
        return sel["type"], sel["code"], sel.get("scheme")

    @cached_property
    def unit_name(self) -> str:
        kind, code, scheme = self.unit
        return self.dep.unit_name(kind, code, scheme)

    @cached_property
    def title(self) -> str:
        """« Vendôme — Loir-et-Cher (41) »."""
        kind = self.unit[0]
        dep = f"{self.dep.name} ({self.dep.code})"
        return dep if kind == "departement" else f"{self.unit_name} — {dep}"

    @cached_property
    def unit_lines(self) -> list[str]:
        """Sub-lines of the selected unit (kind, perimeter status, notes), French."""
        kind, code, scheme = self.unit
        dep = self.dep
        if kind == "territory":
            srow = terr_layer.scheme_row(dep, scheme)
            listing = terr_layer.listing(dep, scheme).set_index("territory_id")
            status = listing["perimeter_status"].get(code, "unknown")
            lines = [f"Territoire du découpage « {srow['label'] if srow is not None else scheme} »"]
            if status == "unknown":
                lines.append(terr_layer.UNKNOWN_PERIMETER_FR)
            else:
                lines.append(
                    terr_layer.PERIMETER_LABELS.get(status, status).capitalize()
                    + (" (voir « Approximations »)." if status == "approximate" else ".")
                )
            t = dep.territories
            row = t[(t["scheme_id"] == scheme) & (t["territory_id"] == code)]
            if not row.empty and plain_text(row["note"].iloc[0]):
                lines.append(plain_text(row["note"].iloc[0]))
            return lines
        if kind == "epci":
            row = dep.epci[dep.epci["siren_epci"] == code].iloc[0]
            lines = [f"EPCI, SIREN {code}"]
            if bool(row["crosses_border"]):
                lines.append(
                    f"Cet EPCI déborde du département : {row['n_communes_in_dept']} de ses "
                    f"{row['n_communes']} communes sont dans le {dep.code}."
                )
            return lines
        if kind == "commune":
            return [f"Commune, code INSEE {code}"]
        return ["Département entier (aucun territoire sélectionné)"]

    @cached_property
    def base_name(self) -> str:
        """File name stem: ``atlas_41_mdcs-2019_vendome_2026-03-12``."""
        kind, code, _ = self.unit
        return safe_filename(
            "atlas",
            self.dep.code,
            self.scheme,
            None if kind == "departement" else code,
            self.created.strftime("%Y-%m-%d"),
        )

    @property
    def date_text(self) -> str:
        """« 12 mars 2026 à 14 h 05 »."""
        return f"{date_fr(self.created)} à {self.created:%H} h {self.created:%M}"

    # ---- side panel -------------------------------------------------------------------

    @cached_property
    def key_figures(self) -> list[dict[str, Any]]:
        """Key figures of the selected unit (secrecy applied, re-checked)."""
        kind, code, scheme = self.unit
        figures = key_figures(self.dep, kind, code, scheme_id=scheme)
        beneficiary_labels = set(self.dep.beneficiaries["label"].dropna().astype(str))
        counts = [
            f["value"]
            for f in figures
            if f.get("unit") == "personnes" and f.get("label") in beneficiary_labels
        ]
        check_counts(counts, self.dep.secrecy_threshold, "les chiffres clés")
        return figures

    @cached_property
    def actions(self) -> pd.DataFrame:
        """Plan actions concerning the selected unit, filtered by the axes."""
        kind, code, scheme = self.unit
        kwargs: dict[str, Any] = {}
        if kind == "territory":
            kwargs = {"scheme_id": scheme, "territory_id": code}
        elif kind == "epci":
            kwargs = {"siren_epci": code}
        elif kind == "commune":
            kwargs = {"code_insee": code}
        return actions_for(self.dep, self.state.axes, **kwargs)

    @cached_property
    def axes_text(self) -> str:
        if not self.state.axes:
            return "tous les axes (aucun filtre)"
        return " ; ".join(node_label(self.dep.plan, a) for a in self.state.axes)

    # ---- legend, sources, flags -------------------------------------------------------

    @cached_property
    def legend(self) -> pd.DataFrame:
        """Territories of the scheme: name, colour, perimeter status and label, drawn."""
        table = terr_layer.listing(self.dep, self.scheme)
        return table.assign(
            perimeter_label=[
                terr_layer.PERIMETER_LABELS.get(s, s) for s in table["perimeter_status"]
            ]
        )

    @cached_property
    def sources(self) -> list[dict[str, str]]:
        """Sources of the package: id, title, kind, vintage, licence, url."""
        out = []
        for sid, s in self.dep.sources.iterrows():
            out.append(
                {
                    "id": str(sid),
                    "titre": plain_text(s.get("title")),
                    "nature": plain_text(s.get("kind")),
                    "millesime": plain_text(s.get("vintage")),
                    "licence": plain_text(s.get("licence")),
                    "url": plain_text(s.get("url")),
                }
            )
        return out

    @cached_property
    def geo_sources(self) -> list[tuple[str, str]]:
        """(label, value) of the geodata sources and vintages (GeoPackage metadata)."""
        meta = self.dep.geo_meta
        return [(label, str(meta[k])) for k, label in GEO_SOURCE_KEYS if meta.get(k)]

    @property
    def secrecy_note(self) -> str:
        return SECRECY_NOTE_FR.format(threshold=self.dep.secrecy_threshold)

    @cached_property
    def flags(self) -> list[str]:
        """Approximations and estimates of what is exported, French sentences."""
        dep = self.dep
        out: list[str] = []
        status = str(self.scheme_row["perimeter_status"]) if self.scheme_row is not None else ""
        if status in ("approximate", "unknown") and "territories" in self.visible:
            out.append(
                f"Découpage « {self.scheme_label} » : "
                f"{terr_layer.PERIMETER_LABELS.get(status, status)}. "
                + plain_text(self.scheme_row["derivation"])
            )
        hidden = self.legend.loc[~self.legend["drawn"], "name"].tolist()
        if hidden:
            out.append(
                "Territoires listés mais non dessinés (périmètre inconnu) : "
                + ", ".join(hidden)
                + "."
            )
        estimated = [f["label"] for f in self.key_figures if f.get("estimated")]
        if estimated:
            out.append("Chiffres clés estimés : " + " ; ".join(estimated) + ".")
        located = []
        for layer, label in (
            ("sites", "sites"),
            ("partners", "partenaires"),
            ("digital_points", "points numériques"),
        ):
            frame = self.layer_frames().get(layer)
            if frame is not None and "precision" in frame.columns:
                n = int((frame["precision"] == "commune").sum())
                if n:
                    located.append(f"{n} {label}")
        if located:
            out.append(
                "Localisés à la commune (position approximative, centre représentatif) : "
                + ", ".join(located)
                + "."
            )
        if "beneficiaries" in self.visible:
            caption = beneficiaries_layer.caption(dep, self.state)
            out.append(f"Bénéficiaires : {caption.rstrip('.')}.")
            frame = self.layer_frames().get("beneficiaries")
            if frame is not None and "method_fr" in frame.columns and len(frame):
                out.append(str(frame["method_fr"].iloc[0]))
        if self.access is not None and self.access.ok and self.access.approximate:
            out.append(f"Temps d'accès : estimation ({self.access.model_text}).")
        return out

    # ---- access -----------------------------------------------------------------------

    @cached_property
    def access(self) -> AccessInfo | None:
        """Model, figures and notes of the access times (None when access is off)."""
        return access_info(self)

    # ---- layers -----------------------------------------------------------------------

    def layer_frames(self) -> dict[str, pd.DataFrame]:
        """The data of every layer shown (same filters as the map), by layer id."""
        return self._layer_frames

    @cached_property
    def _layer_frames(self) -> dict[str, pd.DataFrame]:
        from layers import LAYERS

        dep, state, shown = self.dep, self.state, set(self.visible)
        out: dict[str, pd.DataFrame] = {}
        for layer in ("territories", "epci", "communes", "sites", "digital_points"):
            if layer in shown:
                out[layer] = LAYERS[layer].frame(dep, state)
        groups = [t.split(":", 1)[1] for t in self.visible if t.startswith("partners:")]
        if groups:
            partners = LAYERS["partners"].frame(dep, state)
            out["partners"] = partners[partners["groupe"].isin(groups)]
        if "beneficiaries" in shown:
            frame = LAYERS["beneficiaries"].frame(dep, state)
            check_beneficiary_frame(frame, dep.secrecy_threshold, "la couche Bénéficiaires")
            out["beneficiaries"] = frame
        if state.access.enabled:
            frame = self.access_service.frame(state)
            if "minutes" in frame.columns and frame["minutes"].notna().any():
                out["access"] = frame
        return out

    # ---- map figure -------------------------------------------------------------------

    def figure(self, width: int, height: int) -> dict:
        """The map figure as the screen draws it, fitted to ``width`` × ``height`` pixels,
        with the selected unit outlined in black."""
        from layers import view_for_bounds

        view = self.access_service.shown_view(self.state)
        fig = build_figure(self.dep, self.assets, self.state, self.visible, "white-bg", access=view)
        centre, zoom = view_for_bounds(self.assets.bounds, width, height)
        layout = fig["layout"]
        layout["map"] = {**layout["map"], "center": centre, "zoom": zoom}
        layout.update(width=width, height=height, uirevision=None)
        outline = self.selection_geojson()
        if outline is not None:
            colour, lw = SELECTION_LINE
            layer = line_layer(meta="selection", geojson=outline, colour=colour, width=lw)
            layer.pop("meta")
            layer["below"] = ""
            layer["visible"] = True
            layout["map"]["layers"] = [*layout["map"]["layers"], layer]
        return fig

    def selection_geojson(self) -> dict | None:
        """FeatureCollection of the selected unit's polygon (None for the département)."""
        kind, code, scheme = self.unit
        source = {
            "territory": self.assets.territories.get(scheme or self.scheme),
            "epci": self.assets.epci,
            "commune": self.assets.communes,
        }.get(kind)
        if not source:
            return None
        feats = [f for f in source["features"] if str(f.get("id")) == code]
        return {"type": "FeatureCollection", "features": feats} if feats else None

    @cached_property
    def map_png(self) -> bytes:
        """The map as PNG bytes (drawn once by Chromium, shared by the PNG and the PDF)."""
        from exports.image import MAP_HEIGHT, MAP_SCALE, MAP_WIDTH

        figure = self.figure(MAP_WIDTH, MAP_HEIGHT)
        return self.renderer.png(figure, MAP_WIDTH, MAP_HEIGHT, MAP_SCALE)

    # ---- metadata ---------------------------------------------------------------------

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """Everything an export states about itself (JSON-ready, French keys)."""
        return snapshot_metadata(self)

    def metadata_rows(self) -> list[tuple[str, str]]:
        """The metadata as (French label, text) rows for LISEZMOI.txt and the XLSX sheet."""
        return metadata_rows(self)


def iter_territories(dep, scheme: str | None = None) -> Iterable[tuple[str, str]]:
    """(territory_id, name) of every territory of a scheme, in the package order."""
    scheme = scheme or dep.default_scheme
    t = dep.territories[dep.territories["scheme_id"] == scheme]
    return list(zip(t["territory_id"].astype(str), t["name"].astype(str), strict=True))
