"""The real Dagster webserver behind `hubei-data ui`: reached only over its private socket, through the login.

One `hubei-data ui` serves the whole module: starting Dagster takes most of a minute.
"""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from hubei_data import warehouse as warehouse_module
from hubei_data.web.session import COOKIE
from tests.people import TOKEN_VARIABLE, token
from tests.polling import wait_for
from tests.web.browsers import Web

CLI = str(Path(sys.executable).parent / "hubei-data")
JOB = "api_stats_job"
LOCATIONS = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"
LAUNCH = """mutation Launch($p: ExecutionParams!) {
    launchRun(executionParams: $p) { ... on LaunchRunSuccess { run { runId } } ... on Error { message } }
}"""
RUN_STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
LAUNCHES = ("select outcome, target, detail from control.audit_trail where action = %s and actor = 't_operator'"
            " order by seq desc limit 1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def platform(warehouse, tmp_path_factory):
    """`hubei-data ui` over the session's warehouse, its Dagster answering."""
    port = _free_port()
    log = tmp_path_factory.mktemp("ui") / "ui.log"
    with log.open("wb") as output:
        ui = subprocess.Popen([CLI, "ui", "--port", str(port)], stdout=output, stderr=subprocess.STDOUT,
                              env={**os.environ, TOKEN_VARIABLE: token(warehouse, "operator")})
    web = Web(f"http://127.0.0.1:{port}", warehouse.url, Path("unused"))
    viewer = []

    def answers() -> bool:
        try:
            viewer[:] = viewer or [web.login("viewer")]
        except httpx.TransportError:
            return False
        return viewer[0].get("/server_info").status_code == 200

    try:
        wait_for(answers, 240, f"Dagster behind the web process (see {log})", 1)
        yield web, ui
    finally:
        ui.send_signal(signal.SIGTERM)
        ui.wait(90)


@pytest.fixture(scope="module")
def selector(platform) -> dict:
    web, _ = platform
    answer = web.login("viewer").post("/graphql", json={"query": LOCATIONS})
    (repository,) = answer.json()["data"]["repositoriesOrError"]["nodes"]
    return {"repositoryLocationName": repository["location"]["name"], "repositoryName": repository["name"]}


def _launch(browser, selector: dict, job: str) -> dict:
    params = {"selector": {**selector, "jobName": job}, "runConfigData": {},
              "executionMetadata": {"tags": [{"key": "dagster/partition", "value": "2026-01-01"}]}}
    answer = browser.post("/graphql", json={"query": LAUNCH, "variables": {"p": params}})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["launchRun"]


def test_the_dagster_webserver_listens_only_on_a_private_socket(platform):
    web, ui = platform
    directory = warehouse_module.data_dir() / "web"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_ISSOCK((directory / "dagster.sock").stat().st_mode)
    port = int(web.base.rsplit(":", 1)[1])
    listening = {
        (process.pid, connection.laddr.port)
        for process in [psutil.Process(ui.pid), *psutil.Process(ui.pid).children(recursive=True)]
        for connection in process.net_connections(kind="inet") if connection.status == psutil.CONN_LISTEN
    }
    assert listening == {(ui.pid, port)}


def test_without_a_session_the_real_ui_answers_401(platform):
    web, _ = platform
    browser = web.browser()
    assert browser.get("/server_info").status_code == 401
    assert browser.post("/graphql", json={"query": "{ version }"}).status_code == 401


def test_a_viewer_reads_the_ui_but_may_not_launch(platform, selector):
    web, _ = platform
    viewer = web.login("viewer")
    page = viewer.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert viewer.post("/graphql", json={"query": "{ version }"}).json()["data"]["version"]
    read = viewer.get("/graphql", params={"query": "{ version }"}, headers={"Accept": "application/json"})
    assert read.json()["data"]["version"]
    refused = viewer.post("/graphql", json={"query": LAUNCH, "variables": {"p": {"selector": {**selector, "jobName": JOB}}}})
    assert refused.status_code == 403


def test_an_operator_launches_a_run_and_the_launch_is_audited(platform, selector):
    web, _ = platform
    operator = web.login("operator")
    launched = _launch(operator, selector, JOB)
    run_id = launched["run"]["runId"]
    outcome, target, detail = web.audit(LAUNCHES, ("run_launch",))[0]
    assert (outcome, target) == ("success", f"dagster launchRun {JOB} {selector['repositoryLocationName']}")
    assert detail["run_id"] == run_id and detail["result"] == "LaunchRunSuccess"
    assert "__typename" not in json.dumps(launched["run"]), "only the result's type was asked for"

    def ended():
        answer = operator.post("/graphql", json={"query": RUN_STATUS, "variables": {"id": run_id}})
        return answer.json()["data"]["runOrError"]["status"] in ("SUCCESS", "FAILURE", "CANCELED")

    wait_for(ended, 180, "the launched run to end", 1)

    terminate = operator.post("/graphql", json={"query": "mutation T($id: String!) { terminateRun(runId: $id) "
                                                         "{ __typename } }", "variables": {"id": run_id}})
    assert terminate.json()["data"]["terminateRun"]["__typename"] != "TerminateRunSuccess"
    outcome, target, _ = web.audit(LAUNCHES, ("run_terminate",))[0]
    assert (outcome, target) == ("failure", f"dagster terminateRun {run_id}")


def test_a_launch_dagster_refuses_is_audited_as_failed(platform, selector):
    web, _ = platform
    launched = _launch(web.login("operator"), selector, "no_such_job")
    assert "message" in launched
    outcome, target, detail = web.audit(LAUNCHES, ("run_launch",))[0]
    assert (outcome, target) == ("failure", f"dagster launchRun no_such_job {selector['repositoryLocationName']}")
    assert detail["result"].endswith("NotFoundError")


def test_the_live_updates_socket_needs_the_session_and_checks_what_it_starts(platform):
    web, _ = platform
    uri = web.base.replace("http", "ws", 1) + "/graphql"
    with pytest.raises(InvalidStatus) as refused:
        connect(uri, subprotocols=["graphql-ws"], additional_headers={"Origin": web.base})
    assert refused.value.response.status_code == 401

    cookie = f"{COOKIE}={web.login('viewer').cookies[COOKIE]}"
    with connect(uri, subprotocols=["graphql-ws"], additional_headers={"Cookie": cookie, "Origin": web.base}) as live:
        live.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(live.recv(30))["type"] == "connection_ack"
        live.send(json.dumps({"type": "start", "id": "1", "payload": {
            "query": "mutation { launchRun(executionParams: {}) { __typename } }"}}))
        error = json.loads(live.recv(30))
        assert (error["type"], error["id"]) == ("error", "1")
        assert "launchRun" in error["payload"][0]["message"]
        live.send(json.dumps({"type": "start", "id": "2", "payload": {
            "query": "subscription { locationStateChangeEvents { event { message } } }"}}))
        live.send(json.dumps({"type": "stop", "id": "2"}))
        live.send("not json")
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                live.recv(30)
        assert closed.value.rcvd.code == 4400


def test_the_ui_is_told_what_the_person_may_do(platform):
    web, _ = platform
    query = {"query": "{ unscopedPermissions: permissions { permission value disabledReason }"
                      " assetNodes { hasMaterializePermission hasWipePermission } }"}

    def permissions(role: str) -> dict:
        data = web.login(role).post("/graphql", json=query).json()["data"]
        found = {entry["permission"]: entry["value"] for entry in data["unscopedPermissions"]}
        for field in ("hasMaterializePermission", "hasWipePermission"):
            found[field] = {node[field] for node in data["assetNodes"]}
        return found

    viewer, operator = permissions("viewer"), permissions("operator")
    assert viewer["launch_pipeline_execution"] is False and viewer["stop_running_schedule"] is False
    assert operator["launch_pipeline_execution"] is True and operator["terminate_pipeline_execution"] is True
    assert viewer["wipe_assets"] is operator["wipe_assets"] is False
    assert (viewer["hasMaterializePermission"], operator["hasMaterializePermission"]) == ({False}, {True})
    assert viewer["hasWipePermission"] == operator["hasWipePermission"] == {False}
