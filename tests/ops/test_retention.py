"""Retention: the newest backup of each of the last 7 days, then 4 weeks, then 12 months, in Beijing time."""

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from hubei_data.ops.retention import keep
from hubei_data.ops.settings import Retention

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _at(day: str, hour: int = 2) -> dt.datetime:
    """A backup at `hour` o'clock Beijing time on `day`, as stored: in UTC."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING).astimezone(dt.UTC)


def _days(first: str, count: int) -> list[dt.datetime]:
    return [_at(first) + dt.timedelta(days=n) for n in range(count)]


def _local_days(kept) -> list[str]:
    return sorted(time.astimezone(BEIJING).date().isoformat() for time in kept)


def test_two_years_of_daily_backups_keep_exactly_7_daily_4_weekly_and_12_monthly():
    kept = keep(_days("2025-01-01", 730), Retention())  # through Thursday 2026-12-31
    assert Counter(kept.values()) == {"daily": 7, "weekly": 4, "monthly": 12}
    by_rule = {rule: _local_days(time for time, kept_by in kept.items() if kept_by == rule)
               for rule in set(kept.values())}
    assert by_rule["daily"] == [f"2026-12-{day}" for day in range(25, 32)]
    # Sundays end ISO weeks; the week of 12-21…27 is already kept by a daily backup.
    assert by_rule["weekly"] == ["2026-11-29", "2026-12-06", "2026-12-13", "2026-12-20"]
    # Months end on their last day; December's is already kept by a daily backup.
    assert by_rule["monthly"] == [
        "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
        "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30",
    ]


def test_of_several_backups_a_day_the_newest_of_the_day_is_kept():
    times = [_at("2026-12-01", hour) for hour in (1, 9, 23)] + [_at("2026-12-02", 3)]
    assert keep(times, Retention(daily=7, weekly=0, monthly=0)) == {
        _at("2026-12-02", 3): "daily", _at("2026-12-01", 23): "daily"}


def test_days_are_beijing_days_not_utc_days():
    # 07:30 and 09:30 Beijing time on one day fall on two UTC days.
    early, late = _at("2026-12-01", 7) + dt.timedelta(minutes=30), _at("2026-12-01", 9) + dt.timedelta(minutes=30)
    assert early.date() != late.date()
    assert keep([early, late], Retention(daily=2, weekly=0, monthly=0)) == {late: "daily"}


def test_short_history_keeps_everything_it_has():
    times = _days("2026-12-01", 3)
    assert set(keep(times, Retention())) == set(times)
    assert keep([], Retention()) == {}


def test_gaps_count_days_with_backups_not_calendar_days():
    times = [_at("2026-10-01"), _at("2026-11-01"), _at("2026-12-01")]
    assert keep(times, Retention(daily=2, weekly=0, monthly=0)) == {times[2]: "daily", times[1]: "daily"}


backup_times = st.lists(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(dt.UTC)),
    max_size=120,
)
policies = st.builds(Retention, daily=st.integers(1, 10), weekly=st.integers(0, 6), monthly=st.integers(0, 14))


@given(backup_times, policies)
def test_retention_keeps_the_newest_never_more_than_asked_and_removes_nothing_more_when_run_again(times, policy):
    kept = keep(times, policy)
    assert set(kept) <= set(times)
    if times:
        assert max(times) in kept
    counts = Counter(kept.values())
    assert all(counts[rule] <= getattr(policy, rule) for rule in ("daily", "weekly", "monthly"))
    assert set(keep(kept, policy)) == set(kept)
