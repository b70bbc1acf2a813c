"""Reconciliation: what the bureau holds against what it acknowledged to us."""

from dataclasses import dataclass

import psycopg

from hubei_data.control.schema import require_current
from hubei_data.exchange.bureau import Bureau
from hubei_data.exchange.feeds import Feed


@dataclass(frozen=True)
class Reconciliation:
    feed: str
    held: int
    acknowledged: int
    missing_at_bureau: list[str]
    unknown_at_bureau: list[str]
    different: list[str]

    @property
    def agrees(self) -> bool:
        return not (self.missing_at_bureau or self.unknown_at_bureau or self.different)


def reconcile(conn: psycopg.Connection, bureau: Bureau, feed: Feed) -> Reconciliation:
    require_current(conn)
    held = bureau.held(feed.name)
    ours = dict(
        conn.execute(
            "select record_key, acked_hash from exchange.bureau_records where feed = %s", (feed.name,)
        ).fetchall()
    )
    conn.commit()
    return Reconciliation(
        feed=feed.name,
        held=len(held),
        acknowledged=len(ours),
        missing_at_bureau=sorted(set(ours) - set(held)),
        unknown_at_bureau=sorted(set(held) - set(ours)),
        different=sorted(k for k in set(ours) & set(held) if ours[k] != held[k]),
    )
