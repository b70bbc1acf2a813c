"""Custom metrics' SQL: one aggregate expression over a model's columns, checked when loaded."""

import sqlglot
from sqlglot import exp

AGGREGATES = (exp.Count, exp.Sum, exp.Min, exp.Max, exp.Avg)
PARAMETERS = {"period_start", "period_end"}


class SqlExpressionError(ValueError):
    """The expression breaks a rule; the message says which."""


def check_aggregate(text: str, columns: set[str]) -> str:
    """The expression as PostgreSQL, ready for `sql.SQL(...).format(period_start=..., period_end=...)`.

    One expression, aggregated (count, sum, min, max, avg, with filter / distinct), over the
    model's own columns only: no subqueries, no other tables, no unknown functions.
    """
    if not text.strip() or ";" in text:
        raise SqlExpressionError("one SQL expression is required")
    try:
        tree = sqlglot.parse_one(text, read="postgres", into=exp.Condition)
    except (sqlglot.errors.ParseError, ValueError) as error:
        raise SqlExpressionError(f"not a SQL expression: {error}") from None
    if tree.find(exp.Select, exp.Subquery, exp.Table, exp.Query):
        raise SqlExpressionError("no subqueries or tables: an aggregate over the model's columns")
    if not tree.find(*AGGREGATES):
        raise SqlExpressionError("the expression must aggregate (count, sum, min, max, avg)")
    unknown = sorted({f.name for f in tree.find_all(exp.Anonymous)})
    if unknown:
        raise SqlExpressionError(f"functions not allowed here: {', '.join(unknown)}")
    strangers = sorted({c.name for c in tree.find_all(exp.Column)} - columns)
    if strangers:
        raise SqlExpressionError(f"columns not in the model: {', '.join(strangers)}")
    if tree.find(exp.Parameter) or any(p.name not in PARAMETERS for p in tree.find_all(exp.Placeholder)):
        raise SqlExpressionError("the only parameters are :period_start and :period_end")
    marked = tree.transform(
        lambda node: exp.Var(this=f"__param_{node.name}__") if isinstance(node, exp.Placeholder) else node
    )
    rendered = marked.sql(dialect="postgres").replace("%", "%%").replace("{", "{{").replace("}", "}}")
    for name in PARAMETERS:
        rendered = rendered.replace(f"__param_{name}__", f"{{{name}}}")
    return rendered
