"""French UI text (labels live here, not in logic)."""

APP_TITLE = "Atlas de l'insertion"
APP_SUBTITLE = "Politique départementale d'insertion (RSA, PDI, PTI, PLI) sur la carte"

DEPARTEMENT = "Département"
SCHEME = "Découpage territorial"
AXES = "Axes du plan"
AXES_PLACEHOLDER = "Tous les axes (aucun filtre)"
AXES_CLEAR = "Effacer le filtre"
LAYERS = "Couches"
BENEF = "Bénéficiaires"
BENEF_MODES = {"rate": "Taux pour 1 000 habitants", "count": "Nombre"}
BENEF_ESTIMATE = "Estimer par commune (répartition selon la population)"
CLICK_LEVEL = "Un clic sur la carte ouvre la fiche"
CLICK_LEVELS = {"territory": "du territoire", "epci": "de l'EPCI", "commune": "de la commune"}
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
UNKNOWN_PERIMETER = (
    "Périmètre inconnu : aucune source disponible ici ne donne la liste des communes. "
    "Le territoire est listé mais n'est pas dessiné."
)
OFFLINE_NOTE = "Carte hors ligne : fond blanc et géométries de l'application, aucune tuile."
SECRECY_NOTE = "Les effectifs inférieurs à {threshold} sont masqués (secret statistique)."

DROPDOWN = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionné(s)",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}
