"""Jumps in column profiles: a null rate, distinct count or numeric range far outside the column's recent builds
opens a rectification ticket on its source, rule `profile_null_rate`, `profile_distinct` or `profile_range`."""

import datetime as dt
from dataclasses import dataclass

import psycopg

from hubei_data.quality import defects, profiles, tickets

# A resource table holds every record's latest version, so one build moves a column's null rate only as far as the
# rows it replaced: ten points above the highest rate of the recent builds is a source that stopped filling the
# column (缺失值、空值), not drift.
NULL_RATE_RISE = 0.10
# Records are replaced, never removed, so a column's distinct values only grow with new records; falling below
# half the fewest of the recent builds is a default or placeholder overwriting real values (重复数据).
DISTINCT_FALL = 0.5
# A number ten times the largest of the recent builds, or a negative one where there were none, is a value out of
# all proportion (奇异值: a unit slip, digits run together), not growth.
RANGE_FACTOR = 10
METRICS = ("null_rate", "distinct", "range")


@dataclass(frozen=True)
class Jump:
    """One column's metric against its history: `before` is the bound of the recent builds it left behind."""

    column: str
    metric: str
    before: float
    now: float
    rows: int

    @property
    def rule(self) -> str:
        return f"{tickets.PROFILE}{self.metric}"

    @property
    def words(self) -> str:
        if self.metric == "null_rate":
            return f"列 {self.column} 空值率由近期最高 {self.before:.0%} 升至 {self.now:.0%}"
        if self.metric == "range":
            return f"列 {self.column} 出现奇异值 {self.now:,g}（近期范围边界 {self.before:,g}）"
        return f"列 {self.column} 不同值个数由近期最少 {self.before:,.0f} 降至 {self.now:,.0f}"


def jumps(profile: profiles.Profile, history: list[profiles.Profile]) -> list[Jump]:
    """The metrics of `profile` beyond their threshold against `history`; none without history to compare."""
    if not history or not profile.rows:
        return []
    found = []
    highest = max(p.null_rate for p in history)
    if profile.null_rate > highest + NULL_RATE_RISE:
        found.append(Jump(profile.column_name, "null_rate", highest, profile.null_rate, profile.nulls))
    fewest = min(p.distinct_values for p in history)
    # Values gone to null take their distinct values with them: that is the null rate's jump, told once.
    if not found and profile.distinct_values < fewest * (1 - DISTINCT_FALL):
        found.append(Jump(profile.column_name, "distinct", fewest, profile.distinct_values, profile.rows))
    return found + _out_of_range(profile, history)


def _out_of_range(profile: profiles.Profile, history: list[profiles.Profile]) -> list[Jump]:
    """A numeric column's new largest value beyond RANGE_FACTOR times the recent largest, or a new negative
    smallest where the recent builds had none; text and dates are not judged."""
    now_min, now_max = _number(profile.min_value), _number(profile.max_value)
    before_max = [n for n in (_number(p.max_value) for p in history) if n is not None]
    before_min = [n for n in (_number(p.min_value) for p in history) if n is not None]
    if now_max is None or not before_max or len(before_max) < len(history):
        return []
    found = []
    if max(before_max) > 0 and now_max > RANGE_FACTOR * max(before_max):
        found.append(Jump(profile.column_name, "range", max(before_max), now_max, profile.rows))
    elif now_min is not None and before_min and min(before_min) >= 0 > now_min:
        found.append(Jump(profile.column_name, "range", min(before_min), now_min, profile.rows))
    return found


def _number(value: str | None) -> float | None:
    """A profile's bound as a number, when the column is numeric (dates and text are not)."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def compare(conn: psycopg.Connection, measured: list[profiles.Profile]) -> list[Jump]:
    """Each freshly recorded column against its recent profiles."""
    return [jump for profile in measured for jump in jumps(profile, profiles.before(conn, profile))]


def open_tickets(conn: psycopg.Connection, source: str, found: list[Jump], newest_batch: int,
                 now: dt.datetime) -> list[int]:
    """One ticket per metric that jumped on the source, naming every column it jumped in; the tickets' ids."""
    ids = []
    for metric in METRICS:
        of_metric = [jump for jump in found if jump.metric == metric]
        if of_metric:
            defect = defects.Defect(source, of_metric[0].rule, max(j.rows for j in of_metric), newest_batch, now, now)
            comment = "剖析发现：" + "；".join(jump.words for jump in of_metric)
            ids.append(tickets.found_elsewhere(conn, defect, comment, now)[1])
    return ids
