"""Restores and drills: a changed row is named, a corrupt or unknown backup is refused before anything is touched,
and nothing is ever restored over the live warehouse."""

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from hubei_data import roles
from hubei_data import warehouse as warehouse_module
from hubei_data.ops import backup, drill, manifest
from hubei_data.ops.settings import BackupError


@pytest.fixture
def backed_up(warehouse_with_data, settings):
    """The warehouse with data, and its backup."""
    return warehouse_with_data, backup.run(warehouse_with_data, settings, "zhangsan")


def _databases(info) -> set[str]:
    with psycopg.connect(info.url) as conn:
        return {name for (name,) in conn.execute("select datname from pg_database")}


def _drills(info) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute("select kind, status, error, mismatches from ops.drills order by drill_id").fetchall()


def test_a_row_changed_in_the_restored_copy_is_named_with_its_table(backed_up, settings, fresh_database):
    info, made = backed_up
    copy = fresh_database("copy")
    drill.restore_into(settings, made.path, copy)
    assert drill.compare(made.manifest, copy) == []
    with psycopg.connect(copy.url) as conn:
        conn.execute("update raw.enterprise set name = '武汉某药业有限公司 ' where uscc = '91420100MA4K1'")
        conn.execute("delete from landing.enterprise where _row_number = 7")
        conn.execute("create table raw.stray (n integer)")
    found = drill.compare(made.manifest, copy)
    assert [mismatch.table for mismatch in found] == ["landing.enterprise", "raw.enterprise", "raw.stray"]
    assert str(found[0]) == "landing.enterprise: 49 rows restored, 50 backed up"
    assert str(found[1]).startswith("raw.enterprise: same 3 rows, but checksum ")
    assert str(found[2]) == "raw.stray: restored, but the backup holds no such table"


def test_a_drill_that_disagrees_is_recorded_with_the_tables_that_differ(backed_up, settings):
    info, made = backed_up
    path = manifest.manifest_path(settings.directory, made.manifest.backup_id)
    edited = json.loads(path.read_text())
    edited["tables"]["raw.enterprise"]["checksum"] = "1"
    path.write_text(json.dumps(edited))
    result = drill.drill(info, settings, made.manifest.backup_id, "zhangsan")
    assert [mismatch.table for mismatch in result.mismatches] == ["raw.enterprise"]
    assert result.summary().endswith(f"disagrees with its manifest in 1 of {len(made.manifest.tables)} tables:"
                                     " raw.enterprise")
    [(kind, status, error, mismatches)] = _drills(info)
    assert (kind, status, error) == ("drill", "disagreed", None)
    assert [mismatch["table"] for mismatch in mismatches] == ["raw.enterprise"]
    assert mismatches[0]["backed_up"]["checksum"] == "1"


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_corrupt_dump_is_refused_before_any_database_is_touched(backed_up, settings, damage):
    info, made = backed_up
    data = bytearray(made.path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    else:
        del data[-100:]
    made.path.write_bytes(bytes(data))
    before = _databases(info)
    for attempt in (lambda: drill.drill(info, settings, None, "zhangsan"),
                    lambda: drill.restore(info, settings, made.manifest.backup_id, "restored_copy", "zhangsan")):
        with pytest.raises(BackupError) as refused:
            attempt()
        assert str(refused.value).startswith(f"backup {made.manifest.backup_id}: {made.path} is corrupt (SHA-256 ")
        assert str(refused.value).endswith("nothing was restored")
    assert _databases(info) == before
    assert [(kind, status) for kind, status, _, _ in _drills(info)] == [("drill", "failed"), ("restore", "failed")]


def test_an_unknown_backup_is_refused_naming_what_to_run(backed_up, settings, tmp_path):
    info, made = backed_up
    for unknown in ("20991231T000000.000Z", "../../etc/passwd", "latest"):
        with pytest.raises(BackupError, match=rf"no backup '{unknown}' in .*: `hubei-data backup list` shows them"):
            drill.drill(info, settings, unknown, "zhangsan")
    (settings.directory / "20991231T000000.000Z.manifest.json").write_text("{not json")
    with pytest.raises(BackupError, match="is not a backup manifest"):
        drill.restore(info, settings, "20991231T000000.000Z", "restored_copy", "zhangsan")
    made.path.unlink()
    with pytest.raises(BackupError, match=f"its dump {made.path} is missing; nothing was restored"):
        drill.drill(info, settings, made.manifest.backup_id, "zhangsan")
    empty = settings.model_copy(update={"directory": tmp_path / "empty"})
    with pytest.raises(BackupError, match="no backup in .*empty: `hubei-data backup run` makes one"):
        drill.drill(info, empty, None, "zhangsan")


def test_a_restore_makes_a_new_database_with_the_audit_trail_kept_by_its_keeper(backed_up, settings):
    info, made = backed_up
    name = "restored_copy"
    try:
        result = drill.restore(info, settings, made.manifest.backup_id, name, "zhangsan")
        assert result.mismatches == [] and result.target == name
        with psycopg.connect(dataclasses.replace(info, dbname=name).url) as conn:
            assert roles.audit_trail_sealed(conn)
            assert conn.execute("select name from raw.enterprise where uscc = '91420100MA4K3'").fetchone() == (
                "襄阳某医疗器械公司",)
        with pytest.raises(BackupError, match=f"database {name} already exists: a restore writes only into a new"):
            drill.restore(info, settings, made.manifest.backup_id, name, "zhangsan")
    finally:
        warehouse_module.drop_database(name)
    assert [(kind, status) for kind, status, _, _ in _drills(info)] == [("restore", "matched"), ("restore", "failed")]


def test_nothing_is_restored_over_the_live_warehouse(backed_up, settings):
    info, made = backed_up
    with pytest.raises(BackupError, match=f"{info.dbname} is the live warehouse"):
        drill.restore(info, settings, made.manifest.backup_id, info.dbname, "zhangsan")
    with pytest.raises(BackupError, match="not a database name"):
        drill.restore(info, settings, made.manifest.backup_id, "other; drop database x", "zhangsan")
    socket_elsewhere = Path(tempfile.mkdtemp(prefix="hd")) / "socket"
    socket_elsewhere.symlink_to(info.host)
    spelled_otherwise = dataclasses.replace(info, host=str(socket_elsewhere)).url
    live_as_drill_database = settings.model_copy(update={"drill_url": spelled_otherwise})
    with pytest.raises(BackupError, match="HUBEI_DATA_DRILL_DATABASE_URL names the live warehouse"):
        drill.drill(info, live_as_drill_database, None, "zhangsan")
    shutil.rmtree(socket_elsewhere.parent)
    with psycopg.connect(info.url) as conn:
        assert conn.execute("select count(*) from raw.enterprise").fetchone() == (3,)


def test_with_an_external_warehouse_the_drill_uses_the_drill_database_and_empties_it(
        backed_up, settings, fresh_database):
    info, made = backed_up
    external = warehouse_module.parse_url(info.url)
    with pytest.raises(BackupError, match="set it"):
        drill.drill(external, settings, None, "zhangsan")
    scratch = fresh_database("drill")
    with psycopg.connect(scratch.url, autocommit=True) as conn:
        conn.execute("create schema raw")
        conn.execute("create table raw.left_over (n integer)")
    result = drill.drill(external, settings.model_copy(update={"drill_url": scratch.url}), None, "zhangsan")
    assert result.mismatches == [] and result.target == scratch.redacted()
    with psycopg.connect(scratch.url) as conn:
        assert conn.execute("select count(*) from pg_namespace where nspname = any(%s)",
                            (list(backup.SCHEMAS),)).fetchone() == (0,)
