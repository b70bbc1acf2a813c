"""Profiling after every build: the resource tables it touched measured column by column, jumps made tickets."""

import datetime as dt

import dagster as dg
import psycopg
from psycopg import sql

from hubei_data.contracts import SOURCES
from hubei_data.quality import profile_jumps, profiles
from hubei_data.resources import WarehouseResource

RESOURCES = {dg.AssetKey(["resource", name]): name for name in SOURCES}


@dg.asset(key=["quality", "profiles"], deps=list(RESOURCES), group_name="quality", kinds={"postgres"})
def quality_profiles(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Column profiles (数据剖析): for each resource table this run built, every column's null rate, distinct
    count, smallest and largest value, shortest and longest text and top values, kept per build; a null rate or
    distinct count that jumps against the last builds opens a rectification ticket on the source."""
    at = dt.datetime.now(dt.UTC)
    jumped: dict[str, list[str]] = {}
    with warehouse.connect() as conn:
        chosen = [source for source in _touched(context) if _built(conn, source)]
        for source in chosen:
            measured = profiles.measure(conn, f"resource.{source}", context.run_id, at)
            profiles.record(conn, measured)
            if found := profile_jumps.compare(conn, measured):
                newest = conn.execute(sql.SQL("select coalesce(max(_batch_id), 0) from {}").format(
                    sql.Identifier("resource", source))).fetchone()[0]
                profile_jumps.open_tickets(conn, source, found, newest, at)
                jumped[source] = [jump.words for jump in found]
    for source, words in jumped.items():
        context.log.warning(f"column profile of {source} jumped: {'; '.join(words)}")
    return dg.MaterializeResult(metadata={"profiled": ", ".join(chosen), "jumped": ", ".join(jumped)})


def _touched(context: dg.AssetExecutionContext) -> list[str]:
    """The sources whose resource table this run materialised; all of them when it materialised none (this asset
    run on its own)."""
    records = context.instance.get_records_for_run(
        run_id=context.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=10_000).records
    touched = {RESOURCES[key] for record in records
               if (key := record.event_log_entry.dagster_event.asset_key) in RESOURCES}
    return sorted(touched) or list(SOURCES)


def _built(conn: psycopg.Connection, source: str) -> bool:
    return conn.execute("select to_regclass(%s)", (f"resource.{source}",)).fetchone()[0] is not None
