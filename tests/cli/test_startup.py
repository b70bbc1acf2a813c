"""The command line starts quickly: listing its commands or checking a login imports neither Dagster nor pandas."""

import subprocess
import sys

import dagster as dg

from hubei_data.cli.queue import STATUSES


def test_the_command_line_loads_without_dagster_pandas_or_pandera():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, hubei_data.cli;"
         " print(sorted(m for m in ('dagster', 'pandas', 'pandera') if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_run_states_offered_are_dagsters():
    assert STATUSES == [status.value.lower() for status in dg.DagsterRunStatus]
