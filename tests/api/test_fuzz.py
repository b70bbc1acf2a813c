"""A property-based fuzz of the OpenAPI spec, signed as a real consumer and administrator: never a 5xx."""

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from hubei_data import signing

EXAMPLES = 40


class SignedAsConsumerAndAdmin(requests.auth.AuthBase):
    """Signs the request exactly as sent (method, path and query, body bytes), and carries the token of the
    administrator the route is for."""

    def __init__(self, app_key: str, secret: str, service):
        self.app_key, self.secret, self.service = app_key, secret, service

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        request.headers.update(signing.sign(self.app_key, self.secret, request.method, request.path_url, body))
        request.headers["Authorization"] = f"Bearer {self.service.admin_token(request.path_url)}"
        return request


def test_no_operation_answers_a_5xx_to_anything(service):
    consumer = service.consumer()
    for api in service.app.state.specs:
        service.grant(consumer, api, rate_per_minute=100_000)
    auth = SignedAsConsumerAndAdmin(consumer.app_key, consumer.secret, service)
    schema = schemathesis.openapi.from_url(f"{service.base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    answered: dict[int, int] = {}
    for operation in operations:
        for mode in GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def fuzz(case):
                response = case.call_and_validate(base_url=service.base, auth=auth, checks=[not_a_server_error])
                answered[response.status_code] = answered.get(response.status_code, 0) + 1

            try:
                fuzz()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label  # no input to make invalid
    assert answered.get(200, 0) > 0 and answered.get(422, 0) > 0
    assert not any(status >= 500 for status in answered)
