"""The three lists' checks after every build, and the matters report, on a real warehouse and Dagster instance: a
responsibility holds only when its entries are published, hold data and were built within its cycle; a demand when
it is met or answered; a matter is fully, partly or not supported by the datasets it depends on."""

import datetime as dt
import shutil

import dagster as dg
import psycopg
import pytest

from hubei_data import registry
from hubei_data.governance import list_status, lists, matters
from hubei_data.governance.definitions import ASSET, governance_definitions
from hubei_data.resources import WarehouseResource

NOW = dt.datetime.now(dt.UTC)
NEWBORN = ("share", "newborn_vaccination")
LOOKUP = ("share", "newborn_vaccination_lookup")


@pytest.fixture
def conn(share_db, use_warehouse):
    use_warehouse(share_db)
    with psycopg.connect(share_db.url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def _fill_and_build(conn, instance, *tables) -> None:
    for schema, table in tables:
        conn.execute(f"insert into {schema}.{table} (record_id) values ('R1')")
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=dg.AssetKey([schema, table])))


def _by_code(statuses) -> dict:
    return {status.code: status for status in statuses}


def test_a_responsibility_holds_only_when_published_with_data_and_fresh(conn, instance):
    declared = lists.load()
    empty = _by_code(list_status.responsibilities(conn, instance, declared, NOW))
    assert not empty["ZR-WJW-001"].holds
    assert empty["ZR-WJW-001"].detail == "420000-WJW-GX-0001: share.newborn_vaccination holds no data"
    conn.execute("insert into share.newborn_vaccination (record_id) values ('R1')")
    unbuilt = _by_code(list_status.responsibilities(conn, instance, declared, NOW))
    assert unbuilt["ZR-WJW-001"].detail == "420000-WJW-GX-0001: share.newborn_vaccination was never built"
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=dg.AssetKey(list(NEWBORN))))
    assert _by_code(list_status.responsibilities(conn, instance, declared, NOW))["ZR-WJW-001"].holds
    later = _by_code(list_status.responsibilities(conn, instance, declared, NOW + dt.timedelta(days=2)))
    assert "longer ago than its cycle (每日)" in later["ZR-WJW-001"].detail
    conn.execute("update control.catalog_versions set status = 'superseded' where code = '420000-WJW-GX-0001'")
    unpublished = _by_code(list_status.responsibilities(conn, instance, declared, NOW))
    assert unpublished["ZR-WJW-001"].detail == "420000-WJW-GX-0001 has no published catalog version"


def test_a_responsibility_on_a_data_api_follows_the_tables_the_api_reads(conn, instance):
    _fill_and_build(conn, instance, LOOKUP)
    statuses = _by_code(list_status.responsibilities(conn, instance, lists.load(), NOW))
    assert statuses["ZR-WJW-002"].holds, statuses["ZR-WJW-002"].detail


def test_a_demand_holds_while_met_by_a_valid_subscription_or_answered():
    declared = lists.load()
    today = _by_code(list_status.demands(declared, dt.date(2026, 12, 4)))
    assert all(status.holds for status in today.values())
    assert today["XQ-GA-001"].detail == "met by subscription gongan_newborn"
    assert today["XQ-MZ-001"].detail.startswith("answered: 母亲身份证号列入负面清单")
    lapsed = _by_code(list_status.demands(declared, dt.date(2028, 6, 1)))
    assert not lapsed["XQ-GA-001"].holds
    assert lapsed["XQ-GA-001"].detail == "not met: subscription gongan_newborn is valid 2026-03-01 to 2027-12-31"


def test_every_build_materialises_the_lists_and_runs_a_check_per_list(conn, instance):
    _fill_and_build(conn, instance, NEWBORN)
    definitions = governance_definitions()
    result = dg.materialize([*definitions.assets, *definitions.asset_checks], instance=instance,
                            resources={"warehouse": WarehouseResource()})
    assert result.success
    outcomes = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert set(outcomes) == {"responsibilities_published_and_fresh", "demands_met_or_answered",
                             "negative_list_respected"}
    assert outcomes["demands_met_or_answered"].passed and outcomes["negative_list_respected"].passed
    responsibilities = outcomes["responsibilities_published_and_fresh"]
    assert not responsibilities.passed
    assert responsibilities.metadata["holding"].value == "ZR-WJW-001"
    assert "ZR-WJW-002" in responsibilities.metadata["failing"].value
    materialised = result.asset_materializations_for_node("lists__three_lists")[0]
    assert materialised.asset_key == ASSET
    assert materialised.metadata["negative"].value.startswith("负面清单 version 1, 2 entries, from ")


def test_the_matters_report_says_how_far_each_matter_is_supported(conn, instance):
    declared = registry.load()
    [newborn] = matters.report(conn, instance, declared, NOW)
    assert newborn.support == "not" and newborn.datasets == ("newborn_vaccination", "newborn_vaccination_lookup")
    _fill_and_build(conn, instance, NEWBORN)
    [newborn] = matters.report(conn, instance, declared, NOW)
    assert (newborn.support, newborn.problems) == ("partly", ("newborn_vaccination_lookup: holds no data",))
    _fill_and_build(conn, instance, LOOKUP)
    assert matters.report(conn, instance, declared, NOW)[0].support == "fully"
    assert matters.report(conn, instance, declared, NOW + dt.timedelta(days=3))[0].support == "not"


def test_the_rejections_command_follows_each_rejection_through_its_fix(conn):
    from tests.people import invoke

    listed = invoke(["lists", "rejections", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert '"entry": "ZR-WJW-002"' in listed.output and '"status": "resubmitted"' in listed.output
    assert "rejected 2023-09-12 省大数据中心审核退回 → fixed 2023-09-15" in listed.output


def test_a_matter_depending_on_an_api_depends_on_the_datasets_it_reads(conn, instance, tmp_path):
    root = tmp_path / "registry"
    shutil.copytree(registry.project_registry(), root)
    matters_file = root / "matters.yaml"
    matters_file.write_text(matters_file.read_text(encoding="utf-8").replace(
        "  datasets: [newborn_vaccination, newborn_vaccination_lookup]\n", ""), encoding="utf-8")
    [newborn] = matters.report(conn, instance, registry.load(root), NOW)
    assert newborn.datasets == ("newborn_vaccination_lookup",)


def test_the_check_and_report_commands_say_what_does_not_hold(conn):
    from tests.people import invoke

    checked = invoke(["lists", "check", "--format", "csv"])
    assert checked.exit_code == 1
    assert "responsibilities,ZR-WJW-001,新生儿预防接种记录,no,420000-WJW-GX-0001: share.newborn_vaccination holds no" \
           " data" in checked.output
    assert "demands,XQ-GA-001,新生儿预防接种记录，用于出生一件事新生儿户口登记联办核验,yes,met by subscription gongan_newborn" \
        in checked.output
    assert "Error: 2 list entries do not hold; 0 negative-list breaches\n" in checked.output
    reported = invoke(["matters", "report", "--format", "json"])
    assert reported.exit_code == 0, reported.output
    assert '"support": "not"' in reported.output
    assert '"datasets": "newborn_vaccination, newborn_vaccination_lookup"' in reported.output
