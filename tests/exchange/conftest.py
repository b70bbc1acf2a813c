"""A department's front-end database on the test server."""

import dataclasses
import uuid

import psycopg
import pytest
from psycopg import sql


@pytest.fixture
def postgres_target(warehouse):
    """Another fresh database on the test server, as a department's front-end database: its SQLAlchemy URL."""
    name = f"target_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield dataclasses.replace(warehouse, dbname=name).url.replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
