"""The view being exported (:class:`Snapshot`) and everything the exports say about it.

A snapshot is what the screen shows for one département view: the map state, the layer
toggles and the selected unit. Its derived content (key figures, actions, legend, sources,
flags, access model and figures, metadata) is computed once, lazily, and shared by the
PNG, PDF, HTML and data writers so that they all state the same facts.
"""

from __future__ import annotations

import math
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
from exports.safety import ExportError, check_beneficiary_frame, check_counts, safe_filename
from layers import DEFAULT_VISIBLE, TOGGLES, ViewState, access_times, build_figure
from layers import beneficiaries as benef_layer
from layers import territories as terr_layer
from layers.assets import MapAssets
from layers.formatting import fmt_float, fmt_int, is_missing
from layers.geojson import json_safe
from layers.polygons import line_layer

UNIT_KINDS = ("territory", "epci", "commune", "departement")
#: Point selections of the UI (a place's panel): exported as the département view.
POINT_KINDS = ("sites", "partners", "digital_points")
UNIT_TITLES = {
    "territory": "Territoire",
    "epci": "EPCI",
    "commune": "Commune",
    "departement": "Département",
}
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
ACCESS_MODES_FR = {"car": "voiture", "walk": "marche", "bike": "vélo"}
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


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


@dataclass(frozen=True)
class AccessInfo:
    """Access-time model and figures of a snapshot (access switched on)."""

    model_text: str
    approximate: bool
    threshold: float
    mode: str
    engine: str
    params: dict[str, Any]
    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    summary_lines: tuple[str, ...]
    unit_lines: tuple[str, ...]
    notes: tuple[str, ...]
    problems: tuple[str, ...]
    ok: bool
    scenario: str = ""


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

    def __post_init__(self) -> None:
        dep = self.dep
        if self.access_service is None:
            object.__setattr__(self, "access_service", access_times.service_for(dep))
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
        object.__setattr__(self, "selection", self._checked_selection(scheme))

    def _checked_selection(self, scheme: str) -> dict[str, Any] | None:
        sel = self.selection
        if not sel:
            return None
        kind, code = sel.get("type"), str(sel.get("code") or "")
        dep = self.dep
        if kind in ("departement", *POINT_KINDS):
            # A site, partner or digital point has no key figures nor actions of its own:
            # the snapshot is the département's (the point stays on the map).
            return None
        if kind == "territory":
            unit_scheme = sel.get("scheme") or scheme
            table = dep.territories[dep.territories["scheme_id"] == unit_scheme]
            if code not in set(table["territory_id"]):
                raise ExportError(
                    f"Territoire « {code} » inconnu dans le découpage « {unit_scheme} ». "
                    "Territoires disponibles : "
                    + ", ".join(
                        f"{t} ({n})"
                        for t, n in zip(table["territory_id"], table["name"], strict=True)
                    )
                    + "."
                )
            return {"type": kind, "code": code, "scheme": unit_scheme}
        if kind == "epci":
            if code not in set(dep.epci["siren_epci"]):
                raise ExportError(
                    f"EPCI « {code} » inconnu. EPCI disponibles : "
                    + ", ".join(
                        f"{s} ({n})"
                        for s, n in zip(dep.epci["siren_epci"], dep.epci["nom"], strict=True)
                    )
                    + "."
                )
            return {"type": kind, "code": code}
        if kind == "commune":
            if code not in set(dep.communes["code_insee"]):
                raise ExportError(
                    f"Commune « {code} » inconnue dans le {dep.code} (code INSEE attendu)."
                )
            return {"type": kind, "code": code}
        raise ExportError(
            f"Sélection « {kind} » inconnue : territory, epci, commune ou departement."
        )

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
            if not row.empty and _text(row["note"].iloc[0]):
                lines.append(_text(row["note"].iloc[0]))
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
        benef_labels = set(self.dep.beneficiaries["label"].dropna().astype(str))
        counts = [
            f["value"]
            for f in figures
            if f.get("unit") == "personnes" and f.get("label") in benef_labels
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
                    "titre": _text(s.get("title")),
                    "nature": _text(s.get("kind")),
                    "millesime": _text(s.get("vintage")),
                    "licence": _text(s.get("licence")),
                    "url": _text(s.get("url")),
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
                + _text(self.scheme_row["derivation"])
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
            caption = benef_layer.caption(dep, self.state)
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
        a = self.state.access
        if not a.enabled:
            return None
        dep = self.dep
        v = self.access_service.view_for(self.state)
        dests = ()
        if v.destinations is not None:
            dests = tuple(str(n) for n in v.destinations.frame["name"])
        if not v.ok:
            return AccessInfo(
                model_text="",
                approximate=True,
                threshold=a.threshold,
                mode=a.mode,
                engine=a.engine,
                params={},
                sources=(),
                destinations=dests,
                summary_lines=(),
                unit_lines=(),
                notes=tuple(v.notes),
                problems=tuple(v.problems),
                ok=False,
            )
        figs = self.access_service.figures(self.state)
        summary = figs["summary"]
        scenario = ""
        if a.has_scenario:
            from core.access.scenario import Scenario

            names = dict(zip(dep.communes["code_insee"], dep.communes["nom"], strict=True))
            frame = v.destinations.frame
            names.update(zip(frame["dest_id"], frame["name"], strict=True))
            scenario = Scenario(a.added, a.removed).describe_fr(names).removeprefix("Scénario : ")
        check_counts(
            figs["territory"].get("beneficiaries", pd.Series(dtype=float)),
            dep.secrecy_threshold,
            "les temps d'accès par territoire",
        )
        model = v.model
        return AccessInfo(
            model_text=model.text_fr,
            approximate=bool(model.approximate),
            threshold=float(a.threshold),
            mode=a.mode,
            engine=a.engine,
            params={k: json_safe(val) for k, val in model.params.items()},
            sources=tuple(model.sources_fr),
            destinations=dests,
            summary_lines=tuple(summary.lines_fr()),
            unit_lines=tuple(self._access_unit_lines(figs)),
            notes=tuple(v.notes),
            problems=tuple(v.problems),
            ok=True,
            scenario=scenario,
        )

    def _access_unit_lines(self, figs: dict) -> list[str]:
        kind, code, scheme = self.unit
        th = fmt_float(self.state.access.threshold, 0)
        row = None
        if (
            kind == "territory"
            and scheme == self.scheme
            and self.unit_name in figs["territory"].index
        ):
            row = figs["territory"].loc[self.unit_name]
        elif kind == "epci" and self.unit_name in figs["epci"].index:
            row = figs["epci"].loc[self.unit_name]
        elif kind == "commune":
            frame = self.layer_frames().get("access")
            if frame is not None:
                r = frame[frame["code_insee"] == code]
                if not r.empty:
                    m = float(r["minutes"].iloc[0])
                    near = _text(r["nearest"].iloc[0])
                    if not math.isfinite(m):
                        return ["Aucun service atteignable depuis cette commune."]
                    return [f"{fmt_float(m, 0)} min jusqu'au service le plus proche ({near})."]
        if row is None:
            return []

        def minutes(v) -> str:
            return "n.d." if v is None or not math.isfinite(float(v)) else f"{fmt_float(v, 1)} min"

        share = row["share_beyond"]
        lines = [
            f"Temps moyen (pondéré par la population) : {minutes(row['mean_min'])}.",
            f"Temps médian : {minutes(row['median_min'])}.",
            f"Habitants à plus de {th} min : {fmt_int(row['pop_beyond'])}"
            + (
                f" ({fmt_float(100 * float(share), 1)} %)."
                if not is_missing(share) and math.isfinite(float(share))
                else "."
            ),
            f"Communes au-delà du seuil : {fmt_int(row['communes_beyond'])} sur "
            f"{fmt_int(row['communes'])}.",
        ]
        return lines

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

        view = self.access_service.view_for(self.state)
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
        from exports.image import MAP_HEIGHT, MAP_SCALE, MAP_WIDTH, render_png

        return render_png(self.figure(MAP_WIDTH, MAP_HEIGHT), MAP_WIDTH, MAP_HEIGHT, MAP_SCALE)

    # ---- metadata ---------------------------------------------------------------------

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """Everything an export states about itself (JSON-ready, French keys)."""
        dep = self.dep
        kind, code, scheme = self.unit
        srow = self.scheme_row
        meta: dict[str, Any] = {
            "titre": f"Atlas de l'insertion — {self.title}",
            "date": self.created.isoformat(timespec="seconds"),
            "date_texte": self.date_text,
            "departement": {"code": dep.code, "nom": dep.name},
            "decoupage": {
                "id": self.scheme,
                "libelle": self.scheme_label,
                "perimetre": _text(srow["perimeter_status"]) if srow is not None else "",
                "etablissement_du_perimetre": _text(srow["derivation"]) if srow is not None else "",
            },
            "selection": {
                "type": kind,
                "code": code,
                "nom": self.unit_name,
                **({"decoupage": scheme} if scheme else {}),
            },
            "filtres": {
                "axes": list(self.state.axes),
                "axes_libelles": self.axes_text,
                "couches": list(self.visible),
                "beneficiaires": {
                    "mode": self.state.beneficiaries_mode,
                    "estimation_par_commune": self.state.beneficiaries_estimate,
                },
            },
            "plan": _text(dep.plan_info.get("name")),
            "sources": self.sources,
            "geodonnees": dict(dep.geo_meta),
            "secret_statistique": self.secrecy_note,
            "seuil_secret_statistique": int(dep.secrecy_threshold),
            "avertissements": self.flags,
            "crs": "EPSG:4326",
        }
        if self.access is not None:
            a = self.access
            meta["acces"] = {
                "modele": a.model_text,
                "mode": ACCESS_MODES_FR.get(a.mode, a.mode),
                "moteur": a.engine,
                "parametres": a.params,
                "sources_des_parametres": list(a.sources),
                "approximatif": a.approximate,
                "seuil_min": a.threshold,
                "destinations": list(a.destinations),
                "scenario": {
                    "ajouts": list(self.state.access.added),
                    "retraits": list(self.state.access.removed),
                    "texte": a.scenario,
                },
                "chiffres": list(a.summary_lines),
                "notes": list(a.notes),
                "problemes": list(a.problems),
            }
        return meta

    def metadata_rows(self) -> list[tuple[str, str]]:
        """The metadata as (French label, text) rows for LISEZMOI.txt and the XLSX sheet."""
        m = self.metadata
        rows = [
            ("Titre", m["titre"]),
            ("Date de l'export", self.date_text + f" ({m['date']})"),
            ("Département", f"{self.dep.name} ({self.dep.code})"),
            ("Découpage", f"{self.scheme_label} ({self.scheme})"),
            ("Périmètre du découpage", m["decoupage"]["perimetre"]),
            ("Établissement du périmètre", m["decoupage"]["etablissement_du_perimetre"]),
            ("Sélection", f"{UNIT_TITLES[self.unit[0]]} : {self.unit_name}"),
            ("Axes du plan", self.axes_text),
            ("Couches", ", ".join(TOGGLES[v][0] for v in self.visible)),
            ("Plan", m["plan"]),
            ("Secret statistique", self.secrecy_note),
        ]
        for s in self.sources:
            rows.append(
                (
                    f"Source {s['id']}",
                    " ; ".join(
                        x
                        for x in (
                            s["titre"],
                            f"nature : {s['nature']}" if s["nature"] else "",
                            f"millésime : {s['millesime']}" if s["millesime"] else "",
                            f"licence : {s['licence']}" if s["licence"] else "",
                            s["url"],
                        )
                        if x
                    ),
                )
            )
        rows += [(label, value) for label, value in self.geo_sources]
        for flag in self.flags:
            rows.append(("Avertissement", flag))
        if self.access is not None:
            a = self.access
            rows.append(("Temps d'accès : modèle", a.model_text or "non calculé"))
            rows.append(("Temps d'accès : seuil", f"{fmt_float(a.threshold, 0)} min"))
            if a.scenario:
                rows.append(("Temps d'accès : scénario", a.scenario))
            rows += [("Temps d'accès : source des paramètres", s) for s in a.sources]
            rows += [("Temps d'accès : note", n) for n in (*a.notes, *a.problems)]
        rows.append(("Système de coordonnées", "EPSG:4326 (WGS 84, degrés)"))
        return rows


def iter_territories(dep, scheme: str | None = None) -> Iterable[tuple[str, str]]:
    """(territory_id, name) of every territory of a scheme, in the package order."""
    scheme = scheme or dep.default_scheme
    t = dep.territories[dep.territories["scheme_id"] == scheme]
    return list(zip(t["territory_id"].astype(str), t["name"].astype(str), strict=True))
