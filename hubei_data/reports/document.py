"""What a report says, apart from how it is written: titled sections of tables, charts and notes."""

import datetime as dt
import decimal
import json
from dataclasses import dataclass

from hubei_data.beijing_time import LOCAL

NO_VALUE = "—"


@dataclass(frozen=True)
class Section:
    """A heading (also the workbook sheet's name), its table, an optional chart (PNG) and notes below."""

    title: str
    headings: tuple[str, ...]
    rows: list[list]
    chart: bytes | None = None
    notes: tuple[str, ...] = ()
    empty: str = "无记录"


@dataclass(frozen=True)
class Report:
    """A whole report: `name` is its files' name without the extension; `figures` are the key numbers shown first."""

    name: str
    title: str
    period: str
    generated_at: dt.datetime
    figures: tuple[tuple[str, object], ...]
    sections: tuple[Section, ...]
    notice: str | None = None
    query: str | None = None

    @property
    def generated(self) -> str:
        return f"{self.generated_at.astimezone(LOCAL):%Y-%m-%d %H:%M}（北京时间）"

    @property
    def rows(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def plain(value):
    """A value both a spreadsheet cell and a web page can show: times in Beijing time without a zone,
    JSON as text, numbers and dates as they are, anything else as its text."""
    if value is None or isinstance(value, str | bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    return str(value)


def percent(part: int, whole: int) -> float | None:
    """part / whole in percent with two decimals; None when there is no whole to divide."""
    return round(100 * part / whole, 2) if whole else None
