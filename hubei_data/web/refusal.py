"""How the web process refuses a request: a status and a message the person can act on."""


class Refusal(Exception):
    """A request answered with a 4xx or 503 instead of what it asked for."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message
