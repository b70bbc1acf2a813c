"""Landing against plain COPY of the same file on the same server: CSV in three encodings, and XLSX.

Each landing runs in a fresh process of its own (`python bench/landing_speed.py URL FILE`), so its peak
resident memory is the landing's, not the benchmark's.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from hubei_data.contracts import source

VACCINATION = source("vaccination")
# Rows as a vaccination registry exports them: the header in Chinese (列名), one dose a row, four doses a child
# (by birth certificate number); a few break the date order and land in quarantine. Row n's record id is n's, so
# a later file can change record n by sending it again with a newer 更新时间.
_ROWS = """
select 'JZ' || lpad(n::text, 12, '0'), null,
       'O' || lpad((n / 4)::text, 9, '0'), '张' || chr(19968 + n / 4 % 2000) || chr(20013 + n / 4 % 500),
       (date '2020-01-01' + n / 4 % 1500)::text, lpad((n % 40)::text, 4, '0'), '乙肝疫苗', (n % 4 + 1)::text,
       (date '2024-01-01' + n % 700)::text, 'U' || (n % 3000), '420102', {updated_at}
from {numbers}
"""
ENCODINGS = {"utf-8": "UTF8", "utf-8 with BOM": "UTF8", "gbk": "GBK"}


def write_csv(url: str, path: Path, rows: int, encoding: str) -> Path:
    """A vaccination CSV of `rows` rows, written by the server: quick at ten million rows."""
    return _write(url, path, sql.SQL("generate_series(1, {}) as n").format(sql.Literal(rows)),
                  sql.Literal("2025-01-01 08:00:00"), encoding)


def write_day(url: str, path: Path, history: int, changed: int, new: int) -> Path:
    """A later day's file: `changed` records of the first `history` sent again with a newer 更新时间 (spread
    evenly), and `new` records after them."""
    every = max(history // max(changed, 1), 1)
    numbers = sql.SQL("(select generate_series({every}, {last}, {every}) union all select generate_series({first},"
                      " {end})) as numbers (n)").format(every=sql.Literal(every), last=sql.Literal(every * changed),
                                         first=sql.Literal(history + 1), end=sql.Literal(history + new))
    return _write(url, path, numbers, sql.Literal("2025-01-02 08:00:00"), "utf-8")


def _write(url: str, path: Path, numbers: sql.Composable, updated_at: sql.Composable, encoding: str) -> Path:
    header = sql.SQL(", ").join(sql.Literal(c.chinese) for c in VACCINATION.columns)
    query = sql.SQL("copy (select {} union all select * from ({}) rows) to stdout (format csv, encoding {})").format(
        header, sql.SQL(_ROWS).format(updated_at=updated_at, numbers=numbers), sql.Literal(ENCODINGS[encoding]))
    with psycopg.connect(url) as conn, path.open("wb") as out:
        if encoding == "utf-8 with BOM":
            out.write(b"\xef\xbb\xbf")
        with conn.cursor().copy(query) as copy:
            for block in copy:
                out.write(block)
    return path


def write_xlsx(path: Path, csv_path: Path) -> Path:
    """The same rows as a workbook, written as a spreadsheet program would (one sheet, header in row 1)."""
    import csv

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(path)
    return path


def plain_copy(url: str, path: Path, encoding: str) -> float:
    """Seconds for COPY of the file into a table of text columns."""
    columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c.name)) for c in VACCINATION.columns)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop table if exists bench_plain")
        conn.execute(sql.SQL("create table bench_plain ({})").format(columns))
        started = time.perf_counter()
        statement = sql.SQL("copy bench_plain from stdin (format csv, header true, encoding {})").format(
            sql.Literal(ENCODINGS[encoding]))
        with path.open("rb") as handle, conn.cursor().copy(statement) as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        conn.execute("drop table bench_plain")
    return seconds


def land(url: str, path: Path) -> tuple[float, int, float]:
    """(seconds, rows landed, peak RSS in MB) of landing the file, in a process of its own."""
    landed = subprocess.run([sys.executable, __file__, url, str(path)], capture_output=True, text=True, check=True)
    return tuple(json.loads(landed.stdout))


def _land_here(url: str, path: str) -> tuple[float, int, float]:
    from hubei_data.ingest import landing
    from hubei_data.ingest.files import land_file

    with psycopg.connect(url, autocommit=True) as conn:
        landing.ensure_landing(conn)
        started = time.perf_counter()
        landed = land_file(conn, Path(path), VACCINATION)
        seconds = time.perf_counter() - started
        if landed.status != "loaded":
            raise RuntimeError(landed.describe())
        # Forgotten again, so that the same file can be landed by the next stage.
        conn.execute("delete from landing.vaccination where _batch_id = %s", (landed.batch_id,))
        conn.execute("delete from landing.batches where batch_id = %s", (landed.batch_id,))
    return seconds, landed.rows, _peak_mb()


def _peak_mb() -> float:
    """This process's peak resident size since it started its program (getrusage's includes the parent's
    before exec on Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


if __name__ == "__main__":
    print(json.dumps(_land_here(*sys.argv[1:])))
