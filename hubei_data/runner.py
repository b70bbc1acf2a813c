"""Runs jobs in this process against the persistent Dagster instance, so the UI shows them and can terminate them."""

import os
from functools import cache
from pathlib import Path

import dagster as dg

from hubei_data import warehouse
from hubei_data.ops.run_launcher import this_process

STORAGE_VARIABLE = "HUBEI_DATA_DAGSTER_STORAGE_URL"
DAGSTER_YAML = f"""\
storage:
  postgres:
    postgres_url:
      env: {STORAGE_VARIABLE}
run_launcher:
  module: hubei_data.ops.run_launcher
  class: CommandAwareRunLauncher
telemetry:
  enabled: false
"""


def prepare_dagster_home() -> Path:
    """Point Dagster at `<data dir>/dagster_home`, storing runs and events in the warehouse."""
    home = warehouse.data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ[STORAGE_VARIABLE] = warehouse.connect_info().sqlalchemy_url
    os.environ.update(warehouse.connect_info().dbt_env())
    return home


@cache
def instance() -> dg.DagsterInstance:
    prepare_dagster_home()
    return dg.DagsterInstance.get()


@cache
def definitions() -> dg.Definitions:
    from hubei_data.definitions import defs

    return defs()


def run_job(
    name: str,
    *,
    run_config: dict | None = None,
    tags: dict[str, str] | None = None,
    selection: list[dg.AssetKey] | None = None,
    partition_key: str | None = None,
) -> dg.ExecuteInProcessResult:
    """Execute a job here, logging progress at INFO, and return its result without raising.

    The run is tagged with this process, so terminating it from the UI interrupts this process.
    """
    job = definitions().resolve_job_def(name)
    config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}, **(run_config or {})}
    return job.execute_in_process(
        run_config=config,
        instance=instance(),
        tags={**(tags or {}), **this_process()},
        asset_selection=selection,
        partition_key=partition_key,
        raise_on_error=False,
    )
