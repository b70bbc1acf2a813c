"""Every push goes through its target's concurrency pool, one push at a time unless an operator allows more; a push
whose command died gives its target back when its run is terminated."""

import socket
import threading

import dagster as dg

from hubei_data import runner
from hubei_data.exchange import pools
from hubei_data.exchange.assets import PUSH_ASSETS
from hubei_data.exchange.subscription import checked
from hubei_data.exchange.subscription_defs import subscription_definitions
from hubei_data.ops.run_launcher import EXECUTED_BY
from hubei_data.registry.subscriptions import Subscription

SPEC = {
    "department": "湖北省医疗保障局", "purpose": "医保基金监管", "dataset": "penalty_info",
    "fields": ["case_no", "uscc"], "schedule": "0 2 * * *", "mode": "upsert",
    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
}


def _subscription(name: str, url_env: str):
    spec = {**SPEC, "id": name, "target": {"url_env": url_env, "table": f"yj_{name}"}}
    return checked(Subscription.model_validate(spec), f"{name}.yaml")


def test_each_push_asset_is_in_the_pool_of_the_target_it_writes_to():
    assert {asset.op.pool for asset in PUSH_ASSETS} == {pools.BUREAU}
    subscriptions = [_subscription("one", "HUBEI_DATA_TARGET_A_URL"), _subscription("two", "HUBEI_DATA_TARGET_A_URL"),
                     _subscription("three", "HUBEI_DATA_TARGET_B_URL")]
    assets = subscription_definitions(subscriptions).assets
    assert {asset.key.path[-1]: asset.op.pool for asset in assets} == {
        "share_one": "push/HUBEI_DATA_TARGET_A_URL",
        "share_two": "push/HUBEI_DATA_TARGET_A_URL",
        "share_three": "push/HUBEI_DATA_TARGET_B_URL",
    }


def test_a_pool_without_a_limit_of_its_own_lets_one_push_at_a_time(migrated_database, use_warehouse):
    use_warehouse(migrated_database("pools"))
    assert runner.instance().event_log_storage.get_pool_config().default_pool_limit == 1


def test_runs_first_claiming_a_new_pool_at_the_same_moment_all_go_on_and_the_pool_gets_its_one_slot(
        migrated_database, use_warehouse):
    """Dagster sets up a pool's default limit on its first claim; two runs doing so at once made one of them fail."""
    use_warehouse(migrated_database("pools"))
    runner.prepare_dagster_home()
    instances = [dg.DagsterInstance.get() for _ in range(3)]
    storages = [instance.event_log_storage for instance in instances]
    for attempt in range(3):
        pool = pools.front_end_pool(f"HUBEI_DATA_TARGET_NEW_{attempt}_URL")
        together, failures = threading.Barrier(len(storages)), []

        def claim_first(storage):
            together.wait()
            try:
                storage.initialize_concurrency_limit_to_default(pool)
            except Exception as error:  # noqa: BLE001 - whatever the storage raised is the failure
                failures.append(error)

        claims = [threading.Thread(target=claim_first, args=(storage,)) for storage in storages]
        for claim in claims:
            claim.start()
        for claim in claims:
            claim.join()
        assert failures == []
        info = storages[0].get_concurrency_info(pool)
        assert (info.limit, info.slot_count, info.using_default_limit) == (1, 1, True)


def test_terminating_the_run_of_a_push_whose_command_died_frees_its_targets_pool(migrated_database, use_warehouse):
    use_warehouse(migrated_database("pools"))
    instance = runner.instance()
    pool = pools.front_end_pool("HUBEI_DATA_TARGET_A_URL")

    @dg.op(pool=pool)
    def push():
        pass

    @dg.job
    def push_job():
        push()

    # A process id with another start time: the command that executed the run is gone.
    run = instance.create_run_for_job(push_job, tags={EXECUTED_BY: f"1:0.000@{socket.gethostname()}"})
    instance.event_log_storage.set_concurrency_slots(pool, 1)
    assert instance.event_log_storage.claim_concurrency_slot(pool, run.run_id, "push").is_claimed
    assert not instance.event_log_storage.claim_concurrency_slot(pool, "another run", "push").is_claimed

    assert instance.run_launcher.terminate(run.run_id)
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.CANCELED
    assert instance.event_log_storage.get_concurrency_info(pool).claimed_slots == []
    assert instance.event_log_storage.claim_concurrency_slot(pool, "another run", "push").is_claimed
