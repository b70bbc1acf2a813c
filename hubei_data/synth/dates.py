"""Calendar helpers: dates in a span, anniversaries, and the 30-day updated_at window."""

import datetime as dt
import random

UPDATE_WINDOW_DAYS = 30
_WORKDAY_SECONDS = 12 * 3600
# Millions of rows: the timedeltas they add are built once.
_SECONDS = [dt.timedelta(seconds=n) for n in range(_WORKDAY_SECONDS)]
_EIGHT_AM = dt.time(8)


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from `first` to `last` inclusive (`first` when the span is empty)."""
    days = (last - first).days
    return first + dt.timedelta(days=int(rng.random() * (days + 1))) if days > 0 else first


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` on; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def updated_at(rng: random.Random, as_of: dt.date, index: int, not_before: dt.date | None = None) -> dt.datetime:
    """A change time in the 30 days before `as_of`, the row index going round the days so
    every daily partition has rows; never before the business event it records."""
    day = as_of - dt.timedelta(days=1 + index % UPDATE_WINDOW_DAYS)
    if not_before is not None and day < not_before:
        day = min(not_before, as_of - dt.timedelta(days=1))
    return dt.datetime.combine(day, _EIGHT_AM) + _SECONDS[int(rng.random() * _WORKDAY_SECONDS)]


def last_day(as_of: dt.date) -> dt.date:
    """The latest day a clean business date takes: the day before `as_of`."""
    return as_of - dt.timedelta(days=1)
