"""What the portal's data query may read, for one person: the tables, their fields, and which fields are masked.

The share library is open to whoever may query data (`data.query`): its 不予共享 items and the items the negative
list (负面清单) names never appear, and personal fields the share table keeps whole for the data API are shown as
the data API shows them without a grant for personal data, masked by the same std.mask_* rule. Whoever may run
read-only SQL over the libraries (`query.run`) reads those whole, as the SQL console gives them, and may query
the resource library (资源库) too. Names come from the catalog and the source contracts, never from a request.
"""

from dataclasses import dataclass

from hubei_data import roles
from hubei_data.api.query import MASKS
from hubei_data.catalog.items import NOT_SHARED, POSTGRES_TYPES
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.contracts import SOURCES
from hubei_data.contracts.sources import DECLARED
from hubei_data.control.permissions import Permission
from hubei_data.control.sessions import Identity
from hubei_data.governance.negative import reaching

SHARE, RESOURCE = "share", "resource"
LIBRARIES = {SHARE: "共享库 Share library", RESOURCE: "资源库 Resource library"}


@dataclass(frozen=True)
class Field:
    """A column as the person sees it; `mask` names the std function it is read through, if any."""

    name: str
    chinese: str
    data_type: str
    mask: str | None = None


@dataclass(frozen=True)
class Table:
    """A table the person may query: where it is, the fields they see, the order rows come in, the role reading it."""

    schema: str
    name: str
    chinese: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    reader: str

    @property
    def ref(self) -> str:
        return f"{self.schema}.{self.name}"

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def tables_for(person: Identity) -> dict[str, Table]:
    """Every table the person may query, by `schema.name`: none without `data.query`."""
    if not person.may(Permission.DATA_QUERY):
        return {}
    whole = person.may(Permission.QUERY_RUN)
    found = [_share(dataset, whole) for dataset in SHARE_DATASETS]
    if whole:
        found += [_resource(source) for source in SOURCES.values()]
    return {table.ref: table for table in found}


def is_resource(ref: str) -> bool:
    """Whether the name is one of the resource library's tables, which only `query.run` opens."""
    return ref in {f"{RESOURCE}.{name}" for name in SOURCES}


def _share(dataset, whole: bool) -> Table:
    negative = DECLARED.lists["negative"]
    fields = tuple(
        Field(item.name, item.chinese, item.data_type,
              MASKS[item.masking] if item.masked_on_delivery and not whole else None)
        for item in dataset.items
        if item.share_type != NOT_SHARED and not reaching(negative, dataset, item.name)
    )
    return Table(SHARE, table_name(dataset), dataset.chinese, fields, dataset.key, roles.API_READER)


def _resource(source) -> Table:
    fields = tuple(Field(c.name, c.chinese, POSTGRES_TYPES[c.type]) for c in source.columns)
    return Table(RESOURCE, source.name, source.chinese, fields, source.key, roles.QUERY)
