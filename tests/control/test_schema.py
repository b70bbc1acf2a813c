"""Migrations of the platform's own schema on a real PostgreSQL: from nothing, again, together, and over the previous release."""

import threading
from pathlib import Path

import psycopg
import pytest

from hubei_data import roles
from hubei_data.control import schema

PREVIOUS_RELEASE = Path(__file__).with_name("previous_release.sql")
OWN_SCHEMAS = ["api", "exchange", "audit", "metric"]
TABLES = {
    "api.consumers", "api.grants", "api.nonces", "api.calls", "api.daily_stats",
    "exchange.bureau_batches", "exchange.bureau_batch_records", "exchange.bureau_records",
    "exchange.bureau_rejections", "exchange.share_pushes", "exchange.share_watermarks",
    "audit.sync_log", "metric.metric_values", "metric.computed", "control.alembic_version", "control.audit_trail",
    "control.people", "control.password_history", "control.login_failures", "control.sessions", "control.settings",
    "ops.backups", "ops.drills", "ops.samples", "ops.alerts", "ops.notifications", "ops.freezes", "ops.verified_syncs",
    "ops.metadata_versions", "ops.metadata_tables", "ops.metadata_columns", "ops.schema_drift", "ops.quality_tickets",
    "ops.quality_ticket_steps", "ops.column_profiles",
    "control.catalog_versions", "control.catalog_steps",
}

# One row in every table of the previous release, as its modules wrote them.
ROWS = """
insert into api.consumers (app_key, name, department, secret_encrypted) values ('hd_1', '省公安厅户籍管理', '省公安厅', '\\x01');
insert into api.grants (app_key, api, purpose, valid_from, valid_until, status) values ('hd_1', 'vaccination', '出生一件事', '2026-01-01', '2027-12-31', 'approved');
insert into api.nonces (app_key, nonce) values ('hd_1', 'n-1');
insert into api.calls (called_at, app_key, api, grant_id, rows, latency_ms, status) values (now(), 'hd_1', 'vaccination', 1, 3, 12.5, 200);
insert into api.daily_stats values ('2026-03-14', 'vaccination', 'hd_1', 1, 0, 0, 12.5, 12.5, 12.5, 3, 'run-1');
insert into exchange.bureau_batches (batch_id, feed, run_id, records, status) values ('b-1', 'penalty', 'run-1', 1, 'acknowledged');
insert into exchange.bureau_batch_records values ('b-1', 'k-1', 'h-1', '{}');
insert into exchange.bureau_records values ('penalty', 'k-1', 'h-1', 'b-1', now());
insert into exchange.bureau_rejections values ('penalty', 'k-2', 'h-2', 'b-1', 'bad code', now());
insert into exchange.share_pushes (subscription_id, department, dataset, target_table, mode, run_id, status) values ('yibao_penalty', '省医保局', 'penalty', 'penalty', 'upsert', 'run-1', 'succeeded');
insert into exchange.share_watermarks (subscription_id, synced_at, last_key) values ('yibao_penalty', now(), '{k-1}');
insert into audit.sync_log (sync_id, model, full_refresh, inserted, updated, unchanged, removed, total_rows) values ('run-1', 'share.penalty', false, 1, 0, 0, 0, 1);
insert into metric.metric_values (metric_code, partition_key, period_start, period_end, value, run_id) values ('penalty_cases', '2026-10-01', '2026-10-01', '2026-10-31', 4, 'run-1');
insert into metric.computed (metric_code, partition_key, run_id, rows) values ('penalty_cases', '2026-10-01', 'run-1', 1);
"""

LAYOUT = """
select 'column', table_schema || '.' || table_name || '.' || column_name,
       concat_ws(' ', data_type, is_nullable, column_default)
from information_schema.columns where table_schema = any(%(schemas)s)
union all
select 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
from pg_constraint where connamespace::regnamespace::text = any(%(schemas)s)
union all
select 'index', schemaname || '.' || indexname, indexdef from pg_indexes where schemaname = any(%(schemas)s)
union all
select 'comment', oid::regclass::text, obj_description(oid, 'pg_class')
from pg_class where relnamespace::regnamespace::text = any(%(schemas)s) and obj_description(oid, 'pg_class') is not null
"""


