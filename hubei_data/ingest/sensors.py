"""The file sensor: a file new to the platform in a landing folder requests a run that lands it."""

import hashlib
import json

import dagster as dg

from hubei_data.contracts import SOURCES
from hubei_data.ingest.arrivals import fingerprints, unreceived
from hubei_data.ingest.assets import files_key, landing_run_config
from hubei_data.resources import WarehouseResource
from hubei_data.transform.selection import OUTSIDE_BUILDS


def land_files_job_name(source: str) -> str:
    return f"land_{source}_files_job"


LAND_FILES_JOBS = [
    dg.define_asset_job(
        land_files_job_name(source),
        selection=dg.AssetSelection.assets(files_key(source)).downstream() - OUTSIDE_BUILDS,
        description=f"Lands {source} files, then builds everything downstream of them.",
    )
    for source in SOURCES
]


@dg.sensor(
    jobs=LAND_FILES_JOBS,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches <data dir>/landing/<source>/ and lands files neither loaded nor rejected before, "
    "then builds everything downstream of them.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    """One run per source with new files, landing exactly those files.

    The cursor holds each file's [size, mtime] as last seen, so a quiet tick only lists the
    folders; a file new to the cursor is looked up in landing.batches before it earns a run.
    """
    seen = json.loads(context.cursor) if context.cursor else {}
    now = {source: fingerprints(source) for source in SOURCES}
    changed = {
        source: {path: mark for path, mark in marks.items() if seen.get(source, {}).get(path) != mark}
        for source, marks in now.items()
    }
    requests = []
    if any(changed.values()):
        with warehouse.connect() as conn:
            new = unreceived(conn, changed)
        requests = [_land(source, {p: changed[source][p] for p in paths}) for source, paths in new.items() if paths]
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(now))


def _land(source: str, files: dict[str, list[int]]) -> dg.RunRequest:
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"{source}:{digest}",
        job_name=land_files_job_name(source),
        run_config=landing_run_config({source: sorted(files)}),
        tags={"hubei_data/source": source},
    )
