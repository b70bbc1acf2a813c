"""What exchange adds: bureau push assets, sensors and SLA checks; a job, schedule and check per subscription."""

import dagster as dg

from hubei_data.exchange.assets import PUSH_ASSETS
from hubei_data.exchange.checks import SLA_CHECKS
from hubei_data.exchange.resources import bureau_resource
from hubei_data.exchange.sensors import PUSH_JOBS, PUSH_SENSORS
from hubei_data.exchange.subscription import load_subscriptions
from hubei_data.exchange.subscription_defs import subscription_definitions


def exchange_definitions() -> dg.Definitions:
    """Reads the registry's subscriptions; one the share library cannot serve stops the load naming its file."""
    return dg.Definitions.merge(
        dg.Definitions(
            assets=PUSH_ASSETS,
            asset_checks=SLA_CHECKS,
            jobs=PUSH_JOBS,
            sensors=PUSH_SENSORS,
            resources={"bureau": bureau_resource()},
        ),
        subscription_definitions(load_subscriptions()),
    )
