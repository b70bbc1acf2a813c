"""A source's checks as SQL conditions over a staging row: each column's presence, type and rules, then the
checks that span columns. Each rule kind renders its own condition (hubei_data/contracts/rules)."""

from hubei_data.contracts.model import TYPES, Column, Source
from hubei_data.contracts.rules.base import Check, literal, text_of, value_of

TYPE_PARSERS = {
    "date": "std.parse_date",
    "timestamp": "std.parse_timestamp",
    "integer": "std.parse_integer",
    "decimal": "std.parse_decimal",
}


def column_checks(source: Source, column: Column) -> list[Check]:
    """Every check on one column, in the order the contract lists them."""
    text, value = text_of(column.name), value_of(source, column.name)
    label = f"{column.name} ({column.chinese})"
    checks = []
    if column.required:
        checks.append(Check("required", column.name, f"{text} is null", literal(f"{label} is required")))
    if column.type != "text":
        checks.append(
            Check(
                f"{column.type}_format",
                column.name,
                f"{text} is not null and {value} is null",
                f"format('{column.name} %s is not {TYPES[column.type]}', {text})",
            )
        )
    checks += [rule.sql(source, column) for rule in column.rules]
    return checks


def row_checks(source: Source) -> list[Check]:
    """Checks that span columns: one-of-required, duplicate keys in a batch, row shape."""
    checks = []
    if source.one_of_required:
        names = source.one_of_required
        checks.append(Check("one_of_required", None, " and ".join(f"{text_of(n)} is null" for n in names),
                            literal(f"one of {', '.join(names)} is required")))
    key = ", ".join(text_of(k) for k in source.key)
    keyed = " and ".join(f"{text_of(k)} is not null" for k in source.key)
    checks.append(Check("unique", source.key[0], f"c._occurrence > 1 and {keyed}",
                        f"format('{' + '.join(source.key)} %s occurs more than once in batch %s', "
                        f"concat_ws(' / ', {key}), c._batch_id)"))
    checks.append(Check("row_format", None, "c._defect is not null", "c._defect"))
    return checks
