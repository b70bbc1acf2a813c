"""`/graphql` over a websocket, the UI's live updates: the handshake checked by cookie, each operation it starts
checked as an HTTP one is, the session checked again while the socket stays open."""

import json
from contextlib import suppress
from functools import partial

import anyio
from starlette.responses import JSONResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, unix_connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from hubei_data.control import sessions
from hubei_data.control.permissions import Permission
from hubei_data.web.graphql_ops import Unreadable
from hubei_data.web.graphql_request import from_values
from hubei_data.web.graphql_route import PATH, authorize
from hubei_data.web.origin import check_same_site
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import identity, require
from hubei_data.web.upstream import STARTING

# graphql-ws ("start") and graphql-transport-ws ("subscribe") both carry an operation in their payload.
_STARTS = ("start", "subscribe")
RECHECK_SECONDS = 60
# Run logs arrive in large batches; a client sends only small messages.
UPSTREAM_MAX_BYTES = 16 * 1024 * 1024
SESSION_ENDED = 4401
UNREADABLE = 4400


async def graphql_socket(websocket: WebSocket) -> None:
    try:
        check_same_site(websocket, required=False)
        person = await require(websocket, Permission.RUN_VIEW, f"dagster {PATH} websocket")
    except Refusal as refusal:
        await websocket.send_denial_response(JSONResponse({"error": refusal.message}, status_code=refusal.status))
        return
    try:
        upstream = await unix_connect(
            str(websocket.app.state.upstream.socket), f"ws://dagster{PATH}",
            subprotocols=websocket.scope.get("subprotocols") or None, max_size=UPSTREAM_MAX_BYTES,
            user_agent_header=None,
        )
    except (OSError, ValueError, WebSocketException, TimeoutError):  # not started, or a subprotocol it cannot send
        await websocket.send_denial_response(JSONResponse({"error": STARTING}, status_code=503))
        return
    async with upstream:
        await websocket.accept(subprotocol=upstream.subprotocol)
        async with anyio.create_task_group() as tasks:

            async def until_either_ends(pump) -> None:
                with suppress(WebSocketDisconnect, ConnectionClosed):
                    await pump()
                tasks.cancel_scope.cancel()

            tasks.start_soon(until_either_ends, partial(_from_client, websocket, upstream, person))
            tasks.start_soon(until_either_ends, partial(_from_dagster, websocket, upstream))
            tasks.start_soon(until_either_ends, partial(_recheck, websocket))


async def _from_client(websocket: WebSocket, upstream: ClientConnection, person: sessions.Identity) -> None:
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        try:
            message = json.loads(received.get("text") or "")
        except (ValueError, RecursionError):
            message = None
        if not isinstance(message, dict):
            await websocket.close(UNREADABLE, "messages are JSON objects")
            return
        if message.get("type") in _STARTS:
            try:
                call = from_values(message.get("payload"))
                await authorize(websocket, person, call)
            except (Unreadable, Refusal) as refused:
                await websocket.send_json({"type": "error", "id": message.get("id"),
                                           "payload": [{"message": str(refused)}]})
                continue
            message["payload"] = {**message["payload"], "query": call.document.text}
        await upstream.send(json.dumps(message))


async def _from_dagster(websocket: WebSocket, upstream: ClientConnection) -> None:
    async for message in upstream:
        if isinstance(message, str):
            await websocket.send_text(message)
        else:
            await websocket.send_bytes(message)
    await websocket.close()


async def _recheck(websocket: WebSocket) -> None:
    """End the socket soon after its session ends, so logging out stops the live updates too."""
    while True:
        await anyio.sleep(RECHECK_SECONDS)
        try:
            await identity(websocket)
        except Refusal as refusal:
            await websocket.close(SESSION_ENDED, refusal.message[:100])
            return


ROUTES = [WebSocketRoute(PATH, graphql_socket)]
