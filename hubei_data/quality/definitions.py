"""What quality adds to the platform: pandera checks on every layer, column profiles and rectification tickets."""

import dagster as dg

from hubei_data.quality.checks import PANDERA_CHECKS
from hubei_data.quality.profile_assets import quality_profiles
from hubei_data.quality.ticket_assets import quality_tickets


def quality_definitions() -> dg.Definitions:
    return dg.Definitions(assets=[quality_profiles, quality_tickets], asset_checks=PANDERA_CHECKS)
