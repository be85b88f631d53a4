"""The declared file contracts."""

from __future__ import annotations

from core.package.file_contracts import SCHEMAS


def test_every_schema_has_source_columns_and_known_key() -> None:
    for schema in SCHEMAS.values():
        names = schema.column_names
        assert schema.source_column in names and "source_ref" in names, schema.name
        assert set(schema.key) <= set(names), schema.name
        assert len(set(names)) == len(names), schema.name
