"""Source contracts (docs/sources.md declared once) and the validators of Chinese data standards."""

from hubei_data.contracts.model import Column, Rule, Source
from hubei_data.contracts.sources import SOURCES

__all__ = ["SOURCES", "Column", "Rule", "Source", "UnknownSourceError", "source"]


class UnknownSourceError(ValueError):
    """A source name that the interface (docs/sources.md) does not define."""


def source(name: str) -> Source:
    """The contract of one source, with a clear error for a name that is not one."""
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSourceError(
            f"unknown source {name!r}; the sources are: {', '.join(SOURCES)}"
        ) from None
