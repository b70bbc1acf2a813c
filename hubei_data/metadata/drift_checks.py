"""The schema-change check of every source's raw table: failing, with the diff, while a drift finding is open."""

import dagster as dg

from hubei_data.contracts import SOURCES
from hubei_data.metadata import findings
from hubei_data.resources import WarehouseResource

CHECK = "schema_drift"


def check_key(source: str) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(["raw", source]), CHECK)


def result(conn, source: str) -> dg.AssetCheckResult:
    """Passed when the source has no open finding; otherwise failed (an error when landing is refused, a warning
    when rows still flow) with each finding's diff."""
    return dg.AssetCheckResult(**_outcome(conn, source))


def report(conn, source: str) -> None:
    """Record the check's evaluation now, outside any run, so the UI shows a drift from the moment it is found
    or resolved rather than from the raw table's next build."""
    from hubei_data import runner

    runner.instance().report_runless_asset_event(dg.AssetCheckEvaluation(**_outcome(conn, source)))


def _outcome(conn, source: str) -> dict:
    found = findings.listed(conn, source=source)
    return {
        "asset_key": check_key(source).asset_key,
        "check_name": CHECK,
        "passed": not found,
        "severity": dg.AssetCheckSeverity.ERROR if any(f.breaking for f in found) else dg.AssetCheckSeverity.WARN,
        "description": ("; ".join(f"#{f.finding_id} ({f.channel}) {f.summary()}" for f in found)
                        or "the source's system table and files match its contract"),
        "metadata": {"open_findings": [f.finding_id for f in found],
                     "diff": dg.MetadataValue.json([{"finding": f.finding_id, "seen_in": f.channel,
                                                     "last_seen_in": f.last_seen_in, "changes": f.diff}
                                                    for f in found])},
    }


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(CHECK, asset=check_key(name).asset_key, blocking=False,
                             description="元数据漂移: no open schema drift finding, i.e. the source's system table"
                                         " (at harvest and daily extract) and landed files match its contract"
                                         " (`hubei-data drift list`).")
           for name in SOURCES],
    name="schema_drift_checks",
    can_subset=True,
)
def schema_drift_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    """Every source's schema-change check in one step, reading the findings harvests, extracts and landings
    recorded."""
    with warehouse.connect() as conn:
        for key in sorted(context.selected_asset_check_keys, key=str):
            yield result(conn, key.asset_key.path[1])
