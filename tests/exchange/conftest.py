"""A database of its own on the test server, holding share tables shaped as the catalog declares them."""

import dataclasses
import uuid

import psycopg
import pytest
from psycopg import sql

from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.quality.catalog_schemas import table_name


@pytest.fixture
def share_db(warehouse):
    """A fresh database with every share table, empty; its connection settings."""
    name = f"exchange_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    info = dataclasses.replace(warehouse, dbname=name)
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create schema share")
        for dataset in SHARE_DATASETS:
            columns = [
                sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["data_type"]))
                for c in model_doc(dataset)["columns"]
            ]
            conn.execute(sql.SQL("create table share.{} ({})").format(
                sql.Identifier(table_name(dataset)), sql.SQL(", ").join(columns)
            ))
    yield info
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


@pytest.fixture
def postgres_target(warehouse):
    """Another fresh database on the test server, as a department's front-end database: its SQLAlchemy URL."""
    name = f"target_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    yield dataclasses.replace(warehouse, dbname=name).url.replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(warehouse.url, autocommit=True) as admin:
        admin.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
