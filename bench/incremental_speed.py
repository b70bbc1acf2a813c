"""A day's build against a full build of the same history: what an incremental build of the vaccination path costs.

With the history the ingest stage landed and built (or, without that stage, `land_history`), it times
`dbt build --full-refresh` of every model downstream of raw vaccination, lands a day in which 1% of the rows are new
or changed, and times the same `dbt build` again, which builds that day into the libraries. Both are plain dbt
builds with their dbt tests; between them the full build's tables are vacuumed, untimed, as a day later they are.
"""

import os
import subprocess
from pathlib import Path

import landing_speed
from ingest_speed import CLI
from orchestration_speed import plain_dbt_build
from quiet import vacuumed

from hubei_data import warehouse

DAY_SHARE = 0.01


def land_history(path: Path, token: str) -> None:
    """The history as the ingest stage leaves it, untimed and quicker: the file landed, then every model built once."""
    subprocess.run([CLI, "ingest", str(path), "--source", "vaccination", "--no-build"], check=True,
                   capture_output=True, env={**os.environ, "HUBEI_DATA_TOKEN": token})
    plain_dbt_build("--exclude", "resource_type:test", select="*")


def measure(history: int, scratch: Path, token: str) -> tuple[float, float]:
    """(seconds of the full build, seconds of the day's build)."""
    full = plain_dbt_build("--full-refresh")
    vacuumed(warehouse.connect_info().url)
    changed = max(int(history * DAY_SHARE / 2), 1)
    day = landing_speed.write_day(warehouse.connect_info().url, scratch / "vaccination_day.csv", history, changed,
                                  changed)
    subprocess.run([CLI, "ingest", str(day), "--source", "vaccination", "--no-build"], check=True,
                   capture_output=True, env={**os.environ, "HUBEI_DATA_TOKEN": token})
    day.unlink()
    return full, plain_dbt_build()

