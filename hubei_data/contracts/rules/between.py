"""Numbers inside a range."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, ValueTest, value_of


@dataclass(frozen=True)
class Between(Rule):
    """A number inside an inclusive range; either bound may be open."""

    low: float | None = None
    high: float | None = None
    name = "range"

    @property
    def words(self) -> str:
        if self.high is None:
            return f"{self.low:g} or more"
        if self.low is None:
            return f"{self.high:g} or less"
        return f"from {self.low:g} to {self.high:g}"

    def sql(self, source, column) -> Check:
        value = value_of(source, column.name)
        bounds = [f"{value} < {self.low}" if self.low is not None else None,
                  f"{value} > {self.high}" if self.high is not None else None]
        span = f"{'' if self.low is None else self.low} to {'' if self.high is None else self.high}".strip()
        return Check(self.name, column.name, "(" + " or ".join(b for b in bounds if b) + ")",
                     f"format('{column.name} %s is outside {span}', {value})")

    def value_test(self) -> ValueTest:
        # object comparisons stay exact for the Decimal values numeric columns hold
        def inside(numbers):
            low = numbers >= self.low if self.low is not None else True
            high = numbers <= self.high if self.high is not None else True
            return low & high

        return inside
