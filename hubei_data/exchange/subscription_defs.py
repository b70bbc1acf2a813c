"""Each subscription as an asset, a job, a schedule and a monitoring check."""

import dagster as dg

from hubei_data.beijing_time import LOCAL
from hubei_data.exchange.pools import front_end_pool
from hubei_data.exchange.share_push import push_subscription
from hubei_data.exchange.subscription import Subscription
from hubei_data.exchange.subscription_status import subscription_status
from hubei_data.exchange.targets import Target, TargetMismatch, TargetUnavailable
from hubei_data.ops.freeze_guard import held, refuse_frozen_assets
from hubei_data.ops.freezes import Frozen, frozen
from hubei_data.resources import WarehouseResource


def share_key(subscription: Subscription) -> dg.AssetKey:
    return dg.AssetKey(["exchange", f"share_{subscription.id}"])


def _asset(subscription: Subscription) -> dg.AssetsDefinition:
    @dg.asset(
        key=share_key(subscription),
        deps=[dg.AssetKey(["share", subscription.table])],
        group_name="exchange",
        kinds={"sql"},
        pool=front_end_pool(subscription.target_env),
        description=(
            f"前置库 push for {subscription.department}: share.{subscription.table} → {subscription.target_table} "
            f"({subscription.mode}), valid {subscription.valid_from} to {subscription.valid_until}. {subscription.purpose}"
        ),
    )
    def _push(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        try:
            with warehouse.connect() as conn:
                refuse_frozen_assets(conn, context.selected_asset_keys)
                result = push_subscription(conn, subscription, Target(subscription.target_url()), context.run_id,
                                           progress=context.log.info)
        except TargetUnavailable as error:
            raise dg.Failure(f"the front-end database in {subscription.target_env} did not answer ({error}); "
                             "the next push finishes the work") from error
        except TargetMismatch as error:
            raise dg.Failure(f"the front-end database in {subscription.target_env}: {error}") from error
        except Frozen as error:
            raise dg.Failure(str(error)) from None
        if result.status == "expired":
            context.log.warning(result.message)
        return dg.MaterializeResult(metadata={
            "status": result.status, "rows": result.rows, "checksum": result.checksum,
            "seconds": round(result.seconds, 2), "valid_until": str(subscription.valid_until),
            "message": result.message,
        })

    return _push


def _schedule(subscription: Subscription, job) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"share_{subscription.id}_schedule",
        cron_schedule=subscription.schedule,
        job=job,
        execution_timezone=LOCAL.key,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def _tick(context: dg.ScheduleEvaluationContext, warehouse: WarehouseResource):
        day = context.scheduled_execution_time.astimezone(LOCAL).date()
        if not subscription.active_on(day):
            return dg.SkipReason(
                f"{subscription.id} is valid {subscription.valid_from} to {subscription.valid_until}: "
                f"no push on {day}; renew the application in {subscription.file}"
            )
        missing = subscription.target_missing()
        if missing:
            return dg.SkipReason(f"subscription {subscription.id}: {missing}; no push until it is set")
        with warehouse.connect() as conn:
            freeze = held(frozen(conn), ("subscription", subscription.id),
                          ("asset", share_key(subscription).to_user_string()))
        if freeze:
            return dg.SkipReason(f"{freeze.subject} is {freeze.describe()}")
        return dg.RunRequest()

    return _tick


def _check(subscription: Subscription) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=share_key(subscription),
        name=f"share_{subscription.id}_on_time",
        description="The last push succeeded, none is late, and the application is within its validity.",
    )
    def _on_time(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as conn:
            status = subscription_status(conn, subscription)
        warning = status.state in ("expired", "expiring", "not yet valid")
        return dg.AssetCheckResult(
            passed=status.state in ("ok", "waiting for first run"),
            severity=dg.AssetCheckSeverity.WARN if warning else dg.AssetCheckSeverity.ERROR,
            metadata={"state": status.state, "last_status": str(status.last_status),
                      "last_error": str(status.last_error), "valid_until": str(subscription.valid_until)},
        )

    return _on_time


def subscription_definitions(subscriptions: list[Subscription]) -> dg.Definitions:
    assets, jobs, schedules, checks = [], [], [], []
    for subscription in subscriptions:
        job = dg.define_asset_job(f"share_{subscription.id}_job", selection=[share_key(subscription)])
        assets.append(_asset(subscription))
        jobs.append(job)
        schedules.append(_schedule(subscription, job))
        checks.append(_check(subscription))
    return dg.Definitions(assets=assets, jobs=jobs, schedules=schedules, asset_checks=checks)
