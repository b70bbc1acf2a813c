"""The feeds to the national bureau: each a declared query over the share library.

Imported by the command line to list the feeds: Dagster is imported only where an asset key is asked for.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg


@dataclass(frozen=True)
class Feed:
    """One bureau feed: the share dataset it follows, its records and what the bureau requires.

    `source` is a select over the share library with one row per record; `fields` are what
    the bureau receives of each, `key` the field that names the record.
    """

    name: str
    chinese: str
    dataset: str
    source: str
    key: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    uscc_fields: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()
    sla_hours: int = 24

    @property
    def query(self) -> str:
        """One row per record: its key, when the share library last changed it, then its fields."""
        return f"select {self.key} as record_key, _synced_at, {', '.join(self.fields)} from ({self.source}) as feed"

    @property
    def dataset_key(self) -> "dg.AssetKey":
        import dagster as dg

        return dg.AssetKey(["share", self.dataset])

    @property
    def push_key(self) -> "dg.AssetKey":
        import dagster as dg

        return dg.AssetKey(["exchange", f"bureau_{self.name}"])


FEEDS = {
    feed.name: feed
    for feed in (
        Feed(
            name="cosmetic_filing",
            chinese="化妆品监管数据（注册备案及生产企业）",
            dataset="cosmetic_product_info",
            source="""
                select c.*, e.address as registrant_address, e.division_code as registrant_division_code,
                       e.enterprise_type as registrant_type
                from share.cosmetic_product_info c
                left join share.enterprise_basic e on e.uscc = c.registrant_uscc
            """,
            key="filing_no",
            fields=(
                "filing_no", "product_name", "category", "registrant_uscc", "registrant_name",
                "registrant_address", "registrant_division_code", "registrant_type", "filed_on", "status",
            ),
            required=("filing_no", "product_name", "registrant_uscc", "registrant_name", "status"),
            uscc_fields=("registrant_uscc",),
            date_fields=("filed_on",),
        ),
        Feed(
            name="drug_sampling",
            chinese="药品抽检结果",
            dataset="sampling_result",
            source="select * from share.sampling_result",
            key="sample_no",
            fields=(
                "sample_no", "approval_no", "generic_name", "uscc", "enterprise_name", "sampled_on", "result",
                "failed_items",
            ),
            required=("sample_no", "approval_no", "uscc", "sampled_on", "result"),
            uscc_fields=("uscc",),
            date_fields=("sampled_on",),
        ),
        Feed(
            name="penalty",
            chinese="行政处罚信息",
            dataset="penalty_info",
            source="select * from share.penalty_info",
            key="case_no",
            fields=("case_no", "uscc", "enterprise_name", "decided_on", "violation", "fine_yuan", "confiscated_yuan"),
            required=("case_no", "uscc", "enterprise_name", "decided_on"),
            uscc_fields=("uscc",),
            date_fields=("decided_on",),
        ),
    )
}


class UnknownFeedError(KeyError):
    def __str__(self) -> str:
        return f"unknown feed {self.args[0]!r}; feeds: {', '.join(FEEDS)}"


def feed(name: str) -> Feed:
    try:
        return FEEDS[name]
    except KeyError:
        raise UnknownFeedError(name) from None
