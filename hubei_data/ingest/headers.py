"""Maps received column headers (English or Chinese 列名) onto a source contract."""

from collections.abc import Callable
from dataclasses import dataclass

from hubei_data.contracts import Source
from hubei_data.contracts.standards import standardise


@dataclass(frozen=True)
class HeaderMap:
    """Where each received column goes: a contract column, or the extras kept beside it."""

    columns: dict[int, str]
    extras: dict[int, str]
    missing: list[str]

    def split(self, values: list) -> tuple[dict[str, object], dict[str, object]]:
        """One received row as (contract values, extra values)."""
        known = {name: values[i] if i < len(values) else None for i, name in self.columns.items()}
        extra = {name: values[i] for i, name in self.extras.items() if i < len(values)}
        return known, extra


class MissingColumns(ValueError):
    """A layout without some required columns; `mapping` says what it does hold."""

    def __init__(self, message: str, mapping: HeaderMap):
        super().__init__(message)
        self.mapping = mapping


def contract_names(source: Source) -> Callable[[str | None], str | None]:
    """The contract column a header or a table's column names, by its English name (any case) or its Chinese 列名."""
    lookup = {}
    for column in source.columns:
        lookup[column.name.lower()] = column.name
        lookup[standardise(column.chinese)] = column.name

    def named(header: str | None) -> str | None:
        label = standardise(header)
        return None if label is None else lookup.get(label) or lookup.get(label.lower())

    return named


def map_headers(source: Source, headers: list) -> HeaderMap:
    """Match headers to contract columns; raise ValueError when the layout is unusable (MissingColumns when
    required columns are absent)."""
    named = contract_names(source)
    columns: dict[int, str] = {}
    extras: dict[int, str] = {}
    seen: dict[str, object] = {}
    for index, header in enumerate(headers):
        label = standardise(None if header is None else str(header))
        if label is None:
            extras[index] = f"column_{index + 1}"
            continue
        name = named(label)
        if name is None:
            extras[index] = label
        elif name in seen:
            raise ValueError(f"headers {seen[name]!r} and {header!r} both name column {name}")
        else:
            seen[name] = header
            columns[index] = name
    missing = [c.name for c in source.columns if c.name not in seen]
    missing_required = [name for name in missing if source.column(name).required]
    if missing_required:
        wanted = ", ".join(f"{n} ({source.column(n).chinese})" for n in missing_required)
        raise MissingColumns(f"missing required columns: {wanted}", HeaderMap(columns, extras, missing))
    return HeaderMap(columns, extras, missing)
