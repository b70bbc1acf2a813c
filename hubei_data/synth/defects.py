"""Plant one defect of a given kind in a clean row, touching only what that rule looks at."""

import datetime as dt
import random
from decimal import Decimal

from hubei_data.contracts.model import (
    After,
    Between,
    BirthDateMatchesId,
    ExistsIn,
    HubeiDivision,
    NotFuture,
    OneOf,
    Pattern,
    RequiredWhen,
    ResidentId,
    Source,
    Uscc,
)
from hubei_data.contracts.standards import resident_id_birth_date
from hubei_data.synth.divisions import INVALID_DIVISIONS
from hubei_data.synth.documents import malformed
from hubei_data.synth.identifiers import broken_resident_id, broken_uscc
from hubei_data.synth.world import World

BAD_DATES = ("2024-13-45", "昨天", "2023-02-30", "20231345", "2022年13月1日", "待补充")
BAD_TIMESTAMPS = ("2024-13-45 10:00:00", "昨天 14:30", "2024-06-31 09:15:00", "上午九点")
BAD_INTEGERS = ("三", "两项", "2次")
BAD_DECIMALS = ("12,5x", "壹万元", "5千")
BAD_VALUES = ("其他", "未知", "待定")
BAD_CODES = ("IV", "I")
FILE_BLANKS = ("", "", " ", "\u3000")


class Planting:
    """Defect injection for one source and channel."""

    def __init__(self, world: World, source: Source, channel: str, rng: random.Random) -> None:
        self.world = world
        self.source = source
        self.channel = channel
        self.rng = rng
        self.index = {name: i for i, name in enumerate(source.column_names)}

    def applies(self, rule: str, column: str, row: list) -> bool:
        """False when a conditional rule (a licence-number format) does not cover this row."""
        patterns = self._patterns(rule, column)
        return not patterns or any(self._when_holds(p, row) for p in patterns)

    def plant(self, rule: str, column: str, row: list) -> None:
        """Break `rule` in `column` of `row` and nothing else."""
        i, rng = self.index[column], self.rng
        if rule == "required":
            row[i] = self.blank()
        elif rule == "one_of_required":
            for name in self.source.one_of_required:
                row[self.index[name]] = self.blank()
        elif rule in ("date_format", "timestamp_format", "integer_format", "decimal_format"):
            row[i] = rng.choice(
                {"date_format": BAD_DATES, "timestamp_format": BAD_TIMESTAMPS,
                 "integer_format": BAD_INTEGERS, "decimal_format": BAD_DECIMALS}[rule]
            )
        else:
            definition = next(r for r in self.source.column(column).rules if r.name == rule)
            self._break(definition, column, row)

    def blank(self) -> str | None:
        return None if self.channel == "database" else self.rng.choice(FILE_BLANKS)

    def _break(self, rule, column: str, row: list) -> None:
        i, rng, value = self.index[column], self.rng, row[self.index[column]]
        if isinstance(rule, Uscc):
            row[i] = broken_uscc(rng, value)
        elif isinstance(rule, ResidentId):
            row[i] = broken_resident_id(rng, value)
        elif isinstance(rule, HubeiDivision):
            row[i] = rng.choice(INVALID_DIVISIONS)
        elif isinstance(rule, OneOf):
            row[i] = rng.choice(BAD_CODES if self.source.column(column).code else BAD_VALUES)
        elif isinstance(rule, NotFuture):
            row[i] = self.world.as_of + dt.timedelta(days=rng.randint(300, 500))
        elif isinstance(rule, After):
            row[i] = row[self.index[rule.other]] - dt.timedelta(days=rng.randint(1, 365))
        elif isinstance(rule, Between):
            row[i] = self._out_of_range(rule, column)
        elif isinstance(rule, Pattern):
            row[i] = malformed(rule.label, value, rng)
        elif isinstance(rule, RequiredWhen):
            row[self.index[rule.column]] = rule.equals
            row[i] = self.blank()
        elif isinstance(rule, BirthDateMatchesId):
            # Earlier than the ID says, so vaccinated_on stays on or after birth_date.
            born = resident_id_birth_date(row[self.index[rule.id_column]])
            row[i] = born - dt.timedelta(days=rng.randint(1, 60))
        elif isinstance(rule, ExistsIn):
            row[i] = self.world.foreign_uscc(rng)
        else:
            raise NotImplementedError(f"no way to break {type(rule).__name__} on {self.source.name}.{column}")

    def _out_of_range(self, rule: Between, column: str):
        below = rule.low is not None and (rule.high is None or self.rng.random() < 0.5)
        if self.source.column(column).type == "integer":
            # Just outside a closed range (dose 0 or 6), further below an open one.
            step = 1 if rule.low is not None and rule.high is not None else self.rng.randint(1, 3)
            return int(rule.low) - step if below else int(rule.high) + step
        amount = Decimal(self.rng.randint(100, 500000)) / 100
        return Decimal(rule.low) - amount if below else Decimal(rule.high) + amount

    def _patterns(self, rule: str, column: str) -> list[Pattern]:
        return [r for r in self.source.column(column).rules if isinstance(r, Pattern) and r.name == rule]

    def _when_holds(self, pattern: Pattern, row: list) -> bool:
        if pattern.when is None:
            return True
        other, equals = pattern.when
        return row[self.index[other]] == equals
