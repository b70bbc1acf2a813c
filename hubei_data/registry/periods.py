"""Time periods (时间周期) of derived metrics, and the window each covers for a partition."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PERIODS = ("day", "month", "quarter", "year")
_ROLLING = re.compile(r"^rolling_([1-9][0-9]{0,2})d$")


@dataclass(frozen=True)
class Period:
    """day, month, quarter (to date), year (to date), or the rolling N days ending with the partition."""

    kind: str
    days: int = 0

    def __str__(self) -> str:
        return f"rolling_{self.days}d" if self.kind == "rolling" else self.kind

    def window(self, partition: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day covered for the partition starting on `partition` (a day, or a month's first day)."""
        if self.kind == "day":
            return partition, partition
        end = partition.replace(day=calendar.monthrange(partition.year, partition.month)[1])
        if self.kind == "month":
            return partition, end
        if self.kind == "quarter":
            return partition.replace(month=3 * ((partition.month - 1) // 3) + 1), end
        if self.kind == "year":
            return partition.replace(month=1), end
        return end - dt.timedelta(days=self.days - 1), end


def parse_period(text) -> Period:
    if text in PERIODS:
        return Period(text)
    match = _ROLLING.match(str(text))
    if match:
        return Period("rolling", int(match.group(1)))
    raise ValueError(f"{text!r} is not a period")


def previous(partition: dt.date, daily: bool, years: int = 0) -> dt.date:
    """The partition before (month or day), or the same one `years` years earlier."""
    if years:
        try:
            return partition.replace(year=partition.year - years)
        except ValueError:
            return partition.replace(year=partition.year - years, day=28)
    if daily:
        return partition - dt.timedelta(days=1)
    return (partition - dt.timedelta(days=1)).replace(day=1)
