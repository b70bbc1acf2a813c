"""The catalog's lifecycle on a real warehouse: the declared entries published at upgrade, a change drafted,
submitted and approved before it reaches the list, and each bad step refused whole in one line."""

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from hubei_data.catalog import export, lifecycle, linkage, manifest as m
from hubei_data.catalog.entry import EntryError
from hubei_data.control.audit_trail import Actor

PENALTY = "420000-SYJ-GX-0007"
WRITER, REVIEWER = Actor("wang", "tests"), Actor("li", "tests")


def _manifest_rows(manifest: dict) -> list[dict]:
    """The list as the previous release wrote it: straight from the share models of dbt's manifest."""
    rows = []
    for node in sorted(m.models(manifest, "share"), key=lambda n: m.meta(n)["resource_code"]):
        entry = m.meta(node)
        for number, column in enumerate(m.data_columns(node), start=1):
            item = m.meta(column)
            rows.append({
                **{key: entry[key] for key in (
                    "resource_code", "resource_name", "summary", "provider", "category", "share_type",
                    "share_conditions", "consumers", "share_method", "update_frequency")},
                "table": f"{node['schema']}.{node['alias']}", "item_no": number, "item_name": item["chinese"],
                "field": column["name"], "data_type": column["data_type"], "standard": item["standard"],
                "item_share_type": item["share_type"], "masking": item["masking"],
            })
    return rows


@pytest.fixture
def conn(share_db):
    with psycopg.connect(share_db.url, autocommit=True) as connection:
        yield connection


def _versions(conn) -> list[tuple]:
    return conn.execute("select code, version, status, entry from control.catalog_versions order by 1, 2").fetchall()


def _with_region(conn):
    """The penalty entry with a new item on a new column, and one item renamed."""
    conn.execute("alter table share.penalty_info add column region text")
    entry = lifecycle.versions(conn, PENALTY)[-1].entry
    items = [item.model_copy(update={"name": "违法行为（案由）"}) if item.field == "violation" else item
             for item in entry.items]
    region = items[0].model_copy(update={"field": "region", "name": "所属地区", "standard": ""})
    return entry.model_copy(update={"items": (*items, region)})


def test_after_upgrading_the_share_library_list_is_the_one_the_manifest_gave(migrated_database):
    with psycopg.connect(migrated_database("catalog").url) as connection:
        entries = lifecycle.published(connection)
        steps = connection.execute("select distinct step, comment from control.catalog_steps").fetchall()
    assert export.catalog_rows(export.share_library(entries)) == _manifest_rows(m.load())
    assert {entry.target.split(".")[0] for entry in entries if entry.kind == "table"} == {
        "resource", "subject", "share"}
    assert {entry.target for entry in entries if entry.kind == "api"} == {
        "enterprise", "license", "metrics", "product", "sampling", "vaccination"}
    assert set(steps) == {("registered", None), ("approved", lifecycle.FIRST_PUBLISHED)}
    uscc = next(i for e in entries if e.code == PENALTY for i in e.items if i.field == "uscc")
    assert (uscc.length, uscc.standard) == (18, "GB 32100-2015 法人和其他组织统一社会信用代码编码规则")


def test_a_change_is_published_only_once_a_second_person_approves_it(conn):
    changed = _with_region(conn)
    draft, changes = lifecycle.change(conn, WRITER, changed)
    assert (draft.version, draft.status) == (2, "draft")
    assert (changes["added"], changes["removed"]) == (["region"], [])
    assert changes["changed"] == {"violation": {"name": ["违法行为", "违法行为（案由）"]}}
    lifecycle.submit(conn, WRITER, PENALTY)
    assert "region" not in [i.field for e in lifecycle.published(conn) if e.code == PENALTY for i in e.items]
    lifecycle.decide(conn, REVIEWER, PENALTY, True, "同意")
    assert [e for e in lifecycle.published(conn) if e.code == PENALTY] == [changed]
    assert [v.status for v in lifecycle.versions(conn, PENALTY)] == ["superseded", "published"]
    assert [(s.version, s.step, s.actor, s.comment) for s in lifecycle.history(conn, PENALTY)] == [
        (1, "registered", "db upgrade 0009", None), (1, "approved", "db upgrade 0009", lifecycle.FIRST_PUBLISHED),
        (2, "changed", "wang", None), (2, "submitted", "wang", None), (2, "approved", "li", "同意")]
    audited = conn.execute("select actor, outcome, detail ->> 'change' from control.audit_trail"
                           " where target = %s order by seq", (f"catalog {PENALTY}",)).fetchall()
    assert audited == [("wang", "success", "catalog change"), ("wang", "success", "catalog submit"),
                       ("li", "success", "catalog approve")]


