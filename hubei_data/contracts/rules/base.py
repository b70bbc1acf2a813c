"""What every rule kind provides: its name and words, its SQL condition, its pandera test and its documented
parameters, so that a rule kind is written in one module and every engine renders it from there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from hubei_data.contracts.model import Column, Source

ValueTest = Callable[["pd.Series"], "pd.Series"]
RowTest = Callable[["pd.DataFrame"], "pd.Series"]


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def text_of(column: str) -> str:
    """The standardised text of a column in the staging row."""
    return f"c.{column}"


def value_of(source: Source, column: str) -> str:
    """The typed value of a column in the staging row."""
    return f"c.{column}__value" if source.column(column).type != "text" else f"c.{column}"


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


@dataclass(frozen=True)
class Rule:
    """A rule of the interface (docs/sources.md) on one column; `name` is what quality reports call it and
    `words` what the interface document says of it.

    The pandera re-check of what dbt produced tests a rule either on a column's present values alone
    (`value_test`) or on whole rows (`row_test`); each test takes a pandas object and answers for all its values
    or rows at once, through numpy and pandas' vectorised methods rather than a function called per value.
    """

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def words(self) -> str:
        raise NotImplementedError

    def sql(self, source: Source, column: Column) -> Check:
        """The staging model's condition that a row breaks this rule on `column`, with the detail it reports."""
        raise NotImplementedError

    def value_test(self) -> ValueTest | None:
        """A test of a column's present values, each judged alone; None when the rule reads more than the value."""
        return None

    def row_test(self, column: str) -> RowTest | None:
        """A test of rows, for a rule that reads other columns of the row too; None for any other rule."""
        return None

    def parameters(self) -> dict:
        """The rule's declared parameters as docs show them: lists for tuples, unset ones left out."""
        return {each.name: _documented(getattr(self, each.name)) for each in fields(self)
                if getattr(self, each.name) is not None}

    def documented(self, code_list: tuple[str, str] | None) -> dict:
        """The rule as dbt docs hold it in a column's `meta.rules`; `code_list` names the code list and version
        the column's data element takes its values from, if any."""
        return {"rule": self.name, "parameters": self.parameters(), "words": self.words}


def _documented(value):
    return list(value) if isinstance(value, tuple) else value
