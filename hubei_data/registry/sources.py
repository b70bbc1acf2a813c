"""Source contracts as declared: the owners, the business systems, and each source's columns and rules."""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Discriminator, Tag, field_validator, model_validator

from hubei_data.registry.standards import TYPES, Declaration, Name, PositiveInteger, Text

# Rules that take nothing: a standard's check on the value, or a date not after today.
WORDS = ("uscc", "resident_id", "hubei_division", "not_future")
CHANNELS = ("database", "file")
# 信息资源代码 of a source's resource-library table: province, the owner's office, ZY (资源库), its number.
RESOURCE_CODE = re.compile(r"420000-([A-Z]{3})-ZY-\d{4}")


def _office(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"{value!r} is not an office code: three capital letters, e.g. SYJ")
    return value


def _resource_code(value: str) -> str:
    if not RESOURCE_CODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a resource code: 420000-<office>-ZY-<four digits>, e.g. 420000-SYJ-ZY-0001")
    return value


def office_of(code: str) -> str:
    """The office a resource code names (SYJ in 420000-SYJ-ZY-0001)."""
    return RESOURCE_CODE.fullmatch(code).group(1)


class Owner(Declaration):
    """A provincial body that owns sources (数据提供方) and provides catalog entries: its full name, as the catalog
    lists a provider, and its office, its part of the catalog codes (e.g. SYJ in 420000-SYJ-…)."""

    chinese: Text
    english: Text
    full_name: Text
    office: Annotated[str, AfterValidator(_office)]


class System(Declaration):
    """A business system (业务系统) sources are read from; its code names its URL variable. Its vendor (承建运维单位)
    fixes defective rows at source, within `fix_within_days` of a rectification ticket opening."""

    chinese: Text
    english: Text
    owner: Name
    vendor: Text | None = None
    fix_within_days: PositiveInteger = 5


class Bounds(Declaration):
    """An inclusive range of numbers; either end may be open, not both. A whole number stays one, as SQL says it."""

    low: int | float | None = None
    high: int | float | None = None

    @model_validator(mode="after")
    def _bounded(self):
        if self.low is None and self.high is None:
            raise ValueError("needs low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")
        return self


class Condition(Declaration):
    column: Name
    equals: Text


class Reference(Declaration):
    source: Name
    column: Name


class OneOf(Declaration):
    one_of: tuple[Text, ...]

    @field_validator("one_of")
    @classmethod
    def _each_once(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values or len(set(values)) != len(values):
            raise ValueError("must name at least one value, each once")
        return values


class After(Declaration):
    after: Name


class OnOrAfter(Declaration):
    on_or_after: Name


class Between(Declaration):
    between: Bounds


class Pattern(Declaration):
    """The formats the named data element declares (registry/standards/elements.yaml)."""

    pattern: Name


class RequiredWhen(Declaration):
    required_when: Condition


class BirthDateIn(Declaration):
    birth_date_in: Name


class ExistsIn(Declaration):
    exists_in: Reference


# What a rule is called in a file: the word of a rule without parameters, or the one key of a rule with them.
RULE_NAMES = (*WORDS, *(next(iter(model.model_fields)) for model in (OneOf, After, OnOrAfter, Between, Pattern,
                                                                     RequiredWhen, BirthDateIn, ExistsIn)))


def _rule_name(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value))
    return None


Rule = Annotated[
    Annotated[Literal[WORDS], Tag("word")]
    | Annotated[OneOf, Tag("one_of")] | Annotated[After, Tag("after")] | Annotated[OnOrAfter, Tag("on_or_after")]
    | Annotated[Between, Tag("between")] | Annotated[Pattern, Tag("pattern")]
    | Annotated[RequiredWhen, Tag("required_when")] | Annotated[BirthDateIn, Tag("birth_date_in")]
    | Annotated[ExistsIn, Tag("exists_in")],
    Discriminator(lambda value: "word" if _rule_name(value) in WORDS else _rule_name(value)),
]


class Column(Declaration):
    """One column: its Chinese name (列名), type, whether required, whether a code, length, data element, rules."""

    chinese: Text
    type: Literal[TYPES] = "text"
    required: bool = False
    code: bool = False
    length: PositiveInteger | None = None
    element: Name | None = None
    rules: tuple[Rule, ...] = ()


class Source(Declaration):
    """One source layout (对接数据项): the file's name is the source's; a database source reads the table of that
    name, or `table`. `resource_code` is its resource-library table's catalog code (信息资源代码), declared so that
    adding a source never renumbers another."""

    chinese: Text
    system: Name
    resource_code: Annotated[str, AfterValidator(_resource_code)]
    channel: Literal[CHANNELS]
    key: tuple[Name, ...]
    columns: dict[Name, Column]
    one_of_required: tuple[Name, ...] = ()
    description: Text | None = None
    table: Text | None = None
    # Its place where sources are listed (the interface document, the generated models); those without follow.
    order: PositiveInteger | None = None

    @field_validator("key", "columns")
    @classmethod
    def _not_empty(cls, value):
        if not value:
            raise ValueError("must name at least one column")
        return value
