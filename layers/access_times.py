"""Access-time layer: minutes from each commune to the nearest service, and the what-if.

The département matrix (communes × destinations) is computed once per set of parameters
and cached; a scenario (sites added at communes, sites removed) is then an elementwise
minimum / masked argmin on it, so clicking the map answers in milliseconds.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core import access as core_access
from core.access.destinations import DestinationSet, commune_places, select_destinations
from core.indicators import beneficiaries_by_unit, estimate_commune_counts
from layers import style
from layers.beneficiaries import default_series
from layers.formatting import fmt_float, fmt_int
from layers.polygons import EMPTY_FC
from viewstate.state import AccessState

LAYER_ID = "access"
LABEL = "Temps d'accès"
ROAD_GRAPH_FILE = "roads.npz"
MATRIX_FILE = "access_matrix.csv"
#: Rejected rows of an imported matrix detailed on screen (the others are counted).
MAX_MATRIX_MESSAGES = 10
PARTNER_TYPOLOGIES = {g: spec["typologies"] for g, spec in style.PARTNER_GROUPS.items()}
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 24


@dataclass(frozen=True)
class AccessView:
    """Everything the screen shows for one access state."""

    model: core_access.ModelInfo | None
    destinations: DestinationSet | None
    before: core_access.AccessResult | None
    after: core_access.AccessResult | None
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    communes: pd.DataFrame  # code_insee, nom, population, siren_epci

    @property
    def ok(self) -> bool:
        return self.after is not None


def _missing(dep, what: str, todo: str) -> tuple:
    return None, (f"{what} pour {dep.name} : {todo}",), ()


def _road_engine(dep) -> tuple:
    """(RoadEngine or None, problems, notes) from the package's compiled graph."""
    path = Path(dep.path) / ROAD_GRAPH_FILE
    compile_cmd = f"« python scripts/compile_roads.py extrait.osm.pbf --out {path.as_posix()} »"
    if not path.exists():
        return _missing(
            dep,
            "Aucun graphe routier",
            f"compilez un extrait OpenStreetMap avec {compile_cmd} (voir README), ou "
            "choisissez le vol d'oiseau.",
        )
    from core.access.road_engine import RoadEngine
    from core.access.road_graph import RoadGraph, RoadNetworkError

    try:
        return RoadEngine(RoadGraph.load(path)), (), ()
    except RoadNetworkError as exc:
        return None, (" ".join(str(p) for p in exc.problems),), ()
    except ValueError:  # a graph without any node
        return (
            None,
            (
                f"Le graphe routier {ROAD_GRAPH_FILE} de {dep.name} ne contient aucun nœud : "
                f"recompilez-le avec {compile_cmd}, ou choisissez le vol d'oiseau.",
            ),
            (),
        )


def _matrix_engine(dep) -> tuple:
    """(engine or None, problems, notes) from the package's imported time matrix."""
    path = Path(dep.path) / MATRIX_FILE
    if not path.exists():
        return _missing(
            dep,
            "Aucune matrice de temps importée",
            f"déposez un fichier {MATRIX_FILE} (colonnes origine ; destination ; minutes) "
            "dans le paquet.",
        )
    engine, report = core_access.load_time_matrix(
        path,
        file_name=MATRIX_FILE,
        commune_codes=list(dep.communes["code_insee"]),
        destination_ids=package_destination_ids(dep),
    )
    errors = [str(p) for p in report.errors]
    problems = tuple(errors[:MAX_MATRIX_MESSAGES])
    if len(errors) > MAX_MATRIX_MESSAGES:
        problems += (
            f"{MATRIX_FILE} : {len(errors) - MAX_MATRIX_MESSAGES} autre(s) ligne(s) "
            "rejetée(s) non détaillée(s) ici.",
        )
    notes = (
        f"{MATRIX_FILE} : {report.rows_read} lignes lues, {report.rows_kept} retenues, "
        f"{report.rows_rejected} rejetées.",
        *(str(p) for p in report.warnings),
    )
    # Rejected rows stay visible: the matrix is used, their messages are shown.
    return (None if engine is None else _StrippedIds(engine)), problems, notes


