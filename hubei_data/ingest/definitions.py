"""What ingestion adds to the platform: landing assets, the file sensor, the daily extract."""

import dagster as dg

from hubei_data.ingest.assets import DAILY, EXTRACT_ASSETS, FILE_ASSETS
from hubei_data.ingest.sensors import LAND_FILES_JOBS, landing_files_sensor
from hubei_data.ops.freeze_guard import partition_schedule
from hubei_data.transform.selection import OUTSIDE_BUILDS

daily_extract_job = dg.define_asset_job(
    "daily_extract_job",
    selection=dg.AssetSelection.assets(*(a.key for a in EXTRACT_ASSETS)).downstream() - OUTSIDE_BUILDS,
    description="Reads one day of every source database, then builds everything downstream.",
)

daily_extract_schedule = partition_schedule(daily_extract_job, DAILY, "0 1 * * *", [a.key for a in EXTRACT_ASSETS])


def ingest_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[*FILE_ASSETS, *EXTRACT_ASSETS],
        jobs=[*LAND_FILES_JOBS.values(), daily_extract_job],
        schedules=[daily_extract_schedule],
        sensors=[landing_files_sensor],
    )
