"""Where a source's rows go: its table and its landing files, each with rows counted."""

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import psycopg

from hubei_data.contracts import source as contract
from hubei_data.synth.database import NullSink, TableSink
from hubei_data.synth.files import CsvSink, XlsxSink
from hubei_data.synth.layouts import LAYOUTS, FileLayout
from hubei_data.synth.planter import Planter
from hubei_data.synth.render import Renderer
from hubei_data.synth.world import World

CHUNK = 5000


def chunks(rows: Iterable[list], size: int = CHUNK) -> Iterator[list[list]]:
    """Rows in lists of `size`, so no source is ever held whole in memory."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


class Part:
    """One destination of a source's rows, with the planter that makes some defective."""

    def __init__(self, planter: Planter, sink, record: bool = True) -> None:
        self.planter, self.sink, self.record = planter, sink, record
        self.rows = 0

    def emit(self, rows: list[list]) -> list[int]:
        """Plant defects in a chunk, write it, and return the positions left clean."""
        clean = self.planter.plant(rows, record=self.record)
        self.sink.write(rows)
        if self.record:
            self.rows += len(rows)
        return clean



class Outputs:
    """The run's sinks, and the rows and files the report lists."""

    def __init__(self, world: World, out_dir: Path, conn: psycopg.Connection | None, schema: str) -> None:
        self.world, self.out_dir, self.conn, self.schema = world, out_dir, conn, schema
        self.parts: dict[tuple[str, str], list[Part]] = {}
        self.files: list[Path] = []

    def table(self, name: str, planter: Planter) -> Part:
        """The source's table, or a sink that only counts nothing when there is no database."""
        if self.conn is None:
            part = Part(planter, NullSink(), record=False)
        else:
            part = Part(planter, TableSink(self.conn, self.schema, contract(name)))
        self.parts.setdefault((name, "database"), []).append(part)
        return part

    def landing_files(self, name: str, planter: Planter) -> list[tuple[Part, FileLayout]]:
        """One part per layout of the source, named `<source>_<as_of>_part<n>.<ext>`."""
        folder = self.out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        parts = []
        for n, layout in enumerate(LAYOUTS[name], start=1):
            path = folder / f"{name}_{self.world.as_of.isoformat()}_part{n}.{layout.suffix}"
            renderer = Renderer(contract(name), layout, self.world.rng(name, "layout", str(n)))
            if layout.format == "xlsx":
                sink = XlsxSink(path, renderer, contract(name).chinese)
            else:
                sink = CsvSink(path, renderer)
            part = Part(planter, sink)
            self.parts.setdefault((name, "file"), []).append(part)
            self.files.append(path)
            parts.append((part, layout))
        return parts

    def close(self) -> None:
        for parts in self.parts.values():
            for part in parts:
                part.sink.close()

    def rows(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (name, channel), parts in self.parts.items():
            if any(part.record for part in parts):
                out.setdefault(name, {})[channel] = sum(part.rows for part in parts)
        return out
