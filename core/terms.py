"""The product's vocabulary, defined once: each term's code, URL value and French labels.

Code (``car``) is what the program uses; ``url`` is the French value a link carries
(``voiture``); ``label`` is the capitalised screen text (« Voiture ») and ``noun`` the
lower-case form used inside a sentence (« en voiture », « accès voiture »).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One value of a closed vocabulary."""

    code: str
    url: str
    label: str
    noun: str


@dataclass(frozen=True)
class Vocabulary:
    """An ordered closed vocabulary (the first term is the default)."""

    terms: tuple[Term, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    @property
    def default(self) -> str:
        return self.terms[0].code

    def labels(self) -> dict[str, str]:
        """``code`` → screen label."""
        return {t.code: t.label for t in self.terms}

    def nouns(self) -> dict[str, str]:
        """``code`` → lower-case French noun."""
        return {t.code: t.noun for t in self.terms}

    def from_url(self) -> dict[str, str]:
        """URL value → ``code``."""
        return {t.url: t.code for t in self.terms}

    def to_url(self) -> dict[str, str]:
        """``code`` → URL value."""
        return {t.code: t.url for t in self.terms}

    def __contains__(self, code: object) -> bool:
        return code in self.codes


TRAVEL_MODES = Vocabulary(
    (
        Term("car", "voiture", "Voiture", "voiture"),
        Term("walk", "marche", "Marche", "marche"),
        Term("bike", "velo", "Vélo", "vélo"),
    )
)
ENGINES = Vocabulary(
    (
        Term("straight_line", "vol", "Vol d'oiseau × détour (estimation)", "vol d'oiseau"),
        Term("road", "route", "Réseau routier OpenStreetMap", "réseau routier"),
        Term("imported", "matrice", "Matrice de temps importée", "matrice importée"),
    )
)
#: What the access map colours: minutes to the nearest place, or the scenario's gain.
ACCESS_SHOWS = Vocabulary(
    (
        Term("minutes", "temps", "Minutes jusqu'au plus proche", "minutes"),
        Term("difference", "ecart", "Gain du scénario (minutes)", "gain du scénario"),
    )
)
#: What site suggestions cover: inhabitants or (estimated) beneficiaries.
SUGGESTION_WEIGHTS = Vocabulary(
    (
        Term("population", "population", "la population", "habitants"),
        Term("beneficiaries", "beneficiaires", "les bénéficiaires (estimation)", "bénéficiaires"),
    )
)
BENEFICIARY_MODES = Vocabulary(
    (
        Term("rate", "taux", "Taux pour 1 000 habitants", "taux"),
        Term("count", "nombre", "Nombre", "nombre"),
    )
)
CLICK_LEVELS = Vocabulary(
    (
        Term("territory", "territoire", "du territoire", "territoire"),
        Term("epci", "epci", "de l'EPCI", "EPCI"),
        Term("commune", "commune", "de la commune", "commune"),
    )
)
#: Days of the week, Monday first (index = ``datetime.weekday()``).
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
