"""Values a row must have when another column says so (不合格 results name their failed items)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, RowTest, literal, text_of


@dataclass(frozen=True)
class RequiredWhen(Rule):
    """The value is required when another column has a given value."""

    column: str
    equals: str
    name = "required_when"

    @property
    def words(self) -> str:
        return f"required when {self.column} is {self.equals}"

    def sql(self, source, column) -> Check:
        condition = f"{text_of(column.name)} is null and {text_of(self.column)} = {literal(self.equals)}"
        return Check(self.name, column.name, condition,
                     literal(f"{column.name} is required when {self.column} is {self.equals}"))

    def row_test(self, column: str) -> RowTest:
        return lambda rows: rows[column].notna() | (rows[self.column] != self.equals)
