"""Freezes: a frozen feed's sensor skips saying who froze it and why and its push sends nothing; a frozen
subscription's schedule skips and its push writes nothing; frozen assets are left out of the runs schedules
and sensors ask for, and a run writing one fails; unknown names are refused naming what exists; every change
is audited with the person who made it."""

import datetime as dt

import dagster as dg
import psycopg
import pytest
from click.testing import CliRunner
from stdnum.cn import uscc as uscc_number

from hubei_data import runner
from hubei_data.cli import main
from hubei_data.control.audit_trail import Actor
from hubei_data.control.permissions import Role
from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.push import Retry, push_feed
from hubei_data.exchange.resources import APP_KEY, APP_SECRET, URL
from hubei_data.exchange.sensors import PUSH_JOBS, PUSH_SENSORS
from hubei_data.exchange.share_push import push_subscription
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.exchange.subscription_defs import subscription_definitions
from hubei_data.beijing_time import LOCAL
from hubei_data.exchange.targets import Target
from hubei_data.ingest.assets import files_key
from hubei_data.ops import freezes
from hubei_data.ops.freeze_guard import LEFT_OUT_TAG
from hubei_data.resources import WarehouseResource
from tests import people

OPERATOR = Actor("t_operator", "tests")
FROZEN_BY = "frozen by t_operator at "


@pytest.fixture
def frozen_warehouse(share_db, use_warehouse):
    """The share library, empty, in a warehouse of the test's own, in use."""
    use_warehouse(share_db)
    return share_db


def _connect(info) -> psycopg.Connection:
    return psycopg.connect(info.url, autocommit=True)


def _penalty(info) -> None:
    base = "91420100MA0000001"
    with _connect(info) as conn:
        conn.execute(
            "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
            " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
            " values ('鄂药监罚〔2026〕1号', %s, '企业', date '2026-10-01', '违法行为', 10, 0, 1, 1, 'h', 's', 's', now())",
            (base + uscc_number.calc_check_digit(base),),
        )


def _configure(monkeypatch, bureau) -> None:
    for name, value in {URL: bureau.url, APP_KEY: bureau.app_key, APP_SECRET: bureau.secret}.items():
        monkeypatch.setenv(name, value)


def _sensor_tick(defs: dg.Definitions, name: str, instance, cursor: str | None = None):
    with dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor,
                                 resources={"warehouse": WarehouseResource()}) as context:
        return defs.resolve_sensor_def(name).evaluate_tick(context)


def _schedule_tick(defs: dg.Definitions, name: str, when: dt.datetime, instance):
    with dg.build_schedule_context(instance=instance, scheduled_execution_time=when,
                                   resources={"warehouse": WarehouseResource()},
                                   repository_def=defs.get_repository_def()) as context:
        return defs.resolve_schedule_def(name).evaluate_tick(context)


def test_a_frozen_feed_skips_its_sensor_with_the_reason_and_sends_nothing_until_unfrozen(
        frozen_warehouse, bureau_server, monkeypatch):
    bureau = bureau_server()
    _configure(monkeypatch, bureau)
    _penalty(frozen_warehouse)
    feed = FEEDS["penalty"]
    defs = dg.Definitions(assets=[dg.AssetSpec(feed.dataset_key), dg.AssetSpec(feed.push_key, deps=[feed.dataset_key])],
                          jobs=PUSH_JOBS, sensors=PUSH_SENSORS, resources={"warehouse": WarehouseResource()})
    with _connect(frozen_warehouse) as conn:
        freezes.freeze(conn, OPERATOR, "feed", "penalty", "国家局接口升级")
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(feed.dataset_key))
        skipped = _sensor_tick(defs, "bureau_penalty_sensor", instance)
        assert skipped.run_requests == [] and skipped.cursor is None
        assert skipped.skip_message.startswith(f"feed penalty is {FROZEN_BY}")
        assert skipped.skip_message.endswith(": 国家局接口升级")

        with _connect(frozen_warehouse) as conn, pytest.raises(freezes.Frozen, match=f"^{FROZEN_BY}.*: 国家局接口升级;"):
            push_feed(conn, bureau.client(), feed, "run-frozen", retry=Retry(attempts=1))
        pushed = people.invoke(["push", "bureau", "--feed", "penalty"], target=frozen_warehouse)
        assert pushed.exit_code == 1
        assert pushed.output.strip().splitlines()[-1].startswith(f"Error: feed penalty: {FROZEN_BY}")
        assert "`hubei-data unfreeze feed penalty` lets it act again" in pushed.output
        assert bureau.state.store.counts() == {}

        with _connect(frozen_warehouse) as conn:
            freezes.unfreeze(conn, OPERATOR, "feed", "penalty")
            assert conn.execute("select count(*) from exchange.bureau_batches").fetchone()[0] == 0
        assert len(_sensor_tick(defs, "bureau_penalty_sensor", instance).run_requests) == 1
    assert people.invoke(["push", "bureau", "--feed", "penalty"], target=frozen_warehouse).exit_code == 0
    assert bureau.state.store.counts() == {"penalty": 1}


