"""The bureau's check of one record against its feed: what a receipt's rejections say."""

import datetime as dt

from stdnum.cn import uscc

from hubei_data.exchange.feeds import Feed


def problems(feed: Feed, record: dict) -> list[str]:
    """Every reason the bureau refuses the record; empty when it accepts it."""
    found = [f"{name} is required" for name in feed.required if record.get(name) in (None, "")]
    for name in feed.uscc_fields:
        value = record.get(name)
        if value and not uscc.is_valid(value):
            found.append(f"{name} {value} is not a valid unified social credit code")
    for name in feed.date_fields:
        value = record.get(name)
        if value:
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                found.append(f"{name} {value} is not an ISO date")
    unknown = sorted(set(record) - set(feed.fields))
    if unknown:
        found.append(f"unknown fields: {', '.join(unknown)}")
    return found
