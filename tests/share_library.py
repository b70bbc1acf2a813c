"""An empty share library (共享库) as the build leaves it: every share table and the masking functions."""

from pathlib import Path

import psycopg
from psycopg import sql

import hubei_data.contracts
from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS


def create_empty_share_library(conn: psycopg.Connection) -> None:
    """In an autocommit connection as the owner."""
    conn.execute("create schema if not exists share")
    conn.execute((Path(hubei_data.contracts.__file__).parent / "masking.sql").read_text())
    for dataset in SHARE_DATASETS:
        columns = [
            sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["data_type"]))
            for c in model_doc(dataset)["columns"]
        ]
        conn.execute(sql.SQL("create table share.{} ({})").format(
            sql.Identifier(table_name(dataset)), sql.SQL(", ").join(columns)
        ))
