"""One push asset per bureau feed: each materialisation is a push, with its counts."""

import dagster as dg

from hubei_data.exchange import pools
from hubei_data.exchange.bureau import BureauRefused, BureauUnavailable
from hubei_data.exchange.feeds import FEEDS, Feed
from hubei_data.exchange.push import push_feed
from hubei_data.exchange.resources import BureauResource
from hubei_data.ops.freeze_guard import refuse_frozen_assets
from hubei_data.ops.freezes import Frozen
from hubei_data.resources import WarehouseResource


def _push_asset(feed: Feed) -> dg.AssetsDefinition:
    @dg.asset(
        key=feed.push_key,
        deps=[feed.dataset_key],
        group_name="exchange",
        kinds={"http"},
        pool=pools.BUREAU,
        description=f"国家局 feed {feed.chinese}: pushes what changed in share.{feed.dataset} since the bureau last acknowledged it.",
    )
    def _push(context: dg.AssetExecutionContext, warehouse: WarehouseResource, bureau: BureauResource):
        try:
            with warehouse.connect() as conn:
                refuse_frozen_assets(conn, context.selected_asset_keys)
                result = push_feed(
                    conn, bureau.client(), feed, context.run_id, bureau.batch_size, bureau.retry(), context.log.info
                )
        except BureauUnavailable as error:
            raise dg.Failure(f"the bureau at {bureau.url} did not answer after {bureau.attempts} attempts ({error});"
                             " the batch stays pending and the next push sends it first") from error
        except BureauRefused as error:
            raise dg.Failure(f"the bureau at {bureau.url} refused the push: {error}") from error
        except Frozen as error:
            raise dg.Failure(str(error)) from None
        return dg.MaterializeResult(
            metadata={
                "batches": result.batches,
                "resumed_batches": result.resumed_batches,
                "records_sent": result.records,
                "accepted": result.accepted,
                "rejected": result.rejected,
                "attempts": result.attempts,
            }
        )

    return _push


PUSH_ASSETS = [_push_asset(feed) for feed in FEEDS.values()]
