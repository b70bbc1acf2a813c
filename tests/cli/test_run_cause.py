"""The cause of a failed run in one line, read from its failure event; Dagster's console log one line per record."""

import io

import dagster as dg
import psycopg
import pytest

from hubei_data.cli.runs import OneLinePerEvent, cause
from hubei_data.exchange.subscription import SubscriptionError


def _failed_run(*errors: Exception) -> dg.ExecuteInProcessResult:
    def failing(index: int, error: Exception) -> dg.AssetsDefinition:
        @dg.asset(name=f"step_{index}")
        def _asset():
            raise error

        return _asset

    assets = [failing(i, e) for i, e in enumerate(errors)]
    job = dg.define_asset_job("failing_job", selection=[a.key for a in assets])
    defs = dg.Definitions(assets=assets, jobs=[job])
    with dg.instance_for_test() as instance:
        return defs.resolve_job_def("failing_job").execute_in_process(instance=instance, raise_on_error=False)


def _raised_from() -> ValueError:
    try:
        try:
            raise KeyError("inner")
        except KeyError as inner:
            raise ValueError("the outer error explains") from inner
    except ValueError as outer:
        return outer


@pytest.mark.parametrize(("error", "line"), [
    (SubscriptionError("subscription s: X_URL is not set"), "subscription s: X_URL is not set"),
    (dg.Failure("relation missing: build the libraries first\nmore detail"), "relation missing: build the libraries first"),
    (KeyError("code"), "KeyError: 'code'"),
    (psycopg.errors.UndefinedTable('relation "share.x" does not exist\nLINE 1: select'),
     'UndefinedTable: relation "share.x" does not exist'),
    (_raised_from(), "ValueError: the outer error explains"),
    (RuntimeError(), "RuntimeError"),
])
def test_the_cause_is_what_the_step_raised_in_one_line(error, line):
    assert cause(_failed_run(error)) == line


def test_the_step_and_the_other_failures_are_named_when_asked():
    result = _failed_run(KeyError("a"), KeyError("b"), KeyError("c"))
    assert cause(result, name_step=True).startswith("step step_")
    assert cause(result).endswith(" (and 2 more failed steps)")
    assert cause(_failed_run(KeyError("a"), KeyError("b"))).endswith(" (and 1 more failed step)")


@pytest.mark.parametrize(("written", "shown"), [
    ("2026-12-03 06:17:02 +0000 - dagster - ERROR - j - 1f - a - STEP_FAILURE - Execution of step \"a\" failed.\n\n"
     "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred\n\nStack Trace:\n  File \"x.py\"\n",
     "2026-12-03 06:17:02 +0000 - dagster - ERROR - j - 1f - a - STEP_FAILURE - Execution of step \"a\" failed.\n"),
    ("\x1b[32m2026-12-03\x1b[0m - dagster - \x1b[31mERROR - j - RUN_FAILURE - failed.\n\nStack Trace:\n  x\x1b[0m\n",
     "\x1b[32m2026-12-03\x1b[0m - dagster - \x1b[31mERROR - j - RUN_FAILURE - failed.\x1b[0m\n"),
    ("2026-12-03 06:17:02 +0000 - dagster - INFO - j - 1f - a - penalty: batch 1: 500 records\n",
     "2026-12-03 06:17:02 +0000 - dagster - INFO - j - 1f - a - penalty: batch 1: 500 records\n"),
    ("dbt says\n\nsomething of its own\n", "dbt says\n\nsomething of its own\n"),
])
def test_the_console_keeps_one_line_per_dagster_record_and_everything_else(written, shown):
    terminal = io.StringIO()
    console = OneLinePerEvent(terminal)
    assert console.write(written) == len(written)
    assert terminal.getvalue() == shown
