"""Choose the defective rows of each chunk, plant one defect in each, and record the truth."""

import random
from collections.abc import Callable

from hubei_data.contracts.model import Source
from hubei_data.contracts.standards import standardise
from hubei_data.synth.defects import Planting
from hubei_data.synth.kinds import Kind
from hubei_data.synth.noise import disguise
from hubei_data.synth.report import Defect
from hubei_data.synth.world import World

NOISE_RATE = {"file": 0.08, "database": 0.02}

Finish = Callable[[list, random.Random], None]


class Planter:
    """Defects for one source and channel at the run's rate, cycling through every kind.

    At least one defect of each kind in `coverage` is planted (so small sources show
    every kind), never more than a third of the rows.
    """

    def __init__(
        self,
        world: World,
        source: Source,
        channel: str,
        total: int,
        kinds: list[Kind],
        coverage: int,
        finish: Finish | None = None,
    ) -> None:
        self.world, self.source, self.channel = world, source, channel
        self.rng = world.rng(source.name, channel, "defects")
        self.planting = Planting(world, source, channel, self.rng)
        self.kinds, self.finish, self.total = kinds, finish, max(total, 1)
        wanted = max(round(world.defect_rate * total), coverage) if world.defect_rate > 0 else 0
        self.planned = min(wanted, total // 3)
        self.offset = self.cycle = 0
        self.key = source.column(source.key[0])
        self.key_index = source.column_names.index(self.key.name)
        self.text = [i for i, c in enumerate(source.columns) if c.type == "text"]
        self.codes = {i for i, c in enumerate(source.columns) if c.code}

    def plant(self, rows: list[list], record: bool = True) -> list[int]:
        """Make some of `rows` defective in place; return the positions left clean."""
        start, self.offset = self.offset, self.offset + len(rows)
        count = self._share(start, self.offset)
        taken = set(self.rng.sample(range(1, len(rows)), min(count, len(rows) - 1))) if len(rows) > 1 else set()
        assigned = self._assign(rows, sorted(taken), taken)
        defective = set(assigned)
        clean = [i for i in range(len(rows)) if i not in defective]
        for i in clean:
            self._tidy(rows[i])
        originals: set[int] = set()
        for position in sorted(assigned):
            kind, column = assigned[position]
            if kind == "unique":
                source = self._original(position, defective, originals)
                originals.add(source)
                rows[position] = list(rows[source])
            else:
                self.planting.plant(kind, column, rows[position])
            if record:
                self.world.defects.append(Defect(self.source.name, self._key(rows[position]), kind, self.channel))
        return clean

    def _share(self, start: int, end: int) -> int:
        end = min(end, self.total)
        start = min(start, self.total)
        return self.planned * end // self.total - self.planned * start // self.total

    def _assign(self, rows: list[list], positions: list[int], taken: set[int]) -> dict[int, tuple[str, str]]:
        """Kinds in cycle order; a kind a row cannot take moves to the next row that can."""
        assigned: dict[int, tuple[str, str]] = {}
        for position in positions:
            for _ in range(len(self.kinds)):
                kind = self.kinds[self.cycle % len(self.kinds)]
                column = kind.columns[(self.cycle // len(self.kinds)) % len(kind.columns)]
                self.cycle += 1
                target = self._place(kind.rule, column, rows, position, taken, assigned)
                if target is not None:
                    assigned[target] = (kind.rule, column)
                    taken.add(target)
                    break
        return assigned

    def _place(self, rule, column, rows, position, taken, assigned) -> int | None:
        if rule == "unique":
            # The copy needs a clean original earlier in the same chunk.
            clean_before = position - sum(1 for i in assigned if i < position)
            used = sum(1 for r, _ in assigned.values() if r == "unique")
            return position if clean_before > used else None
        if self.planting.applies(rule, column, rows[position]):
            return position
        for candidate in range(position + 1, len(rows)):
            if candidate not in taken and self.planting.applies(rule, column, rows[candidate]):
                return candidate
        return None

    def _original(self, position: int, defective: set[int], originals: set[int]) -> int:
        """One of the nearest clean rows before the copy, not copied already."""
        candidates = []
        for i in range(position - 1, -1, -1):
            if i not in defective and i not in originals:
                candidates.append(i)
                if len(candidates) == 50:
                    break
        return self.rng.choice(candidates)

    def _tidy(self, row: list) -> None:
        """The source's own finishing touches, then export noise on one text value now and then."""
        if self.finish is not None:
            self.finish(row, self.rng)
        if self.rng.random() < NOISE_RATE[self.channel]:
            i = self.rng.choice(self.text)
            if isinstance(row[i], str):
                row[i] = disguise(row[i], i in self.codes, self.rng)

    def _key(self, row: list) -> str | None:
        value = row[self.key_index]
        return standardise(value, self.key.code) if isinstance(value, str) else None
