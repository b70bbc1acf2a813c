"""The shapes a source contract is declared in: sources and columns, with the rules of hubei_data.contracts.rules."""

import re
from dataclasses import dataclass, field

from hubei_data.contracts.rules import (
    After,
    Between,
    BirthDateMatchesId,
    ExistsIn,
    HubeiDivision,
    NotFuture,
    OneOf,
    Pattern,
    RequiredWhen,
    ResidentId,
    Rule,
    Uscc,
)

__all__ = ["DATE_FORMATS", "SYSTEM_CODE", "TYPES", "After", "Between", "BirthDateMatchesId", "Column", "ExistsIn",
           "HubeiDivision", "NotFuture", "OneOf", "Pattern", "RequiredWhen", "ResidentId", "Rule", "Source", "Uscc"]

# A business system's short ASCII name: it names the system's URL variable, HUBEI_DATA_SYSTEM_<CODE>_URL.
SYSTEM_CODE = re.compile(r"[a-z][a-z0-9_]{0,29}")
DATE_FORMATS = "YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD or YYYY年M月D日"
# Each type in words, as the interface document and the quality reports say it.
TYPES = {
    "text": "text",
    "date": f"a date ({DATE_FORMATS})",
    "timestamp": "a timestamp (an agreed date, optionally with HH:MM or HH:MM:SS after a space or T)",
    "integer": "a whole number (digits, optionally signed)",
    "decimal": "a number (digits, optionally signed, with at most one decimal point)",
}


@dataclass(frozen=True)
class Column:
    """One column of a source layout, by English name and Chinese 列名; `element` names its data element
    (数据元) in the registry (registry/standards/elements.yaml), whose facts its rules enforce."""

    name: str
    chinese: str
    type: str = "text"
    required: bool = False
    code: bool = False
    length: int | None = None
    rules: tuple[Rule, ...] = ()
    element: str | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Source:
    """One source layout of the interface: its columns, business key and usual channel."""

    name: str
    chinese: str
    owner: str
    system: str
    system_english: str
    system_code: str
    channel: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    one_of_required: tuple[str, ...] = ()
    description: str = ""
    table: str | None = None
    resource_code: str = ""
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})
        if not SYSTEM_CODE.fullmatch(self.system_code):
            raise ValueError(f"source {self.name}: system code {self.system_code!r} is not {SYSTEM_CODE.pattern}")
        unknown = [k for k in self.key if k not in self.column_index]
        if unknown:
            raise ValueError(f"source {self.name}: key names unknown columns {unknown}")
        if self.watermark and not (self.column(self.watermark).required and self.column(self.watermark).type == "timestamp"):
            raise ValueError(f"source {self.name}: {self.watermark} orders a key's versions, so it is a required timestamp")

    def column(self, name: str) -> Column:
        return self.column_index[name]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def table_name(self) -> str:
        """The table a database source reads: its own name unless it declares another."""
        return self.table or self.name

    @property
    def watermark(self) -> str | None:
        """The column incremental database reads follow, when the source has one."""
        return "updated_at" if "updated_at" in self.column_index else None

    @property
    def checks_other_sources(self) -> bool:
        """A rule looks up what another source sent, so a row's verdict can change after it arrives."""
        return any(isinstance(rule, ExistsIn) for column in self.columns for rule in column.rules)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]
