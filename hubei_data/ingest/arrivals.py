"""Which files in the landing folders are new to the platform: neither loaded nor rejected before."""

from pathlib import Path

import psycopg

from hubei_data.ingest import landing
from hubei_data.ingest.assets import pending_files
from hubei_data.ingest.readers import sha256_of


def fingerprints(source: str) -> dict[str, list[int]]:
    """Each file in a source's landing folder, named as the batch log names it, with its [size, mtime].

    A file gone since the listing is left out.
    """
    marks = {}
    for path in pending_files(source):
        try:
            stat = path.stat()
        except OSError:
            continue
        marks[str(path.resolve())] = [stat.st_size, stat.st_mtime_ns]
    return marks


def unreceived(conn: psycopg.Connection, files: dict[str, dict[str, list[int]]]) -> dict[str, list[str]]:
    """Per source, the files the batch log knows neither as they are now nor by their bytes.

    Only files without a log entry for their size and mtime are hashed; one that cannot be
    hashed counts as new, and its landing run records why it cannot be read.
    """
    as_listed = [(source, path, *mark) for source, marks in files.items() for path, mark in marks.items()]
    known = landing.received(conn, as_listed)
    hashed = []
    for source, path, *_ in as_listed:
        if path not in known:
            try:
                hashed.append((source, path, sha256_of(Path(path))))
            except OSError:
                continue
    known |= landing.received_bytes(conn, hashed)
    return {source: sorted(p for p in marks if p not in known) for source, marks in files.items()}
