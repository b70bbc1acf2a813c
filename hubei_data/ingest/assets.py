"""Landing assets: one per source for files, one per database source for daily extracts."""

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from hubei_data import warehouse
from hubei_data.beijing_time import LOCAL
from hubei_data.contracts import SOURCES, Source
from hubei_data.control.schema import require_current
from hubei_data.ingest import landing
from hubei_data.ingest.database import extract_window
from hubei_data.ingest.errors import IngestError
from hubei_data.ingest.files import land_file
from hubei_data.ops.freeze_guard import refuse_frozen_assets
from hubei_data.resources import SourceDatabaseResource, WarehouseResource
from hubei_data.systems import SourceSystemError

DAILY = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone=LOCAL.key)


def landing_dir(source: str) -> Path:
    """Where files for a source are dropped: `<data dir>/landing/<source>/`."""
    path = warehouse.data_dir() / "landing" / source
    path.mkdir(parents=True, exist_ok=True)
    return path


def pending_files(source: str) -> list[Path]:
    return sorted(p for p in landing_dir(source).iterdir() if p.is_file() and not p.name.startswith("."))


def files_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", f"{source}_files"])


def extract_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", f"{source}_extract"])


class LandingFilesConfig(dg.Config):
    """Files to land; empty means every file in the source's landing folder."""

    paths: list[str] = []


def landing_run_config(paths_by_source: dict[str, list[str]]) -> dict:
    """Run config that lands exactly these files, per source."""
    return {
        "ops": {
            files_key(source).to_python_identifier(): {"config": {"paths": paths}}
            for source, paths in paths_by_source.items()
        }
    }


# On a landing asset's materialisation: whether raw had rows of it to take in.
RAW_BEHIND = "raw_behind"


def _materialized_if_raw_behind(
    context: dg.AssetExecutionContext, behind: bool, metadata: dict, data_version: dg.DataVersion | None = None
) -> Iterator[dg.MaterializeResult]:
    """A materialisation only when raw has rows to take in (a batch just landed, or one landed without a build),
    so a run that landed nothing new runs nothing downstream; otherwise an observation keeps on the asset what
    the run saw (files skipped or rejected, days unchanged).

    In a run that lands several sources (the UI's "Materialize all", a whole `build_all_job`) every landing asset
    materialises: Dagster skips a step when any asset it reads did not, and the dbt step reads them all.
    """
    if behind or _lands_others(context):
        yield dg.MaterializeResult(data_version=data_version, metadata={**metadata, RAW_BEHIND: behind})
    else:
        context.log_event(dg.AssetObservation(asset_key=context.asset_key, metadata=metadata))


def _lands_others(context: dg.AssetExecutionContext) -> bool:
    """Whether this run also lands another source (all of its job's assets when it names none)."""
    selected = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    return any(key.path[0] == "landing" and key != context.asset_key for key in selected)


def _files_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=files_key(source.name),
        group_name="landing",
        kinds={"python", "postgres"},
        output_required=False,
        description=f"Lands {source.chinese} ({source.name}) files from <data dir>/landing/{source.name}/ "
        f"into landing.{source.name}: each file once (by SHA-256), values as sent, with lineage; "
        "materialised only when raw has rows of it to take in.",
    )
    def _asset(
        context: dg.AssetExecutionContext, config: LandingFilesConfig, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult]:
        paths = [Path(p) for p in config.paths] or pending_files(source.name)
        with warehouse.connect() as conn:
            conn.autocommit = True
            require_current(conn)
            refuse_frozen_assets(conn, context.selected_asset_keys)
            landing.ensure_landing(conn)
            landing.prune_landed(conn, [source])
            results = []
            for path in paths:
                result = land_file(conn, path, source)
                (context.log.error if result.status == "rejected" else context.log.info)(result.describe())
                results.append(result)
            newest = landing.newest_loaded_batch(conn, source.name, "file")
            behind = landing.awaits_raw(conn, source)
        loaded = [r for r in results if r.status == "loaded"]
        metadata = {
            "files_loaded": len(loaded),
            "rows_loaded": sum(r.rows for r in loaded),
            "files_skipped": sum(r.status == "skipped" for r in results),
            "files_rejected": dg.MetadataValue.json(
                [{"file": r.path, "reason": r.reason} for r in results if r.status == "rejected"]
            ),
            "files": dg.MetadataValue.json([r.as_dict() for r in results]),
        }
        # What raw has to take in: the newest batch, whichever run landed it.
        yield from _materialized_if_raw_behind(context, behind, metadata, dg.DataVersion(f"file batch {newest}"))

    return _asset


def _days(start: dt.datetime, end: dt.datetime):
    """Naive local-time day windows: business systems store local wall-clock timestamps."""
    day = start.astimezone(LOCAL).replace(tzinfo=None)
    stop = end.astimezone(LOCAL).replace(tzinfo=None)
    while day < stop:
        yield day, day + dt.timedelta(days=1)
        day += dt.timedelta(days=1)


def _extract_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=extract_key(source.name),
        group_name="landing",
        kinds={"python", "postgres"},
        partitions_def=DAILY,
        backfill_policy=dg.BackfillPolicy.single_run(),
        output_required=False,
        description=f"Reads {source.chinese} ({source.name}) from the {source.system} database, one "
        f"{source.watermark} day per partition, into landing.{source.name}; unchanged days land nothing, "
        "and a run that leaves raw nothing to take in does not materialise it.",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, source_db: SourceDatabaseResource
    ) -> Iterator[dg.MaterializeResult]:
        window = context.partition_time_window
        try:
            system = source_db.connection(source)
        except SourceSystemError as error:
            raise dg.Failure(description=str(error)) from None
        engine = system.engine()
        results = []
        with warehouse.connect() as conn:
            conn.autocommit = True
            require_current(conn)
            refuse_frozen_assets(conn, context.selected_asset_keys)
            landing.ensure_landing(conn)
            landing.prune_landed(conn, [source])
            for start, end in _days(window.start, window.end):
                try:
                    result = extract_window(conn, engine, system.schema, source, start, end)
                except (SourceSystemError, IngestError) as error:
                    raise dg.Failure(description=str(error)) from None
                context.log.info(f"{source.name} {start:%Y-%m-%d}: {result.status}, {result.rows} rows")
                results.append(result)
            behind = landing.awaits_raw(conn, source)
        engine.dispose()
        loaded = [r for r in results if r.status == "loaded"]
        metadata = {
            "days": len(results),
            "batches_loaded": len(loaded),
            "rows_loaded": sum(r.rows for r in loaded),
            "days_unchanged": sum(r.status == "unchanged" for r in results),
        }
        yield from _materialized_if_raw_behind(context, behind, metadata)

    return _asset


def database_sources() -> list[Source]:
    """Sources read from a business database: those with an updated_at watermark."""
    return [s for s in SOURCES.values() if s.watermark]


FILE_ASSETS = [_files_asset(s) for s in SOURCES.values()]
EXTRACT_ASSETS = [_extract_asset(s) for s in database_sources()]
