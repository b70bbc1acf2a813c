"""Subject models (主体库) and share datasets (共享库) as declared: data items of their own, or taken by reference."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from hubei_data.registry.standards import Declaration, Name, Text

# The libraries an item may be taken from, as a reference names them: <library>.<entry>.<item or column>.
LIBRARIES = ("source", "subject", "share")
SHARE_TYPES = ("无条件共享", "有条件共享", "不予共享")
# The kinds of personal data a masking rule exists for (hubei_data.catalog.items.MASKING).
PERSONAL = ("id_number", "name", "phone")
# An item's PostgreSQL type; `count` and `flag` are a required bigint counted and a required boolean.
ITEM_TYPES = ("text", "date", "timestamp", "bigint", "numeric", "boolean", "jsonb", "count", "flag")


def _reference(value: str) -> str:
    if not re.fullmatch(rf"({'|'.join(LIBRARIES)})\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", value):
        raise ValueError(f"{value!r} is not a reference: <library>.<entry>.<item>, the library one of"
                         f" {', '.join(LIBRARIES)}, e.g. source.license.license_no")
    return value


Reference = Annotated[str, AfterValidator(_reference)]


def parts(reference: str) -> tuple[str, str, str]:
    """A reference's library, entry and item (or column)."""
    library, entry, item = reference.split(".")
    return library, entry, item


class Item(Declaration):
    """One data item (信息项): taken `from` another (what it says here changes that one's), or its own, named.

    `masked` shows a personal item masked by the rule for its kind of personal data; `masked_on_delivery` keeps it
    whole for a dataset only the data API serves, which masks it unless the consumer's grant allows it.
    `references` names the share item whose value this one's must be (a relationship dbt tests)."""

    taken_from: Reference | None = Field(None, alias="from")
    name: Name | None = None
    chinese: Text | None = None
    type: Literal[ITEM_TYPES] | None = None
    standard: Text | None = None
    description: Text | None = None
    share_type: Literal[SHARE_TYPES] | None = None
    personal: Literal[PERSONAL] | None = None
    required: bool | None = None
    accepted: tuple[Text, ...] | None = None
    references: Reference | None = None
    masked: bool = False
    masked_on_delivery: bool = False

    @model_validator(mode="after")
    def _named_and_masked_once(self):
        if self.taken_from is None and (self.name is None or self.chinese is None):
            raise ValueError("an item not taken from another needs its name and chinese")
        if self.masked and self.masked_on_delivery:
            raise ValueError("an item is masked or masked on delivery, not both")
        if self.references is not None and parts(self.references)[0] != "share":
            raise ValueError("references names a share item: share.<dataset>.<item>")
        return self


class _Model(Declaration):
    """What a subject model and a share dataset both state: the name of its table, Chinese name, description, key
    and items; the provider is an owner of registry/sources/_owners.yaml."""

    name: Name
    chinese: Text
    description: Text
    provider: Name
    key: tuple[Name, ...] = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)


class Subject(_Model):
    """A subject model (主体库): an internal table, catalogued but never shared as it is."""


class Share(_Model):
    """A share dataset (共享数据集): a share model with its entry of the sharing list (共享清单)."""

    summary: Text
    resource_code: Text
    category: Text
    share_type: Literal[SHARE_TYPES[:2]]
    conditions: Text
    consumers: Text
    method: Text = "库表交换（前置库）、数据接口"
    update_frequency: Text = "每日"
    # Whether each row stands for one source record, and so carries that record's batch and row number.
    record_level: bool = True
