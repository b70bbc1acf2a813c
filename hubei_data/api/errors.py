"""How the service refuses: a status and a message the caller can act on, as JSON."""

from fastapi.responses import JSONResponse


class Refused(Exception):
    """A call answered with a 4xx (or 503, 504): the status and a message for the caller."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)
