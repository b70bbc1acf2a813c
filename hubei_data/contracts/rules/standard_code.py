"""Codes that a national standard gives a check character, judged by its std.<function> and its vectorised twin."""

from dataclasses import dataclass
from typing import ClassVar

from hubei_data.contracts.rules.base import Check, Rule, ValueTest, text_of


@dataclass(frozen=True)
class StandardCode(Rule):
    """A code valid under a standard: `function` names the validator in standards.sql and in vectorised.py,
    `failure` completes the detail a broken row reports after the value."""

    function: ClassVar[str]
    failure: ClassVar[str]

    def sql(self, source, column) -> Check:
        text = text_of(column.name)
        return Check(self.name, column.name, f"{text} is not null and not std.{self.function}({text})",
                     f"format('{column.name} %s {self.failure}', {text})")

    def value_test(self) -> ValueTest:
        from hubei_data.contracts import vectorised

        return getattr(vectorised, self.function)
