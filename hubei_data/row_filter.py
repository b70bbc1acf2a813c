"""Row filters (口径) over a dataset's declared fields: parsed from declarations, compiled to parameterised SQL.

Subscriptions and data-API grants both scope rows this way, so a filter is never SQL text
from a file or a request: only declared fields, whitelisted operators and typed values.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from psycopg import sql

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "between", "prefix", "is null", "is not null")


@dataclass(frozen=True)
class Condition:
    """One condition of the row filter (口径): a declared field, an allowed operator, typed values."""

    field: str
    op: str
    values: tuple


def parse_condition(spec, items: dict, fail) -> Condition:
    """One condition from its declaration; `fail(message)` raises the caller's own error."""
    if not isinstance(spec, dict) or not {"field", "op"} <= set(spec) <= {"field", "op", "value"}:
        fail("each filter condition is a mapping of field, op and (unless op is 'is null' / 'is not null') value")
    field, op = spec["field"], spec["op"]
    if field not in items:
        fail(f"filter field {field!r} is not in the dataset")
    if op not in OPERATORS:
        fail(f"filter operator {op!r} is not one of: {', '.join(OPERATORS)}")
    if op in ("is null", "is not null"):
        if "value" in spec:
            fail(f"filter {field} {op} takes no value")
        return Condition(field, op, ())
    if "value" not in spec:
        fail(f"filter {field} {op} needs a value")
    raw = spec["value"]
    if op in ("in", "not in", "between"):
        if not isinstance(raw, list) or not raw or (op == "between" and len(raw) != 2):
            fail(f"filter {field} {op} needs a list" + (" of two values" if op == "between" else ""))
        values = raw
    else:
        values = [raw]
    data_type = items[field].data_type
    if op == "prefix" and data_type != "text":
        fail(f"filter {field} prefix needs a text field")
    return Condition(field, op, tuple(_typed(v, data_type, field, fail) for v in values))


def _typed(value, data_type: str, field: str, fail):
    try:
        if data_type == "date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if data_type in ("bigint", "integer"):
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError
            return int(value)
        if data_type == "numeric":
            return Decimal(str(value))
        if data_type == "boolean":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if not isinstance(value, str | int):
            raise ValueError
        return str(value)
    except (ValueError, InvalidOperation):
        fail(f"filter value {value!r} is not a {data_type} for {field}")


def compile_filter(conditions: tuple[Condition, ...]) -> tuple[sql.Composable, list]:
    """The row filter as SQL over declared fields and whitelisted operators, values as parameters."""
    return filter_sql(tuple((c.field, c.op) for c in conditions)), filter_params(conditions)


@lru_cache(maxsize=1024)
def filter_sql(shape: tuple[tuple[str, str], ...]) -> sql.Composable:
    """The SQL of a filter of this shape (field and operator of each condition): the same for any values."""
    parts = [sql.SQL("true")]
    for field, op in shape:
        column = sql.Identifier(field)
        if op in ("is null", "is not null"):
            parts.append(sql.SQL("{} " + op).format(column))
        elif op == "in":
            parts.append(sql.SQL("{} = any(%s)").format(column))
        elif op == "not in":
            parts.append(sql.SQL("not ({} = any(%s))").format(column))
        elif op == "between":
            parts.append(sql.SQL("{} between %s and %s").format(column))
        elif op == "prefix":
            parts.append(sql.SQL("{} like %s").format(column))
        else:
            parts.append(sql.SQL("{} " + op + " %s").format(column))
    return sql.SQL(" and ").join(parts)


def filter_params(conditions: tuple[Condition, ...]) -> list:
    """The values of the conditions, in the order filter_sql places their parameters."""
    params = []
    for c in conditions:
        if c.op in ("in", "not in"):
            params.append(list(c.values))
        elif c.op == "prefix":
            params.append(c.values[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        elif c.op not in ("is null", "is not null"):
            params.extend(c.values)
    return params
