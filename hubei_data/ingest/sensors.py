"""The file sensor: a file new to the platform in a landing folder requests a run that lands it."""

import hashlib
import json

import dagster as dg

from hubei_data.contracts import SOURCES
from hubei_data.ingest.arrivals import fingerprints, unreceived
from hubei_data.ingest.assets import files_key, landing_run_config
from hubei_data.ops.freeze_guard import without_frozen
from hubei_data.ops.freezes import frozen
from hubei_data.resources import WarehouseResource
from hubei_data.transform.selection import OUTSIDE_BUILDS


def land_files_job_name(source: str) -> str:
    return f"land_{source}_files_job"


LAND_FILES_JOBS = {
    source: dg.define_asset_job(
        land_files_job_name(source),
        selection=dg.AssetSelection.assets(files_key(source)).downstream() - OUTSIDE_BUILDS,
        description=f"Lands {source} files, then builds everything downstream of them.",
    )
    for source in SOURCES
}


@dg.sensor(
    jobs=list(LAND_FILES_JOBS.values()),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches <data dir>/landing/<source>/ and lands files neither loaded nor rejected before, "
    "then builds everything downstream of them; a frozen source's files wait, frozen assets are left out.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    """One run per source with new files, landing exactly those files.

    The cursor holds each file's [size, mtime] as last seen, so a quiet tick only lists the
    folders; a file new to the cursor is looked up in landing.batches before it earns a run.
    A source whose landing asset is frozen keeps its old place in the cursor, so its files are
    new again once it is unfrozen.
    """
    seen = json.loads(context.cursor) if context.cursor else {}
    now = {source: fingerprints(source) for source in SOURCES}
    changed = {
        source: {path: mark for path, mark in marks.items() if seen.get(source, {}).get(path) != mark}
        for source, marks in now.items()
    }
    requests, skipped = [], []
    if any(changed.values()):
        with warehouse.connect() as conn:
            new = unreceived(conn, changed)
            freezes = frozen(conn)
        for source, paths in new.items():
            if not paths:
                continue
            files = {path: changed[source][path] for path in paths}
            request = without_frozen(context, LAND_FILES_JOBS[source], _land(source, files), [files_key(source)], freezes)
            if isinstance(request, dg.SkipReason):
                now[source] = seen.get(source, {})
                skipped.append(request.skip_message)
            else:
                requests.append(request)
    if skipped and not requests:
        return dg.SensorResult(skip_reason="; ".join(skipped), cursor=json.dumps(now))
    for message in skipped:
        # A tick that asks for runs shows no skip reason: its log says which sources wait.
        context.log.info(message)
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(now))


def _land(source: str, files: dict[str, list[int]]) -> dg.RunRequest:
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"{source}:{digest}",
        job_name=land_files_job_name(source),
        run_config=landing_run_config({source: sorted(files)}),
        tags={"hubei_data/source": source},
    )
