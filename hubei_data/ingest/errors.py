"""The one error a user's bad input raises during ingestion."""


class IngestError(ValueError):
    """A file or extract that cannot be landed, with the file and the reason."""

    def __init__(self, origin: str, reason: str):
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason
