"""Harvesting a real PostgreSQL business system from the command line: versions, show, diff, manual sync, candidates."""

import json
import socket
import uuid

import psycopg
import pytest
import yaml

from tests.people import invoke

SECRET = "s3cret-Pass"
SYSTEM_SQL = """
create schema dzzz;
create table dzzz.holder (uscc varchar(18) primary key, name varchar(100) not null);
comment on table dzzz.holder is '持证主体';
comment on column dzzz.holder.name is '主体名称';
create table dzzz.permit (
    permit_no varchar(20) primary key,
    uscc varchar(18) references dzzz.holder,
    issued_on date not null,
    fee numeric(10, 2),
    note text
);
comment on column dzzz.permit.permit_no is '许可证编号';
create view dzzz.holder_names as select name from dzzz.holder;
comment on view dzzz.holder_names is '主体名称视图';
create table public.license (license_no text);
"""


@pytest.fixture
def system(warehouse, fresh_database, monkeypatch):
    """A new business system, known only by its URL, with two schemas; its code."""
    info = fresh_database("zwfw")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(SYSTEM_SQL)
    code = f"zw{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv(f"HUBEI_DATA_SYSTEM_{code.upper()}_URL", info.sqlalchemy_url)
    return code, info


def _ok(args) -> str:
    result = invoke(args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(args) -> list[dict]:
    return [json.loads(line) for line in _ok([*args, "--format", "json"]).splitlines()]


def _alter(info, sql: str) -> None:
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(sql)


def test_a_harvest_keeps_every_schema_table_and_column_with_types_keys_and_comments(system):
    code, _ = system
    assert _ok(["metadata", "harvest", code]).strip() == f"{code}: version 1, 4 tables"
    columns = {(row["schema"], row["table"], row["column"]): row for row in _json(["metadata", "show", code])}
    assert set(columns) == {("dzzz", "holder", "uscc"), ("dzzz", "holder", "name"), ("dzzz", "permit", "permit_no"),
                            ("dzzz", "permit", "uscc"), ("dzzz", "permit", "issued_on"), ("dzzz", "permit", "fee"),
                            ("dzzz", "permit", "note"), ("dzzz", "holder_names", "name"),
                            ("public", "license", "license_no")}
    permit_no = columns[("dzzz", "permit", "permit_no")]
    assert (permit_no["type"], permit_no["length"], permit_no["nullable"], permit_no["key"], permit_no["comment"]) == (
        "VARCHAR(20)", 20, "no", "PK", "许可证编号")
    assert columns[("dzzz", "permit", "uscc")]["references"] == "dzzz.holder.uscc"
    assert columns[("dzzz", "permit", "fee")]["type"] == "NUMERIC(10, 2)"
    assert columns[("dzzz", "permit", "note")]["nullable"] == "yes"
    assert columns[("dzzz", "holder", "name")]["table_comment"] == "持证主体"
    assert (columns[("dzzz", "holder", "name")]["kind"], columns[("dzzz", "holder_names", "name")]["kind"],
            columns[("dzzz", "holder_names", "name")]["table_comment"]) == ("table", "view", "主体名称视图")
    [version] = _json(["metadata", "versions", code])
    assert (version["version"], version["tables"], version["columns"], version["scope"]) == (
        1, 4, 9, "schemas dzzz, public")


def test_a_changed_system_is_a_new_version_and_the_diff_says_each_change(system):
    code, info = system
    _ok(["metadata", "harvest", code])
    _alter(info, "alter table dzzz.permit add column valid_until date;"
                 " alter table dzzz.permit drop column fee;"
                 " alter table dzzz.permit alter column note type integer using null;"
                 " alter table dzzz.permit alter column permit_no type varchar(40);"
                 " alter table dzzz.permit alter column issued_on drop not null;"
                 " alter table dzzz.holder alter column uscc type varchar(10);"
                 " create table dzzz.revocation (permit_no varchar(40));"
                 " drop table public.license")
    assert _ok(["metadata", "harvest", code]).strip() == f"{code}: version 2, 4 tables"
    assert _ok(["metadata", "harvest", code]).strip() == f"{code}: unchanged, still version 2 (4 tables)"
    changes = {(c["table"], c["column"], c["change"], c["before"], c["after"])
               for c in _json(["metadata", "diff", code])}
    assert changes == {
        ("dzzz.permit", "valid_until", "column_added", None, "DATE"),
        ("dzzz.permit", "fee", "column_removed", "NUMERIC(10, 2)", None),
        ("dzzz.permit", "note", "retyped", "TEXT", "INTEGER"),
        ("dzzz.permit", "permit_no", "lengthened", "VARCHAR(20)", "VARCHAR(40)"),
        ("dzzz.permit", "issued_on", "nullability", "not null", "null"),
        ("dzzz.holder", "uscc", "shortened", "VARCHAR(18)", "VARCHAR(10)"),
        ("dzzz.revocation", None, "table_added", None, "permit_no VARCHAR(40)"),
        ("public.license", None, "table_removed", "license_no TEXT", None),
    }
    assert [v["version"] for v in _json(["metadata", "versions", code])] == [2, 1]
    assert _json(["metadata", "diff", code, "--from", "2", "--to", "1"])
    assert invoke(["metadata", "diff", code, "--from", "1", "--to", "1"]).output.endswith(
        f"{code}: no change from version 1 to 1\n")


def test_a_manual_sync_of_picked_tables_replaces_only_them(system):
    code, info = system
    _ok(["metadata", "harvest", code])
    _alter(info, "alter table dzzz.permit add column valid_until date; alter table dzzz.holder add column phone text")
    assert _ok(["metadata", "harvest", code, "--table", "dzzz.permit"]).strip() == f"{code}: version 2, 4 tables"
    changes = [(c["table"], c["column"], c["change"]) for c in _json(["metadata", "diff", code])]
    assert changes == [("dzzz.permit", "valid_until", "column_added")]
    assert _ok(["metadata", "harvest", code, "--schema", "dzzz", "--schema", "dzzz", "--table", "holder"]).strip() == \
        f"{code}: version 3, 4 tables"
    assert [(c["table"], c["column"]) for c in _json(["metadata", "diff", code])] == [("dzzz.holder", "phone")]
    shown = {(r["schema"], r["table"]) for r in _json(["metadata", "show", code, "--version", "1"])}
    assert shown == {("dzzz", "holder"), ("dzzz", "holder_names"), ("dzzz", "permit"), ("public", "license")}


def test_tables_no_source_reads_are_candidates_with_their_columns_filled_in(system):
    code, _ = system
    _ok(["metadata", "harvest", code])
    skeletons = {s["name"]: s for s in yaml.safe_load_all(_ok(["metadata", "candidates", code]))}
    assert set(skeletons) == {"holder", "holder_names", "permit"}
    permit = skeletons["permit"]
    assert (permit["table"], permit["kind"]) == ("dzzz.permit", "table")
    assert permit["declaration"] == {
        "chinese": "permit", "system": code, "channel": "database", "key": ["permit_no"],
        "columns": {"permit_no": {"chinese": "许可证编号", "required": True, "length": 20},
                    "uscc": {"chinese": "uscc", "length": 18, "element": "uscc"},
                    "issued_on": {"chinese": "issued_on", "type": "date", "required": True, "element": "issued_on"},
                    "fee": {"chinese": "fee", "type": "decimal"},
                    "note": {"chinese": "note"}},
    }
    assert skeletons["holder"]["declaration"]["chinese"] == "持证主体"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_system_is_one_line_naming_it_and_stores_nothing(warehouse, monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_SAMPLING_URL", f"postgresql://cy:{SECRET}@127.0.0.1:{_closed_port()}/cy")
    result = invoke(["metadata", "harvest", "sampling"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: system sampling (抽检系统) cannot be read at postgresql://cy:***@127.0.0.1:")
    assert SECRET not in result.output and len(result.output.strip().splitlines()) == 1
    with psycopg.connect(warehouse.url) as conn:
        assert conn.execute("select count(*) from ops.metadata_versions where system = 'sampling'").fetchone() == (0,)


@pytest.mark.parametrize(("args", "said"), [
    (["harvest", "no such"], "Error: unknown system 'no such': the systems are "),
    (["harvest", "{code}", "--schema", 'x"; drop schema dzzz; --'], "has no schema 'x\"; drop schema dzzz; --' at "),
    (["harvest", "{code}", "--table", "dzzz.nosuch", "--table", "permit"], "has no table 'dzzz.nosuch'"),
    (["show", "{code}"], "has no metadata yet: `hubei-data metadata harvest {code}` first"),
    (["versions", "elicence2"], "unknown system 'elicence2'"),
])
def test_bad_names_are_one_line_and_store_nothing(system, warehouse, args, said):
    code, _ = system
    result = invoke(["metadata", *(arg.format(code=code) for arg in args)])
    *progress, error = result.output.strip().splitlines()
    assert result.exit_code == 1 and error.startswith("Error: ") and said.format(code=code) in error, result.output
    assert all(line.startswith(f"{code}: schema ") for line in progress)
    with psycopg.connect(warehouse.url) as conn:
        assert conn.execute("select count(*) from ops.metadata_versions where system = %s", (code,)).fetchone() == (0,)
    with psycopg.connect(system[1].url) as conn:
        assert conn.execute("select to_regclass('dzzz.permit') is not null").fetchone() == (True,)


def test_versions_and_diffs_that_do_not_exist_are_one_line(system):
    code, _ = system
    _ok(["metadata", "harvest", code])
    for args, said in ((["diff", code], f"{code} has nothing before version 1 to compare it with"),
                       (["show", code, "--version", "7"],
                        f"system {code} has no metadata version 7; its versions are 1 to 1"),
                       (["diff", code, "--from", "0", "--to", "1"], "has no metadata version 0")):
        result = invoke(["metadata", *args])
        assert result.exit_code == 1 and said in result.output, result.output


def test_names_with_quotes_are_read_and_picked_as_names(system):
    code, info = system
    _alter(info, """create schema "we""ird"; create table "we""ird"."o'brien""; drop" ("a""b" int primary key)""")
    harvested = _ok(["metadata", "harvest", code, "--schema", 'we"ird', "--table", """o'brien"; drop"""])
    assert harvested.strip() == f"{code}: version 1, 1 table"
    assert [(r["schema"], r["table"], r["column"], r["key"]) for r in _json(["metadata", "show", code])] == [
        ('we"ird', """o'brien"; drop""", 'a"b', "PK")]


def test_a_system_without_a_url_of_its_own_is_harvested_from_the_warehouses_source_systems(
        migrated_database, use_warehouse, monkeypatch):
    info = migrated_database("fallback")
    use_warehouse(info)
    monkeypatch.delenv("HUBEI_DATA_SOURCE_URL", raising=False)
    monkeypatch.delenv("HUBEI_DATA_SYSTEM_ELICENCE_URL", raising=False)
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create schema source_systems; create table source_systems.license (license_no text primary key);"
                     " create table source_systems.permit_change (permit_no text)")
    assert invoke(["metadata", "harvest", "elicence"], info).stdout.strip() == "elicence: version 1, 2 tables"
    [version] = [json.loads(line) for line in invoke(["metadata", "versions", "elicence", "--format", "json"],
                                                     info).output.splitlines()]
    assert version["scope"] == "schemas source_systems" and f"/{info.dbname}?" in version["origin"]
    candidates = list(yaml.safe_load_all(invoke(["metadata", "candidates", "elicence"], info).output))
    assert [c["name"] for c in candidates] == ["permit_change"]


def test_the_systems_list_says_where_each_is_read_without_passwords(system, monkeypatch):
    code, _ = system
    monkeypatch.setenv("HUBEI_DATA_SOURCE_URL", f"postgresql://shared:{SECRET}@shared.example/all")
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_MATERNAL_URL", f"postgresql://fy:{SECRET}@host:notaport/fy")
    _ok(["metadata", "harvest", code])
    listed = {row["system"]: row for row in _json(["metadata", "systems"])}
    assert (listed[code]["read_through"], listed[code]["latest_version"]) == (
        f"HUBEI_DATA_SYSTEM_{code.upper()}_URL", 1)
    assert (listed["elicence"]["sources"], listed["elicence"]["read_through"], listed["elicence"]["url"],
            listed["elicence"]["schema"]) == ("license", "HUBEI_DATA_SOURCE_URL",
                                              "postgresql://shared:***@shared.example/all", "source_systems")
    assert listed["nmpa"]["sources"] == "drug_product, cosmetic_filing"
    assert listed["maternal"]["read_through"] == "misconfigured"
    assert "HUBEI_DATA_SYSTEM_MATERNAL_URL is not a usable database URL" in listed["maternal"]["url"]
    assert SECRET not in invoke(["metadata", "systems"]).output
