"""The three ways a source's rows travel: its table, its supplementary file, its landing files."""

import random
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from hubei_data.contracts import source as contract
from hubei_data.synth.kinds import FILE_ONLY, defect_kinds, file_only_first
from hubei_data.synth.layouts import LAYOUTS, split
from hubei_data.synth.parts import Outputs, Part, chunks
from hubei_data.synth.planter import Finish, Planter
from hubei_data.synth.world import World

Rows = Callable[[random.Random, int], Iterator[list]]
Ref = Callable[[list], Any]


def table_planter(world: World, name: str, finish: Finish | None = None) -> Planter:
    """Defects for a source's table: every kind a typed column can hold, each at least once."""
    source = contract(name)
    kinds = defect_kinds(source, "database")
    return Planter(world, source, "database", world.count(name), kinds, len(kinds), finish)


def supplement_planter(world: World, name: str, finish: Finish | None = None) -> Planter:
    """Defects for a database source's supplementary file: the file-only kinds first and surely."""
    source = contract(name)
    kinds = file_only_first(defect_kinds(source, "file"))
    coverage = sum(kind.rule in FILE_ONLY for kind in kinds)
    return Planter(world, source, "file", world.supplement_count(name), kinds, coverage, finish)


def to_table(world: World, outputs: Outputs, name: str, rows: Rows, ref: Ref | None = None) -> list:
    """The source's main rows into its table; returns `ref` of every row left clean."""
    part = outputs.table(name, table_planter(world, name))
    return pump(part, rows(world.rng(name, "database"), world.count(name)), ref)


def to_supplement(world: World, outputs: Outputs, name: str, rows: Rows) -> None:
    """A few more rows of a database source by file, showing the defects only files can carry."""
    ((part, _),) = outputs.landing_files(name, supplement_planter(world, name))
    pump(part, rows(world.rng(name, "file"), world.supplement_count(name)))


def to_files(world: World, outputs: Outputs, name: str, rows: Rows, ref: Ref | None = None) -> list:
    """A file source's rows spread over its landing files; returns `ref` of every clean row."""
    source, count = contract(name), world.count(name)
    kinds = defect_kinds(source, "file")
    parts = outputs.landing_files(name, Planter(world, source, "file", count, kinds, len(kinds)))
    stream = rows(world.rng(name, "file"), count)
    refs: list = []
    for (part, _), share in zip(parts, split(count, LAYOUTS[name])):
        refs += pump(part, islice(stream, share), ref)
    return refs


def pump(part: Part, rows: Iterable[list], ref: Ref | None = None) -> list:
    """Chunk by chunk through a part; what clean rows were is noted before noise touches them."""
    refs: list = []
    for chunk in chunks(rows):
        before = [ref(row) for row in chunk] if ref else []
        clean = part.emit(chunk)
        if ref:
            refs.extend(before[i] for i in clean)
    return refs
