"""Reads landing files (CSV in UTF-8, UTF-8 with BOM or GB18030; XLSX) as rows of text."""

import codecs
import contextlib
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hubei_data.ingest.errors import UnreadableFile, unreadable
from hubei_data.ingest.workbook import read_xlsx

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
# The text encodings a CSV file may have, tried in this order; the name is kept in landing.batches.
ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 1 << 20
_ZIP = b"PK\x03\x04"
_COMPOUND_FILE = bytes.fromhex("d0cf11e0a1b11ae1")  # how encrypted workbooks and old .xls files begin


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: identity, format and text encoding."""

    sha256: str
    size: int
    format: str
    encoding: str | None


def inspect_file(path: Path) -> FileFacts:
    """Hash the file and tell its format and, for CSV, its encoding, in one pass over the bytes."""
    fmt = FORMATS.get(path.suffix.lower())
    digest = hashlib.sha256()
    decoders = {}
    if fmt == "csv":
        decoders = {name: codecs.getincrementaldecoder(name)() for name in ENCODINGS}
    size, head = 0, b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                head = head or chunk[:8]
                size += len(chunk)
                digest.update(chunk)
                _feed(decoders, chunk, final=False)
    except OSError as error:
        raise unreadable(error) from None
    _feed(decoders, b"", final=True)
    problem = _format_problem(path, fmt, size, head, decoders)
    if problem:
        raise UnreadableFile(problem, digest.hexdigest())
    return FileFacts(digest.hexdigest(), size, fmt, next(iter(decoders), None))


def _format_problem(path: Path, fmt: str | None, size: int, head: bytes, decoders: dict) -> str | None:
    if fmt is None:
        return f"not a CSV or XLSX file (suffix {path.suffix or 'none'!r})"
    if size == 0:
        return "the file is empty"
    if fmt == "csv" and not decoders:
        return "unknown text encoding: neither UTF-8 nor GBK/GB18030"
    if fmt == "xlsx" and head.startswith(_COMPOUND_FILE):
        return "an encrypted (password-protected) workbook or an old XLS file, not an XLSX workbook"
    if fmt == "xlsx" and not head.startswith(_ZIP):
        return "not an XLSX workbook: the content is not a zip archive (text, CSV or HTML named .xlsx?)"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _feed(decoders: dict, chunk: bytes, final: bool) -> None:
    for name in list(decoders):
        try:
            decoders[name].decode(chunk, final)
        except UnicodeDecodeError:
            del decoders[name]


@contextlib.contextmanager
def read_rows(path: Path, facts: FileFacts) -> Iterator[tuple[list, Iterator[tuple[int, list]]]]:
    """The header and an iterator of (row number, values); the header is row 1."""
    if facts.format == "csv":
        try:
            handle = path.open(encoding=facts.encoding, newline="")
        except OSError as error:
            raise unreadable(error) from None
        with handle:
            yield _read_csv(handle)
    else:
        with read_xlsx(path) as read:
            yield read


def _read_csv(handle) -> tuple[list, Iterator[tuple[int, list]]]:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile("the file has no header row") from None
    except csv.Error as error:
        raise UnreadableFile(f"not readable as CSV: {error}") from None

    def rows() -> Iterator[tuple[int, list]]:
        number = 1
        try:
            for values in reader:
                number += 1
                if any(v != "" for v in values):
                    yield number, values
        except csv.Error as error:
            raise UnreadableFile(f"row {number + 1} is not readable as CSV: {error}") from None

    return header, rows()
