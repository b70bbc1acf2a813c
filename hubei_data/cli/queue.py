"""`hubei-data runs`: the Dagster run queue the UI shows — list, launch, rerun, terminate, backfill."""

import datetime as dt

import click

from hubei_data.cli.gate import acting, note
from hubei_data.cli.output import FORMATS, emit

# Dagster's run states (DagsterRunStatus), named here so that `--help` need not import Dagster.
STATUSES = ["queued", "not_started", "managed", "starting", "started", "suspended", "success", "failure", "canceling", "canceled"]


def _queued(action, *args):
    """What the queue did, or its refusal in one line, noted in the command's audit row either way."""
    from hubei_data.ops.run_queue import RunQueueError

    try:
        return action(*args)
    except RunQueueError as error:
        note(error=str(error))
        raise click.ClickException(str(error)) from None


@click.group("runs")
def queue() -> None:
    """Runs through the queue the Dagster UI shows, launched by the daemon under `hubei-data ui` or `up`.

    `ingest`, `build`, `push` and `metrics` execute their run inside the command instead; `runs list` shows
    those too, and `runs terminate` (or the UI) interrupts the command."""


@queue.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only runs in this state.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=30, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_runs(status: str | None, limit: int, fmt: str) -> None:
    """The newest runs: id, job, status, partition, who or what launched it, and when."""
    from hubei_data.ops.run_queue import runs as newest

    emit(["run_id", "job", "status", "partition", "launched_by", "created", "started", "ended"],
         newest(status, limit), fmt, empty="no runs" + (f" with status {status}" if status else ""))


@queue.command()
@click.argument("job")
@click.option("--partition", help="The partition of a partitioned job, e.g. a day 2026-11-30.")
def launch(job: str, partition: str | None) -> None:
    """Put a run of JOB on the queue; the daemon launches it, the UI shows it under Runs."""
    from hubei_data.ops import run_queue

    launched = _queued(run_queue.launch, job, partition, acting().username)
    note(run_id=launched.run_id)
    click.echo(f"run {launched.run_id} of {job}{f' ({partition})' if partition else ''}: {launched.status.lower()}")


@queue.command()
@click.argument("run_id")
@click.option("--from-failure", is_flag=True, help="Only the steps that failed and those after them.")
def rerun(run_id: str, from_failure: bool) -> None:
    """Put a new run of a failed or canceled run on the queue: the whole run, or from where it failed."""
    from hubei_data.ops import run_queue

    launched = _queued(run_queue.rerun, run_id, from_failure, acting().username)
    note(new_run_id=launched.run_id)
    click.echo(f"run {launched.run_id} reruns {run_id} ({launched.job}"
               f"{', from the failure' if from_failure else ''}): {launched.status.lower()}")


@queue.command()
@click.argument("run_id")
def terminate(run_id: str) -> None:
    """Take a queued run off the queue, or stop a run the daemon or a command is executing."""
    from hubei_data.ops import run_queue

    status = _queued(run_queue.terminate, run_id)
    note(status=status)
    click.echo(f"run {run_id}: {status.lower()}")


@queue.command()
@click.argument("job")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The first partition.")
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]), help="The last partition.")
def backfill(job: str, first: dt.datetime, last: dt.datetime) -> None:
    """Ask for one run of JOB per partition from --from to --to, as one backfill on the UI's Backfills page."""
    from hubei_data.ops import run_queue

    backfill_id, partitions = _queued(run_queue.backfill, job, first.date(), last.date(), acting().username)
    note(backfill_id=backfill_id, partitions=len(partitions))
    click.echo(f"backfill {backfill_id} of {job}: {len(partitions)} partitions, {partitions[0]} to {partitions[-1]};"
               " the daemon queues one run per partition")
