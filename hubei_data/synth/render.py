"""Turn typed row values into the cells of one landing file, in the agreed date formats."""

import datetime as dt
import random
import zlib
from decimal import Decimal

from hubei_data.contracts.model import Source
from hubei_data.synth.layouts import FileLayout
from hubei_data.synth.noise import IDEOGRAPHIC_SPACE, full_width

TEXT_STYLES = ("iso", "slash", "compact", "chinese")
EXTRA_VALUES = ("", "", "", "", "补录", "已核实", "国家局下发", "待复核")


def date_text(day: dt.date, style: str) -> str:
    if style == "slash":
        return f"{day:%Y/%m/%d}"
    if style == "compact":
        return f"{day:%Y%m%d}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def timestamp_text(moment: dt.datetime, style: str) -> str:
    # Only dash and slash dates carry a time in the agreed timestamp format.
    return f"{moment:%Y/%m/%d %H:%M:%S}" if style == "slash" else f"{moment:%Y-%m-%d %H:%M:%S}"


class Renderer:
    """Header and cells of one file: column order, header language, date style, extra column."""

    def __init__(self, source: Source, layout: FileLayout, rng: random.Random) -> None:
        self.layout = layout
        order = list(range(len(source.columns)))
        if layout.shuffled:
            rng.shuffle(order)
        self.order = order
        names = [c.chinese if layout.headers == "chinese" else c.name for c in source.columns]
        self.header = [names[i] for i in order]
        self.extra_at = rng.randrange(len(order) + 1) if layout.extra else None
        if layout.extra:
            self.header.insert(self.extra_at, layout.extra)
        date_columns = [i for i, c in enumerate(source.columns) if c.type in ("date", "timestamp")]
        # With `cells`, every other date column is a real date cell, the rest text.
        self.cells = set(date_columns[::2]) if layout.dates == "cells" else set()

    def cells_of(self, row: list) -> list:
        """The row as this file writes it; equal rows give equal cells, so copies stay exact."""
        digest = zlib.crc32(repr(row).encode("utf-8"))
        out = [self._cell(row[i], i, digest) for i in self.order]
        if self.extra_at is not None:
            out.insert(self.extra_at, EXTRA_VALUES[digest % len(EXTRA_VALUES)])
        return out

    def _cell(self, value, column: int, digest: int):
        if value is None:
            return None if self.layout.format == "xlsx" else ""
        if isinstance(value, (dt.date, dt.datetime)):
            if column in self.cells:
                return value
            style = self.layout.dates
            if style in ("mixed", "cells"):
                style = TEXT_STYLES[(digest >> column) % len(TEXT_STYLES)]
            text = timestamp_text(value, style) if isinstance(value, dt.datetime) else date_text(value, style)
            return _noisy(text, digest >> (column + 7))
        if isinstance(value, (int, Decimal)) and self.layout.format == "xlsx":
            return value
        return str(value)


def _noisy(text: str, bits: int) -> str:
    """Now and then full-width digits or a stray blank, which standardisation removes."""
    roll = bits % 40
    if roll == 0:
        return full_width(text)
    if roll == 1:
        return IDEOGRAPHIC_SPACE + text
    if roll == 2:
        return text + " "
    return text
