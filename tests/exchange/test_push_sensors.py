"""Each share dataset materialisation asks for one push of its feed, keyed by that materialisation;
while the bureau is not configured the sensors skip and say what to set, and lose nothing."""

import dagster as dg
import pytest

from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.resources import APP_KEY, APP_SECRET, URL
from hubei_data.exchange.sensors import PUSH_JOBS, PUSH_SENSORS
from hubei_data.resources import WarehouseResource

SETTINGS = {URL: "http://127.0.0.1:8590", APP_KEY: "hubei", APP_SECRET: "secret"}


def _definitions() -> dg.Definitions:
    datasets = [dg.AssetSpec(feed.dataset_key) for feed in FEEDS.values()]
    pushes = [dg.AssetSpec(feed.push_key, deps=[feed.dataset_key]) for feed in FEEDS.values()]
    return dg.Definitions(assets=datasets + pushes, jobs=PUSH_JOBS, sensors=PUSH_SENSORS)


def _tick(defs, name: str, instance, cursor: str | None = None):
    """What the daemon gets from one evaluation: run requests, skip message and new cursor."""
    with dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor,
                                 resources={"warehouse": WarehouseResource()}) as context:
        return defs.resolve_sensor_def(name).evaluate_tick(context)


@pytest.fixture
def configured(warehouse, monkeypatch):
    """The bureau configured; the sensors then look up freezes in the test warehouse."""
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)


def test_a_materialisation_requests_one_push_and_the_cursor_moves_on(configured):
    feed = FEEDS["penalty"]
    defs = _definitions()
    with dg.instance_for_test() as instance:
        assert _tick(defs, "bureau_penalty_sensor", instance).run_requests == []
        instance.report_runless_asset_event(dg.AssetMaterialization(feed.dataset_key))
        first = _tick(defs, "bureau_penalty_sensor", instance)
        assert len(first.run_requests) == 1
        assert first.run_requests[0].run_key.startswith("penalty:")
        assert _tick(defs, "bureau_penalty_sensor", instance, first.cursor).run_requests == []
        instance.report_runless_asset_event(dg.AssetMaterialization(FEEDS["drug_sampling"].dataset_key))
        assert _tick(defs, "bureau_penalty_sensor", instance, first.cursor).run_requests == []


@pytest.mark.parametrize("feed", list(FEEDS))
@pytest.mark.parametrize("unset", [[URL, APP_KEY, APP_SECRET], [URL], [APP_SECRET], [APP_KEY, APP_SECRET]])
def test_an_unconfigured_bureau_skips_saying_what_to_set_and_the_change_waits(feed, unset, warehouse, monkeypatch):
    for name, value in SETTINGS.items():
        if name in unset:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    defs = _definitions()
    sensor = f"bureau_{feed}_sensor"
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(FEEDS[feed].dataset_key))
        for _ in range(3):
            idle = _tick(defs, sensor, instance)
            assert idle.run_requests == [] and idle.cursor is None
            assert idle.skip_message == f"the bureau is not configured: set {', '.join(unset)} to push {feed}"
        for name in unset:
            monkeypatch.setenv(name, SETTINGS[name])
        ready = _tick(defs, sensor, instance)
        assert [r.run_key.split(":")[0] for r in ready.run_requests] == [feed]
