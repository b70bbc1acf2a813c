"""Fixtures of the report tests: a migrated warehouse of a test's own, its reports folder."""

from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest


@dataclass(frozen=True)
class Reporting:
    url: str
    info: object
    folder: Path

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def exports(self) -> list[tuple[str, str, dict]]:
        """The audit trail's export rows: (target, outcome, detail), oldest first."""
        with self.connect() as conn:
            return conn.execute("select target, outcome, detail from control.audit_trail"
                                " where action = 'data_export' order by seq").fetchall()


@pytest.fixture
def reporting(migrated_database, use_warehouse, tmp_path, monkeypatch) -> Reporting:
    """A migrated warehouse in use, the project's subscriptions, reports going to a folder of the test's own."""
    info = migrated_database("reports")
    use_warehouse(info)
    monkeypatch.setenv("HUBEI_DATA_REPORTS_DIR", str(tmp_path / "reports"))
    return Reporting(info.url, info, tmp_path / "reports")
