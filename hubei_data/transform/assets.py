"""The dbt models as Dagster assets, with dbt tests as asset checks."""

import functools
import importlib.metadata
import os
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from packaging import version
from pydantic import Field

from hubei_data import project
from hubei_data.control.schema import require_current
from hubei_data.ingest.landing import ensure_landing
from hubei_data.ops.freeze_guard import refuse_frozen_assets
from hubei_data.resources import WarehouseResource
from hubei_data.transform import parse_state, sync_log
from hubei_data.transform.translator import HubeiTranslator

DBT_DIR = project.root() / "dbt_project"
DBT_PROJECT = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


class LocalDbtResource(DbtCliResource):
    """dbt from this interpreter's environment: its version is the installed dbt-core package's.

    DbtCliResource learns the version by starting `dbt --version`, almost three seconds on every run
    (each run gets a fresh resource); the executable beside this interpreter is that package's.
    """

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))


def dbt_resource() -> DbtCliResource:
    """dbt from this interpreter's environment, found whether or not it is on PATH."""
    executable = Path(sys.executable).parent / "dbt"
    return LocalDbtResource(project_dir=DBT_PROJECT, profiles_dir=DBT_DIR, dbt_executable=str(executable))


# dbt's unit tests check the models' logic on fixtures, not the day's data: the test suite runs them once
# (tests/test_end_to_end.py), and no build of the libraries waits on them.
PRODUCTION_BUILD = ("--exclude-resource-type", "unit_test")


class BuildConfig(dg.Config):
    """How the dbt build runs."""

    full_refresh: bool = Field(
        default=False, description="Rebuild the incremental tables from scratch; raw keeps every batch it holds."
    )


def build_dbt_assets() -> dg.AssetsDefinition:
    """The dbt assets; needs the manifest, so it is called when definitions load, not on import."""

    @dbt_assets(
        manifest=DBT_PROJECT.manifest_path,
        dagster_dbt_translator=HubeiTranslator(),
        project=DBT_PROJECT,
    )
    def warehouse_models(
        context: dg.AssetExecutionContext, config: BuildConfig, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        """The four libraries (raw, resource, subject, share) and quarantine, built by dbt.

        Subject and share tables are incremental: each build writes only rows new or changed,
        and its counts go to audit.sync_log and onto the materialisation.
        """
        dbt_env = warehouse.connect_info().dbt_env()
        os.environ.update(dbt_env, HUBEI_DATA_SYNC_ID=context.run_id)
        with warehouse.connect() as conn:
            require_current(conn)
            refuse_frozen_assets(conn, context.selected_asset_keys)
            ensure_landing(conn)
            conn.commit()
        args = ["build", *PRODUCTION_BUILD, *(["--full-refresh"] if config.full_refresh else [])]
        run_target = parse_state.build_target(DBT_DIR / "target", dbt_env, context.run_id)
        invocation = dbt.cli(args, context=context, target_path=run_target)
        with warehouse.connect() as conn:
            for event in invocation.stream():
                yield _with_sync_counts(event, context, conn, config.full_refresh)
        parse_state.hand_over_and_remove(run_target, dbt_env)

    return warehouse_models


def _with_sync_counts(event, context: dg.AssetExecutionContext, conn, full_refresh: bool):
    """A subject or share model's output, with what the build wrote into it."""
    if not isinstance(event, dg.Output):
        return event
    key = context.asset_key_for_output(event.output_name)
    if len(key.path) != 2 or key.path[0] not in sync_log.SYNCED_SCHEMAS:
        return event
    duration = event.metadata.get("Execution Duration")
    seconds = duration.value if duration is not None else None
    counts = sync_log.record(conn, *key.path, context.run_id, full_refresh, seconds)
    return event.with_metadata({**event.metadata, **{f"sync_{name}": n for name, n in counts.items()}})