_PACKAGE_ENGINES: dict = {}


def package_engine(dep, kind: str) -> tuple:
    """(engine or None, problems, notes) of the package's road graph or imported matrix.

    Read from disk once per package (packages are read-only once loaded), not at every
    change of the access parameters.
    """
    key = (dep, kind)
    if key not in _PACKAGE_ENGINES:
        _PACKAGE_ENGINES[key] = _road_engine(dep) if kind == "road" else _matrix_engine(dep)
    return _PACKAGE_ENGINES[key]


def _engine(dep, access: AccessState):
    """(engine, problems, notes) for the state; engine None when it cannot run."""
    if access.engine == "straight_line":
        try:
            engine = core_access.StraightLineEngine(
                access.mode, access.speed_kmh, access.detour, access.terminal_min
            )
        except core_access.AccessParamError as exc:
            return None, tuple(str(p) for p in exc.problems), ()
        return engine, (), ()
    engine, problems, notes = package_engine(dep, access.engine)
    if engine is not None and access.engine == "road" and access.mode != "car":
        notes = (
            *notes,
            "Le réseau routier donne des temps en voiture ; le mode choisi est ignoré.",
        )
    return engine, problems, notes


def package_destination_ids(dep) -> list[str]:
    """Every place id of the package (sites of all schemes, partners, digital points), so an
    imported matrix is checked against the package, not against the scheme on screen."""
    ids = [*dep.sites["site_id"], *dep.partners["partner_id"], *dep.digital_points["id"]]
    return list(dict.fromkeys(str(i) for i in ids))


