"""Ad-hoc SQL reads and changes nothing, whatever the text tries: writes, a second statement, the host, the clock."""

import psycopg
import pytest

from hubei_data import adhoc_query, warehouse


@pytest.fixture(scope="module")
def library(warehouse):
    """A table in the resource library and one in the API's own schema, as the owner made them."""
    with psycopg.connect(warehouse.url) as conn:
        conn.execute("create schema if not exists api")
        conn.execute("create table if not exists api.adhoc_secret (secret text)")
        conn.execute("create table if not exists resource.adhoc_probe (id int)")
        conn.execute("truncate resource.adhoc_probe")
        conn.execute("insert into resource.adhoc_probe values (1), (2)")
    return warehouse


def _run(text: str, timeout: int = 5):
    with adhoc_query.run(text, timeout, "t_analyst", "tests") as (columns, cursor):
        return columns, cursor.fetchall()


def test_reads_the_libraries_as_a_role_that_is_not_a_superuser(library):
    assert _run("select id from resource.adhoc_probe order by id") == (["id"], [(1,), (2,)])
    (user, superuser), = _run("select current_user, (select rolsuper from pg_roles where rolname = current_user)")[1]
    assert (user, superuser) == ("hubei_data_query", False)


ESCAPES = [
    "select 1; commit; create table public.adhoc_x (i int)",
    "select 1; create table public.adhoc_x (i int)",
    "commit; create table public.adhoc_x (i int)",
    "select 1;; insert into resource.adhoc_probe values (3)",
    "select 1; set role hubei_data_owner; insert into resource.adhoc_probe values (3)",
    "end; begin read write; insert into resource.adhoc_probe values (3); commit",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_a_second_statement_is_refused_before_anything_runs(library, text):
    with pytest.raises(adhoc_query.QueryRefused, match="only one statement"):
        _run(text)
    _nothing_changed(library)


WRITES = [
    "insert into resource.adhoc_probe values (3)",
    "with gone as (delete from resource.adhoc_probe returning *) select * from gone",
    "update resource.adhoc_probe set id = 9 returning id",
    "select * into resource.adhoc_x from resource.adhoc_probe",
    "create table public.adhoc_x as select 1 as i",
    "create temporary table adhoc_x (i int)",
    "copy (select 1) to program 'touch /tmp/hubei_adhoc_escape'",
    "copy resource.adhoc_probe from program 'echo 3'",
    "copy (select 1) to '/tmp/hubei_adhoc_escape'",
    "select pg_read_file('/etc/passwd')",
    "select pg_read_binary_file('/etc/hostname')",
    "select pg_ls_dir('.')",
    "select lo_import('/etc/passwd')",
    "select set_config('role', 'hubei_data_owner', false)",
    "set role hubei_data_owner",
    "select * from api.adhoc_secret",
    "select * from resource.adhoc_probe for update",
    "do $$ begin execute 'insert into resource.adhoc_probe values (3)'; end $$",
    "alter system set statement_timeout = 0",
    "select pg_reload_conf()",
]


@pytest.mark.parametrize("text", WRITES)
def test_writes_the_host_and_other_schemas_are_out_of_reach(library, text):
    with pytest.raises(adhoc_query.QueryRefused):
        _run(text)
    _nothing_changed(library)


def _nothing_changed(info) -> None:
    with psycopg.connect(info.url) as conn:
        assert conn.execute("select array_agg(id order by id) from resource.adhoc_probe").fetchone()[0] == [1, 2]
        assert conn.execute("select to_regclass('public.adhoc_x'), to_regclass('resource.adhoc_x')").fetchone() == (
            None, None)


@pytest.mark.parametrize("text", [
    "select pg_sleep(4)",
    "select set_config('statement_timeout', '0', false), pg_sleep(4)",
    "select set_config('statement_timeout', '0', true) from pg_sleep(4)",
])
def test_the_server_keeps_the_time_limit(library, text):
    with pytest.raises(adhoc_query.QueryRefused, match="longer than 1 s"):
        _run(text, timeout=1)


def test_the_role_limits_hold_for_any_client(library):
    """A client that skips the console's own settings still gets a read-only session with a timeout."""
    with psycopg.connect(warehouse.reader_info("hubei_data_query").url, autocommit=True) as conn:
        assert conn.execute("show default_transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("show statement_timeout").fetchone()[0] == "1min"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("create table public.adhoc_x (i int)")


@pytest.mark.parametrize("text", ["", "   ", "-- nothing", "select 1 \x00"])
def test_empty_or_binary_text_is_refused(library, text):
    with pytest.raises(adhoc_query.QueryRefused):
        _run(text)


@pytest.mark.parametrize("timeout", [0, -1, adhoc_query.MAX_TIMEOUT_SECONDS + 1])
def test_a_timeout_out_of_range_is_refused(library, timeout):
    with pytest.raises(adhoc_query.QueryRefused, match="timeout"):
        _run("select 1", timeout)
