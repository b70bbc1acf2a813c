"""Runs through the Dagster instance's run queue, as the UI makes them: launch, rerun, terminate, backfill, list.

`hubei-data ingest`, `build` and `push` execute their jobs inside the command (runner.py; run_launcher.py
terminates them). The runs here are created against the code location the daemon and the webserver load from
workspace.yaml, and submitted to the instance's QueuedRunCoordinator (Dagster's default, which runner.py's
dagster.yaml keeps); the daemon under `hubei-data ui` or `up` dequeues and launches them, so the UI shows them
like its own and can terminate them.
"""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
from dagster._core.definitions.selector import JobSubsetSelector
from dagster._core.errors import DagsterInvalidSubsetError
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from dagster._core.execution.plan.resume_retry import ReexecutionStrategy
from dagster._core.remote_representation.code_location import CodeLocation
from dagster._core.remote_representation.external import RemotePartitionSet, RemoteRepository
from dagster._core.storage.tags import PARTITION_NAME_TAG
from dagster._core.utils import make_new_backfill_id
from dagster._core.workspace.context import WorkspaceProcessContext, WorkspaceRequestContext
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._time import get_current_timestamp

from hubei_data import runner
from hubei_data.ops.run_launcher import LAUNCHED_BY
from hubei_data.web.services import WORKSPACE


class RunQueueError(Exception):
    """A launch, rerun, termination or backfill that cannot be done, in one line saying why."""


@dataclass(frozen=True)
class Launched:
    run_id: str
    job: str
    status: str


@contextmanager
def _workspace() -> Iterator[tuple[WorkspaceRequestContext, CodeLocation, RemoteRepository]]:
    """The code location as the daemon loads it, with its one repository.

    A run made from it carries the origin the daemon resolves, so the daemon can launch it.
    """
    with WorkspaceProcessContext(runner.instance(), WorkspaceFileTarget(paths=[str(WORKSPACE)]),
                                 code_server_log_level="WARNING") as process:
        context = process.create_request_context()
        (name,) = context.code_location_names
        error = context.get_code_location_error(name)
        if error:
            raise RunQueueError(f"the definitions do not load: {error.message.strip().splitlines()[0]}")
        location = context.get_code_location(name)
        (repository,) = location.get_repositories().values()
        yield context, location, repository


def _job(repository: RemoteRepository, name: str):
    if not repository.has_job(name):
        jobs = sorted(job.name for job in repository.get_all_jobs() if not job.name.startswith("__"))
        raise RunQueueError(f"there is no job {name!r}; the jobs are: {', '.join(jobs)}")
    return repository.get_full_job(name)


def _partitions(repository: RemoteRepository, job: str) -> RemotePartitionSet | None:
    """The job's partitions as the UI offers them, or None when it has none."""
    return next((partitions for partitions in repository.get_partition_sets()
                 if partitions.job_name == job and partitions.has_partitions_definition()), None)


def _check_partition(job: str, partitions: RemotePartitionSet, key: str) -> list[str]:
    """The job's partition keys up to now, refusing a key that is not one of them."""
    keys = list(partitions.get_partitions_definition().get_partition_keys())
    if key not in keys:
        raise RunQueueError(f"{key} is not a partition of {job}: its partitions run from {keys[0]} to {keys[-1]}")
    return keys


def launch(job: str, partition: str | None, user: str) -> Launched:
    """Queue one run of the job (of one partition, for a partitioned job), tagged with who asked."""
    instance = runner.instance()
    with _workspace() as (context, location, repository):
        remote_job = _job(repository, job)
        partitions = _partitions(repository, job)
        tags = {**remote_job.tags, LAUNCHED_BY: user}
        if partitions is None and partition:
            raise RunQueueError(f"{job} has no partitions: launch it without --partition")
        if partitions is not None:
            if not partition:
                latest = partitions.get_partitions_definition().get_last_partition_key()
                raise RunQueueError(f"{job} is partitioned: name one with --partition (the latest is {latest})")
            _check_partition(job, partitions, partition)
            tags[PARTITION_NAME_TAG] = partition
        plan = location.get_execution_plan(remote_job, {}, step_keys_to_execute=None, known_state=None,
                                           instance=instance)
        run = instance.create_run(
            job_name=job, run_id=None, run_config={}, resolved_op_selection=None, step_keys_to_execute=None,
            op_selection=None, status=None, root_run_id=None, parent_run_id=None, tags=tags,
            job_snapshot=remote_job.job_snapshot, execution_plan_snapshot=plan.execution_plan_snapshot,
            parent_job_snapshot=remote_job.parent_job_snapshot, remote_job_origin=remote_job.get_remote_origin(),
            job_code_origin=remote_job.get_python_origin(), asset_selection=None, asset_check_selection=None,
            asset_graph=repository.asset_graph,
        )
        submitted = instance.submit_run(run.run_id, context)
    return Launched(submitted.run_id, job, submitted.status.value)


