"""A listing with nothing in it says so on stderr, and stdout stays machine-readable."""

import json

import psycopg
import pytest
from tests.people import invoke


ISSUES = """
    create schema if not exists quarantine;
    create table quarantine.issues (source text, key text, rule text, detail text, batch_id bigint, file text,
                                    row_number integer);
"""


@pytest.fixture
def empty_warehouse(migrated_database, use_warehouse, tmp_path, monkeypatch):
    """A database with an empty quarantine, as after a build that flagged nothing."""
    monkeypatch.setenv("HUBEI_DATA_DIR", str(tmp_path))
    info = migrated_database("empty")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute(ISSUES)
    use_warehouse(info)
    return info


@pytest.mark.parametrize(("args", "said"), [
    (["quality", "issues"], "no flagged rows"),
    (["quality", "issues", "--source", "license"], "no flagged rows for license"),
    (["quality", "issues", "--source", "bureau:penalty"], "no flagged rows for bureau:penalty"),
    (["sync-log"], "no build has written a subject or share table yet"),
    (["sync-log", "--run", "4b1c"], "no sync log for run 4b1c"),
    (["metrics", "query", "sampling_batches_month", "--period", "2026-10"], "no values: compute the period first"),
])
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_nothing_to_list_is_said_on_stderr_only(empty_warehouse, args, said, fmt):
    result = invoke([*args, "--format", fmt])
    assert result.exit_code == 0, result.output
    assert said in result.stderr
    if fmt == "json":
        assert result.stdout == ""
    if fmt == "csv":
        assert len(result.stdout.strip().splitlines()) == 1
    assert said not in result.stdout


def test_rows_to_list_are_listed_without_the_notice(empty_warehouse):
    with psycopg.connect(empty_warehouse.url, autocommit=True) as conn:
        conn.execute("insert into quarantine.issues values ('license', 'L1', 'required', 'x', 1, 'f.csv', 2)")
    result = invoke(["quality", "issues"])
    assert json.loads(result.stdout)["key"] == "L1" and "no flagged rows" not in result.stderr
