"""Refuse request bodies over a limit as they are read, as plain ASGI (no per-request task)."""

from starlette.exceptions import HTTPException


class BodyLimit:
    """413 for a declared Content-Length over the limit, or a streamed body that grows past it.

    Refused when a route reads the body, not before: a route that refuses a caller first (the
    admin routes without the token) answers for itself, and the 413 goes through the app's
    error handling like any other refusal.
    """

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        received = 0

        async def counted():
            nonlocal received
            if declared is not None and self._over(declared):
                raise self._too_large()
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise self._too_large()
            return message

        await self.app(scope, counted, send)

    def _over(self, declared: bytes) -> bool:
        digits = declared.lstrip(b"0") or b"0"
        return not digits.isdigit() or len(digits) > len(str(self.limit)) or int(digits) > self.limit

    def _too_large(self) -> HTTPException:
        return HTTPException(413, f"a request body is at most {self.limit} bytes")
