"""Times on the portal's pages as the agencies read them: Beijing time, to the second."""

import datetime as dt

from hubei_data.beijing_time import LOCAL


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
