"""The resources every capability shares: the warehouse and the source databases."""

import os

import dagster as dg
import psycopg
import sqlalchemy as sa

from hubei_data import warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The PostgreSQL warehouse: `HUBEI_DATA_DATABASE_URL`, or the embedded server."""

    def connect(self) -> psycopg.Connection:
        return warehouse.connect()

    def connect_info(self) -> warehouse.ConnectInfo:
        return warehouse.connect_info()


class SourceDatabaseResource(dg.ConfigurableResource):
    """The business systems' database, read through SQLAlchemy.

    `HUBEI_DATA_SOURCE_URL` names it (any SQLAlchemy URL, secrets included, so it only ever
    comes from the environment); without it the warehouse's own `source_systems` schema
    stands in, which is where the demo's generator writes.
    """

    source_schema: str = "source_systems"

    def engine(self) -> sa.Engine:
        url = os.environ.get("HUBEI_DATA_SOURCE_URL") or warehouse.connect_info().sqlalchemy_url
        return sa.create_engine(url, pool_pre_ping=True)
