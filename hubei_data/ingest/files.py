"""Lands one file: checks it was not loaded before, maps its headers, COPYs its rows."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from hubei_data.contracts import Source
from hubei_data.ingest import landing
from hubei_data.ingest.headers import map_headers
from hubei_data.ingest.readers import UnreadableFile, inspect_file, read_rows, sha256_of


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
    """Land a file once; a file that cannot be read leaves nothing behind but its rejection."""
    path = path.resolve()
    origin = str(path)
    stat = path.stat()
    known = conn.execute(
        "select batch_id from landing.batches where status = 'loaded' and source = %s"
        " and origin = %s and size_bytes = %s and modified_ns = %s",
        (source.name, origin, stat.st_size, stat.st_mtime_ns),
    ).fetchone()
    if known:
        return Landed(origin, source.name, "skipped", batch_id=known[0])
    try:
        facts = inspect_file(path)
    except UnreadableFile as error:
        return _reject(conn, origin, source, None, stat, str(error))
    batch = landing.find_loaded(conn, source.name, facts.sha256)
    if batch is not None:
        return Landed(origin, source.name, "skipped", batch_id=batch)
    try:
        header, rows = read_rows(path, facts)
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
            landing.close_batch(conn, batch, count)
    except (UnreadableFile, ValueError, psycopg.DataError) as error:
        return _reject(conn, origin, source, facts, stat, str(error))
    except psycopg.errors.UniqueViolation:
        return Landed(origin, source.name, "skipped", batch_id=landing.find_loaded(conn, source.name, facts.sha256))
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


def _reject(conn, origin: str, source: Source, facts, stat, reason: str) -> Landed:
    landing.record_rejection(
        conn,
        source=source.name,
        channel="file",
        origin=origin,
        sha256=facts.sha256 if facts else sha256_of(Path(origin)),
        size_bytes=stat.st_size,
        modified_ns=stat.st_mtime_ns,
        format=facts.format if facts else None,
        encoding=facts.encoding if facts else None,
        reason=reason,
    )
    return Landed(origin, source.name, "rejected", reason=reason)
