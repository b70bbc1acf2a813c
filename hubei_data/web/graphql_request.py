"""GraphQL calls read from an HTTP request the way the Dagster webserver reads them, and re-encoded to forward.

The webserver takes a GET's query string, a POST's JSON object or `application/graphql` text, and for
any other POST the query string. Reading each the same way, and forwarding only what was read, makes
the document checked the document run.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from hubei_data.web import graphql_ops
from hubei_data.web.forms import body
from hubei_data.web.graphql_ops import Unreadable

MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Call:
    """One operation to run: its document, variables and chosen operation."""

    document: graphql_ops.Document
    variables: dict | None
    operation_name: str | None

    def payload(self) -> dict:
        return {"query": self.document.text, "variables": self.variables, "operationName": self.operation_name}

    def query_string(self) -> str:
        values = {"query": self.document.text, "operationName": self.operation_name,
                  "variables": json.dumps(self.variables) if self.variables is not None else None}
        return urlencode({name: value for name, value in values.items() if value is not None})


async def calls(request: Request) -> tuple[list[Call], bool]:
    """The calls the request carries (none for a GET asking for no query) and whether they came as a batch."""
    if request.method != "POST":
        return ([from_values(request.query_params)] if "query" in request.query_params else []), False
    content_type = request.headers.get("content-type", "")
    if "application/json" in content_type:
        try:
            data = json.loads(await body(request, MAX_BODY))
        except (ValueError, RecursionError):
            raise Unreadable("the GraphQL request is not JSON") from None
        if isinstance(data, list):
            if not data:
                raise Unreadable("the GraphQL batch is empty")
            return [from_values(item) for item in data], True
        return [from_values(data)], False
    if "application/graphql" in content_type:
        try:
            return [from_values({"query": (await body(request, MAX_BODY)).decode()})], False
        except UnicodeDecodeError:
            raise Unreadable("the GraphQL query is not UTF-8") from None
    return [from_values(request.query_params)], False


def from_values(values: object) -> Call:
    """A call from a JSON object or query parameters: `query`, `variables` (an object, or one as JSON text)
    and `operationName`."""
    if not isinstance(values, Mapping):
        raise Unreadable("a GraphQL request is a JSON object with a query")
    if values.get("query") is None:
        raise Unreadable("no GraphQL query found in the request")
    variables = values.get("variables")
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except (ValueError, RecursionError):
            raise Unreadable("the GraphQL variables are not JSON") from None
    if variables is not None and not isinstance(variables, dict):
        raise Unreadable("the GraphQL variables must be an object")
    operation_name = values.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise Unreadable("the GraphQL operationName must be a string")
    return Call(graphql_ops.read(values["query"]), variables, operation_name)
