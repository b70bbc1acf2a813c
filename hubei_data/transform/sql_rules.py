"""Each contract rule as a SQL condition over a staging row, with the detail it reports."""

from dataclasses import dataclass

from hubei_data.contracts import model as m
from hubei_data.contracts.model import TYPES, Column, Source

TYPE_PARSERS = {
    "date": "std.parse_date",
    "timestamp": "std.parse_timestamp",
    "integer": "std.parse_integer",
    "decimal": "std.parse_decimal",
}


@dataclass(frozen=True)
class Check:
    """One rule rendered for SQL: when `condition` holds, the row breaks `rule`."""

    rule: str
    column: str | None
    condition: str
    detail: str

    def issue(self) -> str:
        column = "null" if self.column is None else literal(self.column)
        return (
            f"case when {self.condition} then jsonb_build_object("
            f"'rule', {literal(self.rule)}, 'column', {column}, 'detail', {self.detail}) end"
        )


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def text_of(column: str) -> str:
    """The standardised text of a column in the staging row."""
    return f"c.{column}"


def value_of(source: Source, column: str) -> str:
    """The typed value of a column in the staging row."""
    return f"c.{column}__value" if source.column(column).type != "text" else f"c.{column}"


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
    for rule in column.rules:
        checks.append(rule_check(source, column, rule))
    return checks


def rule_check(source: Source, column: Column, rule: m.Rule) -> Check:
    text, value, name = text_of(column.name), value_of(source, column.name), column.name
    present = f"{text} is not null"
    if isinstance(rule, m.Uscc):
        return Check(rule.name, name, f"{present} and not std.uscc_valid({text})",
                     f"format('{name} %s has no valid GB 32100-2015 check character', {text})")
    if isinstance(rule, m.ResidentId):
        return Check(rule.name, name, f"{present} and not std.resident_id_valid({text})",
                     f"format('{name} %s is not a valid GB 11643-1999 ID number', {text})")
    if isinstance(rule, m.HubeiDivision):
        return Check(rule.name, name, f"{present} and d_{name}.division_code is null",
                     f"format('{name} %s is not a Hubei division code in GB/T 2260', {text})")
    if isinstance(rule, m.OneOf):
        values = ", ".join(literal(v) for v in rule.values)
        return Check(rule.name, name, f"{present} and {text} not in ({values})",
                     f"format('{name} %s is not one of {'、'.join(rule.values)}', {text})")
    if isinstance(rule, m.NotFuture):
        return Check(rule.name, name, f"{value} > current_date",
                     f"format('{name} %s is in the future', {value})")
    if isinstance(rule, m.After):
        other = value_of(source, rule.other)
        op = "<" if rule.inclusive else "<="
        word = "on or after" if rule.inclusive else "after"
        return Check(rule.name, name, f"{value} {op} {other}",
                     f"format('{name} %s is not {word} {rule.other} %s', {value}, {other})")
    if isinstance(rule, m.Between):
        bounds = [f"{value} < {rule.low}" if rule.low is not None else None,
                  f"{value} > {rule.high}" if rule.high is not None else None]
        span = f"{'' if rule.low is None else rule.low} to {'' if rule.high is None else rule.high}".strip()
        return Check(rule.name, name, "(" + " or ".join(b for b in bounds if b) + ")",
                     f"format('{name} %s is outside {span}', {value})")
    if isinstance(rule, m.Pattern):
        condition = f"{present} and {text} !~ {literal(rule.regex)}"
        scope = ""
        if rule.when:
            other, equals = rule.when
            condition += f" and {text_of(other)} = {literal(equals)}"
            scope = f" for {equals}"
        return Check(rule.name, name, condition,
                     f"format('{name} %s does not match the {rule.label} format{scope}', {text})")
    if isinstance(rule, m.RequiredWhen):
        return Check(rule.name, name, f"{text} is null and {text_of(rule.column)} = {literal(rule.equals)}",
                     literal(f"{name} is required when {rule.column} is {rule.equals}"))
    if isinstance(rule, m.BirthDateMatchesId):
        id_text = text_of(rule.id_column)
        born = f"std.resident_id_birth_date({id_text})"
        return Check(rule.name, name,
                     f"{value} is not null and std.resident_id_valid({id_text}) and {value} <> {born}",
                     f"format('{name} %s differs from the birth date in {rule.id_column} (%s)', {value}, {born})")
    if isinstance(rule, m.ExistsIn):
        # an invalid code cannot name anything; its own format rule already reports it
        valid = " and std.uscc_valid(" + text + ")" if any(isinstance(r, m.Uscc) for r in column.rules) else ""
        return Check(rule.name, name, f"{present}{valid} and k_{name}.{rule.column} is null",
                     f"format('{name} %s names no {rule.source} received', {text})")
    raise TypeError(f"no SQL for rule {rule!r}")


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
