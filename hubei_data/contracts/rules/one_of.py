"""Enumerated values (值域)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, ValueTest, literal, text_of


@dataclass(frozen=True)
class OneOf(Rule):
    """The value is one of an enumerated list."""

    values: tuple[str, ...]
    name = "accepted_values"

    @property
    def words(self) -> str:
        return "one of " + ", ".join(self.values)

    def sql(self, source, column) -> Check:
        text = text_of(column.name)
        values = ", ".join(literal(v) for v in self.values)
        return Check(self.name, column.name, f"{text} is not null and {text} not in ({values})",
                     f"format('{column.name} %s is not one of {'、'.join(self.values)}', {text})")

    def value_test(self) -> ValueTest:
        return lambda values: values.isin(self.values)

    def documented(self, code_list: tuple[str, str] | None) -> dict:
        """With the code list and version the values come from, when the column's element names one."""
        found = super().documented(code_list)
        if code_list is not None:
            name, version = code_list
            found["parameters"].update(code_list=name, code_list_version=version)
            found["words"] += f"; code list {name} version {version}"
        return found
