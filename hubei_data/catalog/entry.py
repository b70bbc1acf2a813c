"""A catalog entry (目录条目) in the government catalog layout, as registered, reviewed and exported."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from hubei_data.catalog.items import SHARE_TYPES

OPEN_ATTRIBUTES = ("无条件开放", "有条件开放", "不予开放")


def _known_share_type(value: str) -> str:
    if value not in SHARE_TYPES:
        raise ValueError(f"must be one of {', '.join(SHARE_TYPES)}")
    return value


# 共享类型, of an entry and of each of its data items alike.
ShareType = Annotated[str, AfterValidator(_known_share_type)]


class EntryError(ValueError):
    """An entry that cannot be registered, changed, reviewed or read: one line naming the entry and why."""


class DataItem(BaseModel):
    """One data item (信息项): the column or API field behind it, with its type, length, standard and share type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(min_length=1)
    name: str = Field(min_length=1)
    data_type: str = Field(min_length=1)
    length: int | None = Field(default=None, gt=0)
    standard: str = ""
    share_type: ShareType
    masking: str


class Entry(BaseModel):
    """An information resource (信息资源): what it is, who provides it, how it is shared, and its data items.

    `kind` and `target` say what it is hung on (挂接): a warehouse table `schema.table`, or a data API by name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    category: str = Field(min_length=1)
    share_type: ShareType
    share_conditions: str = Field(min_length=1)
    open_attribute: Literal[OPEN_ATTRIBUTES] = "不予开放"
    consumers: str = Field(min_length=1)
    share_method: str = Field(min_length=1)
    update_frequency: str = Field(min_length=1)
    kind: Literal["table", "api"]
    target: str = Field(min_length=1)
    items: tuple[DataItem, ...] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _each_field_once(cls, items: tuple[DataItem, ...]) -> tuple[DataItem, ...]:
        fields = [item.field for item in items]
        twice = sorted({field for field in fields if fields.count(field) > 1})
        if twice:
            raise ValueError(f"a field is listed twice: {', '.join(twice)}")
        return items


def parse(document: object, where: str) -> Entry:
    """An entry from a YAML or JSON document, or one EntryError naming where, the field and the rule."""
    try:
        return Entry.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "entry"
        raise EntryError(f"{where}: {field}: {first['msg']}") from None


def diff(before: Entry | None, after: Entry) -> dict:
    """What a version changes for its reviewer: entry fields, and data items added, removed or changed."""
    if before is None:
        return {"fields": {}, "added": [item.field for item in after.items], "removed": [], "changed": {}}
    old, new = {i.field: i for i in before.items}, {i.field: i for i in after.items}
    header = {name: [getattr(before, name), getattr(after, name)] for name in Entry.model_fields
              if name != "items" and getattr(before, name) != getattr(after, name)}
    changed = {
        field: {name: [getattr(old[field], name), getattr(new[field], name)] for name in DataItem.model_fields
                if getattr(old[field], name) != getattr(new[field], name)}
        for field in new if field in old and old[field] != new[field]
    }
    return {"fields": header, "added": [f for f in new if f not in old], "removed": [f for f in old if f not in new],
            "changed": changed}
