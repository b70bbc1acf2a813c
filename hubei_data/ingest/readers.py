"""Reads landing files (CSV in UTF-8, UTF-8 with BOM or GB18030; XLSX) as rows of text."""

import codecs
import csv
import datetime as dt
import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: identity, format and text encoding."""

    sha256: str
    size: int
    format: str
    encoding: str | None


class UnreadableFile(ValueError):
    """A file whose format or encoding the platform does not accept."""


def inspect_file(path: Path) -> FileFacts:
    """Hash the file and, for CSV, find its encoding, in one pass over the bytes."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(f"not a CSV or XLSX file (suffix {path.suffix or 'none'!r})")
    digest = hashlib.sha256()
    decoders = {"utf-8-sig": codecs.getincrementaldecoder("utf-8-sig")(), "gb18030": codecs.getincrementaldecoder("gb18030")()}
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            digest.update(chunk)
            if fmt == "csv":
                _feed(decoders, chunk, final=False)
    if fmt == "csv":
        _feed(decoders, b"", final=True)
    if size == 0:
        raise UnreadableFile("the file is empty")
    encoding = None
    if fmt == "csv":
        if not decoders:
            raise UnreadableFile("unknown text encoding: neither UTF-8 nor GBK/GB18030")
        encoding = next(iter(decoders))
    elif not zipfile.is_zipfile(path):
        raise UnreadableFile("not a readable XLSX workbook")
    return FileFacts(digest.hexdigest(), size, fmt, encoding)


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


def read_rows(path: Path, facts: FileFacts) -> tuple[list, Iterator[tuple[int, list]]]:
    """The header and an iterator of (row number, values); the header is row 1."""
    if facts.format == "csv":
        return _read_csv(path, facts.encoding)
    return _read_xlsx(path)


def _read_csv(path: Path, encoding: str) -> tuple[list, Iterator[tuple[int, list]]]:
    handle = path.open(encoding=encoding, newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise UnreadableFile("the file has no header row") from None
    except csv.Error as error:
        handle.close()
        raise UnreadableFile(f"not readable as CSV: {error}") from None

    def rows() -> Iterator[tuple[int, list]]:
        with handle:
            number = 1
            try:
                for values in reader:
                    number += 1
                    if any(v != "" for v in values):
                        yield number, values
            except csv.Error as error:
                raise UnreadableFile(f"row {number + 1} is not readable as CSV: {error}") from None

    return header, rows()


def _read_xlsx(path: Path) -> tuple[list, Iterator[tuple[int, list]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise UnreadableFile(f"not a readable XLSX workbook: {error}") from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if header is None or all(v is None for v in header):
        book.close()
        raise UnreadableFile("the first sheet has no header in row 1")

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for number, values in enumerate(cells, start=2):
                if any(v is not None and v != "" for v in values):
                    yield number, [cell_text(v) for v in values]
        finally:
            book.close()

    return list(header), rows()


def cell_text(value) -> str | None:
    """A spreadsheet cell as the text a person sees: date cells as ISO dates."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