class _StrippedIds:
    """Imported matrices name destinations by their own ids, without our kind prefix."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self.model = engine.model

    @staticmethod
    def _strip(places: core_access.Places) -> core_access.Places:
        ids = np.array([str(i).split(":", 1)[-1] for i in places.ids], dtype=object)
        return core_access.Places(ids, places.lon, places.lat, places.names)

    def matrix(self, origins, destinations):
        return self._engine.matrix(origins, self._strip(destinations))

    def nearest(self, origins, destinations):
        return self._engine.nearest(origins, self._strip(destinations))


def _key(dep, scheme: str | None, axes, access: AccessState) -> tuple:
    return (
        dep.code,
        dep,  # the object itself (hashed by identity, kept alive): an id() may be reused
        scheme or dep.default_scheme,
        tuple(sorted(axes)),
        access.mode,
        access.engine,
        access.speed_kmh,
        access.detour,
        access.terminal_min,
        tuple(access.destinations),
        access.day,
    )


def computation(dep, scheme: str | None, axes, access: AccessState):
    """(AccessComputation or None, destinations, problems, notes), cached per parameters."""
    key = _key(dep, scheme, axes, access)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    dests = select_destinations(
        dep,
        access.destinations,
        scheme_id=scheme,
        axes=tuple(axes),
        day=access.day,
        partner_groups=PARTNER_TYPOLOGIES,
    )
    engine, problems, notes = _engine(dep, access)
    comp = None
    if engine is not None:
        comp = core_access.AccessComputation(engine, commune_places(dep), dests.places)
    value = (comp, dests, problems, notes + dests.notes_fr)
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def view(dep, scheme: str | None, axes, access: AccessState) -> AccessView:
    """Before/after results of the access state (``before`` = no scenario)."""
    communes = dep.communes[["code_insee", "nom", "population", "siren_epci"]]
    comp, dests, problems, notes = computation(dep, scheme, axes, access)
    if comp is None:
        return AccessView(None, dests, None, None, problems, notes, communes)
    known = set(dep.communes["code_insee"])
    added = tuple(c for c in access.added if c in known)
    removed = tuple(r for r in access.removed if r in set(dests.places.ids))
    ignored = [c for c in access.added if c not in known]
    if ignored:
        notes = notes + (
            f"Commune(s) inconnue(s) ignorée(s) dans le scénario : {', '.join(ignored)}.",
        )
    if added and access.engine == "imported":
        notes = notes + (
            f"Les sites hypothétiques ne figurent pas dans {MATRIX_FILE} : ils sont comptés "
            "comme inaccessibles et ne changent aucun temps.",
        )
    before = comp.evaluate(core_access.Scenario())
    after = comp.evaluate(core_access.Scenario(added=added, removed=removed))
    if not len(dests.places) and not added:
        problems = problems + (
            "Aucun lieu de destination avec ces critères : choisissez d'autres services "
            "ou un autre jour.",
        )
    return AccessView(after.model, dests, before, after, problems, notes, communes)


def frame(dep, state) -> pd.DataFrame:
    """One row per commune: minutes to the nearest destination, its name, and the gain."""
    v = view(dep, state.scheme_id, state.axes, state.access)
    out = v.communes.copy()
    if not v.ok:
        return out.assign(minutes=np.nan, nearest="", beyond=False)
    threshold = state.access.threshold
    out["minutes"] = np.round(v.after.minutes, 1)
    out["nearest"] = v.after.nearest_name
    out["beyond"] = ~(v.after.minutes <= threshold)
    if state.access.has_scenario:
        out["minutes_before"] = np.round(v.before.minutes, 1)
        out["gain"] = np.round(v.before.minutes - v.after.minutes, 1)
    out.attrs["model"] = v.model.text_fr
    out.attrs["threshold"] = threshold
    return out


def _hover(v: AccessView, access: AccessState) -> list[str]:
    after = v.after
    names = v.communes["nom"].to_numpy()
    out = []
    for i, name in enumerate(names):
        minutes = after.minutes[i]
        if not np.isfinite(minutes):
            line = "aucun service atteignable"
        else:
            line = f"{fmt_float(minutes, 0)} min vers {after.nearest_name[i]}"
            if minutes > access.threshold:
                line += f"<br>au-delà du seuil de {fmt_float(access.threshold, 0)} min"
        if access.has_scenario and np.isfinite(v.before.minutes[i]):
            gain = v.before.minutes[i] - minutes
            line += f"<br>scénario : {fmt_float(gain, 1)} min gagnées"
        out.append(f"<b>{name}</b><br>{line}")
    return out


def _empty_choropleth() -> dict:
    return {
        "type": "choroplethmap",
        "meta": LAYER_ID,
        "name": LABEL,
        "geojson": EMPTY_FC,
        "featureidkey": "id",
        "locations": [],
        "z": [],
        "showscale": False,
        "hoverinfo": "skip",
    }


def choropleth_fields(dep, state) -> dict:
    """The fields of the minutes layer that change with parameters (for ``Patch``)."""
    access = state.access
    v = view(dep, state.scheme_id, state.axes, access)
    if not access.enabled or not v.ok:
        return {"locations": [], "z": [], "text": [], "customdata": [], "showscale": False}
    codes = v.communes["code_insee"].astype(str).tolist()
    minutes = v.after.minutes
    finite = np.isfinite(minutes)
    if access.show == "difference" and access.has_scenario:
        gain = np.where(finite & np.isfinite(v.before.minutes), v.before.minutes - minutes, 0.0)
        z = np.round(gain, 1)
        zmax = max(float(z.max(initial=0.0)), 1.0)
        scale, title = style.ACCESS_GAIN_SCALE, "min gagnées"
    else:
        cap = 2 * access.threshold
        z = np.round(np.where(finite, np.minimum(minutes, cap), cap), 1)
        zmax, scale, title = cap, style.access_scale(), "minutes"
    return {
        "locations": codes,
        "z": z.tolist(),
        "zmin": 0,
        "zmax": zmax,
        "colorscale": scale,
        "showscale": True,
        "colorbar": {
            "title": {"text": title},
            "thickness": 12,
            "len": 0.5,
            "x": 0.99,
            "xanchor": "right",
        },
        "customdata": [["communes", c, None] for c in codes],
        "text": _hover(v, access),
        "hoverinfo": "text",
    }


def _points(meta: str, name: str, colour: str, size: int) -> dict:
    return {
        "type": "scattermap",
        "meta": meta,
        "name": name,
        "mode": "markers",
        "lon": [],
        "lat": [],
        "marker": {"size": size, "color": colour, "opacity": 0.95},
        "customdata": [],
        "text": [],
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }


def points_fields(dep, state) -> list[dict]:
    """Destinations used, hypothetical sites and removed sites (three marker traces)."""
    access = state.access
    v = view(dep, state.scheme_id, state.axes, access)
    empty = {"lon": [], "lat": [], "customdata": [], "text": []}
    if not access.enabled or v.destinations is None:
        return [dict(empty), dict(empty), dict(empty)]
    frame_ = v.destinations.frame
    removed = frame_["dest_id"].isin(access.removed).to_numpy()
    kept, gone = frame_[~removed], frame_[removed]

    def fields(data, layer, note):
        return {
            "lon": data["lon"].round(5).tolist(),
            "lat": data["lat"].round(5).tolist(),
            "customdata": [[layer, i] for i in data["dest_id"]],
            "text": [f"<b>{n}</b><br>{note}" for n in data["name"]],
        }

    c = dep.communes.set_index("code_insee")
    added = [code for code in access.added if code in c.index]
    added_fields = {
        "lon": [round(float(c.at[a, "rep_lon"]), 5) for a in added],
        "lat": [round(float(c.at[a, "rep_lat"]), 5) for a in added],
        "customdata": [["access_added", a] for a in added],
        "text": [
            f"<b>Site hypothétique — {c.at[a, 'nom']}</b><br>placé au centre de la commune"
            for a in added
        ],
    }
    return [
        fields(kept, "access_dest", "destination retenue pour les temps d'accès"),
        added_fields,
        fields(gone, "access_removed", "retiré dans le scénario (cliquer pour rétablir)"),
    ]


def traces(dep, assets, state) -> list[dict]:
    """Minutes choropleth + destination, hypothetical and removed markers (fixed order)."""
    access = state.access
    choro = _empty_choropleth()
    fields = choropleth_fields(dep, state) if access.enabled else {}
    if fields.get("locations"):
        choro.update(fields)
        choro["geojson"] = assets.communes
        choro["marker"] = {"opacity": 0.8, "line": {"width": 0.3, "color": "#ffffff"}}
    markers = [
        _points(f"{LAYER_ID}:destinations", "Destinations", style.ACCESS_DEST_COLOUR, 9),
        _points(f"{LAYER_ID}:added", "Sites hypothétiques", style.ACCESS_ADDED_COLOUR, 16),
        _points(f"{LAYER_ID}:removed", "Sites retirés", style.ACCESS_REMOVED_COLOUR, 14),
    ]
    for trace, fields in zip(markers, points_fields(dep, state), strict=True):
        trace.update(fields)
    return [choro, *markers]


# ---- figures -------------------------------------------------------------------------


def units_of(dep, scheme: str | None) -> dict[str, pd.Series]:
    """Commune → unit maps for the figures: territories of the scheme and EPCI."""
    scheme = scheme or dep.default_scheme
    tc = dep.territory_communes
    terr = tc[tc["scheme_id"] == scheme].drop_duplicates("code_insee")
    names = dep.territories[dep.territories["scheme_id"] == scheme].set_index("territory_id")[
        "name"
    ]
    c = dep.communes.set_index("code_insee")
    epci_names = dep.epci.set_index("siren_epci")["nom"]
    return {
        "territory": terr.set_index("code_insee")["territory_id"].map(names),
        "epci": c["siren_epci"].map(epci_names),
    }


def unit_beneficiaries(dep, scheme: str | None) -> pd.Series | None:
    """Beneficiaries per territory name when the source gives them for this scheme."""
    series = default_series(dep)
    if series is None:
        return None
    indicator, year, level = series
    if level != "territory":
        return None
    data = beneficiaries_by_unit(dep, indicator)
    data = data[(data["year"].astype(str) == year) & (data["level"] == "territory")]
    data = data[data["scheme_id"] == (scheme or dep.default_scheme)]
    if data.empty:
        return None
    return data.set_index("name")["count"]


def figures(dep, state) -> dict | None:
    """Figures per territory and EPCI, the département summary and the scenario gain."""
    access = state.access
    v = view(dep, state.scheme_id, state.axes, access)
    if not v.ok:
        return None
    pop = dep.communes.set_index("code_insee")["population"].astype(float)
    codes = dep.communes["code_insee"].astype(str).to_numpy()
    after = pd.Series(v.after.minutes, index=codes)
    before = pd.Series(v.before.minutes, index=codes)
    units = units_of(dep, state.scheme_id)
    benef = unit_beneficiaries(dep, state.scheme_id)
    out = {"view": v, "threshold": access.threshold}
    for level, series in units.items():
        out[level] = core_access.coverage_by_unit(
            after,
            series,
            pop,
            access.threshold,
            beneficiaries=benef if level == "territory" else None,
            model=v.model,
        )

    def overall(minutes: pd.Series):
        return core_access.summary(
            minutes, units["territory"], pop, access.threshold, beneficiaries=benef, model=v.model
        )

    out["summary"] = overall(after)
    if access.has_scenario:
        out["summary_before"] = overall(before)
    return out


def suggestion_weights(dep, scheme: str | None, weight: str) -> tuple[np.ndarray, str, bool]:
    """Commune weights for suggestions: population, or the labelled beneficiary estimate."""
    pop = dep.communes["population"].astype(float).to_numpy()
    if weight != "beneficiaries":
        return pop, "habitants", False
    series = default_series(dep)
    if series is None:
        return pop, "habitants (aucun effectif de bénéficiaires dans le paquet)", False
    indicator, year, level = series
    if level == "territory":
        est = estimate_commune_counts(dep, indicator, year, apply_secrecy=False)
        if est is not None and not est.empty:
            w = (
                est.set_index("code_insee")["count"]
                .reindex(dep.communes["code_insee"])
                .fillna(0)
                .astype(float)
                .to_numpy()
            )
            return w, "bénéficiaires (estimation par la population)", True
    return pop, "habitants (bénéficiaires connus au seul niveau départemental)", False


def suggest(dep, state, k: int, weight: str):
    """Greedy k sites among the département's communes, against the current scenario."""
    access = state.access
    comp, _dests, _problems, _notes = computation(dep, state.scheme_id, state.axes, access)
    if comp is None:
        return None
    v = view(dep, state.scheme_id, state.axes, access)
    w, label, estimated = suggestion_weights(dep, state.scheme_id, weight)
    cand = comp.candidate_minutes()
    names = dep.communes["nom"].astype(str).to_numpy()
    result = core_access.suggest_sites(
        cand,
        v.after.minutes,
        w,
        access.threshold,
        k,
        candidate_ids=dep.communes["code_insee"].astype(str).to_numpy(),
        candidate_names=names,
        weights_label=label,
        model=v.model,
    )
    return result, label, estimated


__all__ = ["LAYER_ID", "LABEL", "computation", "figures", "frame", "suggest", "traces", "view"]


def fmt_minutes(value) -> str:
    """« 23 min » (« n.d. » when unreachable)."""
    if value is None or not np.isfinite(value):
        return "n.d."
    return f"{fmt_float(value, 0)} min"


def fmt_people(value) -> str:
    return fmt_int(value)
