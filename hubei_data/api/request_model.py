"""Each API's request body as a pydantic model: declared parameters only, typed and bounded."""

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from hubei_data.api.spec import ApiSpec

# No NUL or other control characters: PostgreSQL text cannot hold NUL, and none belong in a lookup.
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
BigInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
_TYPES = {"string": Text, "integer": BigInt, "number": Number, "date": dt.date, "boolean": bool}
MAX_IN_VALUES = 100


def request_model(spec: ApiSpec) -> type[BaseModel]:
    fields = {}
    for param in spec.params:
        value = _TYPES[param.type]
        if param.op == "in":
            value = Annotated[list[value], Field(min_length=1, max_length=MAX_IN_VALUES)]
        for name in param.request_names:
            fields[name] = (value, ...) if param.required and param.op != "range" else (value | None, None)
    fields["page"] = (int, Field(1, ge=1, le=10_000))
    fields["page_size"] = (int, Field(spec.default_page_size, ge=1, le=spec.max_page_size))
    return create_model(
        f"{spec.name}_request", __config__=ConfigDict(extra="forbid", strict=False), __doc__=spec.title, **fields
    )


def missing_choice(spec: ApiSpec, values: dict) -> str | None:
    """Why the request is refused for giving none of the parameters it must give one of."""
    given = {p.name for p in spec.params if any(values.get(n) is not None for n in p.request_names)}
    if spec.require_any and not given & set(spec.require_any):
        return f"give at least one of: {', '.join(spec.require_any)}"
    return None
