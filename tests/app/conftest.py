"""Kept for the tests still in ``tests/app`` (moving to their packages): the app fixtures
live in ``tests/conftest.py``; the expected counts in ``tests/expected.py``."""

from tests.expected import EXPECTED_COMMUNES  # noqa: F401
