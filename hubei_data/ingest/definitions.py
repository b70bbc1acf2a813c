"""What ingestion adds to the platform: landing assets, the file sensor, the daily extract."""

import dagster as dg

from hubei_data.ingest.assets import EXTRACT_ASSETS, FILE_ASSETS
from hubei_data.ingest.daily import BUILD_AFTER_EXTRACT_SENSORS, daily_extract_job, daily_extract_schedule
from hubei_data.ingest.sensors import LAND_FILES_JOBS, landing_files_sensor


def ingest_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=[*FILE_ASSETS, *EXTRACT_ASSETS],
        jobs=[*LAND_FILES_JOBS.values(), daily_extract_job],
        schedules=[daily_extract_schedule],
        sensors=[landing_files_sensor, *BUILD_AFTER_EXTRACT_SENSORS],
    )
