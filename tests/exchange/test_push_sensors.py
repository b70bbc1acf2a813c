"""Each share dataset materialisation asks for one push of its feed, keyed by that materialisation."""

import dagster as dg

from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.sensors import PUSH_JOBS, PUSH_SENSORS


def _definitions() -> dg.Definitions:
    datasets = [dg.AssetSpec(feed.dataset_key) for feed in FEEDS.values()]
    pushes = [dg.AssetSpec(feed.push_key, deps=[feed.dataset_key]) for feed in FEEDS.values()]
    return dg.Definitions(assets=datasets + pushes, jobs=PUSH_JOBS, sensors=PUSH_SENSORS)


def _runs(sensor, context) -> list[dg.RunRequest]:
    return [r for r in sensor(context) if isinstance(r, dg.RunRequest)]


def test_a_materialisation_requests_one_push_and_the_cursor_moves_on():
    feed = FEEDS["penalty"]
    defs = _definitions()
    sensor = defs.resolve_sensor_def("bureau_penalty_sensor")
    with dg.instance_for_test() as instance:
        assert _runs(sensor, dg.build_sensor_context(instance=instance, definitions=defs)) == []
        instance.report_runless_asset_event(dg.AssetMaterialization(feed.dataset_key))
        context = dg.build_sensor_context(instance=instance, definitions=defs)
        requests = _runs(sensor, context)
        assert len(requests) == 1
        assert requests[0].run_key.startswith("penalty:")
        again = dg.build_sensor_context(instance=instance, definitions=defs, cursor=context.cursor)
        assert _runs(sensor, again) == []
        instance.report_runless_asset_event(dg.AssetMaterialization(FEEDS["drug_sampling"].dataset_key))
        later = dg.build_sensor_context(instance=instance, definitions=defs, cursor=context.cursor)
        assert _runs(sensor, later) == []
