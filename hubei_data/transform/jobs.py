"""The build job: every library, or the part of it a command or sensor selects."""

import dagster as dg

from hubei_data.transform.selection import OUTSIDE_BUILDS

# On a build chosen after a landing run: that run's id.
AFTER_RUN_TAG = "hubei_data/after_run"

build_all_job = dg.define_asset_job(
    "build_all_job",
    selection=dg.AssetSelection.all() - OUTSIDE_BUILDS,
    description="Lands every pending file and the chosen days of every source database, "
    "then builds every library (pushes are started by their own sensors).",
)
