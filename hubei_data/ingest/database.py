"""Reads a source database table incrementally, one updated_at window per batch."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

import psycopg
import sqlalchemy as sa

from hubei_data.contracts import Source
from hubei_data.ingest import landing
from hubei_data.ingest.errors import IngestError
from hubei_data.ingest.headers import MissingColumns, map_headers
from hubei_data.metadata.observe import after_table
from hubei_data.metadata.reading import table_columns
from hubei_data.systems import SourceSystemError, first_line


@dataclass(frozen=True)
class Extracted:
    """One window of one source table: landed as a batch, unchanged, or empty."""

    source: str
    window: tuple[dt.datetime, dt.datetime]
    status: str
    batch_id: int | None = None
    rows: int = 0


def value_text(value) -> str | None:
    """A database value as the text a landing file would carry."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return str(value)


def extract_window(
    conn: psycopg.Connection,
    engine: sa.Engine,
    schema: str | None,
    source: Source,
    start: dt.datetime,
    end: dt.datetime,
) -> Extracted:
    """Land rows with start <= updated_at < end as one batch; identical re-reads are no-ops.

    The batch is identified by a digest of its content, so re-running a day whose rows did
    not change lands nothing, and a day whose rows changed lands the new versions. A source
    system that cannot be reached or read, or whose table lacks a required column, is one line
    naming it, and lands nothing. The table's columns are first compared with the contract, as a
    harvest compares them: a difference, or the table gone, is a drift finding for the source's owner.
    """
    where = _qualified(schema, source.table_name)
    seen_in = f"{source.system_code} daily extract of {start:%Y-%m-%d} ({where})"
    try:
        after_table(conn, source, seen_in, table_columns(engine, schema, source.table_name))
        return _extract_window(conn, engine, schema, source, start, end)
    except sa.exc.NoSuchTableError:
        after_table(conn, source, seen_in, None)
        raise IngestError(f"system {source.system_code}", f"has no table {where}") from None
    except MissingColumns as error:
        raise IngestError(f"system {source.system_code} table {where}", str(error)) from None
    except sa.exc.DBAPIError as error:
        raise SourceSystemError(
            f"system {source.system_code} ({source.system}) cannot be read at"
            f" {engine.url.render_as_string(hide_password=True)}: {first_line(error)}"
        ) from None


def _qualified(schema: str | None, table: str) -> str:
    return f"{schema}.{table}" if schema else table


def _extract_window(conn, engine, schema, source, start, end) -> Extracted:
    table = sa.Table(source.table_name, sa.MetaData(), schema=schema, autoload_with=engine)
    if source.watermark not in table.c:
        raise IngestError(_qualified(schema, source.table_name), f"the table has no {source.watermark} column")
    mapping = map_headers(source, [c.name for c in table.c])
    watermark = table.c[source.watermark]
    query = (
        sa.select(table)
        .where(watermark >= start, watermark < end)
        .order_by(watermark, *(table.c[k] for k in source.key if k in table.c))
    )
    origin = f"{engine.url.render_as_string(hide_password=True)}#{_qualified(schema, source.table_name)}" \
        f"?{source.watermark}=[{start.isoformat()},{end.isoformat()})"
    digest = hashlib.sha256(origin.split("#", 1)[1].encode())
    count = 0
    with conn.transaction():
        batch = landing.open_batch(
            conn,
            source=source.name,
            channel="database",
            origin=origin,
            sha256=f"pending:{origin}",
            extra_columns=list(mapping.extras.values()),
            missing_columns=mapping.missing,
        )
        with engine.connect() as source_conn, conn.cursor().copy(landing.copy_statement(source)) as copy:
            result = source_conn.execution_options(stream_results=True, yield_per=10_000).execute(query)
            for count, row in enumerate(result, start=1):
                values = [value_text(v) for v in row]
                known, extra = mapping.split(values)
                digest.update(json.dumps(values, ensure_ascii=False).encode())
                copy.write_row(
                    [
                        *(known.get(name) for name in source.column_names),
                        json.dumps(extra, ensure_ascii=False) if extra else None,
                        None,
                        batch,
                        count,
                    ]
                )
        previous = landing.find_loaded(conn, source.name, digest.hexdigest())
        if count and previous is None:
            conn.execute(
                "update landing.batches set sha256 = %s, row_count = %s where batch_id = %s",
                (digest.hexdigest(), count, batch),
            )
            return Extracted(source.name, (start, end), "loaded", batch, count)
        raise psycopg.Rollback()
    return Extracted(source.name, (start, end), "unchanged" if count else "empty", previous, count)
