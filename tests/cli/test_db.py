"""`hubei-data db`: upgrade and current through the command line; a warehouse behind stops commands and assets in one line."""

import datetime as dt

import dagster as dg

from hubei_data.api.definitions import api_daily_stats
from hubei_data.cli.runs import cause
from hubei_data.resources import WarehouseResource

BEHIND = "the warehouse schema is at revision none, this release needs 0002: run `hubei-data db upgrade`"


def test_upgrade_migrates_once_and_current_says_where_the_warehouse_is(fresh_database, hubei_data):
    database = fresh_database("cli")
    current = hubei_data(database, "db", "current")
    assert (current.returncode, current.stdout) == (
        0, "warehouse at revision none; this release needs 0002 (behind: run `hubei-data db upgrade`)\n")
    first, second = hubei_data(database, "db", "upgrade"), hubei_data(database, "db", "upgrade")
    assert (first.returncode, first.stdout) == (0, "upgraded from revision none to 0002\n")
    assert (second.returncode, second.stdout) == (0, "at revision 0002\n")
    current = hubei_data(database, "db", "current")
    assert current.stdout == "warehouse at revision 0002; this release needs 0002 (up to date)\n"
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
