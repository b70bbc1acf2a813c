"""Extraction and the reachability probe go to each source's own system, on real databases."""

import datetime as dt
import socket

import dagster as dg
import psycopg
import pytest

from hubei_data import warehouse as wh
from hubei_data.contracts import SOURCES
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.ingest import landing
from hubei_data.ingest.database import extract_window
from hubei_data.ops import probes
from hubei_data.resources import SourceDatabaseResource, WarehouseResource
from hubei_data.systems import SourceSystemError

DAY = dt.datetime(2026, 3, 1)
SECRET = "s3cret-Pass"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inspections(fresh_database):
    """The supervision system's own database, its inspection table in the default schema."""
    info = fresh_database("supervision")
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create table inspection (inspection_id text, uscc text, inspected_on date, result text,"
                     " findings integer, updated_at timestamp)")
        conn.execute("insert into inspection values ('J9', '914201000000000009', '2026-02-27', '符合', 0,"
                     " '2026-03-01 10:00')")
    return info


def _batches(conn, like: str) -> int:
    return conn.execute("select count(*) from landing.batches where origin like %s", (like,)).fetchone()[0]


def test_a_source_is_extracted_from_its_own_systems_database(warehouse, inspections, monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_INSPECTION_URL", inspections.sqlalchemy_url)
    system = SourceDatabaseResource().connection(SOURCES["inspection"])
    engine = system.engine()
    with wh.connect(autocommit=True) as conn:
        landing.ensure_landing(conn)
        result = extract_window(conn, engine, system.schema, SOURCES["inspection"], DAY, DAY + dt.timedelta(days=1))
        assert (result.status, result.rows) == ("loaded", 1)
        assert conn.execute("select inspection_id from landing.inspection where _batch_id = %s",
                            (result.batch_id,)).fetchall() == [("J9",)]
        assert _batches(conn, f"%{inspections.dbname}%#inspection?%") == 1
    engine.dispose()


def test_an_unreachable_system_is_one_line_naming_it_and_lands_nothing(warehouse, monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_INSPECTION_URL",
                       f"postgresql://reader:{SECRET}@127.0.0.1:{_closed_port()}/supervision")
    system = SourceDatabaseResource().connection(SOURCES["inspection"])
    with wh.connect(autocommit=True) as conn:
        landing.ensure_landing(conn)
        with pytest.raises(SourceSystemError) as raised:
            extract_window(conn, system.engine(), system.schema, SOURCES["inspection"], DAY,
                           DAY + dt.timedelta(days=1))
        assert _batches(conn, "%/supervision#%") == 0
    message = str(raised.value)
    assert message.startswith("system inspection (监督检查系统) cannot be read at postgresql://reader:***@127.0.0.1:")
    assert SECRET not in message and "\n" not in message


def test_the_watcher_probes_each_system_with_its_own_url(warehouse, monkeypatch):
    targets = [subscription.target_env for subscription in load_subscriptions()]
    for variable in ("HUBEI_DATA_SOURCE_URL", "HUBEI_DATA_BUREAU_URL", "HUBEI_DATA_API_URL", *targets):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_ELICENCE_URL", warehouse.sqlalchemy_url)
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_SAMPLING_URL", f"postgresql://u:{SECRET}@127.0.0.1:{_closed_port()}/cy")
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_ZWFW_URL", "postgresql://u@host:notaport/zw")
    found = probes.endpoints()
    assert {(s.probe, s.target, s.ok) for s in found.samples} == {
        ("source_unreachable", "elicence", True), ("source_unreachable", "sampling", False),
        ("source_unreachable", "zwfw", False)}
    assert [(c.target, c.message.split("：")[0]) for c in found.conditions] == [
        ("sampling", "业务系统源库不可达（sampling (抽检系统)）"), ("zwfw", "业务系统源库不可达（zwfw）")]
    assert all(SECRET not in c.message for c in found.conditions)


def test_an_extract_of_an_unreachable_system_fails_its_step_in_one_line_naming_it(warehouse, monkeypatch):
    from hubei_data.ingest.assets import EXTRACT_ASSETS, extract_key

    monkeypatch.setenv("HUBEI_DATA_SYSTEM_INSPECTION_URL",
                       f"postgresql://reader:{SECRET}@127.0.0.1:{_closed_port()}/supervision")
    [asset] = [a for a in EXTRACT_ASSETS if a.key == extract_key("inspection")]
    result = dg.materialize([asset], partition_key="2026-03-01", instance=dg.DagsterInstance.ephemeral(),
                            resources={"warehouse": WarehouseResource(), "source_db": SourceDatabaseResource()},
                            raise_on_error=False)
    [failure] = [event for event in result.all_events if event.event_type == dg.DagsterEventType.STEP_FAILURE]
    error = failure.step_failure_data.error
    assert error.cls_name == "Failure" and error.cause is None
    assert error.message.startswith("dagster._core.definitions.events.Failure: system inspection (监督检查系统) cannot be"
                                    " read at postgresql://reader:***@127.0.0.1:")
    assert SECRET not in error.message
