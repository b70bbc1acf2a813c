"""The file sensor: a new or changed file in a landing folder requests a landing run."""

import hashlib
import json

import dagster as dg

from hubei_data.contracts import SOURCES
from hubei_data.ingest.assets import files_key, pending_files
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


def _fingerprints(source: str) -> dict[str, str]:
    return {str(p): f"{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in pending_files(source)}


@dg.sensor(
    jobs=LAND_FILES_JOBS,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches <data dir>/landing/<source>/ and lands new or changed files, then builds "
    "everything downstream of them.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """One run per source whose folder changed; the cursor remembers each file's size and mtime."""
    seen = json.loads(context.cursor) if context.cursor else {}
    requests, now = [], {}
    for source in SOURCES:
        current = _fingerprints(source)
        now[source] = current
        changed = sorted(path for path, mark in current.items() if seen.get(source, {}).get(path) != mark)
        if changed:
            digest = hashlib.sha256(json.dumps({p: current[p] for p in changed}).encode()).hexdigest()[:16]
            requests.append(
                dg.RunRequest(
                    run_key=f"{source}:{digest}",
                    job_name=land_files_job_name(source),
                    tags={"hubei_data/source": source},
                )
            )
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(now))
