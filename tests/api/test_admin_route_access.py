"""Every role × every admin route, generated from the permission table: 403 with an audit row where the
table says no, through the route's own handling where it says yes."""

import pytest
import requests

from hubei_data.control.permissions import COMMAND_PERMISSION, Role
from tests import people

ROUTES = sorted(route for route in COMMAND_PERMISSION if not route.startswith("hubei-data"))
BODIES = {"POST /admin/consumers": {"name": "省医保局", "department": "省医疗保障局"}}


@pytest.mark.parametrize("role", Role, ids=str)
def test_a_role_reaches_an_admin_route_exactly_when_the_table_says(service, role):
    token = people.token(service.url, role)
    for route in ROUTES:
        method, path = route.split(" ")
        answer = requests.request(method, service.base + path.replace("{grant_id}", "999999"),
                                  json=BODIES.get(route, {}) if method == "POST" else None,
                                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
        if COMMAND_PERMISSION[route] in role.permissions:
            assert answer.status_code in (200, 201, 404), (route, answer.text)
        else:
            assert answer.status_code == 403, (route, answer.text)
            assert answer.json()["error"].endswith(f"[{COMMAND_PERMISSION[route]}]")
            assert service.logged("select actor, outcome from control.audit_trail where action = 'access'"
                                  " and target = %s order by seq desc limit 1", (route,)) == [
                (people.person(service.url, role), "denied")]


@pytest.mark.parametrize("header", [
    "Bearer hd_" + "A" * 43, "Bearer ' or 1=1 --", "Basic YWRtaW46YWRtaW4=", "Bearer", "bearer  ", "x" * 5000,
], ids=["unknown token", "SQL", "basic", "empty", "blank", "long"])
def test_a_forged_or_malformed_bearer_is_401_with_an_audit_row(service, header):
    before = service.logged("select count(*) from control.audit_trail where action = 'session_refused'")[0][0]
    answer = requests.get(service.base + "/admin/grants", headers={"Authorization": header}, timeout=10)
    assert answer.status_code == 401 and answer.json()["error"].startswith("not logged in")
    assert service.logged("select count(*) from control.audit_trail where action = 'session_refused'")[0][0] == before + 1
