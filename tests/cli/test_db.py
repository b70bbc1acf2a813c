"""`hubei-data db`: upgrade and current through the command line; a warehouse behind stops commands and assets in one line."""

import datetime as dt

import dagster as dg

from hubei_data.api.definitions import api_daily_stats
from hubei_data.cli.runs import cause
from hubei_data.resources import WarehouseResource

from hubei_data.control.schema import head

BEHIND = f"the warehouse schema is at revision none, this release needs {head()}: run `hubei-data db upgrade`"


def test_upgrade_migrates_once_and_current_says_where_the_warehouse_is(fresh_database, hubei_data):
    database = fresh_database("cli")
    current = hubei_data(database, "db", "current")
    assert (current.returncode, current.stdout) == (
        0, f"warehouse at revision none; this release needs {head()} (behind: run `hubei-data db upgrade`)\n")
    first = hubei_data(database, "db", "upgrade")
    assert first.returncode == 0 and first.stdout.startswith(f"upgraded from revision none to {head()}\n")
    assert "the system administrator (系统管理员) is 'admin', one-time password: " in first.stdout
    second = hubei_data(database, "db", "upgrade")
    assert (second.returncode, second.stdout) == (0, f"at revision {head()}\n")
    current = hubei_data(database, "db", "current")
    assert current.stdout == f"warehouse at revision {head()}; this release needs {head()} (up to date)\n"
    assert hubei_data(database, "sync-log").returncode == 0


def test_a_command_on_a_warehouse_behind_ends_with_the_one_line_to_upgrade(fresh_database, hubei_data):
    process = hubei_data(fresh_database("cli"), "sync-log")
    assert process.returncode == 1
    assert process.stderr == f"Error: {BEHIND}\n"


def test_an_asset_on_a_warehouse_behind_fails_with_the_one_line_to_upgrade(fresh_database, use_warehouse):
    use_warehouse(fresh_database("cli"))
    result = dg.materialize([api_daily_stats], partition_key=dt.date(2026, 3, 14).isoformat(),
                            resources={"warehouse": WarehouseResource()}, raise_on_error=False)
    assert not result.success
    assert cause(result) == BEHIND
