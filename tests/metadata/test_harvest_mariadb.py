"""Harvesting a real MariaDB business system: the harvest is not PostgreSQL's alone, and a table dropped while it
is being read is left out, or named when it was asked for."""

import json
import uuid

import pymysql
import pytest
import sqlalchemy as sa

from tests.people import invoke

SYSTEM_SQL = [
    "create table holder (uscc varchar(18) primary key, name varchar(100) not null comment '主体名称')"
    " comment '持证主体'",
    "create table permit (permit_no varchar(20) primary key, uscc varchar(18), fee decimal(10, 2),"
    " foreign key (uscc) references holder (uscc))",
    "create table gone (x int)",
]


@pytest.fixture
def system(warehouse, mariadb, monkeypatch):
    """A business system on MariaDB, its tables in a database of its own; its code and database name."""
    database = f"cy{uuid.uuid4().hex[:6]}"
    mariadb.database(database)
    with pymysql.connect(unix_socket=str(mariadb.socket), user="root", database=database) as conn:
        for statement in SYSTEM_SQL:
            conn.cursor().execute(statement)
    code = f"my{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{code.upper()}_URL", mariadb.database(database))
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{code.upper()}_SCHEMA", database)
    return code, database


def _drop_when_read(mariadb, database: str, table: str):
    """Drop the table from another connection just before the harvest reads its columns: a real race, forced."""
    dropped = []

    def hook(conn, cursor, statement, *_):
        if not dropped and f"`{table}`" in statement and statement.upper().startswith("SHOW"):
            with pymysql.connect(unix_socket=str(mariadb.socket), user="root", database=database) as other:
                other.cursor().execute(f"drop table {table}")
            dropped.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", hook)
    return hook, dropped


def test_a_mariadb_system_is_harvested_with_types_keys_and_comments(system):
    code, database = system
    result = invoke(["metadata", "harvest", code])
    assert result.stdout.strip() == f"{code}: version 1, 3 tables", result.output
    assert result.stderr.strip() == f"{code}: schema {database} read (1 of 1), 3 tables and views so far"
    rows = [json.loads(line) for line in invoke(["metadata", "show", code, "--format", "json"]).output.splitlines()]
    columns = {(row["table"], row["column"]): row for row in rows}
    assert {row["schema"] for row in rows} == {database}
    assert (columns[("holder", "name")]["type"].split(" ")[0], columns[("holder", "name")]["length"],
            columns[("holder", "name")]["nullable"], columns[("holder", "name")]["comment"],
            columns[("holder", "name")]["table_comment"]) == ("VARCHAR(100)", 100, "no", "主体名称", "持证主体")
    assert columns[("permit", "permit_no")]["key"] == "PK"
    assert columns[("permit", "uscc")]["references"] == f"{database}.holder.uscc"
    assert columns[("permit", "fee")]["type"] == "DECIMAL(10, 2)"


def test_a_table_dropped_while_the_harvest_reads_it_is_left_out_or_named_when_picked(system, mariadb):
    code, database = system
    hook, dropped = _drop_when_read(mariadb, database, "gone")
    try:
        picked = invoke(["metadata", "harvest", code, "--table", "gone", "--table", "permit"])
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", hook)
    assert dropped and picked.exit_code == 1
    assert picked.output.strip().splitlines()[-1] == f"Error: system {code} has no table 'gone'"
    assert "no metadata yet" in invoke(["metadata", "versions", code]).output
    with pymysql.connect(unix_socket=str(mariadb.socket), user="root", database=database) as conn:
        conn.cursor().execute("create table gone (x int)")
    hook, dropped = _drop_when_read(mariadb, database, "gone")
    try:
        whole = invoke(["metadata", "harvest", code])
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", hook)
    assert dropped and whole.stdout.strip() == f"{code}: version 1, 2 tables", whole.output