def test_a_frozen_subscription_skips_its_schedule_and_its_push_writes_nothing(
        frozen_warehouse, fresh_database, monkeypatch):
    (subscription,) = [s for s in load_subscriptions() if s.id == "yibao_penalty"]
    postgres_target = fresh_database("target").url.replace("postgresql://", "postgresql+psycopg://", 1)
    monkeypatch.setenv(subscription.target_env, postgres_target)
    defs = dg.Definitions.merge(subscription_definitions([subscription]),
                                dg.Definitions(resources={"warehouse": WarehouseResource()}))
    when = dt.datetime.combine(subscription.valid_from, dt.time(2), LOCAL)
    with _connect(frozen_warehouse) as conn:
        freezes.freeze(conn, OPERATOR, "subscription", "yibao_penalty", "医保局前置库迁移")
    with dg.instance_for_test() as instance:
        skipped = _schedule_tick(defs, "share_yibao_penalty_schedule", when, instance)
        assert skipped.run_requests == []
        assert skipped.skip_message.startswith(f"subscription yibao_penalty is {FROZEN_BY}")
        assert skipped.skip_message.endswith(": 医保局前置库迁移")
        with _connect(frozen_warehouse) as conn:
            with pytest.raises(freezes.Frozen, match="医保局前置库迁移"):
                push_subscription(conn, subscription, Target(postgres_target), "run-frozen")
            assert conn.execute("select count(*) from exchange.share_pushes").fetchone()[0] == 0
            freezes.unfreeze(conn, OPERATOR, "subscription", "yibao_penalty")
        assert len(_schedule_tick(defs, "share_yibao_penalty_schedule", when, instance).run_requests) == 1


