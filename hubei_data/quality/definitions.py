"""What quality adds to the platform: pandera checks on every layer."""

import dagster as dg

from hubei_data.quality.checks import PANDERA_CHECKS


def quality_definitions() -> dg.Definitions:
    return dg.Definitions(asset_checks=PANDERA_CHECKS)
