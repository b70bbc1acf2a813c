"""Birth dates that agree with the one inside a citizen ID number."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, RowTest, text_of, value_of


@dataclass(frozen=True)
class BirthDateMatchesId(Rule):
    """A birth date that equals the one inside an ID number column, when both are present."""

    id_column: str
    name = "id_birth_date"

    @property
    def words(self) -> str:
        return f"equals the birth date inside {self.id_column}, when both are present and {self.id_column} is valid"

    def sql(self, source, column) -> Check:
        value, id_text = value_of(source, column.name), text_of(self.id_column)
        born = f"std.resident_id_birth_date({id_text})"
        return Check(self.name, column.name,
                     f"{value} is not null and std.resident_id_valid({id_text}) and {value} <> {born}",
                     f"format('{column.name} %s differs from the birth date in {self.id_column} (%s)', {value}, {born})")

    def row_test(self, column: str) -> RowTest:
        from hubei_data.contracts import vectorised

        def matches(rows):
            numbers = rows[self.id_column]
            inside = vectorised.resident_id_birth_date(numbers)
            return ~vectorised.resident_id_valid(numbers) | rows[column].isna() | (
                vectorised.instants(rows[column]) == inside)

        return matches
