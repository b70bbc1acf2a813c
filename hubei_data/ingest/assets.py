"""Landing assets: one per source for files, one per database source for daily extracts."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from hubei_data import warehouse
from hubei_data.contracts import SOURCES, Source
from hubei_data.control.schema import require_current
from hubei_data.ingest import landing
from hubei_data.ingest.database import extract_window
from hubei_data.ingest.files import land_file
from hubei_data.ops.freeze_guard import refuse_frozen_assets
from hubei_data.resources import SourceDatabaseResource, WarehouseResource

TIMEZONE = "Asia/Shanghai"
DAILY = dg.DailyPartitionsDefinition(start_date="2024-01-01", timezone=TIMEZONE)


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


def _files_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=files_key(source.name),
        group_name="landing",
        kinds={"python", "postgres"},
        description=f"Lands {source.chinese} ({source.name}) files from <data dir>/landing/{source.name}/ "
        f"into landing.{source.name}: each file once (by SHA-256), values as sent, with lineage.",
    )
    def _asset(
        context: dg.AssetExecutionContext, config: LandingFilesConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
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
        loaded = [r for r in results if r.status == "loaded"]
        return dg.MaterializeResult(
            # What raw has to take in: a run that lands nothing new leaves raw and all after it in sync.
            data_version=dg.DataVersion(f"file batch {newest}"),
            metadata={
                "files_loaded": len(loaded),
                "rows_loaded": sum(r.rows for r in loaded),
                "files_skipped": sum(r.status == "skipped" for r in results),
                "files_rejected": dg.MetadataValue.json(
                    [{"file": r.path, "reason": r.reason} for r in results if r.status == "rejected"]
                ),
                "files": dg.MetadataValue.json([r.as_dict() for r in results]),
            }
        )

    return _asset


def _days(start: dt.datetime, end: dt.datetime):
    """Naive local-time day windows: business systems store local wall-clock timestamps."""
    zone = ZoneInfo(TIMEZONE)
    day = start.astimezone(zone).replace(tzinfo=None)
    stop = end.astimezone(zone).replace(tzinfo=None)
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
        description=f"Reads {source.chinese} ({source.name}) from the {source.system} database, one "
        f"{source.watermark} day per partition, into landing.{source.name}; unchanged days land nothing.",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, source_db: SourceDatabaseResource
    ) -> dg.MaterializeResult:
        window = context.partition_time_window
        engine = source_db.engine()
        results = []
        with warehouse.connect() as conn:
            conn.autocommit = True
            require_current(conn)
            refuse_frozen_assets(conn, context.selected_asset_keys)
            landing.ensure_landing(conn)
            landing.prune_landed(conn, [source])
            for start, end in _days(window.start, window.end):
                result = extract_window(conn, engine, source_db.source_schema, source, start, end)
                context.log.info(f"{source.name} {start:%Y-%m-%d}: {result.status}, {result.rows} rows")
                results.append(result)
        engine.dispose()
        loaded = [r for r in results if r.status == "loaded"]
        return dg.MaterializeResult(
            metadata={
                "days": len(results),
                "batches_loaded": len(loaded),
                "rows_loaded": sum(r.rows for r in loaded),
                "days_unchanged": sum(r.status == "unchanged" for r in results),
            }
        )

    return _asset


def database_sources() -> list[Source]:
    """Sources read from a business database: those with an updated_at watermark."""
    return [s for s in SOURCES.values() if s.watermark]


FILE_ASSETS = [_files_asset(s) for s in SOURCES.values()]
EXTRACT_ASSETS = [_extract_asset(s) for s in database_sources()]
