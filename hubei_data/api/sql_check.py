"""The rules a SQL-mode API's query must keep, checked when it is loaded, and its psycopg form."""

from dataclasses import dataclass

import sqlglot
from sqlglot import exp

_WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command,
           exp.TruncateTable, exp.Copy, exp.Set, exp.Lock)


class SqlRuleError(ValueError):
    """The query breaks one of the rules; the message says which."""


@dataclass(frozen=True)
class CheckedSql:
    """A query that keeps the rules: psycopg text with %(name)s parameters, its columns and tables."""

    text: str
    columns: tuple[str, ...]
    tables: tuple[str, ...]


def check_sql(text: str, params: set[str], share_tables: set[str]) -> CheckedSql:
    """One read-only SELECT over share tables, with exactly the declared named parameters."""
    try:
        statements = [s for s in sqlglot.parse(text, read="postgres") if s is not None]
    except sqlglot.errors.ParseError as error:
        raise SqlRuleError(f"not valid SQL: {error}") from None
    if len(statements) != 1:
        raise SqlRuleError(f"one statement only, found {len(statements)}")
    query = statements[0]
    if not isinstance(query, exp.Select | exp.SetOperation):
        raise SqlRuleError(f"a SELECT only, found {type(query).__name__.upper()}")
    writes = sorted({type(node).__name__.upper() for node in query.find_all(*_WRITES)})
    if writes:
        raise SqlRuleError(f"read-only: no {', '.join(writes)}")
    if query.find(exp.Lock):
        raise SqlRuleError("read-only: no FOR UPDATE / FOR SHARE")
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    tables = set()
    for table in query.find_all(exp.Table):
        if not table.db and table.name in ctes:
            continue
        if table.db != "share" or table.catalog or table.name not in share_tables:
            raise SqlRuleError(f"share tables only, and {table.sql('postgres')} is not one "
                               f"(known: {', '.join(sorted('share.' + t for t in share_tables))})")
        tables.add(table.name)
    if query.find(exp.Parameter) or any(p.name in ("", "?") for p in query.find_all(exp.Placeholder)):
        raise SqlRuleError("named parameters (:name) only, no $1, ? or %s")
    used = {p.name for p in query.find_all(exp.Placeholder)}
    if used != params:
        raise SqlRuleError(
            f"parameters used {sorted(used)} differ from those declared {sorted(params)}"
        )
    unknown = sorted({f.name for f in query.find_all(exp.Anonymous)})
    if unknown:
        raise SqlRuleError(f"functions not allowed here: {', '.join(unknown)}")
    selects = query.selects
    if any(isinstance(s, exp.Star) or s.find(exp.Star) and not s.find(exp.Count) for s in selects):
        raise SqlRuleError("name each column: no *")
    columns = tuple(query.named_selects)
    if len(set(columns)) != len(columns) or "" in columns:
        raise SqlRuleError(f"every column needs a distinct name, found {list(columns)}")
    return CheckedSql(_psycopg_text(query), columns, tuple(sorted(tables)))


def _psycopg_text(query: exp.Expression) -> str:
    """The query with :name as %(name)s, literal percent signs doubled."""
    marked = query.transform(
        lambda node: exp.Var(this=f"__param_{node.name}__") if isinstance(node, exp.Placeholder) else node
    )
    text = marked.sql(dialect="postgres").replace("%", "%%")
    for name in {p.name for p in query.find_all(exp.Placeholder)}:
        text = text.replace(f"__param_{name}__", f"%({name})s")
    return text
