"""One API call as SQL: the grant's fields, personal fields masked unless granted, its rows, one page."""

import datetime as dt
from functools import lru_cache

import psycopg
from psycopg import sql

from hubei_data.api.spec import ApiSpec
from hubei_data.api.store import Grant
from hubei_data.catalog.models import table_name
from hubei_data.row_filter import Condition, filter_params, filter_sql

# The std.mask_* function for each kind of personal field: the same rules the share library uses.
MASKS = {"id_number": "mask_id_number", "name": "mask_name", "phone": "mask_phone"}


def visible_fields(spec: ApiSpec, grant: Grant) -> tuple[str, ...]:
    return tuple(f for f in spec.fields if grant.fields is None or f in grant.fields)


def build(spec: ApiSpec, grant: Grant, values: dict) -> tuple[str, list | dict]:
    """The query for one page (one row more than the page, to tell whether another follows)."""
    columns = tuple((f, _mask(spec, grant, f)) for f in visible_fields(spec, grant))
    limit, offset = values["page_size"] + 1, (values["page"] - 1) * values["page_size"]
    if spec.dataset is None:
        named = {p.name: values.get(p.name) for p in spec.params}
        return _sql_mode_text(spec.sql, columns), {**named, "_limit": limit, "_offset": offset}
    conditions = _param_conditions(spec, values) + grant.row_scope
    shape = tuple((c.field, c.op) for c in conditions)
    return _wizard_text(table_name(spec.dataset), columns, shape, spec.order), [*filter_params(conditions), limit, offset]


def _mask(spec: ApiSpec, grant: Grant, field: str) -> str | None:
    """The std.mask_* function the field goes through for this grant, if any."""
    if field in spec.personal and not grant.allow_personal:
        return MASKS[spec.personal[field]]
    return None


def select_list(columns: tuple[tuple[str, str | None], ...]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("std.{}({}) as {}").format(sql.Identifier(mask), sql.Identifier(f), sql.Identifier(f)) if mask
        else sql.Identifier(f)
        for f, mask in columns
    )


# A query's text depends only on the API, the grant's columns and masks and the filter's shape,
# never on the values: composed once, it is reused by every later call of that shape.
@lru_cache(maxsize=4096)
def _sql_mode_text(query: str, columns: tuple[tuple[str, str | None], ...]) -> str:
    return sql.SQL("select {} from ({}) as answer limit %(_limit)s offset %(_offset)s").format(
        select_list(columns), sql.SQL(query)
    ).as_string()


@lru_cache(maxsize=4096)
def _wizard_text(table: str, columns: tuple[tuple[str, str | None], ...], shape: tuple[tuple[str, str], ...],
                 order: tuple[str, ...]) -> str:
    return sql.SQL("select {} from share.{} where {} order by {} limit %s offset %s").format(
        select_list(columns), sql.Identifier(table), filter_sql(shape), sql.SQL(", ").join(map(sql.Identifier, order)),
    ).as_string()


def _param_conditions(spec: ApiSpec, values: dict) -> tuple[Condition, ...]:
    """The request's parameters as row-filter conditions: one compiler for requests and grants."""
    found = []
    for param in spec.params:
        ops = (">=", "<=") if param.op == "range" else ({"equals": "="}.get(param.op, param.op),)
        for name, op in zip(param.request_names, ops):
            value = values.get(name)
            if value is not None:
                found.append(Condition(param.field, op, tuple(value) if op == "in" else (value,)))
    return tuple(found)


def probe(conn: psycopg.Connection, specs: dict[str, ApiSpec]) -> list[str]:
    """Each API's query planned and run for no rows; why each one that fails does."""
    problems = []
    for spec in specs.values():
        whole = Grant(0, "", spec.name, dt.date.min, dt.date.max, None, (), True, 1)
        query, params = build(spec, whole, {"page": 1, "page_size": 1})
        try:
            conn.execute(sql.SQL("select * from ({}) as probe limit 0").format(sql.SQL(query)), params)
        except psycopg.Error as error:
            problems.append(f"{spec.name}: {error.diag.message_primary or error}")
        finally:
            conn.rollback()
    return problems
