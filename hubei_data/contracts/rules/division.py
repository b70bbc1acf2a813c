"""GB/T 2260 administrative division codes inside Hubei."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, ValueTest, text_of
from hubei_data.contracts.standards import hubei_divisions


@dataclass(frozen=True)
class HubeiDivision(Rule):
    """A GB/T 2260 division code inside Hubei that the shipped code list has."""

    name = "hubei_division"
    words = "a GB/T 2260 division code inside Hubei (42xxxx) that the shipped code list has"

    def sql(self, source, column) -> Check:
        # the staging model joins the shipped list as d_<column> (transform/model_sql.py)
        text = text_of(column.name)
        return Check(self.name, column.name, f"{text} is not null and d_{column.name}.division_code is null",
                     f"format('{column.name} %s is not a Hubei division code in GB/T 2260', {text})")

    def value_test(self) -> ValueTest:
        return lambda codes: codes.isin(hubei_divisions())
