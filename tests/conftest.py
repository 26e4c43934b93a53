"""Fixtures every test may use."""

from tests.postgres import postgres_database, postgres_server  # noqa: F401  (pytest finds fixtures by name)
