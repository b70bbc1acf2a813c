"""Which defect kinds a source's contract rules out, per channel, derived from the contract itself."""

from dataclasses import dataclass

from hubei_data.contracts.model import ExistsIn, Source, Uscc

# Typed database columns cannot hold unparseable text, so these only arrive in files.
FILE_ONLY = ("date_format", "timestamp_format", "integer_format", "decimal_format")


@dataclass(frozen=True)
class Kind:
    """A rule name and the columns a defect of that rule may be planted in."""

    rule: str
    columns: tuple[str, ...]


def defect_kinds(source: Source, channel: str) -> list[Kind]:
    """Every defect kind of `source` that can be planted alone, breaking no other rule.

    Left out: a blank watermark in a database (an incremental read never sees the row),
    and a bad check character on a column that must also exist in another source (it
    would break both rules at once).
    """
    found: dict[str, list[str]] = {}

    def add(rule: str, column: str) -> None:
        columns = found.setdefault(rule, [])
        if column not in columns:
            columns.append(column)

    for column in source.columns:
        if column.required and not (channel == "database" and column.name == source.watermark):
            add("required", column.name)
        if channel == "file" and column.type != "text":
            add(f"{column.type}_format", column.name)
        exists = any(isinstance(rule, ExistsIn) for rule in column.rules)
        for rule in column.rules:
            if isinstance(rule, Uscc) and exists:
                continue
            add(rule.name, column.name)
    if source.one_of_required:
        add("one_of_required", source.one_of_required[0])
    add("unique", source.key[0])
    return [Kind(rule, tuple(columns)) for rule, columns in found.items()]


def file_only_first(kinds: list[Kind]) -> list[Kind]:
    """The same kinds with the file-only ones leading, for small supplementary files."""
    return sorted(kinds, key=lambda kind: kind.rule not in FILE_ONLY)
