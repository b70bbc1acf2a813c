"""A database of its own with the resource and subject tables metrics read, shaped as declared."""

import psycopg
import pytest
from psycopg import sql

from hubei_data.catalog.models import table_name
from hubei_data.catalog.subject import SUBJECT_MODELS
from hubei_data.contracts import SOURCES
from hubei_data.control import schema

_TYPES = {"text": "text", "date": "date", "decimal": "numeric", "integer": "bigint", "timestamp": "timestamp"}


@pytest.fixture
def metric_db(fresh_database):
    """A fresh database with every resource and subject table, empty, migrated."""
    info = fresh_database("metric")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create schema resource")
        conn.execute("create schema subject")
        for source in SOURCES.values():
            conn.execute(sql.SQL("create table resource.{} ({})").format(sql.Identifier(source.name), sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(_TYPES[c.type])) for c in source.columns)))
        for model in SUBJECT_MODELS:
            conn.execute(sql.SQL("create table subject.{} ({})").format(sql.Identifier(table_name(model)), sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(i.name), sql.SQL(i.data_type)) for i in model.items)))
    schema.upgrade(info)
    return info
