"""Lands a plain CSV file with one COPY that PostgreSQL parses, converts and numbers.

Landing row by row (files.py) is exact for every file but runs at a third of COPY's rate. Most files are
plain: no quotes, no blank rows, every row as wide as its header, only contract columns. For those, one
pass over the file hashes it, watches for anything the two parsers could read differently, and streams it
to COPY; the server converts the encoding, fills in the batch and numbers the rows (landing.py's column
defaults). The moment a file turns out not to be plain, or the server refuses a row, the attempt is rolled
back and files.py lands the file row by row, so both ways keep the same rows.
"""

import codecs
import csv
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from hubei_data.contracts import Source
from hubei_data.ingest import landing
from hubei_data.ingest.headers import map_headers
from hubei_data.ingest.readers import ENCODINGS

_CHUNK = 1 << 20
# How PostgreSQL names each encoding a landing file may have.
_SERVER_ENCODINGS = {"utf-8-sig": "UTF8", "gb18030": "GB18030"}
# A data row of nothing but commas: the row-by-row reader skips it as blank.
_BLANK_ROW = re.compile(rb"\n,*\r?(?=\n)")
_BLANK_LAST_ROW = re.compile(rb"\n,*\r?")
# Bytes after which the readers part ways: PostgreSQL opens a quoted section anywhere in a field, refuses
# NUL, and before version 18 ends the data at a line "\.". None of them is a trailing byte of UTF-8 or GBK.
_UNSAFE = (b'"', b"\x00", b"\n\\.")


class _NotPlain(Exception):
    """The file needs the row-by-row reader."""


class _Duplicate(Exception):
    """These bytes were loaded for the source before: the attempt is rolled back."""


@dataclass(frozen=True)
class Landing:
    """What the file's first chunk says about how to COPY it."""

    encoding: str
    columns: list[str]
    missing: list[str]


def land_plain(conn: psycopg.Connection, path: Path, origin: str, source: Source,
               stat: os.stat_result) -> dict | None:
    """Land a plain file as one batch: what became of it (status "loaded", or "skipped" when the same bytes
    were loaded before, batch_id, rows, missing_columns); None when it is not plain, leaving nothing behind."""
    try:
        with path.open("rb") as handle:
            first = handle.read(_CHUNK)
            plan = _plan(first, source)
            if plan is None:
                return None
            return _copy(conn, path, handle, first, plan, origin, source, stat)
    except _Duplicate as duplicate:
        return {"status": "skipped", "batch_id": landing.find_loaded(conn, source.name, duplicate.args[0])}
    except (OSError, _NotPlain, psycopg.DataError):
        return None


def _plan(first: bytes, source: Source) -> Landing | None:
    """How to COPY the file, from its first chunk; None unless its header is plain and maps onto the contract."""
    line, newline, _ = first.partition(b"\n")
    if not newline or any(mark in line for mark in _UNSAFE):
        return None
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(first, final=False)
        except UnicodeDecodeError:
            continue
        header = next(csv.reader([line.decode(encoding).rstrip("\r")]))
        try:
            mapping = map_headers(source, header)
        except ValueError:
            return None
        if mapping.extras:
            return None
        return Landing(encoding, [mapping.columns[i] for i in range(len(header))], mapping.missing)
    return None


def _copy(conn, path: Path, handle, first: bytes, plan: Landing, origin: str, source: Source,
          stat: os.stat_result) -> dict:
    digest = hashlib.sha256()
    with conn.transaction():
        # open_batch holds the source's landing lock until commit: each bulk landing restarts its row numbers.
        batch = landing.open_batch(
            conn, source=source.name, channel="file", origin=origin, size_bytes=stat.st_size,
            modified_ns=stat.st_mtime_ns, format="csv", encoding=plan.encoding, extra_columns=[],
            missing_columns=plan.missing,
        )
        conn.execute(sql.SQL("select set_config({}, %s, true), setval({}, 1)").format(
            sql.Literal(landing.BATCH_SETTING), sql.Literal(landing.row_numbers(source))),
            (str(batch),))
        with conn.cursor() as cursor:
            with cursor.copy(_statement(source, plan)) as copy:
                scan = _Scan()
                chunk = first
                while chunk:
                    digest.update(chunk)
                    scan.feed(chunk)
                    copy.write(chunk)
                    chunk = handle.read(_CHUNK)
                scan.finish()
            rows = cursor.rowcount
        now = path.stat()
        if (now.st_size, now.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            raise _NotPlain("the file changed while it was read")
        sha256 = digest.hexdigest()
        # The batch log's unique index on (source, sha256) of loaded batches refuses bytes loaded before.
        try:
            conn.execute("update landing.batches set sha256 = %s, row_count = %s where batch_id = %s",
                         (sha256, rows, batch))
        except psycopg.errors.UniqueViolation:
            raise _Duplicate(sha256) from None
    return {"status": "loaded", "batch_id": batch, "rows": rows, "missing_columns": plan.missing}


def _statement(source: Source, plan: Landing) -> sql.Composed:
    columns = sql.SQL(", ").join(map(sql.Identifier, plan.columns))
    return sql.SQL("copy {} ({}) from stdin (format csv, header true, encoding {}, force_not_null ({}))").format(
        sql.Identifier(landing.SCHEMA, source.name), columns, sql.Literal(_SERVER_ENCODINGS[plan.encoding]), columns)


class _Scan:
    """Watches the stream for what makes a file not plain, across chunk boundaries."""

    def __init__(self):
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if b'"' in chunk or b"\x00" in chunk:
            raise _NotPlain("quotes or NUL")
        text = self._tail + chunk
        if b"\n\\." in text or _BLANK_ROW.search(text):
            raise _NotPlain("a blank row or an end-of-data line")
        cut = text.rfind(b"\n")
        self._tail = text[cut:cut + 64] if cut >= 0 else self._tail[:1] + b"x"

    def finish(self) -> None:
        if self._tail != b"\n" and _BLANK_LAST_ROW.fullmatch(self._tail):
            raise _NotPlain("a blank last row")
