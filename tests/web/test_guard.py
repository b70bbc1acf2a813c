"""What a logged-in person may reach: refusals checked and recorded before anything is forwarded to Dagster.

No Dagster runs behind this app, so a request that got past the checks is answered 503 ("starting").
"""

import json

import pytest

LAUNCH = {"query": "mutation Go($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename } }",
          "variables": {"p": {"selector": {"jobName": "api_stats_job"}}}}
TERMINATE = {"query": 'mutation { terminateRun(runId: "4f1e") { __typename } }'}
STOP_SENSOR = {"query": 'mutation { stopSensor(jobOriginId: "o", jobSelectorId: "landing_files_sensor") { __typename } }'}
DENIALS = "select count(*) from control.audit_trail where outcome = 'denied' and actor = %s and target like %s"


@pytest.mark.parametrize(("body", "mutation", "missing"), [
    (LAUNCH, "launchRun", "run.launch"),
    (TERMINATE, "terminateRun", "run.terminate"),
    (STOP_SENSOR, "stopSensor", "run.freeze"),
])
def test_a_viewer_may_not_launch_terminate_or_freeze(web, body, mutation, missing):
    viewer = web.login("viewer")
    before = web.audit(DENIALS, ("t_viewer", f"dagster {mutation}%"))[0][0]
    answer = viewer.post("/graphql", json=body)
    assert answer.status_code == 403
    assert mutation in answer.json()["error"] and f"[{missing}]" in answer.json()["error"]
    assert web.audit(DENIALS, ("t_viewer", f"dagster {mutation}%"))[0][0] == before + 1


def test_the_denial_names_what_was_acted_on(web):
    web.login("viewer").post("/graphql", json=LAUNCH)
    (target, detail), = web.audit("select target, detail from control.audit_trail where actor = 't_viewer'"
                                  " and outcome = 'denied' order by seq desc limit 1")
    assert target == "dagster launchRun api_stats_job"
    assert detail["permission"] == "run.launch"


@pytest.mark.parametrize("spelled", [
    {"json": [{"query": "{ version }"}, LAUNCH]},
    {"json": {"query": "mutation { ...F } fragment F on Mutation { launchRun(executionParams: {}) { __typename } }"}},
    {"params": {"query": "mutation { hidden: launchRun(executionParams: {}) { __typename } }"}},
    {"content": b"mutation { launchRun(executionParams: {}) { __typename } }",
     "headers": {"Content-Type": "application/graphql"}},
    {"data": {"x": "1"}, "params": {"query": "mutation { launchRun(executionParams: {}) { __typename } }"}},
])
def test_a_launch_is_found_however_it_is_sent(web, spelled):
    viewer = web.login("viewer")
    answer = viewer.post("/graphql", **spelled)
    assert answer.status_code == 403, answer.text
    assert "launchRun" in answer.json()["error"]


def test_a_launch_sent_as_a_get_is_refused_too(web):
    query = "mutation { launchRun(executionParams: {}) { __typename } }"
    assert web.login("viewer").get("/graphql", params={"query": query}).status_code == 403


@pytest.mark.parametrize("mutation", ["wipeAssets(assetPartitionRanges: [])", "reportRunlessAssetEvents(eventParams: {})",
                                      "aMutationDagsterHasNotInvented"])
def test_some_mutations_are_refused_to_everyone(web, mutation):
    operator = web.login("operator")
    answer = operator.post("/graphql", json={"query": f"mutation {{ {mutation} {{ __typename }} }}"})
    assert answer.status_code == 403
    assert answer.json()["error"].startswith("nobody may run the Dagster mutation")
    name = mutation.split("(")[0]
    assert web.audit(DENIALS, ("t_operator", f"dagster {name}%"))[0][0] >= 1


def test_an_operator_passes_the_checks(web):
    """With no Dagster behind it, an allowed launch gets as far as the webserver's socket."""
    answer = web.login("operator").post("/graphql", json=LAUNCH)
    assert answer.status_code == 503
    assert "starting" in answer.json()["error"]


@pytest.mark.parametrize(("spelled", "says"), [
    ({"json": {"query": "mutation { launchRun("}}, "does not parse"),
    ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, "not JSON"),
    ({"json": {"query": 7}}, "must be a string"),
    ({"json": {"query": "{ version }", "variables": "[1, 2]"}}, "variables must be an object"),
    ({"json": {"query": "{ version }", "operationName": ["a"]}}, "operationName"),
    ({"json": {"variables": {}}}, "no GraphQL query"),
    ({"json": []}, "batch is empty"),
    ({"json": "just a string"}, "JSON object"),
    ({"content": b"\xff\xfe", "headers": {"Content-Type": "application/graphql"}}, "UTF-8"),
    ({"json": [{"query": "{ version }"}, {"query": "{ version }"}]}, "one GraphQL operation per request"),
])
def test_graphql_the_proxy_cannot_read_is_a_400(web, spelled, says):
    answer = web.login("viewer").post("/graphql", **spelled)
    assert answer.status_code == 400
    assert says in answer.json()["error"]


def test_a_graphql_post_from_another_site_is_refused(web):
    viewer = web.login("viewer")
    answer = viewer.post("/graphql", json={"query": "{ version }"}, headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403


def test_a_body_over_the_limit_is_a_413(web):
    viewer = web.login("viewer")
    answer = viewer.post("/graphql", content=json.dumps({"query": "{ version }", "pad": "x" * (2 << 20)}),
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


def test_someone_without_run_view_sees_a_403_naming_what_is_missing(web):
    auditor = web.login("audit_admin")
    page = auditor.get("/runs/")
    assert page.status_code == 403
    assert "run.view" in page.text and "<html" in page.text
    assert auditor.post("/graphql", json={"query": "{ version }"}).json()["error"].endswith("[run.view]")


def test_outside_graphql_the_dagster_ui_is_only_read(web):
    viewer = web.login("viewer")
    assert viewer.post("/report_asset_materialization/api/daily_stats").status_code == 405
    assert viewer.delete("/runs/").status_code == 405
    assert viewer.put("/platform/login").status_code == 404


def test_hostile_headers_and_paths_get_a_4xx_never_a_5xx(web):
    viewer = web.login("viewer")
    for headers in ({"Accept": "application/json;q=nan, text/html;q=x"}, {"Origin": "http://[::1"},
                    {"Content-Type": "application/json; charset=\x7f"}, {"Connection": "close, cookie, host"}):
        assert viewer.post("/graphql", content=b"{}", headers=headers).status_code < 500
    for path in ("/platform/%00", "/platform/catalog/%2e%2e/%2e%2e/etc/passwd", "/platform/login?next=%0d%0aX:1"):
        assert viewer.get(path).status_code < 500


def test_the_catalog_needs_catalog_view_and_says_when_it_is_not_generated(web):
    web.catalog_page.unlink(missing_ok=True)
    viewer = web.login("viewer")
    missing = viewer.get("/platform/catalog/")
    assert missing.status_code == 404
    assert "hubei-data catalog docs" in missing.text
    web.catalog_page.write_text("<html><body>dbt docs</body></html>")
    try:
        assert viewer.get("/platform/catalog/").text == "<html><body>dbt docs</body></html>"
        refused = web.login("operator").get("/platform/catalog/")
        assert refused.status_code == 403 and "catalog.view" in refused.text
    finally:
        web.catalog_page.unlink()
