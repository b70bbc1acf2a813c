"""One scale-1 generation per session, into a temporary folder and the session's warehouse."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from synth_readback import Record, file_records, table_records

from hubei_data import warehouse as warehouse_module
from hubei_data.contracts import SOURCES, source
from hubei_data.synth import GenerationReport, generate

AS_OF = dt.date(2025, 3, 31)
SCHEMA = "synth_test"


@dataclass
class Run:
    """A generation and everything it wrote, read back as the platform would read it."""

    out_dir: Path
    report: GenerationReport
    records: dict[str, list[Record]]

    def of(self, name: str, channel: str | None = None) -> list[Record]:
        return [r for r in self.records[name] if channel is None or r.channel == channel]


@pytest.fixture(scope="session")
def synth_run(warehouse, tmp_path_factory) -> Run:
    out_dir = tmp_path_factory.mktemp("synth")
    with warehouse_module.connect() as conn:
        report = generate(out_dir, as_of=AS_OF, conn=conn, schema=SCHEMA)
        records: dict[str, list[Record]] = {name: [] for name in SOURCES}
        for contract in SOURCES.values():
            if contract.channel == "database":
                records[contract.name] += table_records(conn, SCHEMA, contract)
    for path in report.files:
        records[path.parent.name] += file_records(source(path.parent.name), path)
    return Run(out_dir, report, records)
