"""Running the platform's jobs from the command line, with what each run did."""

import datetime as dt

import click
import dagster as dg

from hubei_data import runner, warehouse
from hubei_data.cli.runs import RunFailed, failure, run
from hubei_data.cli.sync import print_sync_log
from hubei_data.ingest.assets import DAILY, files_key, landing_run_config
from hubei_data.transform.selection import landing_selection

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def land_and_build(paths_by_source: dict[str, list[str]], build: bool) -> list[dict]:
    """Land the given files (one run for all sources) and, unless told not to, build downstream."""
    graph = runner.definitions().resolve_asset_graph()
    if build:
        with warehouse.connect() as conn:
            selection = landing_selection(graph, conn, list(paths_by_source))
    else:
        selection = [files_key(source) for source in paths_by_source]
    result = run("build_all_job", run_config=landing_run_config(paths_by_source), selection=selection)
    return _finish(result)


def build_days(first: dt.date, last: dt.date, full_refresh: bool = False) -> list[dict]:
    """Land pending files and the source databases' days first..last, then build everything."""
    keys = DAILY.get_partition_keys()
    start, end = first.isoformat(), last.isoformat()
    if start not in keys or end not in keys:
        raise click.ClickException(f"days must lie between {keys[0]} and {keys[-1]}")
    run_config = {"ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}}}
    result = run("build_all_job", run_config=run_config, tags={RANGE_START: start, RANGE_END: end})
    return _finish(result)


def _finish(result: dg.ExecuteInProcessResult) -> list[dict]:
    """The files each landing step reported; fails loudly when the run did not succeed."""
    files = []
    for event in result.get_asset_materialization_events():
        metadata = event.event_specific_data.materialization.metadata
        if "files" in metadata:
            files.extend(metadata["files"].value)
    failed_checks = [
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION and not e.asset_check_evaluation_data.passed
    ]
    for name in failed_checks:
        click.secho(f"check failed: {name} (see the run {result.run_id} in the UI)", fg="red", err=True)
    if not result.success:
        raise RunFailed([failure(result, "the build failed", name_step=True)])
    print_sync_log(result.run_id)
    return files
