"""What the portal's data query may read, for one person: the tables, their fields, and which fields are masked.

The share library is open to whoever may query data (`data.query`): its 不予共享 items and the items the negative
list (负面清单) names never appear. Whoever may run read-only SQL over the libraries (`query.run`) reads the rest
whole, as the SQL console gives them, and may query the resource library (资源库) too.

Anyone else reads a dataset as the data API serves a consumer, on the terms of their own approved share in force
(共享管理, the newest when several): only its fields, only the rows of its scope, personal fields whole only when it
allows personal data. Without such a share they see the items shared unconditionally (无条件共享), every row, personal
fields masked by the same std.mask_* rule. Names come from the catalog and the source contracts, never a request.
"""

import datetime as dt
from dataclasses import dataclass

from hubei_data import roles
from hubei_data.api.query import MASKS
from hubei_data.catalog.items import NOT_SHARED, POSTGRES_TYPES, UNCONDITIONAL
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS
from hubei_data.contracts import SOURCES
from hubei_data.contracts.sources import DECLARED
from hubei_data.control.permissions import Permission
from hubei_data.control.sessions import Identity
from hubei_data.governance.negative import reaching
from hubei_data.row_filter import Condition, parse_condition
from hubei_data.web.refusal import Refusal

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
    scope: tuple[Condition, ...] = ()
    grant: int | None = None

    @property
    def ref(self) -> str:
        return f"{self.schema}.{self.name}"

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def tables_for(person: Identity, shares: list[dict] = ()) -> dict[str, Table]:
    """Every table the person may query, by `schema.name`: none without `data.query`. `shares` are the person's
    approved shares in force (`shares_in_force`), newest first."""
    if not person.may(Permission.DATA_QUERY):
        return {}
    whole = person.may(Permission.QUERY_RUN)
    found = [_share(dataset, whole, None if whole else _newest(shares, table_name(dataset))) for dataset in SHARE_DATASETS]
    if whole:
        found += [_resource(source) for source in SOURCES.values()]
    return {table.ref: table for table in found}


def is_resource(ref: str) -> bool:
    """Whether the name is one of the resource library's tables, which only `query.run` opens."""
    return ref in {f"{RESOURCE}.{name}" for name in SOURCES}


def shares_in_force(conn, username: str, today: dt.date) -> list[dict]:
    """The person's approved shares of a dataset whose period holds today, newest first."""
    rows = conn.execute(
        "select grant_id, dataset, fields, row_scope, allow_personal from api.grants where applied_by = %s"
        " and status = 'approved' and dataset is not null and valid_from <= %s and %s <= valid_until"
        " order by grant_id desc", (username, today, today))
    names = [column.name for column in rows.description]
    return [dict(zip(names, row)) for row in rows.fetchall()]


def _newest(shares: list[dict], table: str) -> dict | None:
    return next((share for share in shares if share["dataset"] == table), None)


def _share(dataset, whole: bool, share: dict | None) -> Table:
    negative = DECLARED.lists["negative"]
    granted = set(share["fields"]) if share and share["fields"] else None
    personal_whole = whole or bool(share and share["allow_personal"])
    fields = tuple(
        Field(item.name, item.chinese, item.data_type,
              MASKS[item.masking] if item.masked_on_delivery and not personal_whole else None)
        for item in dataset.items
        if item.share_type != NOT_SHARED and not reaching(negative, dataset, item.name)
        and (whole or (item.share_type == UNCONDITIONAL if share is None else granted is None or item.name in granted))
    )
    scope = _scope(share, dataset) if share else ()
    return Table(SHARE, table_name(dataset), dataset.chinese, fields, dataset.key, roles.API_READER, scope,
                 share["grant_id"] if share else None)


def _scope(share: dict, dataset) -> tuple[Condition, ...]:
    """The share's row scope as conditions over the dataset's items, as its approval checked them; a scope the
    catalog no longer fits (an item renamed since) is a 409 naming the share, never a wider answer."""

    def fail(message: str):
        raise Refusal(409, f"share {share['grant_id']} no longer fits the catalog: {message}; apply again")

    items = {item.name: item for item in dataset.items}
    return tuple(parse_condition(condition, items, fail) for condition in share["row_scope"] or ())


def _resource(source) -> Table:
    fields = tuple(Field(c.name, c.chinese, POSTGRES_TYPES[c.type]) for c in source.columns)
    return Table(RESOURCE, source.name, source.chinese, fields, source.key, roles.QUERY)
