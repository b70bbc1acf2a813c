"""Backups on the real embedded PostgreSQL: what goes in, what the manifest says, what a failure leaves behind."""

import json

import psycopg
import pytest

from hubei_data.control import schema
from hubei_data.ops import backup, drill, manifest
from hubei_data.ops.settings import BackupError, Retention
from tests.ops.backup_setup import add_bulk


def _records(info) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute("select backup_id, status, error from ops.backups order by started_at").fetchall()


def test_a_backup_holds_raw_landing_and_the_platforms_own_schemas_and_its_manifest_says_what(
        warehouse_with_data, settings):
    made = backup.run(warehouse_with_data, settings, "zhangsan")
    found = made.manifest
    assert sorted(path.name for path in settings.directory.iterdir()) == [
        f"{found.backup_id}.dump", f"{found.backup_id}.manifest.json"]
    assert found.schemas == sorted(backup.SCHEMAS)
    assert found.sha256 == manifest.sha256_of(made.path) and found.size_bytes == made.path.stat().st_size
    assert found.schema_revision == schema.head()
    assert found.tables["raw.enterprise"].rows == 3 and found.tables["landing.enterprise"].rows == 50
    assert found.tables["control.audit_trail"].rows == 1
    assert "ops.backups" in found.tables and not [name for name in found.tables if name.startswith("public.")]
    assert json.loads((settings.directory / f"{found.backup_id}.manifest.json").read_text())["sha256"] == found.sha256
    assert _records(warehouse_with_data) == [(found.backup_id, "succeeded", None)]


def test_a_backup_and_its_drill_agree_on_every_table(warehouse_with_data, settings):
    made = backup.run(warehouse_with_data, settings, "zhangsan")
    result = drill.drill(warehouse_with_data, settings, None, "zhangsan")
    assert result.manifest == made.manifest and result.mismatches == []
    assert len(result.manifest.tables) > 20
    with psycopg.connect(warehouse_with_data.url) as conn:
        assert conn.execute("select backup_id, kind, status, tables from ops.drills").fetchall() == [
            (made.manifest.backup_id, "drill", "matched", len(made.manifest.tables))]
        left = conn.execute("select count(*) from pg_database where datname = %s", (result.target,)).fetchone()[0]
    assert result.target.startswith("hubei_data_drill_") and left == 0, "the scratch database is dropped"


def test_checksums_do_not_depend_on_row_order_but_on_every_value(warehouse_with_data):
    with psycopg.connect(warehouse_with_data.url) as conn:
        conn.execute("create table raw.reversed as select * from raw.enterprise order by uscc desc")
        conn.execute("create table raw.edited as select * from raw.enterprise")
        conn.execute("update raw.edited set capital = capital + 0.01 where uscc = '91420100MA4K1'")
        sums = manifest.table_sums(conn, ["raw"])
    assert sums["raw.reversed"] == sums["raw.enterprise"]
    assert sums["raw.edited"].rows == 3 and sums["raw.edited"].checksum != sums["raw.enterprise"].checksum


def test_retention_removes_the_backups_it_does_not_keep_and_records_them_pruned(warehouse_with_data, settings):
    one_a_day = settings.model_copy(update={"retention": Retention(daily=1, weekly=0, monthly=0)})
    first = backup.run(warehouse_with_data, one_a_day, "zhangsan")
    second = backup.run(warehouse_with_data, one_a_day, "zhangsan")
    assert second.pruned == [first.manifest.backup_id]
    assert sorted(backup.on_disk(settings.directory)) == [second.manifest.backup_id]
    assert [status for _, status, _ in _records(warehouse_with_data)] == ["pruned", "succeeded"]


def test_a_full_disk_fails_the_backup_in_one_line_leaves_no_file_and_loses_nothing(
        warehouse_with_data, settings, tiny_filesystem):
    small = settings.model_copy(update={"directory": tiny_filesystem(1024)})
    kept = backup.run(warehouse_with_data, small, "zhangsan")
    add_bulk(warehouse_with_data, 2)
    with pytest.raises(BackupError) as failed:
        backup.run(warehouse_with_data, small, "zhangsan")
    message = str(failed.value)
    assert "\n" not in message and message.endswith("No space left on device"), message
    assert f"to {small.directory} failed: pg_dump: could not write" in message
    assert sorted(backup.on_disk(small.directory)) == [kept.manifest.backup_id]
    assert sorted(path.name for path in small.directory.iterdir()) == [
        f"{kept.manifest.backup_id}.dump", f"{kept.manifest.backup_id}.manifest.json"]
    assert [(status, error) for _, status, error in _records(warehouse_with_data)] == [
        ("succeeded", None), ("failed", message)]
    assert drill.drill(warehouse_with_data, small, None, "zhangsan").mismatches == []


def test_an_interrupted_backup_leaves_a_record_and_files_the_next_one_tidies(warehouse_with_data, settings):
    settings.directory.mkdir()
    partial = settings.directory / "20261201T020000.000Z.dump.partial"
    orphan = settings.directory / "20261130T020000.000Z.dump"
    unrelated = settings.directory / "notes.dump"
    for path in (partial, orphan, unrelated):
        path.write_bytes(b"...")
    with psycopg.connect(warehouse_with_data.url) as conn:
        conn.execute("insert into ops.backups (backup_id, requested_by, directory, status)"
                     " values ('20261201T020000.000Z', 'dagster run 1', 'x', 'running')")
    made = backup.run(warehouse_with_data, settings, "zhangsan")
    assert not partial.exists() and not orphan.exists() and unrelated.exists()
    assert _records(warehouse_with_data)[0] == (
        "20261201T020000.000Z", "failed", "interrupted: the process making it ended")
    assert made.manifest.backup_id in backup.on_disk(settings.directory)


def test_one_backup_at_a_time(warehouse_with_data, settings):
    with psycopg.connect(warehouse_with_data.url) as other:
        other.execute("select pg_advisory_lock(hashtext('hubei_data.ops.backup'))")
        with pytest.raises(BackupError, match="another backup of this warehouse is running"):
            backup.run(warehouse_with_data, settings, "zhangsan")
    assert _records(warehouse_with_data) == []


def test_a_warehouse_behind_is_not_backed_up(fresh_database, settings):
    with pytest.raises(schema.SchemaBehind):
        backup.run(fresh_database("behind"), settings, "zhangsan")
