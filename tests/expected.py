"""Facts about the bundled packages that several test packages check."""

#: Communes of each bundled département (COG 2026).
EXPECTED_COMMUNES = {"03": 317, "41": 267, "45": 325, "47": 319, "71": 563}
