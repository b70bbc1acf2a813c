"""A portal query of one table: parsed from the request's parameters, compiled to SQL, read as a read-only role.

Only the table's own field names (from the catalog) and a fixed list of operators reach the SQL text; every value
is a parameter, typed by its field first. A masked field can be neither filtered nor ordered by, since comparing
the whole value would tell what the mask hides.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from starlette.datastructures import QueryParams

from hubei_data import warehouse
from hubei_data.api.query import select_list
from hubei_data.row_filter import Condition, filter_params, filter_sql, parse_condition
from hubei_data.web.query_tables import Table
from hubei_data.web.refusal import Refusal

OPERATORS = {"=": "等于 =", "contains": "包含 contains", ">=": "不小于 ≥", "<=": "不大于 ≤"}
PAGE_SIZE = 50
MOST_FILTERS = 10
LONGEST_VALUE = 200
TIMEOUT_SECONDS = 30
_TRUTH = {"true": True, "是": True, "1": True, "false": False, "否": False, "0": False}


@dataclass(frozen=True)
class Query:
    """What was asked of the table: the filters (all must hold), the order and the page (from 1)."""

    table: Table
    filters: tuple[Condition, ...]
    order: str
    descending: bool
    page: int

    def described(self) -> str:
        """The filters in words, as the audit trail records them."""
        return "; ".join(f"{c.field} {c.op} {c.values[0]}" for c in self.filters)


def parse(table: Table, params: QueryParams) -> Query:
    """The query the parameters ask for (`field`, `op`, `value` repeated; `order`, `desc`, `page`); a 400 `Refusal`
    naming what is wrong otherwise. A filter row left without a field is no filter."""
    rows = list(zip(params.getlist("field"), params.getlist("op"), params.getlist("value")))
    filters = tuple(_condition(table, *row) for row in rows if row[0])
    if len(filters) > MOST_FILTERS:
        raise Refusal(400, f"at most {MOST_FILTERS} filters, not {len(filters)}")
    order = params.get("order") or _ordered_by(table)[0]
    _unmasked(table, order, "ordered by")
    page_text = params.get("page") or "1"
    if not page_text.isascii() or not page_text.isdigit() or not 1 <= int(page_text) <= 10**6:
        raise Refusal(400, f"page {page_text!r} is not a page number (1, 2, …)")
    return Query(table, filters, order, params.get("desc") == "1", int(page_text))


def _condition(table: Table, name: str, op: str, value: str) -> Condition:
    field = _unmasked(table, name, "filtered")
    if op not in OPERATORS:
        raise Refusal(400, f"operator {op!r} is not one of: {', '.join(OPERATORS)}")
    if len(value) > LONGEST_VALUE:
        raise Refusal(400, f"the value for {name} is longer than {LONGEST_VALUE} characters")
    if "\x00" in value:
        raise Refusal(400, f"the value for {name} holds a NUL character")
    if op == "contains":
        return Condition(name, op, (value,))
    if field.data_type == "boolean":
        if value.strip().lower() not in _TRUTH:
            raise Refusal(400, f"{name} is true or false (是/否), not {value!r}")
        value = _TRUTH[value.strip().lower()]

    def fail(message: str):
        raise Refusal(400, message)

    return parse_condition({"field": name, "op": op, "value": value}, {f.name: f for f in table.fields}, fail)


def _unmasked(table: Table, name: str, use: str):
    field = table.field(name)
    if field is None:
        raise Refusal(400, f"{table.ref} has no field {name!r} you may see")
    if field.mask:
        raise Refusal(400, f"{name} is masked for you, so it cannot be {use}")
    return field


def _ordered_by(table: Table) -> list[str]:
    """The fields rows are ordered by when no other is asked: the table's key, less what is masked."""
    return [k for k in table.key if (f := table.field(k)) and not f.mask] or [table.fields[0].name]


def _where(filters: tuple[Condition, ...]) -> tuple[sql.Composable, list]:
    """Comparisons through the row filters' compiler; `contains` finds the text anywhere in the value."""
    compared = tuple(c for c in filters if c.op != "contains")
    parts, params = [filter_sql(tuple((c.field, c.op) for c in compared))], filter_params(compared)
    for c in filters:
        if c.op == "contains":
            parts.append(sql.SQL("strpos({}::text, %s) > 0").format(sql.Identifier(c.field)))
            params.append(c.values[0])
    return sql.SQL(" and ").join(parts), params


def _from(query: Query) -> tuple[sql.Composable, list]:
    """The rows the filters ask for, within the scope of the share the person reads the table through."""
    where, params = _where((*query.table.scope, *query.filters))
    return sql.SQL("from {}.{} where {}").format(
        sql.Identifier(query.table.schema), sql.Identifier(query.table.name), where), params


def _select(query: Query, limit: int, offset: int) -> tuple[sql.Composable, list]:
    source, params = _from(query)
    columns = tuple((f.name, f.mask) for f in query.table.fields)
    keys = [query.order, *(k for k in _ordered_by(query.table) if k != query.order)]
    order = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(k), sql.SQL("desc" if query.descending and k == query.order else "asc"))
        for k in keys)
    return sql.SQL("select {} {} order by {} limit %s offset %s").format(
        select_list(columns), source, order), [*params, limit, offset]


def count(conn: psycopg.Connection, query: Query) -> int:
    source, params = _from(query)
    return conn.execute(sql.SQL("select count(*) {}").format(source), params).fetchone()[0]


def page(query: Query) -> tuple[int, list[tuple]]:
    """How many rows match, and the asked page of them."""
    with reading(query.table.reader, query.table.ref) as conn:
        text, params = _select(query, PAGE_SIZE, (query.page - 1) * PAGE_SIZE)
        return count(conn, query), conn.execute(text, params).fetchall()


def rows(conn: psycopg.Connection, query: Query, most: int) -> list[tuple]:
    """Every matching row, in order, up to `most`."""
    text, params = _select(query, most, 0)
    return conn.execute(text, params).fetchall()


@contextmanager
def reading(role: str, what: str) -> Iterator[psycopg.Connection]:
    """A read-only connection as one of the reader roles; `what` it reads not built yet is a 404, a slow query
    a 503."""
    try:
        with psycopg.connect(warehouse.reader_info(role).url) as conn:
            conn.read_only = True
            conn.execute("select set_config('statement_timeout', %s, true)", (f"{TIMEOUT_SECONDS}s",))
            yield conn
    except psycopg.errors.UndefinedTable:
        raise Refusal(404, f"{what} has not been built yet") from None
    except psycopg.errors.QueryCanceled:
        raise Refusal(503, f"the query ran longer than {TIMEOUT_SECONDS} s and was cancelled; narrow it") from None
