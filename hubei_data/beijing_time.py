"""Beijing time: in which the agencies read every time shown, schedules fire, and days and partitions are counted."""

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def when(moment: dt.datetime | None) -> str:
    """A moment as the portal's pages and the audit export show it: Beijing time, to the second; nothing for none."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
