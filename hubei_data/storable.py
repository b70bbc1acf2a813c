"""Any text as PostgreSQL can hold it: logs and the audit trail keep hostile input instead of failing on it."""

MAX_TEXT = 1000


def storable(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """NUL and unpaired surrogates escaped, at most `limit` characters (an ellipsis marks a cut)."""
    if text is None:
        return None
    text = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return text if len(text) <= limit else text[: limit - 1] + "…"
