"""References to what another source sent (a licence names an enterprise the platform received)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, text_of
from hubei_data.contracts.rules.uscc import Uscc


@dataclass(frozen=True)
class ExistsIn(Rule):
    """The value names a record that the platform received from another source.

    Only the warehouse holds what other sources sent, so the pandera re-check leaves this rule to it.
    """

    source: str
    column: str

    @property
    def name(self) -> str:
        return f"{self.source}_exists"

    @property
    def words(self) -> str:
        return f"names a {self.column} received in {self.source}"

    def sql(self, source, column) -> Check:
        # the staging model joins what the other source sent as k_<column> (transform/model_sql.py);
        # an invalid code cannot name anything, and its own format rule already reports it
        text = text_of(column.name)
        valid = f" and std.uscc_valid({text})" if any(isinstance(r, Uscc) for r in column.rules) else ""
        return Check(self.name, column.name, f"{text} is not null{valid} and k_{column.name}.{self.column} is null",
                     f"format('{column.name} %s names no {self.source} received', {text})")
