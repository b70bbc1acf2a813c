"""A department's front-end database on the test server."""

import pytest


@pytest.fixture
def postgres_target(fresh_database):
    """Another fresh database on the test server, as a department's front-end database: its SQLAlchemy URL."""
    return fresh_database("target").url.replace("postgresql://", "postgresql+psycopg://", 1)
