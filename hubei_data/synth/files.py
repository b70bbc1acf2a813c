"""Landing-file sinks: CSV in its encoding and XLSX whose bytes depend only on the rows."""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from hubei_data.synth.render import Renderer

# XLSX is a zip archive: fixed entry times and document dates keep equal runs byte-identical.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_DOC_TIME = dt.datetime(2000, 1, 1)
_CORE = "docProps/core.xml"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


class CsvSink:
    """A CSV file written row by row in its layout's encoding."""

    def __init__(self, path: Path, renderer: Renderer) -> None:
        self.path, self.renderer = path, renderer
        self._handle = path.open("w", encoding=renderer.layout.encoding, newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(renderer.header)

    def write(self, rows: list[list]) -> None:
        self._writer.writerows(self.renderer.cells_of(row) for row in rows)

    def close(self) -> None:
        self._handle.close()


class XlsxSink:
    """The first sheet of a workbook, header in row 1, streamed by openpyxl's write-only mode."""

    def __init__(self, path: Path, renderer: Renderer, title: str) -> None:
        self.path, self.renderer = path, renderer
        self._book = openpyxl.Workbook(write_only=True)
        self._book.properties.created = _DOC_TIME
        self._sheet = self._book.create_sheet(title)
        self._sheet.append(renderer.header)

    def write(self, rows: list[list]) -> None:
        for row in rows:
            self._sheet.append(self.renderer.cells_of(row))

    def close(self) -> None:
        buffer = io.BytesIO()
        self._book.save(buffer)
        _rezip(buffer, self.path)


def _rezip(buffer: io.BytesIO, path: Path) -> None:
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(entry.filename)
            if entry.filename == _CORE:
                # openpyxl stamps the save time here whatever the workbook says.
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(info, content)
