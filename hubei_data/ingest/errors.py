"""The errors a user's bad input raises during ingestion."""


class IngestError(ValueError):
    """A file or extract that cannot be landed, with the file and the reason."""

    def __init__(self, origin: str, reason: str):
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class UnreadableFile(ValueError):
    """A file that cannot be read, for whatever reason; `sha256` when its bytes could be hashed."""

    def __init__(self, reason: str, sha256: str | None = None):
        super().__init__(reason)
        self.sha256 = sha256


def unreadable(error: OSError) -> UnreadableFile:
    """A file gone, locked or replaced between listing and reading, said in one line."""
    return UnreadableFile(f"the file cannot be read: {error.strerror or error}")
