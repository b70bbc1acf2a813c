"""Running the platform's jobs from the command line, with what each run did."""

import datetime as dt

import click
import dagster as dg

from hubei_data import runner, warehouse
from hubei_data.cli.runs import RunFailed, failure, run
from hubei_data.cli.sync import print_sync_log
from hubei_data.ingest.assets import DAILY, extract_key, files_key, landing_run_config
from hubei_data.ingest.daily import landed_in_run
from hubei_data.transform.jobs import AFTER_RUN_TAG
from hubei_data.transform.selection import build_selection, built_from, libraries

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def land_and_build(paths_by_source: dict[str, list[str]], build: bool) -> tuple[list[dict], bool]:
    """Land the given files (one run for all sources) and, unless told not to, build what is downstream of the
    sources raw is behind on (a file just loaded, or one landed without a build); the files each landing step
    reported, and whether anything was built.

    The build is a second run chosen after landing: in the landing run Dagster would skip the whole dbt step
    if any one source landed nothing.
    """
    selection = [files_key(source) for source in paths_by_source]
    landing = run("build_all_job", run_config=landing_run_config(paths_by_source), selection=selection)
    files = _finish(landing)
    landed = landed_in_run(runner.instance(), landing.run_id)
    if build and landed:
        graph = runner.definitions().resolve_asset_graph()
        with warehouse.connect() as conn:
            downstream = build_selection(graph, conn, landed)
        _finish(run("build_all_job", selection=downstream, tags={AFTER_RUN_TAG: landing.run_id}))
    return files, bool(build and landed)


def build_days(first: dt.date, last: dt.date, full_refresh: bool = False, source: str | None = None) -> bool:
    """Land pending files and the source databases' days first..last, then build every library; with `source`,
    read only that database source's days and build what is downstream of what landed. Whether anything was built.

    Two runs: in one, Dagster would skip the whole dbt step when any one source landed nothing.
    """
    keys = DAILY.get_partition_keys()
    start, end = first.isoformat(), last.isoformat()
    if start not in keys or end not in keys:
        raise click.ClickException(f"days must lie between {keys[0]} and {keys[-1]}")
    graph = runner.definitions().resolve_asset_graph()
    landing_keys = [extract_key(source)] if source else sorted(dg.AssetSelection.groups("landing").resolve(graph),
                                                                 key=str)
    landing = run("build_all_job", selection=landing_keys, tags={RANGE_START: start, RANGE_END: end})
    _finish(landing)
    selection = libraries(graph)
    if source:
        with warehouse.connect() as conn:
            selection = built_from(graph, conn, landed_in_run(runner.instance(), landing.run_id))
    if selection:
        run_config = {"ops": {"warehouse_models": {"config": {"full_refresh": full_refresh}}}}
        _finish(run("build_all_job", run_config=run_config, selection=selection, tags={AFTER_RUN_TAG: landing.run_id}))
    return bool(selection)


def _finish(result: dg.ExecuteInProcessResult) -> list[dict]:
    """The files each landing step reported; fails loudly when the run did not succeed."""
    files = []
    # A landing asset that loaded no file reports what it saw in an observation instead of a materialisation.
    reports = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]
    reports += [e.event_specific_data.asset_observation for e in result.get_asset_observation_events()]
    for report in reports:
        if "files" in report.metadata:
            files.extend(report.metadata["files"].value)
    for event in result.all_events:
        check = event.asset_check_evaluation_data if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION else None
        if check is None or check.passed:
            continue
        # A warning (an extra column a source began to send, a table the catalog has not published) is news for
        # its owner, not a broken build.
        warned = check.severity == dg.AssetCheckSeverity.WARN
        click.secho(f"check {'warned' if warned else 'failed'}: {check.check_name} on {check.asset_key.to_user_string()}"
                    f" (see the run {result.run_id} in the UI)", fg="yellow" if warned else "red", err=True)
    if not result.success:
        raise RunFailed([failure(result, "the build failed", name_step=True)])
    print_sync_log(result.run_id)
    return files
