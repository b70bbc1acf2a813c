"""Dates in order within a row (a licence expires after it is issued)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, RowTest, value_of


@dataclass(frozen=True)
class After(Rule):
    """A date after (or, inclusive, on or after) another date column of the row."""

    other: str
    inclusive: bool = False
    name = "date_order"

    @property
    def words(self) -> str:
        return f"{'on or after' if self.inclusive else 'after'} {self.other}, when both are present"

    def sql(self, source, column) -> Check:
        value, other = value_of(source, column.name), value_of(source, self.other)
        op = "<" if self.inclusive else "<="
        word = "on or after" if self.inclusive else "after"
        return Check(self.name, column.name, f"{value} {op} {other}",
                     f"format('{column.name} %s is not {word} {self.other} %s', {value}, {other})")

    def row_test(self, column: str) -> RowTest:
        from hubei_data.contracts import vectorised

        def in_order(rows):
            this, that = vectorised.instants(rows[column]), vectorised.instants(rows[self.other])
            later = this >= that if self.inclusive else this > that
            return rows[column].isna() | rows[self.other].isna() | later

        return in_order
