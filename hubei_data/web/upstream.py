"""The private Dagster webserver, reached over its Unix socket: requests forwarded, responses streamed back."""

from collections.abc import Collection
from pathlib import Path

import anyio
import httpx
from starlette.requests import Request
from starlette.responses import StreamingResponse

from hubei_data.web.refusal import Refusal

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
    "upgrade",
})
# Our session cookie is nobody else's business, and the forwarding headers are ours to write.
_NOT_FORWARDED = HOP_BY_HOP | {
    "host", "cookie", "authorization", "content-length", "forwarded", "x-forwarded-for", "x-forwarded-proto",
    "x-forwarded-host",
}
# uvicorn writes its own date and server headers.
NOT_RETURNED = HOP_BY_HOP | {"set-cookie", "date", "server"}
TIMEOUT = httpx.Timeout(300.0, connect=5.0)
STARTING = "the Dagster UI is starting or has stopped; try again in a minute"


class Upstream:
    """An HTTP client bound to the webserver's socket."""

    def __init__(self, socket: Path):
        self.socket = socket
        self.client = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(uds=str(socket)), timeout=TIMEOUT)

    async def close(self) -> None:
        await self.client.aclose()

    async def send(self, request: Request, method: str, raw_target: bytes, content: bytes | None = None,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        """Send the client's headers with this method, path and query (as sent) and body; the response's body is
        left to read. Dagster not answering is a 503, 502 or 504."""
        outgoing = httpx.Request(
            method, httpx.URL("http://dagster", raw_path=raw_target),
            headers=[*forwarded_headers(request, list(headers or ())), *(headers or {}).items()], content=content,
        )
        try:
            return await self.client.send(outgoing, stream=True)
        except httpx.ConnectError:
            raise Refusal(503, STARTING) from None
        except httpx.TimeoutException:
            raise Refusal(504, "the Dagster UI did not answer in time") from None
        except httpx.HTTPError:
            raise Refusal(502, "the Dagster UI broke off its answer") from None


def forwarded_headers(request: Request, replaced: Collection[str] = ()) -> list[tuple[str, str]]:
    """The client's end-to-end headers (less those `replaced`), and where the request came from."""
    named = {name.strip().lower() for name in request.headers.get("connection", "").split(",")}
    dropped = _NOT_FORWARDED | named | {name.lower() for name in replaced}
    kept = [(name, value) for name, value in request.headers.items() if name not in dropped]
    return [
        *kept,
        ("host", request.headers.get("host", "localhost")),
        ("x-forwarded-for", request.client.host if request.client else "unknown"),
        ("x-forwarded-proto", request.url.scheme),
    ]


def raw_target(request: Request) -> bytes:
    """The path and query exactly as the client sent them."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    return path + (b"?" + query if query else b"")


def streamed(response: httpx.Response) -> StreamingResponse:
    """The upstream response passed on as it arrives, still encoded as Dagster encoded it."""
    named = {name.strip().lower() for name in response.headers.get("connection", "").split(",")}
    headers = [(name, value) for name, value in response.headers.multi_items() if name.lower() not in NOT_RETURNED | named]
    streaming = StreamingResponse(_passed_on(response), status_code=response.status_code)
    streaming.raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    return streaming


async def _passed_on(response: httpx.Response):
    try:
        async for chunk in response.aiter_raw():
            yield chunk
    finally:
        # Also when the client went away mid-answer: the connection goes back to the pool either way.
        with anyio.CancelScope(shield=True):
            await response.aclose()
