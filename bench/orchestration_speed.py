"""What Dagster adds to a dbt build: a run of the dbt models and their dbt tests against `dbt build` itself.

Both build what an ingest of vaccination rows builds (every model downstream of raw vaccination) on the same
warehouse, one after the other, twice: from scratch (`--full-refresh`), work that grows with the rows, and with
nothing new to take, which shows what a run costs whatever it builds. The pandera checks, which plain dbt does not
run, are left out of the Dagster run. The Dagster run goes first, so the plain build finds the pages it reads no
colder than the run did.
"""

import os
import subprocess
import time
from pathlib import Path

import dagster as dg
from quiet import vacuumed

from hubei_data import runner, warehouse
from hubei_data.transform.assets import DBT_DIR, PRODUCTION_BUILD, dbt_resource


def measure(url: str) -> dict[str, tuple[float, float]]:
    """For "full" (from scratch) and "nothing new": (seconds of `dbt build`, seconds of a Dagster run of the same
    models and tests). Each build starts on a quiet server."""
    runner.prepare_dagster_home()
    job = _dbt_only_job()
    measured = {}
    for kind, full_refresh in (("full", True), ("nothing new", False)):
        vacuumed(url)
        orchestrated = _dagster_run(job, full_refresh)
        vacuumed(url)
        measured[kind] = plain_dbt_build(*(["--full-refresh"] if full_refresh else [])), orchestrated
    return measured


def _dagster_run(job: dg.JobDefinition, full_refresh: bool) -> float:
    """Seconds of one run of the job, as the platform's runs go: in this process, logged to the instance."""
    config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}},
              "ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}}}
    started = time.perf_counter()
    result = job.execute_in_process(instance=runner.instance(), run_config=config, raise_on_error=False)
    seconds = time.perf_counter() - started
    if not result.success:
        raise RuntimeError("the Dagster run of the dbt models failed")
    return seconds


def plain_dbt_build(*options: str, select: str = "raw_vaccination+") -> float:
    """Seconds of `dbt build` of every model downstream of raw vaccination (or `select`) and their data tests, as
    its own build, with the options the platform's builds take."""
    env = {**os.environ, **warehouse.connect_info().dbt_env(), "HUBEI_DATA_SYNC_ID": f"bench-{time.time_ns()}"}
    started = time.perf_counter()
    subprocess.run([dbt_resource().dbt_executable, "build", *PRODUCTION_BUILD, "--quiet", "--select", select,
                    *options, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                    "--target-path", str(Path(DBT_DIR) / "target" / "bench")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _dbt_only_job() -> dg.JobDefinition:
    """The dbt models downstream of raw vaccination with their dbt tests, as a job beside the platform's own."""
    definitions = runner.definitions()
    graph = definitions.resolve_asset_graph()
    models = definitions.resolve_assets_def(dg.AssetKey(["raw", "batches"]))
    downstream = dg.AssetSelection.assets(dg.AssetKey(["raw", "vaccination"])).downstream().resolve(graph) & models.keys
    checks = [key for key in models.check_keys if key.asset_key in downstream]
    job = dg.define_asset_job("bench_dbt_only_job", selection=dg.AssetSelection.assets(*downstream).without_checks()
                              | dg.AssetSelection.checks(*checks))
    return dg.Definitions.merge(definitions, dg.Definitions(jobs=[job])).resolve_job_def(job.name)
