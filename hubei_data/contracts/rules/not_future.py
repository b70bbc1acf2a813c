"""Dates that must not lie ahead."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, ValueTest, value_of


@dataclass(frozen=True)
class NotFuture(Rule):
    """A date that is not after today."""

    name = "not_future"
    words = "not in the future (not after today)"

    def sql(self, source, column) -> Check:
        value = value_of(source, column.name)
        return Check(self.name, column.name, f"{value} > current_date",
                     f"format('{column.name} %s is in the future', {value})")

    def value_test(self) -> ValueTest:
        from hubei_data.contracts import vectorised

        return lambda days: vectorised.instants(days) <= vectorised.today()
