"""The periods reports cover, in Beijing time: ISO weeks from Monday to Sunday, and calendar years."""

import datetime as dt
import re
from dataclasses import dataclass

from hubei_data.beijing_time import LOCAL
from hubei_data.reports import ReportError

_ISO_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")
MONTHS = tuple(range(1, 13))


def midnight(day: dt.date) -> dt.datetime:
    """The start of a day in Beijing time."""
    return dt.datetime.combine(day, dt.time(), LOCAL)


def today(now: dt.datetime | None = None) -> dt.date:
    """The day it is in Beijing."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(LOCAL).date()


@dataclass(frozen=True)
class Week:
    """One ISO week, named by its Monday."""

    monday: dt.date

    @classmethod
    def parse(cls, text: str) -> "Week":
        """`2026-W48`; anything else is refused saying how to write it."""
        found = _ISO_WEEK.fullmatch(text.strip())
        if not found:
            raise ReportError(f"{text!r} is not an ISO week: write it as 2026-W48")
        year, number = int(found[1]), int(found[2])
        try:
            return cls(dt.date.fromisocalendar(year, number, 1))
        except ValueError:
            raise ReportError(f"{text!r}: {year} has no week {number}") from None

    @classmethod
    def last_complete(cls, now: dt.datetime | None = None) -> "Week":
        """The week that ended most recently: on a Monday, the week before."""
        day = today(now)
        return cls(day - dt.timedelta(days=day.weekday() + 7))

    @property
    def label(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def start(self) -> dt.datetime:
        return midnight(self.monday)

    @property
    def end(self) -> dt.datetime:
        """The next Monday's midnight: the week's times are `start <= t < end`."""
        return midnight(self.monday + dt.timedelta(days=7))

    @property
    def chinese(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}年第{number}周（{self.monday:%Y-%m-%d} 至 {self.sunday:%Y-%m-%d}）"


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """A calendar year in Beijing time: `start <= t < end`."""
    return midnight(dt.date(year, 1, 1)), midnight(dt.date(year + 1, 1, 1))
