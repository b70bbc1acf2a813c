"""Audit rows for the Dagster operations that change something: who, from where, which, on what, how it ended."""

import re

import psycopg

from hubei_data.control import audit_trail
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.web.graphql_ops import Mutation

# Dagster's result types say how an operation ended: LaunchRunSuccess, but RunConfigValidationInvalid,
# PipelineNotFoundError, RunConflict, TerminateRunFailure, UnauthorizedError, PythonError, ...
_FAILED = re.compile(r"Error|Invalid|NotFound|Conflict|Failure|Unauthorized|Missing")
# The arguments that name what an operation acts on, the most telling first.
_NAMES = ("jobName", "pipelineName", "runId", "runIds", "backfillId", "scheduleName", "sensorName", "jobOriginId",
          "partitionSetName", "repositoryLocationName")
_MAX_NAMES = 5


def target(mutation: Mutation, variables: dict | None) -> str:
    """`dagster <mutation>` and the jobs, runs, schedules or sensors its arguments name."""
    found = sorted(_named(mutation.argument_values(variables), 4), key=lambda pair: _NAMES.index(pair[0]))
    names = list(dict.fromkeys(value for _, value in found))[:_MAX_NAMES]
    return " ".join(["dagster", mutation.name, *names])


def outcome(mutation: Mutation, status: int, response: object) -> tuple[Outcome, dict]:
    """How the operation ended, from the webserver's status and answer, and what to record of it."""
    data = response.get("data") if isinstance(response, dict) else None
    result = data.get(mutation.response_key) if isinstance(data, dict) else None
    detail = {"mutation": mutation.name, "status": status}
    if isinstance(result, bool):
        return (Outcome.SUCCESS if status == 200 and result else Outcome.FAILURE), detail
    if status != 200 or not isinstance(result, dict):
        return Outcome.FAILURE, detail
    detail["result"] = str(result.get("__typename", ""))
    run = result.get("run")
    if isinstance(run, dict) and isinstance(run.get("runId"), str):
        detail["run_id"] = run["runId"]
    failed = any(_FAILED.search(name) for name in _typenames(result, 3))
    return (Outcome.FAILURE if failed else Outcome.SUCCESS), detail


def record(conn: psycopg.Connection, actor: str, source: str, mutation: Mutation, target_text: str,
           status: int, response: object, operation_name: str | None) -> None:
    """Write the operation's audit row."""
    result, detail = outcome(mutation, status, response)
    if operation_name:
        detail["operation"] = operation_name
    audit_trail.append(conn, actor, source, mutation.rule.action, target_text, result, detail)


def refuse(conn: psycopg.Connection, actor: str, source: str, mutation: Mutation, target_text: str) -> str:
    """Record that nobody may run this mutation through the web; the message saying so."""
    message = f"nobody may run the Dagster mutation {mutation.name} through the web: {mutation.rule.refused}"
    audit_trail.append(conn, actor, source, Action.ACCESS, target_text, Outcome.DENIED, {"refused": message})
    return message


def _named(value: object, depth: int):
    if depth < 0:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _NAMES and isinstance(item, str):
                yield key, item
            elif key in _NAMES and isinstance(item, list):
                yield from ((key, element) for element in item[:_MAX_NAMES] if isinstance(element, str))
            else:
                yield from _named(item, depth - 1)
    elif isinstance(value, list):
        for item in value[:_MAX_NAMES]:
            yield from _named(item, depth - 1)


def _typenames(value: object, depth: int):
    if depth < 0:
        return
    if isinstance(value, dict):
        if isinstance(value.get("__typename"), str):
            yield value["__typename"]
        for item in value.values():
            yield from _typenames(item, depth - 1)
    elif isinstance(value, list):
        for item in value:
            yield from _typenames(item, depth - 1)
