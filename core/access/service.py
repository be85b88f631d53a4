"""Access times of one département package as the app uses them: engines, cache, views.

An :class:`AccessService` owns, for one loaded package, the engines read from its files
(road graph, imported matrix: read lazily, once, under a lock) and a bounded cache of
:class:`AccessComputation` per set of parameters (also under a lock), so that threaded
callbacks share them safely. A scenario (sites added at communes, sites removed) is then an
elementwise minimum / masked argmin on a cached computation: clicking the map answers in
milliseconds.

The service reads access parameters duck-typed (:class:`AccessParams`, e.g.
``viewstate.state.AccessState``) and views duck-typed (:class:`ViewParams`, e.g.
``viewstate.state.ViewState``): ``core`` does not import the floors above it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
import pandas as pd

from core.access.coverage import coverage_by_unit, summary
from core.access.destinations import DestinationSet, commune_places, select_destinations
from core.access.model import ModelInfo
from core.access.package_engines import (
    MATRIX_FILE,
    EngineStatus,
    read_matrix_engine,
    read_road_engine,
)
from core.access.params import AccessParamError
from core.access.scenario import AccessComputation, AccessResult, Scenario
from core.access.straight_line import StraightLineEngine
from core.access.suggest import Candidates, SuggestionResult, suggest_sites
from core.access.unit_figures import (
    SeriesChooser,
    suggestion_weights,
    unit_beneficiaries,
    units_of,
)

#: Computations kept per package (least recently used dropped first).
CACHE_SIZE = 24


class AccessParams(Protocol):
    """What the service reads of an access state (see ``viewstate.state.AccessState``)."""

    enabled: bool
    mode: str
    engine: str
    speed_kmh: float | None
    detour: float | None
    terminal_min: float | None
    threshold: float
    destinations: tuple[str, ...]
    day: int | None
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def has_scenario(self) -> bool: ...


class ViewParams(Protocol):
    """What the service reads of a view (see ``viewstate.state.ViewState``)."""

    @property
    def scheme_id(self) -> str | None: ...

    @property
    def axes(self) -> Sequence[str]: ...

    @property
    def access(self) -> AccessParams: ...


class Computation(NamedTuple):
    """A cached computation (None when the engine cannot run), its destinations and messages."""

    computation: AccessComputation | None
    destinations: DestinationSet
    problems: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class AccessView:
    """Everything the screen shows for one access state."""

    model: ModelInfo | None
    destinations: DestinationSet | None
    before: AccessResult | None
    after: AccessResult | None
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    communes: pd.DataFrame  # code_insee, nom, population, siren_epci

    @property
    def ok(self) -> bool:
        return self.after is not None


def _no_series(dep: Any) -> None:
    return None


class AccessService:
    """Engines and cached access computations of ONE loaded département package.

    Parameters
    ----------
    dep : Department
        The loaded package (read-only once loaded).
    partner_groups : mapping, optional
        Typologies of each partner group (the UI's grouping, see
        :func:`~core.access.destinations.select_destinations`).
    choose_series : callable, optional
        ``dep -> (indicator, year, level) | None``: the beneficiary series of the figures
        and of beneficiary-weighted suggestions (None: population only).
    readers : mapping, optional
        Engine kind (``road``, ``imported``) → ``dep -> EngineStatus``; defaults read the
        package files. Each is called at most once per service.
    cache_size : int
        Computations kept (least recently used dropped first).
    """

    def __init__(
        self,
        dep: Any,
        *,
        partner_groups: Mapping[str, Sequence[str]] | None = None,
        choose_series: SeriesChooser = _no_series,
        readers: Mapping[str, Callable[[Any], EngineStatus]] | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.dep = dep
        self.partner_groups = dict(partner_groups or {})
        self.choose_series = choose_series
        self._readers = dict(readers or {"road": read_road_engine, "imported": read_matrix_engine})
        self._cache_size = cache_size
        self._engines: dict[str, EngineStatus] = {}
        self._engines_lock = threading.Lock()
        self._cache: OrderedDict[tuple, Computation] = OrderedDict()
        self._cache_lock = threading.Lock()

    # ---- engines ---------------------------------------------------------------------

    def engine_status(self, kind: str) -> EngineStatus:
        """(engine or None, problems, notes) of the package's road graph or imported matrix.

        Read from disk once per package (packages are read-only once loaded), not at every
        change of the access parameters; concurrent first calls wait for one read.
        """
        with self._engines_lock:
            if kind not in self._engines:
                self._engines[kind] = self._readers[kind](self.dep)
            return self._engines[kind]

    def _engine(self, access: AccessParams) -> EngineStatus:
        """Engine for the state (None when it cannot run), problems and notes."""
        if access.engine == "straight_line":
            try:
                engine = StraightLineEngine(
                    access.mode, access.speed_kmh, access.detour, access.terminal_min
                )
            except AccessParamError as exc:
                return EngineStatus(None, tuple(str(p) for p in exc.problems), ())
            return EngineStatus(engine, (), ())
        engine, problems, notes = self.engine_status(access.engine)
        if engine is not None and access.engine == "road" and access.mode != "car":
            notes = (
                *notes,
                "Le réseau routier donne des temps en voiture ; le mode choisi est ignoré.",
            )
        return EngineStatus(engine, problems, notes)

    # ---- computations ----------------------------------------------------------------

    def _key(self, scheme: str | None, axes: Sequence[str], access: AccessParams) -> tuple:
        return (
            scheme or self.dep.default_scheme,
            tuple(sorted(axes)),
            access.mode,
            access.engine,
            access.speed_kmh,
            access.detour,
            access.terminal_min,
            tuple(access.destinations),
            access.day,
        )

    def computation(
        self, scheme: str | None, axes: Sequence[str], access: AccessParams
    ) -> Computation:
        """(AccessComputation or None, destinations, problems, notes), cached per parameters.

        Two threads asking for the same new parameters may both compute; the first stored
        result is the one every caller gets.
        """
        key = self._key(scheme, axes, access)
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = self._compute(scheme, axes, access)
        with self._cache_lock:
            value = self._cache.setdefault(key, value)
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    def _compute(
        self, scheme: str | None, axes: Sequence[str], access: AccessParams
    ) -> Computation:
        dests = select_destinations(
            self.dep,
            access.destinations,
            scheme_id=scheme,
            axes=tuple(axes),
            day=access.day,
            partner_groups=self.partner_groups,
        )
        engine, problems, notes = self._engine(access)
        comp = None
        if engine is not None:
            comp = AccessComputation(engine, commune_places(self.dep), dests.places)
        return Computation(comp, dests, problems, notes + dests.notes_fr)

    # ---- views -----------------------------------------------------------------------

    def view(self, scheme: str | None, axes: Sequence[str], access: AccessParams) -> AccessView:
        """Before/after results of the access state (``before`` = no scenario)."""
        dep = self.dep
        communes = dep.communes[["code_insee", "nom", "population", "siren_epci"]]
        comp, dests, problems, notes = self.computation(scheme, axes, access)
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
                f"Les sites hypothétiques ne figurent pas dans {MATRIX_FILE} : ils sont "
                "comptés comme inaccessibles et ne changent aucun temps.",
            )
        before = comp.evaluate(Scenario())
        after = comp.evaluate(Scenario(added=added, removed=removed))
        if not len(dests.places) and not added:
            problems = problems + (
                "Aucun lieu de destination avec ces critères : choisissez d'autres services "
                "ou un autre jour.",
            )
        return AccessView(after.model, dests, before, after, problems, notes, communes)

    def view_for(self, state: ViewParams) -> AccessView:
        """:meth:`view` of a whole view state (its scheme, axes and access state)."""
        return self.view(state.scheme_id, state.axes, state.access)

    def shown_view(self, state: ViewParams) -> AccessView | None:
        """The view the map draws: computed only while the access layer is on (``None``
        otherwise, so a page drawn without access times computes none)."""
        return self.view_for(state) if state.access.enabled else None

    def frame(self, state: ViewParams) -> pd.DataFrame:
        """One row per commune: minutes to the nearest destination, its name, and the gain."""
        v = self.view_for(state)
        out = v.communes.copy()
        if v.after is None or v.before is None or v.model is None:
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

    def figures(self, state: ViewParams) -> dict | None:
        """Figures per territory and EPCI, the département summary and the scenario gain."""
        access = state.access
        v = self.view_for(state)
        if v.after is None or v.before is None:
            return None
        dep = self.dep
        pop = dep.communes.set_index("code_insee")["population"].astype(float)
        codes = dep.communes["code_insee"].astype(str).to_numpy()
        units = units_of(dep, state.scheme_id)
        benef = unit_beneficiaries(dep, state.scheme_id, self.choose_series)
        out: dict[str, Any] = {"view": v, "threshold": access.threshold}
        for level, series in units.items():
            out[level] = coverage_by_unit(
                pd.Series(v.after.minutes, index=codes),
                series,
                pop,
                access.threshold,
                beneficiaries=benef if level == "territory" else None,
                model=v.model,
            )

        def overall(minutes: np.ndarray) -> Any:
            return summary(
                pd.Series(minutes, index=codes),
                units["territory"],
                pop,
                access.threshold,
                beneficiaries=benef,
                model=v.model,
            )

        out["summary"] = overall(v.after.minutes)
        if access.has_scenario:
            out["summary_before"] = overall(v.before.minutes)
        return out

    def suggest(
        self, state: ViewParams, k: int, weight: str
    ) -> tuple[SuggestionResult, str, bool] | None:
        """Greedy k sites among the département's communes, against the current scenario.

        Returns (result, French weights label, whether the weights are estimated), or None
        when the engine cannot run.
        """
        access = state.access
        comp = self.computation(state.scheme_id, state.axes, access).computation
        if comp is None:
            return None
        v = self.view_for(state)
        w, label, estimated = suggestion_weights(self.dep, weight, self.choose_series)
        if v.after is None:
            return None
        communes = self.dep.communes
        candidates = Candidates(
            comp.candidate_minutes(),
            communes["code_insee"].astype(str).to_numpy(),
            communes["nom"].astype(str).to_numpy(),
        )
        result = suggest_sites(
            candidates,
            v.after.minutes,
            w,
            access.threshold,
            k,
            weights_label=label,
            model=v.model,
        )
        return result, label, estimated