def _tables(info) -> set[str]:
    with psycopg.connect(info.url) as conn:
        return {name for (name,) in conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema = any(%s)", (OWN_SCHEMAS + ["control", "ops"],))}


def _layout(info) -> set[tuple]:
    with psycopg.connect(info.url) as conn:
        return set(conn.execute(LAYOUT, {"schemas": OWN_SCHEMAS}).fetchall())


def _counts(info) -> dict[str, int]:
    with psycopg.connect(info.url) as conn:
        return {table: conn.execute(f"select count(*) from {table}").fetchone()[0]
                for table in sorted(table for table in TABLES if table.split(".")[0] in OWN_SCHEMAS)}


def test_an_empty_database_gets_every_table_and_the_revision(fresh_database):
    info = fresh_database("migrate")
    assert schema.current(info) is None
    schema.upgrade(info)
    assert _tables(info) == TABLES
    assert schema.current(info) == schema.head() == "0015"


def test_a_second_upgrade_changes_nothing(fresh_database):
    info = fresh_database("migrate")
    schema.upgrade(info)
    with psycopg.connect(info.url) as conn:
        conn.execute(ROWS)
    layout, counts = _layout(info), _counts(info)
    schema.upgrade(info)
    assert (_layout(info), _counts(info), schema.current(info)) == (layout, counts, schema.head())


def test_two_processes_upgrading_at_once_both_succeed(fresh_database):
    info = fresh_database("migrate")
    start, failures = threading.Barrier(2), []

    def upgrade():
        start.wait()
        try:
            schema.upgrade(info)
        except Exception as error:  # noqa: BLE001 - any failure of either is the finding
            failures.append(error)

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert _tables(info) == TABLES
    with psycopg.connect(info.url) as conn:
        assert conn.execute("select count(*) from control.alembic_version").fetchone()[0] == 1


def test_the_previous_release_is_adopted_in_place_with_every_row(fresh_database):
    old, new = fresh_database("previous"), fresh_database("migrate")
    with psycopg.connect(old.url) as conn:
        conn.execute(PREVIOUS_RELEASE.read_text())
        conn.execute(ROWS)
    before = _counts(old)
    assert all(before.values())
    schema.upgrade(new)

    schema.upgrade(old)
    # Later revisions change the previous release's tables too, so the layouts are compared at head.
    assert _layout(old) == _layout(new), "the previous release adopted in place is not laid out as a new warehouse"
    assert _counts(old) == before
    assert schema.current(old) == schema.head()
    with psycopg.connect(old.url) as conn:
        assert conn.execute("select name from api.consumers").fetchall() == [("省公安厅户籍管理",)]
        assert conn.execute("select nextval('api.grants_grant_id_seq')").fetchone()[0] == 2


def test_a_database_behind_is_refused_in_one_line_naming_the_command(fresh_database):
    info = fresh_database("behind")
    with psycopg.connect(info.url) as conn, pytest.raises(schema.SchemaBehind) as refused:
        schema.require_current(conn)
    assert str(refused.value) == (
        "the warehouse schema is at revision none, this release needs 0015: run `hubei-data db upgrade`"
    )
    schema.upgrade(info)
    with psycopg.connect(info.url) as conn:
        schema.require_current(conn)


def test_the_api_reader_reads_metric_values_and_no_reader_sees_the_version_table(fresh_database):
    info = fresh_database("migrate")
    schema.upgrade(info)
    with psycopg.connect(info.url) as conn:
        conn.execute(ROWS)
    with psycopg.connect(info.as_role(roles.API_READER).url) as reader:
        assert reader.execute("select count(*) from metric.metric_values").fetchone()[0] == 1
    for role in roles.READERS:
        with psycopg.connect(info.as_role(role).url) as reader, pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("select version_num from control.alembic_version")

