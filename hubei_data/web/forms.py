"""Request bodies read with a limit, and HTML forms read from them."""

from urllib.parse import parse_qs

from starlette.requests import Request

from hubei_data.web.refusal import Refusal

FORM_LIMIT = 16 * 1024
MANY_FIELDS = 100  # a form with a group of check boxes, one field each


async def body(request: Request, limit: int) -> bytes:
    """The body, or a 413 as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal(413, f"the request body is over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal(413, f"the request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)



async def form(request: Request, lists: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
    """A URL-encoded form's fields (the first value of each, every value of those named in `lists`, such as a group
    of check boxes); other bodies are refused."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise Refusal(400, "send the form as application/x-www-form-urlencoded")
    raw = await body(request, FORM_LIMIT)
    try:
        fields = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                          max_num_fields=MANY_FIELDS if lists else 20)
    except (UnicodeDecodeError, ValueError):
        raise Refusal(400, "the form is not UTF-8 URL-encoded fields") from None
    return {name: values if name in lists else values[0] for name, values in fields.items()}
