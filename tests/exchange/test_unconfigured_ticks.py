"""Nothing configured never means a failing tick: schedules and sensors skip with what to set."""

import datetime as dt

import dagster as dg
import pytest

from hubei_data.exchange.resources import APP_KEY, APP_SECRET, URL
from hubei_data.exchange.subscription import checked, load_subscriptions
from hubei_data.exchange.subscription_defs import subscription_definitions
from hubei_data.beijing_time import LOCAL
from hubei_data.registry.subscriptions import Subscription
from hubei_data.resources import WarehouseResource

SPEC = {
    "id": "test_sub", "department": "省医保局", "purpose": "测试", "dataset": "penalty_info",
    "fields": ["case_no", "uscc", "fine_yuan"], "schedule": "0 2 * * *",
    "target": {"url_env": "HUBEI_DATA_TARGET_TEST_URL", "table": "penalties"}, "mode": "upsert",
    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
}
IN_VALIDITY = dt.datetime(2026, 6, 1, 2, tzinfo=LOCAL)


def _definitions(subscription) -> dg.Definitions:
    return dg.Definitions.merge(
        subscription_definitions([subscription]), dg.Definitions(resources={"warehouse": WarehouseResource()})
    )


def _tick(defs: dg.Definitions, name: str, when: dt.datetime, instance):
    schedule = defs.resolve_schedule_def(name)
    with dg.build_schedule_context(instance=instance, scheduled_execution_time=when,
                                   resources={"warehouse": WarehouseResource()}) as context:
        return schedule.evaluate_tick(context)


@pytest.mark.parametrize("target_env", ["HUBEI_DATA_TARGET_TEST_URL", "HUBEI_DATA_TARGET_OTHER_URL"])
def test_a_subscription_whose_target_url_is_unset_skips_naming_the_variable(target_env, warehouse, monkeypatch):
    monkeypatch.delenv(target_env, raising=False)
    declared = Subscription.model_validate({**SPEC, "target": {"url_env": target_env, "table": "penalties"}})
    subscription = checked(declared, "test_sub.yaml")
    defs = _definitions(subscription)
    with dg.instance_for_test() as instance:
        idle = _tick(defs, "share_test_sub_schedule", IN_VALIDITY, instance)
        assert idle.run_requests == []
        assert idle.skip_message.startswith(f"subscription test_sub: {target_env} is not set")
        monkeypatch.setenv(target_env, "postgresql://front.example/db")
        assert len(_tick(defs, "share_test_sub_schedule", IN_VALIDITY, instance).run_requests) == 1


def test_outside_its_validity_the_schedule_asks_for_renewal_before_anything_else(monkeypatch):
    monkeypatch.delenv(SPEC["target"]["url_env"], raising=False)
    defs = _definitions(checked(Subscription.model_validate(SPEC), "test_sub.yaml"))
    with dg.instance_for_test() as instance:
        idle = _tick(defs, "share_test_sub_schedule", dt.datetime(2027, 1, 5, 2, tzinfo=LOCAL), instance)
    assert idle.run_requests == [] and "renew the application in test_sub.yaml" in idle.skip_message


def test_every_sensor_and_schedule_of_the_platform_ticks_cleanly_with_nothing_configured(tmp_path, warehouse,
                                                                                          monkeypatch):
    """What the daemon does every 30 seconds on a first start: no tick may raise."""
    from hubei_data.definitions import defs as load

    monkeypatch.setenv("HUBEI_DATA_DIR", str(tmp_path))
    subscriptions = {f"share_{s.id}_schedule": s for s in load_subscriptions()}
    for name in (URL, APP_KEY, APP_SECRET, *(s.target_env for s in subscriptions.values())):
        monkeypatch.delenv(name, raising=False)
    defs = load()
    sensors = [defs.resolve_sensor_def(s.name) for s in defs.sensors or []]
    schedules = [defs.resolve_schedule_def(s.name) for s in defs.schedules or []]
    assert {f"bureau_{feed}_sensor" for feed in ("cosmetic_filing", "drug_sampling", "penalty")} <= {
        s.name for s in sensors}
    with dg.instance_for_test() as instance:
        for _ in range(2):
            for sensor in sensors:
                resources = {key: defs.resources[key] for key in sensor.required_resource_keys}
                result = sensor.evaluate_tick(
                    dg.build_sensor_context(instance=instance, definitions=defs, resources=resources))
                if sensor.name.startswith("bureau_"):
                    assert "set HUBEI_DATA_BUREAU_URL" in result.skip_message
            for schedule in schedules:
                subscription = subscriptions.get(schedule.name)
                when = dt.datetime.combine(subscription.valid_from, dt.time(2), LOCAL) if subscription else IN_VALIDITY
                resources = {key: defs.resources[key] for key in schedule.required_resource_keys}
                with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=resources,
                                               repository_def=defs.get_repository_def()) as context:
                    result = schedule.evaluate_tick(context)
                if subscription:
                    assert result.run_requests == [] and f"{subscription.target_env} is not set" in result.skip_message
