"""Column profiles (数据剖析): each column of a resource table measured in one query, kept per build in
ops.column_profiles, so a change in its nulls or distinct values shows against the builds before.

Counts are exact (`count(distinct …)`) on a table of up to SAMPLE_ROWS rows. A larger one (the vaccination
records reach 10^8) is measured on a Bernoulli sample of about SAMPLE_ROWS rows, so a build's profile costs one
scan of the table rather than a sort of every column: its null rate is an estimate, its distinct count and top
values those of the sample, and `rows` the sample's size, so profiles of one table compare like with like.
"""

import datetime as dt
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

# The most frequent values kept per column: enough to see a default or placeholder taking over.
TOP_VALUES = 5
# Profiles a new one is compared with: about a week of daily builds.
HISTORY = 7
# Above this many rows a table is profiled on a sample of about as many.
SAMPLE_ROWS = 200_000


@dataclass(frozen=True)
class Profile:
    """One column of one table as one build left it; `top_values` holds {"value", "rows"} objects, most rows first."""

    table_name: str
    column_name: str
    run_id: str
    at: dt.datetime
    rows: int
    nulls: int
    distinct_values: int
    min_value: str | None
    max_value: str | None
    min_length: int | None
    max_length: int | None
    top_values: list

    @property
    def null_rate(self) -> float:
        return self.nulls / self.rows if self.rows else 0.0


def measure(conn: psycopg.Connection, table: str, run_id: str, at: dt.datetime) -> list[Profile]:
    """Every column of `schema.table` except the platform's lineage columns (named with a leading underscore),
    measured in a single statement: one pass for the counts and ranges, one over its cells for the top values."""
    schema, name = table.split(".")
    columns = [column for (column,) in conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
        " and column_name not like '\\_%%' order by ordinal_position", (schema, name))]
    if not columns:
        return []
    with conn.cursor(row_factory=class_row(Profile)) as cursor:
        return cursor.execute(_query(table, columns, _sample(conn, table)),
                              {"table": table, "run_id": run_id, "at": at, "top": TOP_VALUES}).fetchall()


def _sample(conn: psycopg.Connection, table: str) -> sql.Composable:
    """The table whole, or a Bernoulli sample of about SAMPLE_ROWS rows when PostgreSQL's own counts (the planner's
    estimate, or the live rows its statistics saw written) say it is larger."""
    estimate = conn.execute(
        "select greatest(c.reltuples, coalesce(s.n_live_tup, 0)) from pg_class c"
        " left join pg_stat_user_tables s on s.relid = c.oid where c.oid = to_regclass(%s)", (table,)).fetchone()[0]
    if estimate <= SAMPLE_ROWS:
        return sql.SQL("")
    return sql.SQL("tablesample bernoulli ({})").format(sql.Literal(round(100 * SAMPLE_ROWS / estimate, 6)))


def record(conn: psycopg.Connection, profiles: list[Profile]) -> None:
    """Keep the profiles; a run profiling a table again replaces what it recorded before."""
    with conn.transaction():
        for p in profiles:
            conn.execute(
                "insert into ops.column_profiles (table_name, column_name, run_id, at, rows, nulls, distinct_values,"
                " min_value, max_value, min_length, max_length, top_values)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " on conflict (table_name, column_name, run_id) do update set at = excluded.at, rows = excluded.rows,"
                " nulls = excluded.nulls, distinct_values = excluded.distinct_values, min_value = excluded.min_value,"
                " max_value = excluded.max_value, min_length = excluded.min_length,"
                " max_length = excluded.max_length, top_values = excluded.top_values",
                (p.table_name, p.column_name, p.run_id, p.at, p.rows, p.nulls, p.distinct_values, p.min_value,
                 p.max_value, p.min_length, p.max_length, Jsonb(p.top_values)))


def latest(conn: psycopg.Connection, table: str) -> list[Profile]:
    """The table's newest profile, its columns by name."""
    return _select(conn, "where table_name = %(table)s and run_id = (select run_id from ops.column_profiles"
                   " where table_name = %(table)s order by at desc limit 1) order by column_name", {"table": table})


def before(conn: psycopg.Connection, profile: Profile, limit: int = HISTORY) -> list[Profile]:
    """The column's profiles from the builds before this one, newest first."""
    return _select(conn, "where table_name = %s and column_name = %s and at < %s order by at desc limit %s",
                   [profile.table_name, profile.column_name, profile.at, limit])


def _select(conn: psycopg.Connection, tail: str, values) -> list[Profile]:
    fields = ", ".join(Profile.__dataclass_fields__)
    with conn.cursor(row_factory=class_row(Profile)) as cursor:
        return cursor.execute(f"select {fields} from ops.column_profiles {tail}", values).fetchall()


def _query(table: str, columns: list[str], sample: sql.Composable) -> sql.Composed:
    """Counts and ranges typed as the column is (so 9 sorts before 10 and dates in order); lengths and top values
    over the column's text."""
    def each(template: str, joiner: str = ", ") -> sql.Composable:
        return sql.SQL(joiner).join(
            sql.SQL(template).format(column=sql.Identifier(c), name=sql.Literal(c), n=sql.SQL(f"c{i}"))
            for i, c in enumerate(columns))

    return sql.SQL("""
        with measured as (

            select * from {table} {sample}

        ),

        bounds as (

            select
                count(*) as rows,
                {aggregates}
            from measured

        ),

        cells as (

            select cell.column_name, cell.value
            from measured
            cross join lateral (values {cells}) as cell (column_name, value)
            where cell.value is not null

        ),

        ranked as (

            select
                column_name,
                value,
                count(*) as rows,
                row_number() over (partition by column_name order by count(*) desc, value) as place
            from cells
            group by column_name, value

        ),

        top as (

            select column_name, jsonb_agg(jsonb_build_object('value', value, 'rows', rows) order by place) as top_values
            from ranked
            where place <= %(top)s
            group by column_name

        ),

        final as (

            select
                %(table)s as table_name,
                columns.column_name,
                %(run_id)s as run_id,
                %(at)s::timestamptz as at,
                bounds.rows,
                columns.nulls,
                columns.distinct_values,
                columns.min_value,
                columns.max_value,
                columns.min_length,
                columns.max_length,
                coalesce(top.top_values, '[]') as top_values
            from bounds
            cross join lateral (values {unpivot}) as columns (
                column_name, nulls, distinct_values, min_value, max_value, min_length, max_length
            )
            left join top on top.column_name = columns.column_name

        )

        select * from final order by column_name
    """).format(
        table=sql.Identifier(*table.split(".")),
        sample=sample,
        aggregates=each("count(*) - count({column}) as {n}_nulls, count(distinct {column}) as {n}_distinct,"
                        " min({column})::text as {n}_min, max({column})::text as {n}_max,"
                        " min(length({column}::text)) as {n}_min_length, max(length({column}::text)) as {n}_max_length",
                        ",\n"),
        cells=each("({name}, {column}::text)"),
        unpivot=each("({name}, {n}_nulls, {n}_distinct, {n}_min, {n}_max, {n}_min_length, {n}_max_length)"),
    )
