"""Reads the first sheet of an XLSX workbook in a child process, so no workbook can stop the platform."""

import contextlib
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import python_calamine

from hubei_data.ingest.errors import UnreadableFile

# calamine holds a sheet as a grid from A1 to its last cell: a 5 KB workbook with one cell at
# XFD1048576 asks for 512 GiB and aborts the process reading it. The child reads under these
# limits and streams rows as JSON lines; its failure is one more reason to reject the file.
MEMORY_LIMIT_BYTES = 4 << 30
CPU_LIMIT_SECONDS = 300
_REJECTED = 3  # the child's exit status when it wrote the reason on stderr
_NO_HEADER = "the first sheet has no header in row 1"


@contextlib.contextmanager
def read_xlsx(path: Path) -> Iterator[tuple[list, Iterator[tuple[int, list]]]]:
    """The header (row 1) and an iterator of (row number, values) of the first sheet."""
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", __name__, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        try:
            first = child.stdout.readline()
            if not first:
                raise UnreadableFile(_why_stopped(child, stderr))

            def rows() -> Iterator[tuple[int, list]]:
                for line in child.stdout:
                    number, values = json.loads(line)
                    yield number, values
                if child.wait():
                    raise UnreadableFile(_why_stopped(child, stderr))

            yield json.loads(first), rows()
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()


def _why_stopped(child: subprocess.Popen, stderr) -> str:
    status = child.wait()
    stderr.seek(0)
    said = next((line.strip() for line in stderr.read().decode("utf-8", "replace").splitlines() if line.strip()), "")
    if status == _REJECTED and said:
        return said
    if status == -signal.SIGXCPU:
        return f"not a readable XLSX workbook: reading it took more than {CPU_LIMIT_SECONDS} s"
    ending = signal.Signals(-status).name if status < 0 else f"exit status {status}"
    return f"not a readable XLSX workbook: the reader stopped ({said or ending})"


def cell_text(value) -> str | None:
    """A spreadsheet cell as the text a person sees: date cells as ISO dates, blanks as None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first_sheet(path: str):
    """The first sheet, or the reason it cannot be had."""
    try:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            return book.get_sheet_by_index(0)
    except python_calamine.WorksheetNotFound:
        return "the workbook has no sheet"
    except python_calamine.PasswordError:
        return "the workbook is protected by a password"
    except python_calamine.ZipError as error:
        return f"not a readable XLSX workbook: the zip archive is damaged or cut off ({error})"
    except python_calamine.XmlError as error:
        return f"not a readable XLSX workbook: its XML is damaged or cut off ({error})"
    except (python_calamine.CalamineError, OSError) as error:
        return f"not a readable XLSX workbook: {error}"


def _write_rows(path: str) -> str | None:
    """Write the header and each non-blank row as JSON lines; the reason when the sheet cannot be read."""
    sheet = _first_sheet(path)
    if isinstance(sheet, str):
        return sheet
    if sheet.end is None:
        return _NO_HEADER
    width = sheet.end[1] + 1
    cells = sheet.iter_rows()
    # calamine's rows start at the sheet's first used column: pad them back to column A.
    texts = ([None] * (width - len(row)) + [cell_text(v) for v in row] for row in cells)
    header = next(texts, None)
    if header is None or all(v is None for v in header):
        return _NO_HEADER
    out = sys.stdout
    out.write(json.dumps(header) + "\n")
    for number, values in enumerate(texts, start=2):
        if any(v is not None for v in values):
            out.write(json.dumps([number, values]) + "\n")
    out.flush()
    return None


def main(path: str) -> int:
    """The child: write the sheet to stdout, or its reason to stderr with exit status 3."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS + 5))
    reason = _write_rows(path)
    if reason:
        print(reason, file=sys.stderr)
        return _REJECTED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
