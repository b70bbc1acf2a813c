"""The provincial data-sharing lists (三清单) as declared: responsibilities (责任清单), demands from other departments
(需求清单) and what may not be shared (负面清单), each with the version and workbook it was last imported from."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from hubei_data.registry.standards import Declaration, Name, PositiveInteger, Text


def _list_code(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", value):
        raise ValueError(f"{value!r} is not a list code: letters, digits and hyphens, e.g. ZR-WJW-001")
    return value


def _item(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", value):
        raise ValueError(f"{value!r} is not a data item: the dataset's table and the field, e.g. birth_certificate."
                         "mother_id_no")
    return value


ListCode = Annotated[str, AfterValidator(_list_code)]
# A data item as `table.field`: the table a catalog entry hangs on (resource, subject or share library).
ItemName = Annotated[str, AfterValidator(_item)]
MET_BY = ("dataset", "api", "subscription")


class Responsibility(Declaration):
    """What an office must provide (责任清单): the catalog entries that publish it, the data items among theirs it
    covers, and the update cycle (更新周期) within which their data must be refreshed."""

    name: Text
    office: Text
    catalog: tuple[Text, ...] = Field(min_length=1)
    items: tuple[Name, ...] = ()
    cycle: Text


class MetBy(Declaration):
    """What meets a demand: a share dataset, a data API or a subscription, by name."""

    kind: Literal[MET_BY]
    name: Name


class Demand(Declaration):
    """What another department asks for (需求清单), and either what meets it or the written answer (书面答复) given."""

    department: Text
    asks: Text
    catalog: tuple[Text, ...] = ()
    met_by: tuple[MetBy, ...] = ()
    answer: Text | None = None

    @model_validator(mode="after")
    def _met_or_answered(self):
        if not self.met_by and self.answer is None:
            raise ValueError("neither met (met_by: a share dataset, data API or subscription) nor answered (answer)")
        return self


class NegativeItem(Declaration):
    """What may not be shared (负面清单): one data item (`table.field`) or every item of a data element, with the
    law or rule that forbids it."""

    name: Text
    item: ItemName | None = None
    element: Name | None = None
    legal_basis: Text
    office: Text

    @model_validator(mode="after")
    def _one_target(self):
        if (self.item is None) == (self.element is None):
            raise ValueError("names exactly one of item (table.field) or element (a data element)")
        return self


class Version(Declaration):
    """Which import a list's file holds: its number (one more each import) and the workbook and day it came from;
    the file's git history keeps every earlier version."""

    version: PositiveInteger
    imported_from: Text | None = None
    imported_on: dt.date | None = None


class Responsibilities(Version):
    entries: dict[ListCode, Responsibility]


class Demands(Version):
    entries: dict[ListCode, Demand]


class Negative(Version):
    entries: dict[ListCode, NegativeItem]


@dataclass(frozen=True)
class ListKind:
    """One of the three lists: its file under the registry folder, the model of the file and of one entry, what an
    error calls an entry, and the list's Chinese name."""

    path: str
    model: type[Version]
    entry: type[Declaration]
    label: str
    chinese: str


LISTS = {
    "responsibilities": ListKind("lists/responsibilities.yaml", Responsibilities, Responsibility, "responsibility",
                                 "责任清单"),
    "demands": ListKind("lists/demands.yaml", Demands, Demand, "demand", "需求清单"),
    "negative": ListKind("lists/negative.yaml", Negative, NegativeItem, "negative item", "负面清单"),
}
