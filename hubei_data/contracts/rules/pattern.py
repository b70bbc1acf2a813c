"""Codes of a documented format (批准文号, 注册证编号 …), as regular expressions."""

from dataclasses import dataclass

from hubei_data.contracts.rules.base import Check, Rule, RowTest, ValueTest, literal, text_of


@dataclass(frozen=True)
class Pattern(Rule):
    """A code matching a regular expression (valid in Python and PostgreSQL alike).

    `shape` says the format to a person; `when` limits the rule to rows where another
    column has one value, as licence numbers have one documented format per licence type.
    Both engines search the value for the expression (SQL `~`, Python `re.search`), so only
    its own anchors pin it to the whole value. Python's `$` also matches before a final newline,
    which values never end in once standardised (std.clean trims them).
    """

    label: str
    regex: str
    shape: str
    when: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return f"{self.label}_format"

    @property
    def words(self) -> str:
        scope = f"when {self.when[0]} is {self.when[1]}: " if self.when else ""
        return f"{scope}{self.shape} (pattern `{self.regex}`)"

    def sql(self, source, column) -> Check:
        text = text_of(column.name)
        condition = f"{text} is not null and {text} !~ {literal(self.regex)}"
        scope = ""
        if self.when:
            other, equals = self.when
            condition += f" and {text_of(other)} = {literal(equals)}"
            scope = f" for {equals}"
        return Check(self.name, column.name, condition,
                     f"format('{column.name} %s does not match the {self.label} format{scope}', {text})")

    @property
    def searched(self) -> str:
        """The expression as `Series.str.match` takes it to search a whole value, as SQL `~` does
        (`str.contains` would warn of the groups some expressions have)."""
        return f"(?s:.*?)(?:{self.regex})"

    def value_test(self) -> ValueTest | None:
        if self.when:
            return None
        return lambda codes: codes.str.match(self.searched)

    def row_test(self, column: str) -> RowTest | None:
        if not self.when:
            return None
        other, equals = self.when
        return lambda rows: (rows[other] != equals) | rows[column].str.match(self.searched, na=True)

    def parameters(self) -> dict:
        found = super().parameters()
        if self.when is not None:
            found["when"] = {"column": self.when[0], "equals": self.when[1]}
        return found
