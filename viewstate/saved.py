"""Saved views: named links kept in the browser, stepped through in presentation mode.

A saved view is a plain record ``{"id", "title", "detail", "search", "saved"}`` where
``search`` is the view's query string (:mod:`viewstate.url`, map framing included). The list
lives in the browser's local storage, so it is read back defensively: anything that is not
a well-formed record is dropped by :func:`clean_views`, never trusted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from math import isfinite

from core import terms
from core.formatting import format_short_number_fr
from viewstate.url import UrlView, format_query, parse_framing, parse_query

MAX_VIEWS = 40
MAX_NAME = 80  # a name typed by the user
MAX_TITLE = 300
#: « accès voiture », « accès vélo »: the travel modes as nouns.
MODE_NOUNS = terms.TRAVEL_MODES.nouns()


def clean_views(data) -> list[dict]:
    """The well-formed saved views of a stored list (at most :data:`MAX_VIEWS`)."""
    if not isinstance(data, list):
        return []
    out: list[dict] = []
    seen: set[str] = set()
    for item in data:
        if not isinstance(item, dict):
            continue
        vid, title, search = item.get("id"), item.get("title"), item.get("search")
        if not (isinstance(vid, str) and isinstance(title, str) and isinstance(search, str)):
            continue
        if vid in seen or (search and not search.startswith("?")):
            continue
        seen.add(vid)
        out.append(
            {
                "id": vid,
                "title": title[:MAX_TITLE],
                "detail": str(item.get("detail", "")),
                "search": search,
                "saved": str(item.get("saved", "")),
            }
        )
    return out[:MAX_VIEWS]


def describe(registry, view: UrlView) -> str:
    """« Vendôme — Loir-et-Cher (41) · MDCS 2019-2022 · accès voiture, seuil 30 min »."""
    code = view.code if registry.has(view.code) else None
    if code is None:
        return f"Département {view.code}" if view.code else "Vue"
    dep = registry.get(code).dep
    schemes = dep.schemes.set_index("scheme_id")["label"]
    scheme = view.scheme if view.scheme in schemes.index else dep.default_scheme
    where = f"{dep.name} ({dep.code})"
    if view.selection:
        kind, sel_code = view.selection
        where = f"{dep.unit_name(kind, sel_code, scheme)} — {where}"
    parts = [where]
    if scheme in schemes.index:
        parts.append(str(schemes[scheme]))
    if view.axes:
        parts.append(f"{len(view.axes)} axe{'s' if len(view.axes) > 1 else ''} du plan")
    access = view.access
    if access.enabled:
        text = f"accès {MODE_NOUNS.get(access.mode, access.mode)}, seuil "
        text += f"{format_short_number_fr(access.threshold)} min"
        parts.append(text)
    if access.added or access.removed:
        parts.append(f"scénario +{len(access.added)} / −{len(access.removed)} site(s)")
    return " · ".join(parts)


def new_view(
    registry,
    search: str,
    name: str | None,
    center: dict | None,
    zoom: float | None,
    views: list[dict],
    now: datetime | None = None,
) -> tuple[list[dict], str]:
    """Add the current view (its query and map framing) to ``views``; French message."""
    views = clean_views(views)
    if len(views) >= MAX_VIEWS:
        return views, (f"{MAX_VIEWS} vues déjà enregistrées : supprimez-en une avant d'en ajouter.")
    view, _notes = parse_query(search)
    try:
        lon, lat = float(center["lon"]), float(center["lat"])  # type: ignore[index]
        zoom = float(zoom)  # type: ignore[arg-type]
        framing = (lon, lat, zoom) if all(isfinite(v) for v in (lon, lat, zoom)) else None
    except (TypeError, KeyError, ValueError):
        framing = None
    if framing is not None:  # the same ranges as a link
        framing = parse_framing(",".join(f"{v:.5f}" for v in framing), [])
    scheme = view.scheme
    if scheme is None and registry.has(view.code):
        # Pin the scheme: the package's default may change, the saved view must not.
        scheme = registry.get(view.code).dep.default_scheme
    view = replace(view, scheme=scheme, framing=framing)
    detail = describe(registry, view)
    title = " ".join((name or "").split())[:MAX_NAME] or detail
    now = now or datetime.now()
    taken = {v["id"] for v in views}
    vid = base = f"v{now.strftime('%Y%m%d%H%M%S%f')}"
    n = 1
    while vid in taken:
        n += 1
        vid = f"{base}-{n}"
    record = {
        "id": vid,
        "title": title,
        "detail": detail,
        "search": format_query(view),
        "saved": now.strftime("%d/%m/%Y %H:%M"),
    }
    return [*views, record], f"Vue « {title} » enregistrée ({len(views) + 1} au total)."


def remove_view(views, view_id: str) -> list[dict]:
    """``views`` without the view ``view_id``."""
    return [v for v in clean_views(views) if v["id"] != view_id]


def find_view(views, view_id: str) -> dict | None:
    return next((v for v in clean_views(views) if v["id"] == view_id), None)
