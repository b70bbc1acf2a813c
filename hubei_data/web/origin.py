"""Refusing requests another site makes a browser send: the Origin (or Referer) must name this host."""

from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from hubei_data.web.refusal import Refusal

CROSS_SITE = "refused: the request came from another site"


def check_same_site(connection: HTTPConnection, required: bool) -> None:
    """Refuse (403) a request whose Origin or Referer names another host; with `required`, one that names none."""
    named = connection.headers.get("origin") or connection.headers.get("referer")
    if named is None:
        if required:
            raise Refusal(403, f"{CROSS_SITE}: it says neither its Origin nor its Referer")
        return
    host = connection.headers.get("host", "")
    try:
        netloc = urlsplit(named).netloc
    except ValueError:
        netloc = ""
    if not host or netloc.lower() != host.lower():
        raise Refusal(403, CROSS_SITE)
