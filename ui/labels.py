"""French UI text (labels live here, not in logic)."""

from core import terms
from core.secrecy import SECRECY_NOTE_FR as SECRECY_NOTE  # noqa: F401  (defined once, in core)
from layers.territories import UNKNOWN_PERIMETER_FR as UNKNOWN_PERIMETER  # noqa: F401

APP_TITLE = "Atlas de l'insertion"
APP_SUBTITLE = "Politique départementale d'insertion (RSA, PDI, PTI, PLI) sur la carte"

DEPARTEMENT = "Département"
SCHEME = "Découpage territorial"
AXES = "Axes du plan"
AXES_PLACEHOLDER = "Tous les axes (aucun filtre)"
AXES_CLEAR = "Effacer le filtre"
LAYERS = "Couches"
BENEFICIARIES = "Bénéficiaires"
BENEFICIARIES_MODES = terms.BENEFICIARY_MODES.labels()
BENEFICIARIES_ESTIMATE = "Estimer par commune (répartition selon la population)"
CLICK_LEVEL = "Un clic sur la carte ouvre la fiche"
CLICK_LEVELS = terms.CLICK_LEVELS.labels()
MAP_STYLE = "Fond de carte"
GOTO = "Aller à un territoire, un EPCI ou une commune"
GOTO_PLACEHOLDER = "Rechercher…"

TAB_MAP = "Carte"
TAB_TABLE = "Tableau"
TAB_QUALITY = "Qualité des données"
TAB_SOURCES = "Sources"

MAP_ARIA = (
    "Carte du département. Au clavier, utilisez « Aller à » pour ouvrir la fiche d'un "
    "territoire et l'onglet Tableau pour lire les données de la carte."
)
PANEL_EMPTY = (
    "Cliquez sur un territoire de la carte, ou choisissez-le dans « Aller à… », "
    "pour afficher ses chiffres clés et les actions du plan qui le concernent."
)
PANEL_CLOSE = "Fermer la fiche"
ACTIONS_TITLE = "Actions du plan"
NO_ACTIONS = "Aucune action du plan ne correspond à ce filtre."
NO_DATA = "aucune donnée"
OFFLINE_NOTE = "Carte hors ligne : fond blanc et géométries de l'application, aucune tuile."

DROPDOWN = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionné(s)",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}

ACCESS = "Temps d'accès au service le plus proche"
ACCESS_ON = "Afficher les temps d'accès"
#: Screen order of the travel modes (Voiture, Vélo, Marche), labels from core.terms.
ACCESS_MODES = {code: terms.TRAVEL_MODES.labels()[code] for code in ("car", "bike", "walk")}
ACCESS_ENGINES = terms.ENGINES.labels()
ACCESS_THRESHOLD = "Seuil (minutes)"
ACCESS_DEST = "Services de destination"
ACCESS_DEST_SITES = "Sites départementaux du découpage (MDS, CMS…)"
ACCESS_DEST_DIGITAL = "Points d'accès numériques (France Services…)"
ACCESS_DAY = "Jour d'ouverture"
ACCESS_ANY_DAY = "Tous les jours"
ACCESS_PARAMS = "Paramètres du modèle"
ACCESS_SPEED = "Vitesse (km/h)"
ACCESS_DETOUR = "Facteur de détour"
ACCESS_TERMINAL = "Temps terminal (min)"
ACCESS_DEFAULTS = "Valeurs par défaut"
ACCESS_SHOW = "Carte"
ACCESS_SHOWS = terms.ACCESS_SHOWS.labels()
ACCESS_SIMULATE = "Simulation : un clic sur une commune ajoute un site, sur un site le retire"
ACCESS_RESET = "Réinitialiser le scénario"
SUGGEST = "Sites suggérés"
SUGGEST_K = "Nombre de sites"
SUGGEST_WEIGHT = "Maximiser"
SUGGEST_WEIGHTS = terms.SUGGESTION_WEIGHTS.labels()
SUGGEST_GO = "Proposer des sites"
SUGGEST_ADD = "Ajouter ces sites au scénario"

PRESENT = "Mode présentation"
PRES_PREV = "◀ Précédent"
PRES_NEXT = "Suivant ▶"
PRES_EXIT = "Quitter (Échap)"
PRES_HELP = "Flèches ← → : diapositive précédente / suivante · Échap : quitter"
PRES_SOURCE = "Le mode présentation parcourt"
PRES_SOURCES = {"territories": "les territoires du découpage", "views": "les vues enregistrées"}
PRES_NO_VIEWS = (
    "Aucune vue enregistrée : quittez (Échap), composez une vue puis « Enregistrer la vue »."
)
VIEWS = "Vues enregistrées"
VIEW_NAME = "Nom de la vue (facultatif)"
SAVE_VIEW = "Enregistrer la vue"
VIEWS_EMPTY = "Aucune vue enregistrée."
VIEWS_NOTE = (
    "Gardées dans ce navigateur : chaque vue est aussi un lien (département, découpage, "
    "axes, couches, sélection, temps d'accès, scénario et cadrage de la carte)."
)
VIEW_OPEN = "Ouvrir"
VIEW_DELETE = "Supprimer"

EXPORT = "Exporter la vue"
EXPORTS = {
    "png": "Carte (PNG)",
    "pdf": "Fiche (PDF)",
    "html": "Carte hors ligne (HTML)",
    "data": "Données (CSV, XLSX, GeoJSON, GPKG)",
}
