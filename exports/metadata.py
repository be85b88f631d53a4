"""What every export states about itself: the snapshot's metadata, as a dict and as rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.terms import TRAVEL_MODES
from layers import TOGGLES
from layers.formatting import fmt_float, is_missing

if TYPE_CHECKING:
    from exports.snapshot import Snapshot

#: Title of each kind of selected unit.
UNIT_TITLES = {
    "territory": "Territoire",
    "epci": "EPCI",
    "commune": "Commune",
    "departement": "Département",
}
#: Travel mode code -> French noun (« voiture », « marche », « vélo »).
ACCESS_MODES_FR = TRAVEL_MODES.nouns()


def plain_text(value: Any) -> str:
    """``value`` as text, empty when missing (None, NaN, NA)."""
    return "" if is_missing(value) else str(value)


def snapshot_metadata(snapshot: Snapshot) -> dict[str, Any]:
    """Everything an export states about itself (JSON-ready, French keys)."""
    dep = snapshot.dep
    kind, code, scheme = snapshot.unit
    srow = snapshot.scheme_row
    meta: dict[str, Any] = {
        "titre": f"Atlas de l'insertion — {snapshot.title}",
        "date": snapshot.created.isoformat(timespec="seconds"),
        "date_texte": snapshot.date_text,
        "departement": {"code": dep.code, "nom": dep.name},
        "decoupage": {
            "id": snapshot.scheme,
            "libelle": snapshot.scheme_label,
            "perimetre": plain_text(srow["perimeter_status"]) if srow is not None else "",
            "etablissement_du_perimetre": (
                plain_text(srow["derivation"]) if srow is not None else ""
            ),
        },
        "selection": {
            "type": kind,
            "code": code,
            "nom": snapshot.unit_name,
            **({"decoupage": scheme} if scheme else {}),
        },
        "filtres": {
            "axes": list(snapshot.state.axes),
            "axes_libelles": snapshot.axes_text,
            "couches": list(snapshot.visible),
            "beneficiaires": {
                "mode": snapshot.state.beneficiaries_mode,
                "estimation_par_commune": snapshot.state.beneficiaries_estimate,
            },
        },
        "plan": plain_text(dep.plan_info.get("name")),
        "sources": snapshot.sources,
        "geodonnees": dict(dep.geo_meta),
        "secret_statistique": snapshot.secrecy_note,
        "seuil_secret_statistique": int(dep.secrecy_threshold),
        "avertissements": snapshot.flags,
        "crs": "EPSG:4326",
    }
    if snapshot.access is not None:
        a = snapshot.access
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
                "ajouts": list(snapshot.state.access.added),
                "retraits": list(snapshot.state.access.removed),
                "texte": a.scenario,
            },
            "chiffres": list(a.summary_lines),
            "notes": list(a.notes),
            "problemes": list(a.problems),
        }
    return meta

def metadata_rows(snapshot: Snapshot) -> list[tuple[str, str]]:
    """The metadata as (French label, text) rows for LISEZMOI.txt and the XLSX sheet."""
    m = snapshot.metadata
    rows = [
        ("Titre", m["titre"]),
        ("Date de l'export", snapshot.date_text + f" ({m['date']})"),
        ("Département", f"{snapshot.dep.name} ({snapshot.dep.code})"),
        ("Découpage", f"{snapshot.scheme_label} ({snapshot.scheme})"),
        ("Périmètre du découpage", m["decoupage"]["perimetre"]),
        ("Établissement du périmètre", m["decoupage"]["etablissement_du_perimetre"]),
        ("Sélection", f"{UNIT_TITLES[snapshot.unit[0]]} : {snapshot.unit_name}"),
        ("Axes du plan", snapshot.axes_text),
        ("Couches", ", ".join(TOGGLES[v][0] for v in snapshot.visible)),
        ("Plan", m["plan"]),
        ("Secret statistique", snapshot.secrecy_note),
    ]
    for s in snapshot.sources:
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
    rows += [(label, value) for label, value in snapshot.geo_sources]
    for flag in snapshot.flags:
        rows.append(("Avertissement", flag))
    if snapshot.access is not None:
        a = snapshot.access
        rows.append(("Temps d'accès : modèle", a.model_text or "non calculé"))
        rows.append(("Temps d'accès : seuil", f"{fmt_float(a.threshold, 0)} min"))
        if a.scenario:
            rows.append(("Temps d'accès : scénario", a.scenario))
        rows += [("Temps d'accès : source des paramètres", s) for s in a.sources]
        rows += [("Temps d'accès : note", n) for n in (*a.notes, *a.problems)]
    rows.append(("Système de coordonnées", "EPSG:4326 (WGS 84, degrés)"))
    return rows
