"""`hubei-data backup` as an operator runs it: run, list, drill, restore; each failure one line, each act audited."""

import json

import psycopg
import pytest

from hubei_data.ops import backup
from tests import people
from tests.cli.conftest import hubei_data  # noqa: F401 - fixture: the command in its own process
from tests.ops.backup_setup import add_bulk


@pytest.fixture
def operator(warehouse_with_data, settings, fresh_database, use_warehouse, monkeypatch):
    """`operator(*args)`: the command run in this process by an operator, against the warehouse with data."""
    use_warehouse(warehouse_with_data)
    monkeypatch.setenv("HUBEI_DATA_BACKUP_DIR", str(settings.directory))
    monkeypatch.setenv("HUBEI_DATA_DRILL_DATABASE_URL", fresh_database("drill").url)

    def run(*args: str):
        return people.invoke(["backup", *args], target=warehouse_with_data)

    return run


def _audited(info) -> list[tuple]:
    with psycopg.connect(info.url) as conn:
        return conn.execute("select actor, action, outcome, detail from control.audit_trail"
                            " where action in ('backup', 'restore') order by seq").fetchall()


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output and lines[-1].startswith("Error: "), result.output
    return lines[-1]


def test_an_operator_backs_up_lists_drills_and_restores(operator, warehouse_with_data, settings, fresh_database):
    made = operator("run")
    assert made.exit_code == 0, made.output
    [(backup_id, found)] = backup.on_disk(settings.directory).items()
    assert made.stdout.startswith(f"backup {backup_id}: api, audit, control, exchange, landing, metric, ops, raw;")

    drilled = operator("drill")
    assert drilled.exit_code == 0, drilled.output
    assert f"backup {backup_id} restored into postgresql://" in drilled.stdout and "tables match" in drilled.stdout

    target = fresh_database("restored")
    restored = operator("restore", backup_id, "--into", target.dbname)
    assert restored.exit_code == 0, restored.output
    assert f"restored into {target.dbname}: all" in restored.stdout
    with psycopg.connect(target.url) as conn:
        assert conn.execute("select count(*) from landing.enterprise").fetchone() == (50,)

    [listed] = [json.loads(line) for line in operator("list", "--format", "json").stdout.splitlines()]
    assert (listed["backup"], listed["status"], listed["rows"]) == (backup_id, "succeeded", found.rows)
    assert listed["last_drill"].startswith("matched ")

    operator_name = people.person(warehouse_with_data, "operator")
    assert [(actor, action, outcome, detail.get("kind")) for actor, action, outcome, detail in
            _audited(warehouse_with_data)] == [
        (operator_name, "backup", "success", None), (operator_name, "restore", "success", "drill"),
        (operator_name, "restore", "success", "restore")]


def test_refusals_are_one_line_and_audited(operator, warehouse_with_data, settings):
    assert _one_error_line(operator("drill")) == f"Error: no backup in {settings.directory}: `hubei-data backup run`" \
                                                 " makes one"
    assert _one_error_line(operator("restore", "nonsense", "--into", "copy")) == (
        f"Error: no backup 'nonsense' in {settings.directory}: `hubei-data backup list` shows them")
    assert operator("run").exit_code == 0
    [backup_id] = backup.on_disk(settings.directory)
    dump = settings.directory / f"{backup_id}.dump"
    dump.write_bytes(dump.read_bytes()[:-1])
    corrupt = _one_error_line(operator("drill", backup_id))
    assert corrupt.startswith(f"Error: backup {backup_id}: {dump} is corrupt")
    assert _one_error_line(operator("restore", backup_id, "--into", "no_such_database")).startswith(
        f"Error: backup {backup_id}: {dump} is corrupt")
    outcomes = [(action, outcome) for _, action, outcome, _ in _audited(warehouse_with_data)]
    assert outcomes == [("restore", "failure"), ("restore", "failure"), ("backup", "success"),
                        ("restore", "failure"), ("restore", "failure")]


def test_a_restore_into_a_database_that_is_not_there_names_it(operator, settings):
    assert operator("run").exit_code == 0
    [backup_id] = backup.on_disk(settings.directory)
    line = _one_error_line(operator("restore", backup_id, "--into", "no_such_database"))
    assert line.startswith("Error: cannot connect to postgresql://") and 'database "no_such_database" does not exist' \
        in line


def test_a_full_disk_is_one_line_from_the_command_and_leaves_nothing(hubei_data, warehouse_with_data,  # noqa: F811
                                                                       tiny_filesystem):
    folder = tiny_filesystem(1024)
    add_bulk(warehouse_with_data, 2)
    ran = hubei_data(warehouse_with_data, "backup", "run", HUBEI_DATA_BACKUP_DIR=str(folder))
    assert ran.returncode == 1
    [line] = ran.stderr.splitlines()
    assert line.startswith("Error: backup ") and line.endswith(
        f"to {folder} failed: pg_dump: could not write to output file: No space left on device")
    assert list(folder.iterdir()) == []
