"""Beijing time: in which the agencies read every time shown, schedules fire, and days and partitions are counted."""

from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
