"""`/graphql` over HTTP: every operation read, checked against the person's permissions, forwarded, audited."""

import json

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route

from hubei_data.control import sessions
from hubei_data.control.permissions import Permission
from hubei_data.web import graphql_request, operation_audit, ui_permissions
from hubei_data.web.graphql_ops import Unreadable
from hubei_data.web.graphql_request import Call
from hubei_data.web.origin import check_same_site
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require, source
from hubei_data.web.upstream import NOT_RETURNED, streamed

PATH = "/graphql"


async def graphql(request: Request) -> Response:
    check_same_site(request, required=False)
    person = await require(request, Permission.RUN_VIEW, f"dagster {PATH}")
    try:
        calls, batched = await graphql_request.calls(request)
    except Unreadable as unreadable:
        raise Refusal(400, str(unreadable)) from None
    for call in calls:
        await authorize(request, person, call)
    if batched:
        raise Refusal(400, "send one GraphQL operation per request: the Dagster webserver takes no batches")
    upstream = request.app.state.upstream
    if request.method != "POST":
        target = PATH + (f"?{calls[0].query_string()}" if calls else "")
        return streamed(await upstream.send(request, request.method, target.encode()))
    call = calls[0]
    audited = [mutation for mutation in call.document.mutations if mutation.rule.action]
    rewrite = ui_permissions.asked(call.document)
    # Answers to audit or to rewrite are read whole and unencoded; the rest stream through.
    headers = {"content-type": "application/json"} | ({"accept-encoding": "identity"} if audited or rewrite else {})
    answer = await upstream.send(request, "POST", PATH.encode(), json.dumps(call.payload()).encode(), headers)
    if not (audited or rewrite):
        return streamed(answer)
    try:
        content = await answer.aread()
    finally:
        await answer.aclose()
    if audited:
        await _record(request, person, call, audited, answer.status_code, content)
    if rewrite:
        content = ui_permissions.rewritten(content, person)
    # `aread` decoded the body, so its length and encoding are this response's own.
    dropped = NOT_RETURNED | {"content-length", "content-encoding"}
    kept = {name: value for name, value in answer.headers.items() if name not in dropped}
    return Response(content, status_code=answer.status_code, headers=kept)


async def authorize(connection: HTTPConnection, person: sessions.Identity, call: Call) -> None:
    """Return when the person may run every mutation in the call; otherwise a 403 `Refusal`, the denial audited."""
    database = connection.app.state.database
    for mutation in call.document.mutations:
        target = operation_audit.target(mutation, call.variables)
        if mutation.rule.permission is None:
            message = await database.run(operation_audit.refuse, person.username, source(connection), mutation, target)
            raise Refusal(403, message)
        try:
            await database.run(sessions.authorize, person, mutation.rule.permission, target, source(connection))
        except sessions.Denied as denied:
            raise Refusal(403, f"{mutation.name}: {denied}") from None


async def _record(request: Request, person: sessions.Identity, call: Call, audited, status: int, content: bytes):
    try:
        answer = json.loads(content)
    except (ValueError, RecursionError):
        answer = None
    for mutation in audited:
        await request.app.state.database.run(
            operation_audit.record, person.username, source(request), mutation,
            operation_audit.target(mutation, call.variables), status, answer, call.operation_name)


ROUTES = [Route(PATH, graphql, methods=["GET", "HEAD", "POST"])]
