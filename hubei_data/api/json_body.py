"""Request bodies: JSON only, read by pydantic's parser, which refuses what Python's would choke on.

One parser for every route: deep nesting, numbers of thousands of digits, unpaired surrogates
and bytes that are not UTF-8 are a 400, never a 500 or a value PostgreSQL cannot hold.
"""

import json

import pydantic_core
from fastapi import Request
from pydantic import BaseModel, ValidationError

from hubei_data.api.errors import Refused

JSON = "application/json"
MAX_WHERE = 100


def is_json(content_type: str | None) -> bool:
    """Whether a body of this Content-Type is read as JSON: application/json (a charset aside), or none given.

    A body sent without a type is still parsed as JSON, and refused if it is not; a body declared
    as something else (a form, plain text) is refused as that.
    """
    return content_type is None or content_type.split(";")[0].strip().lower() == JSON


def require_json(request: Request) -> None:
    if not is_json(request.headers.get("content-type")):
        raise Refused(415, f"send the body as Content-Type: {JSON}")


def parse(model: type[BaseModel], body: bytes) -> dict:
    """The body as the model's values; 400 when it is not JSON, 422 when it is not as declared."""
    try:
        return model.model_validate_json(body or b"{}").model_dump()
    except ValidationError as exc:
        raise Refused(*refusal(exc.errors())) from None


def refusal(errors: list[dict]) -> tuple[int, str]:
    """The status and message for a body's validation errors."""
    for error in errors:
        if error["type"] == "json_invalid":
            return 400, f"the body is not JSON: {error.get('ctx', {}).get('error', error['msg'])}"
        if error["type"] == "model_type" and error["loc"] in ((), ("body",)):
            return 422, "the body is a JSON object of parameters"
    return 422, "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in errors[:10])


def _where(loc: tuple) -> str:
    """Where in the body an error is, cut short: a key may be as long as the body."""
    where = ".".join(str(p) for p in loc if p != "body") or "body"
    return where if len(where) <= MAX_WHERE else where[: MAX_WHERE - 1] + "…"


class JsonRequest(Request):
    """A request whose JSON body is read by pydantic's parser, for routes whose bodies FastAPI reads."""

    async def json(self):
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = pydantic_core.from_json(body)
            except ValueError as exc:
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from None
        return self._json
