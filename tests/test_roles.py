"""Each process connects with least privilege: nothing but set-up runs as a superuser."""

import psycopg
import pytest

from hubei_data import roles, warehouse


def _attributes(info, role):
    with psycopg.connect(info.url) as conn:
        return conn.execute(
            "select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls from pg_roles where rolname = %s",
            (role,),
        ).fetchone()


@pytest.mark.parametrize("role", [roles.OWNER, *roles.READERS])
def test_every_platform_role_logs_in_without_any_power(warehouse, role):
    assert _attributes(warehouse, role) == (True, False, False, False, False)


def test_the_platform_works_as_the_owner_of_its_database(warehouse):
    with psycopg.connect(warehouse.url) as conn:
        assert conn.execute("select current_user").fetchone()[0] == roles.OWNER
        assert conn.execute(
            "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"
        ).fetchone()[0] == roles.OWNER


def test_the_api_reader_sees_the_share_library_and_metric_values_only(fresh_database):
    info = fresh_database("roles")
    with psycopg.connect(info.url) as conn:
        conn.execute("create schema share")
        conn.execute("create table share.open_data (v int)")
        conn.execute("create schema metric")
        conn.execute("create table metric.metric_values (v int)")
        conn.execute("create table metric.bookkeeping (v int)")
        conn.execute("create schema resource")
        conn.execute("create table resource.inner_data (v int)")
        conn.commit()
        roles.grant_reading(conn)
        conn.execute("create table share.built_later (v int)")  # a build after the grants
        conn.commit()
    with psycopg.connect(info.as_role(roles.API_READER).url, autocommit=True) as reader:
        for readable in ("share.open_data", "share.built_later", "metric.metric_values"):
            reader.execute(f"select * from {readable}")
        for hidden in ("metric.bookkeeping", "resource.inner_data"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"select * from {hidden}")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            reader.execute("insert into share.open_data values (1)")


def test_grants_are_written_only_when_something_is_missing(fresh_database):
    """Every process start checks the grants; a start that finds them complete writes nothing."""
    info = fresh_database("roles")
    with psycopg.connect(info.url) as conn:
        roles.grant_reading(conn)
        before = conn.execute("select xmin::text from pg_namespace where nspname = 'share'").fetchone()
        conn.commit()
        roles.grant_reading(conn)
        assert conn.execute("select xmin::text from pg_namespace where nspname = 'share'").fetchone() == before


def test_a_database_made_by_an_older_release_is_handed_to_the_owner(fresh_database):
    """Before roles, everything ran as the superuser: its schemas, tables, views, sequences and functions move over."""
    info = fresh_database("adopt")
    superuser = info.as_role(warehouse.superuser_info().user)
    with psycopg.connect(superuser.url, autocommit=True) as admin:
        admin.execute("create schema legacy")
        admin.execute("create table legacy.batches (id serial primary key, n int generated always as identity)")
        admin.execute("create view legacy.latest as select * from legacy.batches")
        admin.execute("create materialized view legacy.counted as select count(*) from legacy.batches")
        admin.execute("create sequence legacy.numbers")
        admin.execute("create function legacy.twice(i int) returns int language sql as 'select 2 * i'")
        admin.execute("create table public.dagster_runs (id int)")
        roles.adopt_objects(admin)
        owners = admin.execute(
            "select distinct pg_get_userbyid(relowner) from pg_class join pg_namespace on pg_namespace.oid = relnamespace"
            " where nspname in ('legacy', 'public')"
            " union select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'legacy'"
            " union select pg_get_userbyid(proowner) from pg_proc where proname = 'twice'"
        ).fetchall()
    assert owners == [(roles.OWNER,)]
    with psycopg.connect(info.url) as conn:
        conn.execute("insert into legacy.batches default values")
        conn.execute("refresh materialized view legacy.counted")
        assert conn.execute("select legacy.twice(n) from legacy.batches").fetchone()[0] == 2


def test_the_creation_script_for_an_external_server_is_the_one_documented():
    from pathlib import Path

    document = (Path(__file__).parents[1] / "docs" / "roles.md").read_text()
    assert roles.creation_sql() in document and roles.seal_sql() in document
