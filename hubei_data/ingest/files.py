"""Lands one file: checks it was not loaded before, maps its headers, COPYs its rows (bulk.py when plain), or rejects it."""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

import psycopg

from hubei_data.contracts import Source
from hubei_data.ingest import bulk, landing
from hubei_data.ingest.errors import UnreadableFile, unreadable
from hubei_data.ingest.headers import HeaderMap, MissingColumns, map_headers
from hubei_data.ingest.readers import FileFacts, inspect_file, read_rows
from hubei_data.metadata.observe import after_landing


@dataclass(frozen=True)
class Landed:
    """What became of one file: loaded as a batch, already loaded, or rejected."""

    path: str
    source: str
    status: str
    batch_id: int | None = None
    rows: int = 0
    reason: str | None = None
    extra_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def describe(self) -> str:
        if self.status == "loaded":
            note = f" (extra columns kept: {', '.join(self.extra_columns)})" if self.extra_columns else ""
            return f"{self.path}: loaded {self.rows} rows as batch {self.batch_id}{note}"
        if self.status == "skipped":
            return f"{self.path}: already loaded as batch {self.batch_id}, not loaded again"
        return f"{self.path}: rejected: {self.reason}"


def land_file(conn: psycopg.Connection, path: Path, source: Source) -> Landed:
    """Land a file once; a file that cannot be read, for whatever reason, leaves only its rejection.

    The layout of a file loaded, or refused for lacking required columns, is compared with the contract:
    a difference is a drift finding for the source's owner, a layout like the contract's resolves one.
    """
    landed = _land(conn, path, source)
    if landed.status == "loaded" or landed.missing_columns:
        seen_in = f"{landed.path}, batch {landed.batch_id}" if landed.batch_id else f"{landed.path}, rejected"
        after_landing(conn, source, seen_in, landed.missing_columns, landed.extra_columns)
    return landed


def _land(conn: psycopg.Connection, path: Path, source: Source) -> Landed:
    origin = str(path.resolve())
    stat = facts = None
    try:
        stat = _stat(path)
        known = conn.execute(
            "select batch_id from landing.batches where status = 'loaded' and source = %s"
            " and origin = %s and size_bytes = %s and modified_ns = %s",
            (source.name, origin, stat.st_size, stat.st_mtime_ns),
        ).fetchone()
        if known:
            return Landed(origin, source.name, "skipped", batch_id=known[0])
        if path.suffix.lower() == ".csv" and (plain := bulk.land_plain(conn, path, origin, source, stat)):
            return Landed(origin, source.name, **plain)
        facts = inspect_file(path)
        batch = landing.find_loaded(conn, source.name, facts.sha256)
        if batch is not None:
            return Landed(origin, source.name, "skipped", batch_id=batch)
        return _load(conn, path, origin, source, facts, stat)
    except psycopg.errors.UniqueViolation:
        return Landed(origin, source.name, "skipped", batch_id=landing.find_loaded(conn, source.name, facts.sha256))
    except MissingColumns as error:
        return _reject(conn, origin, source, str(error), stat, facts, mapping=error.mapping)
    except (ValueError, psycopg.DataError) as error:
        return _reject(conn, origin, source, str(error), stat, facts, getattr(error, "sha256", None))
    except OSError as error:
        return _reject(conn, origin, source, str(unreadable(error)), stat, facts)


def _stat(path: Path) -> os.stat_result:
    try:
        stat = path.stat()
    except OSError as error:
        raise unreadable(error) from None
    if not S_ISREG(stat.st_mode):
        raise UnreadableFile("not a regular file")
    return stat


def _load(conn, path: Path, origin: str, source: Source, facts: FileFacts, stat: os.stat_result) -> Landed:
    """COPY the rows as one batch: all of them or, on any error, none."""
    with read_rows(path, facts) as (header, rows):
        mapping = map_headers(source, header)
        with conn.transaction():
            batch = landing.open_batch(
                conn,
                source=source.name,
                channel="file",
                origin=origin,
                sha256=facts.sha256,
                size_bytes=facts.size,
                modified_ns=stat.st_mtime_ns,
                format=facts.format,
                encoding=facts.encoding,
                extra_columns=list(mapping.extras.values()),
                missing_columns=mapping.missing,
            )
            count = _copy_rows(conn, source, batch, mapping, rows, len(header))
            now = _stat(path)
            if (now.st_size, now.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                raise UnreadableFile("the file changed while it was being read: land it again once it is complete")
            landing.close_batch(conn, batch, count)
    return Landed(
        origin,
        source.name,
        "loaded",
        batch_id=batch,
        rows=count,
        extra_columns=list(mapping.extras.values()),
        missing_columns=mapping.missing,
    )


def _copy_rows(conn, source: Source, batch: int, mapping, rows, width: int) -> int:
    count = 0
    with conn.cursor().copy(landing.copy_statement(source)) as copy:
        for number, values in rows:
            known, extra = mapping.split(values)
            overflow = [v for v in values[width:] if v not in (None, "")]
            defect = None
            if overflow:
                extra["_overflow"] = overflow
                defect = f"row has values beyond the header's {width} columns"
            elif len(values) < width:
                defect = f"row has {len(values)} fields but the header has {width}"
            copy.write_row(
                [
                    *(known.get(name) for name in source.column_names),
                    json.dumps(extra, ensure_ascii=False) if extra else None,
                    defect,
                    batch,
                    number,
                ]
            )
            count += 1
    return count


def _reject(conn, origin: str, source: Source, reason: str, stat, facts, sha256: str | None = None,
            mapping: HeaderMap | None = None) -> Landed:
    landing.record_rejection(
        conn,
        source=source.name,
        channel="file",
        origin=origin,
        sha256=facts.sha256 if facts else sha256,
        size_bytes=stat.st_size if stat else None,
        modified_ns=stat.st_mtime_ns if stat else None,
        format=facts.format if facts else None,
        encoding=facts.encoding if facts else None,
        reason=reason,
    )
    if mapping is None:
        return Landed(origin, source.name, "rejected", reason=reason)
    return Landed(origin, source.name, "rejected", reason=reason, extra_columns=list(mapping.extras.values()),
                  missing_columns=mapping.missing)
