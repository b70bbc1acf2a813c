"""Asset checks on the bureau feeds: no change may wait past its SLA unacknowledged."""

import dagster as dg

from hubei_data.exchange.feeds import FEEDS, Feed
from hubei_data.exchange.status import feed_status
from hubei_data.resources import WarehouseResource


def _sla_check(feed: Feed) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=feed.push_key,
        name=f"bureau_{feed.name}_within_sla",
        description=f"Every change to the feed is acknowledged by the bureau within {feed.sla_hours} hours.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            status = feed_status(conn, feed)
        if status is None:
            return dg.AssetCheckResult(passed=False, metadata={"reason": f"share.{feed.dataset} is not built"})
        return dg.AssetCheckResult(
            passed=status.overdue == 0 and status.pending_batches == 0,
            metadata={
                "waiting": status.waiting, "overdue": status.overdue, "pending_batches": status.pending_batches,
                "rejected": status.rejected, "acknowledged": status.acknowledged,
            },
        )

    return _check


SLA_CHECKS = [_sla_check(feed) for feed in FEEDS.values()]
