"""The one Definitions object: it only assembles what each capability exposes."""

import dagster as dg

from hubei_data.api.definitions import api_definitions
from hubei_data.catalog.definitions import catalog_definitions
from hubei_data.exchange.definitions import exchange_definitions
from hubei_data.governance.definitions import governance_definitions
from hubei_data.executor import run_executor
from hubei_data.ingest.definitions import ingest_definitions
from hubei_data.metadata.definitions import metadata_definitions
from hubei_data.metrics.definitions import metric_definitions
from hubei_data.ops.backup_jobs import backup_definitions
from hubei_data.ops.freshness import freshness_definitions
from hubei_data.quality.definitions import quality_definitions
from hubei_data.reports.definitions import report_definitions
from hubei_data.resources import SourceDatabaseResource, WarehouseResource
from hubei_data.transform.definitions import transform_definitions
from hubei_data.transform.jobs import build_all_job


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded lazily: preparing the dbt manifest happens here, never at import."""
    return dg.Definitions.merge(
        ingest_definitions(),
        transform_definitions(),
        quality_definitions(),
        catalog_definitions(),
        governance_definitions(),
        exchange_definitions(),
        api_definitions(),
        metric_definitions(),
        backup_definitions(),
        freshness_definitions(),
        report_definitions(),
        metadata_definitions(),
        dg.Definitions(
            jobs=[build_all_job],
            resources={"warehouse": WarehouseResource(), "source_db": SourceDatabaseResource()},
            executor=run_executor(),
        ),
    )
