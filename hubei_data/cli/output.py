"""Prints rows as a table, JSON lines or CSV, the formats operators ask for."""

import csv
import datetime as dt
import decimal
import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence

import click

FORMATS = ("table", "json", "csv")
# The `--format` option of a listing command, the same default everywhere.
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal)):
        return str(value)
    return value


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def emit(columns: Sequence[str], rows: Iterable[Sequence], fmt: str, empty: str | None = None) -> int:
    """Write rows in a format; return how many were written.

    With no rows, `empty` says so on stderr, so stdout stays machine-readable.
    """
    count = _write(columns, rows, fmt)
    if not count and empty:
        click.echo(empty, err=True)
    return count


def _write(columns: Sequence[str], rows: Iterable[Sequence], fmt: str) -> int:
    count = 0
    if fmt == "json":
        for row in rows:
            click.echo(json.dumps({c: _plain(v) for c, v in zip(columns, row)}, ensure_ascii=False))
            count += 1
        return count
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else _plain(v) for v in row])
            count += 1
        return count
    table = [["" if v is None else str(_plain(v)) for v in row] for row in rows]
    widths = [max([_width(c), *(_width(r[i]) for r in table)]) for i, c in enumerate(columns)]

    def line(cells):
        return "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(cells, widths)).rstrip()

    click.echo(line(columns))
    click.echo(line(["-" * w for w in widths]))
    for row in table:
        click.echo(line(row))
    return len(table)