def rerun(run_id: str, from_failure: bool, user: str) -> Launched:
    """Queue a re-execution of a run that failed or was canceled: whole, or from its failed steps."""
    instance = runner.instance()
    parent = _run(run_id)
    if not parent.is_finished:
        raise RunQueueError(f"run {run_id} is still {parent.status.value}: wait for it to end, or terminate it")
    if parent.status == dg.DagsterRunStatus.SUCCESS:
        raise RunQueueError(f"run {run_id} succeeded: nothing to rerun (`hubei-data runs launch {parent.job_name}`"
                            " runs the job again)")
    with _workspace() as (context, location, repository):
        _job(repository, parent.job_name)
        remote_job = location.get_job(JobSubsetSelector(
            location_name=location.name, repository_name=repository.name, job_name=parent.job_name,
            op_selection=None, asset_selection=parent.asset_selection,
            asset_check_selection=parent.asset_check_selection,
        ))
        strategy = ReexecutionStrategy.FROM_FAILURE if from_failure else ReexecutionStrategy.ALL_STEPS
        try:
            run = instance.create_reexecuted_run(
                request_context=context, parent_run=parent, code_location=location, remote_job=remote_job,
                strategy=strategy, extra_tags={LAUNCHED_BY: user}, use_parent_run_tags=True,
            )
        except DagsterInvalidSubsetError:
            raise RunQueueError(f"run {run_id} has no failed step to rerun from: rerun it whole"
                                " (without --from-failure)") from None
        submitted = instance.submit_run(run.run_id, context)
    return Launched(submitted.run_id, parent.job_name, submitted.status.value)


def terminate(run_id: str) -> str:
    """Take a queued run off the queue, or ask the process running it to stop; the status after."""
    instance = runner.instance()
    run = _run(run_id)
    if run.is_finished:
        raise RunQueueError(f"run {run_id} already ended ({run.status.value}): nothing to terminate")
    if not instance.run_coordinator.cancel_run(run_id):
        raise RunQueueError(f"run {run_id}: the process running it did not answer the request to stop")
    return instance.get_run_by_id(run_id).status.value


def backfill(job: str, first: dt.date, last: dt.date, user: str) -> tuple[str, list[str]]:
    """Ask the daemon for one run per partition from first to last: a backfill on the UI's Backfills page."""
    if first > last:
        raise RunQueueError(f"the range runs backwards: --from {first} is after --to {last}")
    instance = runner.instance()
    with _workspace() as (context, location, repository):
        _job(repository, job)
        partitions = _partitions(repository, job)
        if partitions is None:
            raise RunQueueError(f"{job} has no partitions to backfill: `hubei-data runs launch {job}` runs it")
        _check_partition(job, partitions, first.isoformat())
        keys = _check_partition(job, partitions, last.isoformat())
        chosen = [key for key in keys if first.isoformat() <= key <= last.isoformat()]
        backfill_id = make_new_backfill_id()
        instance.add_backfill(PartitionBackfill(
            backfill_id=backfill_id, partition_set_origin=partitions.get_remote_origin(), partition_names=chosen,
            status=BulkActionStatus.REQUESTED, from_failure=False, tags={LAUNCHED_BY: user},
            backfill_timestamp=get_current_timestamp(),
        ))
    return backfill_id, chosen


def runs(status: str | None, limit: int) -> list[list]:
    """The newest runs, of one status or all: id, job, status, partition, who or what launched it, times."""
    filters = dg.RunsFilter(statuses=[dg.DagsterRunStatus(status.upper())]) if status else None
    return [_row(record) for record in runner.instance().get_run_records(filters=filters, limit=limit)]


def log(run_id: str, limit: int) -> tuple[list, list[dict]]:
    """One run as `runs` lists it, and the last `limit` events of its log, oldest first: time, level, step,
    event type and message."""
    instance = runner.instance()
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        raise RunQueueError(f"there is no run {run_id} (`hubei-data runs list` shows the runs)")
    events = [{
        "at": _moment(entry.timestamp), "level": logging.getLevelName(entry.level), "step": entry.step_key,
        "event": entry.dagster_event_type.name if entry.dagster_event_type else "log",
        "message": entry.message or entry.user_message,
    } for entry in instance.all_logs(run_id)[-limit:]]
    return _row(record), events


def _row(record) -> list:
    run, tags = record.dagster_run, record.dagster_run.tags
    return [run.run_id, run.job_name, run.status.value, tags.get(PARTITION_NAME_TAG), _launcher(tags),
            record.create_timestamp, _moment(record.start_time), _moment(record.end_time)]


def _launcher(tags) -> str:
    if LAUNCHED_BY in tags:
        return tags[LAUNCHED_BY]
    for tag, what in (("dagster/schedule_name", "schedule"), ("dagster/sensor_name", "sensor"),
                      ("dagster/backfill", "backfill")):
        if tag in tags:
            return f"{what} {tags[tag]}"
    return ""


def _moment(timestamp: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC) if timestamp else None


def _run(run_id: str) -> dg.DagsterRun:
    run = runner.instance().get_run_by_id(run_id)
    if run is None:
        raise RunQueueError(f"there is no run {run_id} (`hubei-data runs list` shows the runs)")
    return run
