"""The Dagster UI told what the person asking may do, so it greys out what the platform would refuse.

The UI asks the webserver for its `permissions` (of the deployment, of each code location) and for
`has...Permission` fields of assets, runs, schedules and sensors, and disables every button a `false`
names. The webserver answers for itself, all true; the answer is rewritten to the platform's permissions
of the person, the refusals at /graphql staying the rule either way.
"""

import json

from hubei_data.control import sessions
from hubei_data.control.permissions import Permission
from hubei_data.web.graphql_ops import Document

P = Permission
# Dagster's permission names (dagster._core.workspace.permissions) → the platform's; absent: nobody.
DAGSTER = {
    **dict.fromkeys(["launch_pipeline_execution", "launch_pipeline_reexecution", "launch_partition_backfill",
                     "reload_repository_location", "reload_workspace", "sensor_dry_run", "schedule_dry_run"],
                    P.RUN_LAUNCH),
    **dict.fromkeys(["terminate_pipeline_execution", "delete_pipeline_run", "cancel_partition_backfill"],
                    P.RUN_TERMINATE),
    **dict.fromkeys(["start_schedule", "stop_running_schedule", "edit_sensor", "update_sensor_cursor",
                     "toggle_auto_materialize"], P.RUN_FREEZE),
}
# The same for the `has...Permission` fields; absent (wiping, hand-made reports): nobody.
FIELDS = {
    **dict.fromkeys(["hasMaterializePermission", "hasLaunchExecutionPermission", "hasLaunchReexecutionPermission",
                     "hasReExecutePermission", "hasLaunchBackfillPermission", "hasResumePermission"], P.RUN_LAUNCH),
    **dict.fromkeys(["hasTerminatePermission", "hasDeletePermission", "hasCancelPermission",
                     "hasCancelBackfillPermission"], P.RUN_TERMINATE),
    **dict.fromkeys(["hasStartPermission", "hasStopPermission", "hasCursorUpdatePermissions"], P.RUN_FREEZE),
}
NOBODY = "not through the platform's web"


def asked(document: Document) -> bool:
    return "ermission" in document.text


def rewritten(content: bytes, person: sessions.Identity) -> bytes:
    """The answer with each Dagster permission the person lacks set false and why; other answers as they were."""
    try:
        answer = json.loads(content)
    except (ValueError, RecursionError):
        return content
    _rewrite(answer, person, 12)
    return json.dumps(answer).encode()


def _rewrite(value: object, person: sessions.Identity, depth: int) -> None:
    if depth < 0:
        return
    if isinstance(value, dict):
        if isinstance(value.get("permission"), str) and value.get("value") is True:
            needed = DAGSTER.get(value["permission"])
            if needed is None or not person.may(needed):
                value["value"] = False
                value["disabledReason"] = f"{person.username} may not: needs [{needed}]" if needed else NOBODY
        for key, item in value.items():
            if key.startswith("has") and key.endswith(("Permission", "Permissions")) and item is True:
                needed = FIELDS.get(key)
                value[key] = needed is not None and person.may(needed)
            else:
                _rewrite(item, person, depth - 1)
    elif isinstance(value, list):
        for item in value:
            _rewrite(item, person, depth - 1)
