"""What a freeze means to Dagster: schedules and sensors leave frozen things out or skip, saying why; runs refuse them."""

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

import dagster as dg
import psycopg

from hubei_data.ops.freezes import Freeze, frozen
from hubei_data.resources import WarehouseResource

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

# On a run a schedule or sensor asked for with frozen assets left out: which, and why.
LEFT_OUT_TAG = "hubei_data/left_out_frozen"


def held(freezes: Mapping[tuple[str, str], Freeze], *things: tuple[str, str]) -> Freeze | None:
    """The first of these (kind, name) that is frozen."""
    return next((freezes[thing] for thing in things if thing in freezes), None)


def frozen_assets(freezes: Mapping[tuple[str, str], Freeze], keys: Iterable[dg.AssetKey]) -> dict[dg.AssetKey, Freeze]:
    """Those of the keys that are frozen, with their freezes."""
    return {key: freezes[("asset", key.to_user_string())] for key in keys
            if ("asset", key.to_user_string()) in freezes}


def _said(stopped: Mapping[dg.AssetKey, Freeze]) -> str:
    return "; ".join(f"{key.to_user_string()} is {freeze.describe()}" for key, freeze in stopped.items())


def without_frozen(context: dg.SensorEvaluationContext | dg.ScheduleEvaluationContext | dg.RunStatusSensorContext,
                   job: "UnresolvedAssetJobDefinition", request: dg.RunRequest, roots: Collection[dg.AssetKey],
                   freezes: Mapping[tuple[str, str], Freeze]) -> dg.RunRequest | dg.SkipReason:
    """The job's request (its own asset selection, else the job's) with its frozen assets left out and named in a
    tag of the run; a skip saying why when every asset the job starts from (`roots`) is frozen, since then the run
    would have nothing to do."""
    if not any(kind == "asset" for kind, _ in freezes):
        return request
    job_keys = set(request.asset_selection or job.selection.resolve(context.repository_def.asset_graph))
    stopped = frozen_assets(freezes, job_keys)
    if not stopped:
        return request
    if all(root in stopped for root in roots):
        return dg.SkipReason(_said({root: stopped[root] for root in roots}))
    kept = sorted(job_keys - stopped.keys(), key=lambda key: key.to_user_string())
    return request.with_replaced_attrs(asset_selection=kept, tags={**request.tags, LEFT_OUT_TAG: _said(stopped)})


def refuse_frozen_assets(conn: psycopg.Connection, keys: Iterable[dg.AssetKey]) -> None:
    """The step that would write a frozen asset (in a run launched from the UI or `hubei-data build` anyway)
    fails before it writes, naming each freeze."""
    stopped = frozen_assets(frozen(conn), keys)
    if stopped:
        commands = ", ".join(f"`hubei-data unfreeze asset {key.to_user_string()}`" for key in stopped)
        raise dg.Failure(f"{_said(stopped)}: not written; unfreeze ({commands}) or leave it out of the run")


def partition_schedule(job: "UnresolvedAssetJobDefinition", partitions_def: dg.TimeWindowPartitionsDefinition,
                       cron: str, roots: Collection[dg.AssetKey]) -> dg.ScheduleDefinition:
    """The job's latest partition on each tick, as `build_schedule_from_partitioned_job` asks for it, with frozen
    assets left out."""

    @dg.schedule(name=f"{job.name}_schedule", cron_schedule=cron, job=job, execution_timezone=partitions_def.timezone,
                 default_status=dg.DefaultScheduleStatus.RUNNING)
    def _tick(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
        with dg.partition_loading_context(effective_dt=context.scheduled_execution_time):
            key = partitions_def.get_last_partition_key()
        if key is None:
            return dg.SkipReason(f"{job.name} has no partition ending before {context.scheduled_execution_time}")
        with warehouse.connect() as conn:
            freezes = frozen(conn)
        return without_frozen(context, job, dg.RunRequest(run_key=key, partition_key=key), roots, freezes)

    return _tick
