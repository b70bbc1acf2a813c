"""Which backups to keep: the newest of each of the last days, then weeks, then months (grandfather-father-son)."""

import datetime as dt
from collections.abc import Iterable

from hubei_data.beijing_time import LOCAL
from hubei_data.ops.settings import Retention

# A rule's name and how it names the period a backup falls in, in Beijing time (ISO weeks).
RULES = (("daily", "%Y-%m-%d"), ("weekly", "%G-W%V"), ("monthly", "%Y-%m"))


def keep(times: Iterable[dt.datetime], policy: Retention) -> dict[dt.datetime, str]:
    """Each backup time to keep, with the rule that keeps it; every other backup may be removed.

    The rules apply in turn, and a backup one rule keeps does not count for the next (as `borg prune`
    does): with enough history exactly `daily + weekly + monthly` backups stay, and running it again
    over what it kept removes nothing more.
    """
    newest_first = sorted(set(times), reverse=True)
    kept: dict[dt.datetime, str] = {}
    for rule, period_format in RULES:
        wanted, counted, last_period = getattr(policy, rule), 0, None
        for time in newest_first:
            if counted == wanted:
                break
            period = time.astimezone(LOCAL).strftime(period_format)
            if period == last_period:
                continue
            last_period = period
            if time not in kept:
                kept[time] = rule
                counted += 1
    return kept
