"""The resources every capability shares: the warehouse and the source databases."""

import dagster as dg
import psycopg

from hubei_data import systems, warehouse
from hubei_data.contracts import Source


class WarehouseResource(dg.ConfigurableResource):
    """The PostgreSQL warehouse: `HUBEI_DATA_DATABASE_URL`, or the embedded server."""

    def connect(self) -> psycopg.Connection:
        return warehouse.connect()

    def connect_info(self) -> warehouse.ConnectInfo:
        return warehouse.connect_info()


class SourceDatabaseResource(dg.ConfigurableResource):
    """The business systems' databases, read through SQLAlchemy, each source through its own system's.

    A system's URL comes only from the environment (`HUBEI_DATA_SYSTEM_<CODE>_URL`, else the shared
    `HUBEI_DATA_SOURCE_URL`), secrets included; without either, the warehouse's `source_schema`
    stands in, which is where the demo's generator writes.
    """

    source_schema: str = systems.FALLBACK_SCHEMA

    def connection(self, source: Source) -> systems.Connection:
        return systems.connection(source.system_code, fallback_schema=self.source_schema)