def test_a_rejected_change_leaves_the_published_version(conn):
    lifecycle.change(conn, WRITER, _with_region(conn))
    lifecycle.submit(conn, WRITER, PENALTY)
    before = lifecycle.published(conn)
    lifecycle.decide(conn, REVIEWER, PENALTY, False, "地区字段缺少数据标准")
    assert lifecycle.published(conn) == before
    assert lifecycle.history(conn, PENALTY)[-1].comment == "地区字段缺少数据标准"


def _refused(conn, call, message: str) -> None:
    before = _versions(conn)
    with pytest.raises(EntryError) as refused:
        call()
    assert str(refused.value) == message
    assert _versions(conn) == before
    assert conn.execute("select outcome, detail ->> 'error' from control.audit_trail order by seq desc limit 1"
                        ).fetchone() == ("failure", message)


def test_a_draft_never_submitted_is_not_approved(conn):
    lifecycle.change(conn, WRITER, _with_region(conn))
    _refused(conn, lambda: lifecycle.decide(conn, REVIEWER, PENALTY, True, "同意"),
             f"{PENALTY}: version 2 is a draft that was never submitted:"
             f" `hubei-data catalog submit {PENALTY}` sends it for review")


def test_whoever_submitted_a_version_may_not_approve_it(conn):
    lifecycle.change(conn, WRITER, _with_region(conn))
    lifecycle.submit(conn, WRITER, PENALTY)
    _refused(conn, lambda: lifecycle.decide(conn, WRITER, PENALTY, True, "同意"),
             f"{PENALTY}: wang submitted version 2 and may not also approve it: another data steward reviews it")


def test_a_change_to_an_unknown_entry_is_refused(conn):
    unknown = _with_region(conn).model_copy(update={"code": "420000-SYJ-GX-9999"})
    _refused(conn, lambda: lifecycle.change(conn, WRITER, unknown),
             "there is no catalog entry 420000-SYJ-GX-9999: register it with `hubei-data catalog register`")


def test_a_data_item_naming_an_unknown_column_is_refused(conn):
    entry = _with_region(conn)
    conn.execute("alter table share.penalty_info drop column region")
    _refused(conn, lambda: lifecycle.change(conn, WRITER, entry),
             f"{PENALTY}: data item region names no column of share.penalty_info (its columns: case_no, uscc,"
             " enterprise_name, decided_on, violation, fine_yuan, confiscated_yuan)")


def test_registering_a_code_already_in_the_catalog_is_refused(conn):
    entry = lifecycle.versions(conn, PENALTY)[-1].entry
    _refused(conn, lambda: lifecycle.register(conn, WRITER, entry),
             f"{PENALTY} is already in the catalog: change it with `hubei-data catalog change`")


def test_linkage_names_a_column_without_an_item_and_an_item_without_a_column(conn):
    shared = export.share_library(lifecycle.published(conn))
    assert linkage.problems(conn, shared) == []
    conn.execute("alter table share.penalty_info add column region text")
    conn.execute("alter table share.penalty_info drop column violation")
    assert linkage.problems(conn, shared) == [
        f"{PENALTY}: data item violation has no column in share.penalty_info",
        f"{PENALTY}: share.penalty_info.region has no published data item",
    ]


def test_two_changes_of_one_entry_at_once_leave_one_draft_and_refuse_the_other(conn, share_db):
    entry = _with_region(conn)
    with psycopg.connect(share_db.url) as first, ThreadPoolExecutor(1) as pool:
        with first.transaction():
            lifecycle.change(first, REVIEWER, entry)
            second = pool.submit(lifecycle.change, conn, WRITER, entry)
            time.sleep(0.5)  # the second change waits on the first's uncommitted version 2, committed here
        with pytest.raises(EntryError) as refused:
            second.result(timeout=10)
    assert str(refused.value) == (f"{PENALTY} was changed by someone else at the same moment: look again with"
                                  f" `hubei-data catalog show {PENALTY}`")
    assert [(v.version, v.status) for v in lifecycle.versions(conn, PENALTY)] == [(1, "published"), (2, "draft")]