def test_schedules_and_the_landing_sensor_leave_frozen_assets_out_and_skip_when_nothing_is_left(
        frozen_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("HUBEI_DATA_DIR", str(tmp_path))
    folder = tmp_path / "landing" / "enterprise"
    folder.mkdir(parents=True)
    (folder / "enterprise.csv").write_text("uscc\n", encoding="utf-8")
    defs = runner.definitions()
    with _connect(frozen_warehouse) as conn:
        freezes.freeze(conn, OPERATOR, "asset", "landing/enterprise_files", "企业库来源核对中")
        freezes.freeze(conn, OPERATOR, "asset", "metric/vaccine_doses_day", "口径调整")
        freezes.freeze(conn, OPERATOR, "asset", "api/daily_stats", "统计口径复核")
    with dg.instance_for_test() as instance:
        waiting = _sensor_tick(defs, "landing_files_sensor", instance)
        assert waiting.run_requests == []
        assert waiting.skip_message.startswith(f"landing/enterprise_files is {FROZEN_BY}")
        # The file keeps its place as unseen, to be landed once the source is unfrozen.
        assert str((folder / "enterprise.csv").resolve()) not in waiting.cursor

        when = dt.datetime(2026, 3, 2, 4, 30, tzinfo=LOCAL)
        (daily,) = _schedule_tick(defs, "metrics_daily_job_schedule", when, instance).run_requests
        assert daily.asset_selection == [dg.AssetKey(["metric", "vaccine_doses"])]
        assert daily.tags[LEFT_OUT_TAG].startswith(f"metric/vaccine_doses_day is {FROZEN_BY}")
        stats = _schedule_tick(defs, "api_stats_job_schedule", when, instance)
        assert stats.run_requests == [] and stats.skip_message.startswith(f"api/daily_stats is {FROZEN_BY}")

        with _connect(frozen_warehouse) as conn:
            freezes.unfreeze(conn, OPERATOR, "asset", "landing/enterprise_files")
            freezes.freeze(conn, OPERATOR, "asset", "share/enterprise_basic", "共享目录调整")
        (landing,) = _sensor_tick(defs, "landing_files_sensor", instance, waiting.cursor).run_requests
        assert files_key("enterprise") in landing.asset_selection
        assert dg.AssetKey(["share", "enterprise_basic"]) not in landing.asset_selection
        assert landing.tags[LEFT_OUT_TAG].startswith(f"share/enterprise_basic is {FROZEN_BY}")


def test_a_run_that_would_write_a_frozen_asset_fails_before_writing_it(frozen_warehouse):
    with _connect(frozen_warehouse) as conn:
        freezes.freeze(conn, OPERATOR, "asset", "api/daily_stats", "统计口径复核")
    result = runner.run_job("api_stats_job", partition_key="2026-03-01")
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    assert failure.step_failure_data.error.message.startswith(f"dagster._core.definitions.events.Failure: "
                                                              f"api/daily_stats is {FROZEN_BY}")
    with _connect(frozen_warehouse) as conn:
        assert conn.execute("select count(*) from api.daily_stats").fetchone()[0] == 0


@pytest.mark.parametrize(("kind", "name", "named"), [
    ("feed", "penalties", "the feeds are: cosmetic_filing, drug_sampling, penalty"),
    ("subscription", "yibao", "the subscriptions are: gongan_newborn, yibao_penalty"),
    ("asset", "share/penalty", "did you mean share/penalty_info"),
    ("asset", "nowhere/penalty_info", "the groups being: api, exchange, landing, lists, metric, quality, quarantine,"),
])
def test_an_unknown_name_is_refused_naming_what_exists_and_the_refusal_is_audited(
        frozen_warehouse, kind, name, named):
    refused = people.invoke(["freeze", kind, name, "--reason", "试一下"], target=frozen_warehouse)
    assert refused.exit_code == 1
    (line,) = refused.output.strip().splitlines()
    assert line.startswith(f"Error: there is no {kind} {name!r}") and named in line
    with _connect(frozen_warehouse) as conn:
        assert freezes.frozen(conn) == {}
        audited = conn.execute("select actor, target, outcome, detail ->> 'error' from control.audit_trail"
                               " where action = 'config_change'").fetchall()
    assert audited == [(people.person(frozen_warehouse, Role.OPERATOR), f"{kind} {name}", "failure", line[7:])]


def test_freezes_from_the_command_line_are_audited_with_the_person_and_shown_by_status(frozen_warehouse):
    operator = people.person(frozen_warehouse, Role.OPERATOR)
    done = people.invoke(["freeze", "feed", "drug_sampling", "--reason", "抽检数据复核"], target=frozen_warehouse)
    assert done.exit_code == 0 and done.output.startswith(f"feed drug_sampling: frozen by {operator} at ")
    again = people.invoke(["freeze", "feed", "drug_sampling", "--reason", "再冻结"], target=frozen_warehouse)
    assert again.output.strip().startswith(f"Error: feed drug_sampling is already frozen by {operator} at ")
    assert again.output.strip().endswith(": 抽检数据复核")

    listed = people.invoke(["freezes", "--format", "json"], target=frozen_warehouse)
    assert '"name": "drug_sampling"' in listed.output and "抽检数据复核" in listed.output
    status = people.invoke(["status"], target=frozen_warehouse)
    assert f"frozen:\n  feed drug_sampling: frozen by {operator} at " in status.output

    assert people.invoke(["unfreeze", "feed", "drug_sampling"], target=frozen_warehouse).exit_code == 0
    not_frozen = people.invoke(["unfreeze", "feed", "drug_sampling"], target=frozen_warehouse)
    assert not_frozen.output.strip() == "Error: feed drug_sampling is not frozen (frozen now: nothing)"
    assert "frozen:" not in people.invoke(["status"], target=frozen_warehouse).output
    history = people.invoke(["freezes", "--all", "--format", "json"], target=frozen_warehouse)
    assert f'"unfrozen_by": "{operator}"' in history.output

    with _connect(frozen_warehouse) as conn:
        audited = conn.execute(
            "select actor, target, outcome, detail ->> 'change' from control.audit_trail"
            " where action = 'config_change' order by seq").fetchall()
    assert audited == [(operator, "feed drug_sampling", "success", "freeze"),
                       (operator, "feed drug_sampling", "failure", "freeze"),
                       (operator, "feed drug_sampling", "success", "unfreeze"),
                       (operator, "feed drug_sampling", "failure", "unfreeze")]


def test_only_who_may_freeze_freezes(frozen_warehouse):
    viewer = people.token(frozen_warehouse, Role.VIEWER)
    refused = CliRunner(env={people.TOKEN_VARIABLE: viewer}).invoke(
        main, ["freeze", "feed", "penalty", "--reason", "无权"])
    assert refused.exit_code == 3 and "may not freeze and unfreeze" in refused.output
    with _connect(frozen_warehouse) as conn:
        assert freezes.frozen(conn) == {}
