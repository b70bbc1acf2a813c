"""Runs jobs from this process against the persistent Dagster instance, so the UI shows them and can terminate them:
their steps execute here, or on the Celery workers when a broker is configured (executor.py)."""

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import dagster as dg

from hubei_data import executor, warehouse
from hubei_data.ops.run_launcher import this_process

STORAGE_VARIABLE = "HUBEI_DATA_DAGSTER_STORAGE_URL"
DAGSTER_YAML = f"""\
run_storage:
  module: dagster_postgres.run_storage
  class: PostgresRunStorage
  config:
    postgres_url:
      env: {STORAGE_VARIABLE}
event_log_storage:
  module: hubei_data.ops.event_log_storage
  class: PoolSafeEventLogStorage
  config:
    postgres_url:
      env: {STORAGE_VARIABLE}
schedule_storage:
  module: dagster_postgres.schedule_storage
  class: PostgresScheduleStorage
  config:
    postgres_url:
      env: {STORAGE_VARIABLE}
run_launcher:
  module: hubei_data.ops.run_launcher
  class: CommandAwareRunLauncher
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
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
    """This process's Dagster instance, its storage connections pooled.

    Unpooled, Dagster's storage opens a new connection for every event it stores: thousands in one
    ingest, a fifth of a small one's time. Its webserver pools them the same way.
    """
    prepare_dagster_home()
    found = dg.DagsterInstance.get()
    found.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=5)
    return found


@cache
def definitions() -> dg.Definitions:
    from hubei_data.definitions import defs

    return defs()


def job_named(name: str) -> dg.JobDefinition:
    """One job of the definitions, by name: how a Celery worker finds the job of the step it was sent."""
    return definitions().resolve_job_def(name)


def run_job(
    name: str,
    *,
    run_config: dict | None = None,
    tags: dict[str, str] | None = None,
    selection: list[dg.AssetKey] | None = None,
    partition_key: str | None = None,
) -> dg.ExecuteInProcessResult | dg.JobExecutionResult:
    """Execute a job from here, logging progress at INFO, and return its result without raising.

    The run is tagged with this process, so terminating it from the UI interrupts this process.
    """
    job = job_named(name)
    config = {"loggers": {"console": {"config": {"log_level": "INFO"}}}, **(run_config or {})}
    tags = {**(tags or {}), **this_process()}
    with signals_kept():
        if executor.broker():
            return _run_on_workers(job, config, tags, selection, partition_key)
        return job.execute_in_process(
            run_config=config,
            instance=instance(),
            tags=tags,
            asset_selection=selection,
            partition_key=partition_key,
            raise_on_error=False,
        )


@contextmanager
def signals_kept() -> Iterator[None]:
    """Put SIGTERM and SIGINT back as they were once the run ends.

    A run points SIGTERM at whatever SIGINT does (dagster._utils.interrupts). In a process started in the
    background, where the shell leaves SIGINT ignored, that left SIGTERM ignored after the run: the process
    and every child it started afterwards could no longer be stopped by SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)


def _run_on_workers(
    job: dg.JobDefinition, run_config: dict, tags: dict[str, str], selection: list[dg.AssetKey] | None,
    partition_key: str | None,
) -> dg.JobExecutionResult:
    """Orchestrate the run here while the job's executor sends each step to the workers, who load the job by name."""
    partition = job.partitions_def.get_tags_for_partition_key(partition_key) if partition_key else {}
    return dg.execute_job(
        dg.build_reconstructable_job(__name__, job_named.__name__, (job.name,)),
        instance(),
        run_config=run_config,
        tags={**tags, **partition},
        asset_selection=selection,
    )
