"""Colours, sizes and palettes shared by the map layers (one place to restyle the map)."""

from __future__ import annotations

# Qualitative palette for territories (colour-blind safe, Okabe-Ito + Tol muted, pale fills).
TERRITORY_COLOURS: tuple[str, ...] = (
    "#4E79A7",
    "#F28E2B",
    "#59A14F",
    "#B07AA1",
    "#E15759",
    "#76B7B2",
    "#EDC948",
    "#9C755F",
    "#FF9DA7",
    "#86BCB6",
    "#D37295",
    "#A0CBE8",
)
TERRITORY_FILL_OPACITY = 0.35
TERRITORY_LINE = "#1f2d3d"

COMMUNE_LINE = "#9aa5b1"
EPCI_LINE = "#5b2a86"
EPCI_OUTSIDE_FILL = "rgba(91, 42, 134, 0.10)"
OUTLINE_LINE = "#111111"

# Sequential scale for beneficiaries (light to dark blue-purple).
BENEFICIARIES_SCALE = [[0.0, "#f1eef6"], [0.5, "#8c96c6"], [1.0, "#4d004b"]]

SITE_COLOUR = "#c0392b"
DIGITAL_COLOUR = "#0b7285"
SITE_SIZE = 15
DIGITAL_SIZE = 11
PARTNER_SIZE = 11

# Partner typologies (data·inclusion codes) grouped for the map legend and toggles.
PARTNER_GROUPS: dict[str, dict] = {
    "emploi": {
        "label": "Emploi (France Travail, missions locales, PLIE, MDE, Cap emploi)",
        "colour": "#1f77b4",
        "typologies": ("FT", "PE", "ML", "PLIE", "MDE", "CAP_EMPLOI", "E2C", "EPIDE", "GEIQ"),
    },
    "iae": {
        "label": "Insertion par l'activité économique (ACI, EI, AI, ETTI)",
        "colour": "#2ca02c",
        "typologies": ("ACI", "AI", "EI", "ETTI", "EITI", "SIAE"),
    },
    "social": {
        "label": "Action sociale (CCAS, CIAS, CAF, CPAM, MSA, CHRS)",
        "colour": "#d62728",
        "typologies": ("CCAS", "CIAS", "CAF", "CPAM", "MSA", "CHRS", "CD", "MDS", "CMS"),
    },
    "services": {
        "label": "France Services et accueils de proximité",
        "colour": "#ff7f0e",
        "typologies": ("RFS", "MSAP", "PIMMS", "EPN"),
    },
    "autres": {
        "label": "Autres partenaires (associations, santé, mobilité…)",
        "colour": "#7f7f7f",
        "typologies": (),
    },
}


def partner_group(typologie: str) -> str:
    """Return the legend group of a data·inclusion typology code."""
    code = (typologie or "").strip().upper()
    for group, spec in PARTNER_GROUPS.items():
        if code in spec["typologies"]:
            return group
    return "autres"


def territory_colour(index: int) -> str:
    """Colour of the index-th territory of a scheme (cycles through the palette)."""
    return TERRITORY_COLOURS[index % len(TERRITORY_COLOURS)]


def access_scale() -> list:
    """Minutes scale split at the threshold (middle): blues within it, oranges beyond."""
    return [
        [0.0, "#f7fbff"],
        [0.5, "#4a90c8"],
        [0.5, "#fdae6b"],
        [1.0, "#7f2704"],
    ]


ACCESS_GAIN_SCALE = [[0.0, "#f7fcf5"], [1.0, "#00692e"]]
ACCESS_DEST_COLOUR = "#1b1f24"
ACCESS_ADDED_COLOUR = "#e8590c"
ACCESS_REMOVED_COLOUR = "#adb5bd"
