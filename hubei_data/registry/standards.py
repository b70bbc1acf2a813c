"""Data standards (数据标准) as declared: the standards cited, versioned code lists (代码集) and data elements (数据元)."""

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, field_validator, model_validator

TYPES = ("text", "date", "timestamp", "integer", "decimal")
# The checks an element may name: each a standard's own algorithm, beyond any pattern.
CHECKS = {
    "uscc_check": "GB 32100-2015 校验码（18 位，不含 I、O、S、V、Z）",
    "id_check": "GB 11643-1999 校验码（MOD 11-2），出生日期真实",
    "hubei_division": "GB/T 2260 湖北省行政区划代码（42 开头，且在平台所附代码表中）",
}


def _name(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError(f"{value!r} is not a name: lowercase letters, digits and underscores, starting with a letter")
    return value


def _positive_integer(value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("must be a positive integer")
    return value


def _regular_expression(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Name = Annotated[str, AfterValidator(_name)]
Text = Annotated[str, AfterValidator(_not_blank)]
PositiveInteger = Annotated[int, BeforeValidator(_positive_integer)]
RegularExpression = Annotated[str, AfterValidator(_regular_expression)]


class Declaration(BaseModel):
    """A registry entry: a field the model does not know is a typo, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Standard(Declaration):
    """A published standard, or the platform's own interface, that elements and code lists come from."""

    code: Text
    chinese: Text
    english: Text


class CodeValue(Declaration):
    """One value of a code list; `label` is the word an interface carries instead of the code (男 for 1)."""

    code: Text
    name: Text | None = None
    label: Text | None = None


class CodeListVersion(Declaration):
    """One version of a code list: its label in the standard, the day the platform began checking data against it,
    and its values."""

    version: Text
    effective: dt.date
    values: tuple[CodeValue, ...]

    @field_validator("values")
    @classmethod
    def _codes_once(cls, values: tuple[CodeValue, ...]) -> tuple[CodeValue, ...]:
        if not values:
            raise ValueError("a code list version needs at least one value")
        seen = set()
        for value in values:
            if value.code in seen:
                raise ValueError(f"duplicate code {value.code!r}")
            seen.add(value.code)
        return values

    def find(self, code: str) -> CodeValue | None:
        return next((value for value in self.values if value.code == code), None)


class CodeList(Declaration):
    """A code list (代码集) with every version the platform has used, oldest first; the newest is current, and
    what reads a code list's `version`, `values` or `find` reads the current one."""

    chinese: Text
    english: Text
    standard: Name
    versions: tuple[CodeListVersion, ...]

    @field_validator("versions")
    @classmethod
    def _each_version_once_in_order(cls, versions: tuple[CodeListVersion, ...]) -> tuple[CodeListVersion, ...]:
        if not versions:
            raise ValueError("a code list needs at least one version")
        for number, (before, after) in enumerate(zip(versions, versions[1:]), start=1):
            if after.version in [each.version for each in versions[:number]]:
                raise ValueError(f"version {after.version!r} is declared twice")
            if after.effective <= before.effective:
                raise ValueError(f"version {after.version!r} takes effect on {after.effective}, not after version"
                                 f" {before.version!r} ({before.effective}): list the versions oldest first")
        return versions

    @property
    def current(self) -> CodeListVersion:
        return self.versions[-1]

    @property
    def version(self) -> str:
        return self.current.version

    @property
    def values(self) -> tuple[CodeValue, ...]:
        return self.current.values

    def find(self, code: str) -> CodeValue | None:
        return self.current.find(code)


class When(Declaration):
    """A format that holds only while another element of the same record has one value."""

    element: Name
    value: Text


class Format(Declaration):
    """A format (格式) as a regular expression valid in Python and PostgreSQL alike, and in words."""

    pattern: RegularExpression
    shape: Text
    when: When | None = None


class Element(Declaration):
    """A data element (数据元): what a value means and which values are valid, whatever table holds it.

    `code` elements are standardised upper-cased; `values` are the codes of `code_list` the element
    allows (all of them when absent), carried as the code or as its label.
    """

    chinese: Text
    english: Text
    definition: Text
    standard: Name
    type: Literal[TYPES] = "text"
    length: PositiveInteger | None = None
    code: bool = False
    formats: tuple[Format, ...] = ()
    check: Literal[tuple(CHECKS)] | None = None
    code_list: Name | None = None
    values: tuple[Text, ...] | None = None
    carries: Literal["code", "label"] = "code"
    minimum: float | None = None
    maximum: float | None = None
    example: Text | None = None

    @field_validator("values")
    @classmethod
    def _each_code_once(cls, values: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if values is not None and (not values or len(set(values)) != len(values)):
            raise ValueError("must name at least one code, each once")
        return values

    @model_validator(mode="after")
    def _coherent(self):
        if self.code_list is None and (self.values is not None or self.carries != "code"):
            raise ValueError("values and carries need a code_list")
        if (self.minimum is not None or self.maximum is not None) and self.type not in ("integer", "decimal"):
            raise ValueError("minimum and maximum need type integer or decimal")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        return self
