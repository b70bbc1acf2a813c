"""The shapes a source contract is declared in: sources, columns and their rules."""

import re
from dataclasses import dataclass, field

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
class Rule:
    """A rule of the interface (docs/sources.md) on one column; `name` is what quality
    reports call it and `words` what the interface document says of it."""

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def words(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Uscc(Rule):
    """GB 32100-2015 unified social credit code with a valid check character."""

    name = "uscc_check"
    words = "GB 32100-2015 code of 18 characters (digits and letters but I, O, S, V, Z) with a valid check character"


@dataclass(frozen=True)
class ResidentId(Rule):
    """GB 11643-1999 citizen ID number with a valid check digit and birth date."""

    name = "id_check"
    words = "GB 11643-1999 ID number: 17 digits and a valid check digit (0-9 or X), with a real birth date inside"


@dataclass(frozen=True)
class HubeiDivision(Rule):
    """A GB/T 2260 division code inside Hubei that the shipped code list has."""

    name = "hubei_division"
    words = "a GB/T 2260 division code inside Hubei (42xxxx) that the shipped code list has"


@dataclass(frozen=True)
class OneOf(Rule):
    """The value is one of an enumerated list."""

    values: tuple[str, ...]
    name = "accepted_values"

    @property
    def words(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class NotFuture(Rule):
    """A date that is not after today."""

    name = "not_future"
    words = "not in the future (not after today)"


@dataclass(frozen=True)
class After(Rule):
    """A date after (or, inclusive, on or after) another date column of the row."""

    other: str
    inclusive: bool = False
    name = "date_order"

    @property
    def words(self) -> str:
        return f"{'on or after' if self.inclusive else 'after'} {self.other}, when both are present"


@dataclass(frozen=True)
class Between(Rule):
    """A number inside an inclusive range; either bound may be open."""

    low: float | None = None
    high: float | None = None
    name = "range"

    @property
    def words(self) -> str:
        if self.high is None:
            return f"{self.low:g} or more"
        if self.low is None:
            return f"{self.high:g} or less"
        return f"from {self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class Pattern(Rule):
    """A code matching a regular expression (valid in Python and PostgreSQL alike).

    `shape` says the format to a person; `when` limits the rule to rows where another
    column has one value, as licence numbers have one documented format per licence type.
    """

    label: str
    regex: str
    shape: str
    when: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return f"{self.label}_format"

    @property
    def words(self) -> str:
        scope = f"when {self.when[0]} is {self.when[1]}: " if self.when else ""
        return f"{scope}{self.shape} (pattern `{self.regex}`)"


@dataclass(frozen=True)
class RequiredWhen(Rule):
    """The value is required when another column has a given value."""

    column: str
    equals: str
    name = "required_when"

    @property
    def words(self) -> str:
        return f"required when {self.column} is {self.equals}"


@dataclass(frozen=True)
class BirthDateMatchesId(Rule):
    """A birth date that equals the one inside an ID number column, when both are present."""

    id_column: str
    name = "id_birth_date"

    @property
    def words(self) -> str:
        return f"equals the birth date inside {self.id_column}, when both are present and {self.id_column} is valid"


@dataclass(frozen=True)
class ExistsIn(Rule):
    """The value names a record that the platform received from another source."""

    source: str
    column: str

    @property
    def name(self) -> str:
        return f"{self.source}_exists"

    @property
    def words(self) -> str:
        return f"names a {self.column} received in {self.source}"


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
