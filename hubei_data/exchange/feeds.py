"""The feeds to the national bureau as pushes run them: the registry's feeds (registry/feeds.yaml), each checked
against the share library it reads.

Imported by the command line to list the feeds: Dagster is imported only where an asset key is asked for.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hubei_data.contracts.sources import DECLARED
from hubei_data.registry import Registry

if TYPE_CHECKING:
    import dagster as dg


@dataclass(frozen=True)
class Feed:
    """One bureau feed as declared (hubei_data.registry.feeds.Feed says what each field means), with its name."""

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


def feeds(declared: Registry) -> dict[str, Feed]:
    """The declared feeds, each following a share dataset (which the registry's loader checks exists)."""
    return {name: Feed(name, **declaration.model_dump()) for name, declaration in declared.feeds.items()}


FEEDS = feeds(DECLARED)


class UnknownFeedError(KeyError):
    def __str__(self) -> str:
        return f"unknown feed {self.args[0]!r}; feeds: {', '.join(FEEDS)}"


def feed(name: str) -> Feed:
    try:
        return FEEDS[name]
    except KeyError:
        raise UnknownFeedError(name) from None
