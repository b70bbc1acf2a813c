"""End to end through the command line, as a newcomer runs it, on the real embedded PostgreSQL: the services
round the data path (bureau, front-end databases, query, data API, metrics) and the people who use them."""

import datetime as dt
import json
import os
import subprocess

import psycopg
import pytest

from hubei_data import warehouse as wh
from hubei_data.beijing_time import LOCAL
from hubei_data.exchange.subscription_status import EXPIRY_NOTICE_DAYS
from tests.demo_run import CLI, as_allowed, counts, run
from tests.people import TOKEN_VARIABLE

pytestmark = pytest.mark.slow


def test_the_bureau_holds_each_feed_exactly_once_despite_faults(demo, tmp_path, monkeypatch):
    import socket
    import sqlite3
    import time

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HUBEI_DATA_BUREAU_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HUBEI_DATA_BUREAU_APP_KEY", "hubei-e2e")
    monkeypatch.setenv("HUBEI_DATA_BUREAU_APP_SECRET", "e2e-secret")
    simulator = subprocess.Popen(
        [*CLI, "bureau-sim", "--port", str(port), "--data", str(tmp_path), "--error-rate", "0.1",
         "--rate-limit-rate", "0.1", "--drop-rate", "0.1", "--seed", "5"],
        env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/_sim/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        pushed = run("push", "bureau")
        assert "penalty:" in pushed.stdout and "cosmetic_filing:" in pushed.stdout
        lines = [json.loads(line) for line in run("push", "status", "--format", "json").stdout.splitlines()]
        states = [s for s in lines if "feed" in s]
        assert {s["feed"] for s in states} == {"cosmetic_filing", "drug_sampling", "penalty"}
        for state in states:
            assert state["state"] == "up to date" and state["acknowledged"] + state["rejected"] == state["records"] > 0
        rejected = [json.loads(line) for line in run("quality", "issues", "--source", "bureau:penalty").stdout.splitlines()]
        with wh.connect() as conn:
            incomplete = conn.execute(
                "select case_no, concat_ws('; ', case when uscc is null then 'uscc is required' end,"
                " case when enterprise_name is null then 'enterprise_name is required' end,"
                " case when decided_on is null then 'decided_on is required' end) from share.penalty_info"
                " where enterprise_name is null or decided_on is null or uscc is null"
            ).fetchall()
        assert sorted((r["key"], r["detail"]) for r in rejected) == sorted(incomplete)
        assert "False" not in run("push", "reconcile").stdout
        held = dict(sqlite3.connect(tmp_path / "bureau.sqlite").execute(
            "select feed, count(*) from records group by feed").fetchall())
        assert held == {s["feed"]: s["acknowledged"] for s in states}
    finally:
        simulator.terminate()
        simulator.wait(10)


def test_subscriptions_fill_their_front_end_databases(demo, mariadb, monkeypatch):
    import sqlalchemy as sa

    wh.drop_database("yibao_front")
    yibao = wh.create_database("yibao_front").url
    gongan = mariadb.database("gongan_front")
    monkeypatch.setenv("HUBEI_DATA_TARGET_YIBAO_URL", yibao)
    monkeypatch.setenv("HUBEI_DATA_TARGET_GONGAN_URL", gongan)
    result = run("push", "share")
    assert "yibao_penalty: succeeded" in result.stdout and "gongan_newborn: succeeded" in result.stdout
    with wh.connect() as conn:
        penalties = conn.execute(
            "select case_no from share.penalty_info where decided_on >= '2024-01-01' order by 1").fetchall()
        newborns = conn.execute(
            "select record_id from share.newborn_vaccination where birth_date >= '2025-01-01' order by 1").fetchall()
    for url, table, expected in ((yibao, "yj_penalty_info", penalties), (gongan, "wjw_newborn_vaccination", newborns)):
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            held = conn.execute(sa.text(f"select * from {table}")).fetchall()
        engine.dispose()
        assert sorted((r[0],) for r in held) == expected and expected
    states = [json.loads(line) for line in run("push", "status", "--format", "json").stdout.splitlines()]
    today = dt.datetime.now(LOCAL).date()
    shares = [s for s in states if "subscription" in s]
    assert {s["subscription"] for s in shares} == {"yibao_penalty", "gongan_newborn"}
    for share in shares:
        notice = dt.date.fromisoformat(share["valid until"]) - today <= dt.timedelta(days=EXPIRY_NOTICE_DAYS)
        assert share["state"] == ("expiring" if notice else "ok"), share
    assert "yibao_penalty: succeeded, 0 rows" in run("push", "share", "--subscription", "yibao_penalty").stdout


def test_query_is_read_only(demo):
    result = run("query", "delete from raw.enterprise", check=False)
    assert result.returncode == 1 and "read-only" in result.stderr
    assert counts()["raw.enterprise"] > 0


def test_the_data_api_answers_only_an_approved_consumer_and_counts_the_calls(demo, monkeypatch):
    import socket
    import time

    import requests

    from hubei_data import signing
    from hubei_data.api.vault import new_key

    monkeypatch.setenv("HUBEI_DATA_API_KEY", new_key())
    consumer = json.loads(run("api", "consumer", "create", "省公安厅户籍管理", "--department", "省公安厅").stdout)
    with wh.connect() as conn:
        child_id, name, records, masked = conn.execute(
            "select child_id_no, child_name, count(*), array[std.mask_id_number(child_id_no), std.mask_name(child_name)]"
            " from share.newborn_vaccination_lookup where child_id_no is not null group by 1, 2 order by 3 desc, 1 limit 1"
        ).fetchone()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=as_allowed(["serve"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base, path = f"http://127.0.0.1:{port}", "/v1/apis/vaccination"

    def ask(body: dict, secret: str = consumer["secret"]) -> requests.Response:
        data = json.dumps(body, ensure_ascii=False).encode()
        return requests.post(base + path, data=data, timeout=10,
                             headers=signing.sign(consumer["app_key"], secret, "POST", path, data))

    def answered(status: int) -> requests.Response:
        deadline = time.monotonic() + 2
        while (answer := ask({"child_id_no": child_id, "child_name": name})).status_code != status:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.05)
        return answer

    try:
        for _ in range(200):
            try:
                requests.get(base + "/health", timeout=1)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert ask({"child_id_no": child_id, "child_name": name}).status_code == 403
        grant = run("api", "apply", consumer["app_key"], "vaccination", "--purpose", "出生一件事户籍登记",
                    "--until", "2099-12-31").stdout.split()[1].rstrip(":")
        run("api", "approve", grant, "--rate", "600")
        rows = answered(200).json()["rows"]
        assert len(rows) == records
        assert {(r["child_id_no"], r["child_name"]) for r in rows} == {tuple(masked)}
        assert child_id not in json.dumps(rows, ensure_ascii=False)
        assert ask({"child_id_no": child_id, "child_name": name}, secret="forged").status_code == 401
        assert ask({"child_id_no": child_id, "child_name": name, "x": 1}).status_code == 422
        run("api", "revoke", grant)
        answered(403)
        time.sleep(0.5)
        stats = [json.loads(line) for line in run("api", "stats", "--format", "json").stdout.splitlines()]
        mine = next(s for s in stats if s["consumer"] == consumer["app_key"])
        assert mine["api"] == "vaccination" and mine["calls"] >= 5 and mine["errors"] >= 3
    finally:
        server.terminate()
        server.wait(10)
    # A stopped service holds the warehouse no more, whether or not it ran its exit handlers.
    holders = wh.data_dir() / "pg" / ".handle_pids.json"
    deadline = time.monotonic() + 10
    while server.pid in json.loads(holders.read_text() or "[]"):
        assert time.monotonic() < deadline, "the stopped service still holds the warehouse"
        time.sleep(0.1)


def test_metric_assets_match_values_computed_independently_from_the_demo(demo):
    result = run("metrics", "compute", "--month", "2026-10")
    assert "metrics_monthly_job 2026-10-01:" in result.stdout and "metrics_daily_job 2026-10-01..2026-10-31:" in result.stdout, result.stderr[-2000:]

    def metric(code: str, period: str, *by: str) -> list[dict]:
        args = ["metrics", "query", code, "--period", period, "--format", "json", *(a for d in by for a in ("--by", d))]
        return [json.loads(line) for line in run(*args).stdout.splitlines()]

    with wh.connect() as conn:
        batches, failed = conn.execute(
            "select count(*), count(*) filter (where result = '不合格') from resource.sampling"
            " where sampled_on between '2026-10-01' and '2026-10-31'").fetchone()
        newborns = dict(conn.execute(
            "select division_code, count(*) from resource.birth_certificate"
            " where birth_date between '2026-10-01' and '2026-10-31' group by 1").fetchall())
        doses = conn.execute("select count(*) from resource.vaccination where vaccinated_on = '2026-10-15'").fetchone()[0]
        coverage = dict(conn.execute(
            "select division_code, round(coalesce(i.n, 0)::numeric / nullif(e.n, 0), 6) from"
            " (select division_code, count(*) filter (where status = '存续' and established_on <= '2026-10-31') n"
            "  from resource.enterprise group by 1) e full join"
            " (select division_code, count(distinct uscc) n from resource.inspection"
            "  where inspected_on between '2026-10-01' and '2026-10-31' group by 1) i using (division_code)").fetchall())
    assert batches > 0 and sum(newborns.values()) > 0
    assert [float(r["value"]) for r in metric("sampling_batches_month", "2026-10")] == [batches]
    assert [round(float(r["value"]), 6) for r in metric("sampling_failure_rate", "2026-10")] == [round(failed / batches, 6)]
    assert {r["division"]: int(float(r["value"])) for r in metric("newborns_month", "2026-10", "division")} == newborns
    assert [float(r["value"]) for r in metric("newborns_month", "2026-10")] == [sum(newborns.values())]
    assert [float(r["value"]) for r in metric("vaccine_doses_day", "2026-10-15")] == [doses]
    found = {r["division"]: r["value"] and round(float(r["value"]), 6) for r in metric("inspection_coverage", "2026-10", "division")}
    assert found == {k: v and float(v) for k, v in coverage.items()}
    listed = [json.loads(line) for line in run("metrics", "list", "--format", "json").stdout.splitlines()]
    assert {m["kind"] for m in listed} == {"atomic", "derived", "composite", "custom"} and len(listed) >= 12


def test_the_first_administrator_sets_up_one_person_per_role_and_the_trail_names_an_edited_row(demo, tmp_path):
    import re

    from hubei_data.control.permissions import Permission, Role

    result, _ = demo
    one_time = re.compile(r"one-time password: (\S+)")

    def as_person(username: str, *args, input=None, check=True):
        """A command as this person at their own terminal: their login is kept in their own config folder."""
        env = {k: v for k, v in os.environ.items() if k != TOKEN_VARIABLE} | {"XDG_CONFIG_HOME": str(tmp_path / username)}
        return run(*args, env=env, input=input, check=check)

    def first_login(username: str, password: str) -> None:
        new = f"Changed-{username[::-1]}-1"
        said = as_person(username, "login", username, input=f"{password}\n{new}\n{new}\n")
        assert f"logged in as {username}" in said.stdout and "password changed" in said.stdout

    first_login("admin", one_time.search(result.stdout).group(1))
    assert as_person("admin", "whoami").stdout.startswith("admin (cli session)\nroles: system_admin")
    people = {f"e2e_{role.value}"[:32]: role for role in Role if role != Role.SYSTEM_ADMIN}
    for username, role in people.items():
        created = as_person("admin", "user", "add", username, "--role", role.value)
        first_login(username, one_time.search(created.stdout).group(1))
    for username, role in people.items():
        sync_log = as_person(username, "sync-log", check=False)
        allowed = Permission.RUN_VIEW in role.permissions
        assert (sync_log.returncode == 0) == allowed, (username, sync_log.stderr)
        if not allowed:
            assert sync_log.returncode == 3 and f"{username} ({role.value}) may not" in sync_log.stderr

    locked = one_time.search(as_person("admin", "user", "add", "e2e_locked", "--role", "viewer").stdout).group(1)
    tries = [as_person("e2e_locked", "login", "e2e_locked", input="wrong-Password-1\n", check=False) for _ in range(5)]
    assert [t.returncode for t in tries] == [3] * 5 and "locked until" in tries[-1].stderr
    right = as_person("e2e_locked", "login", "e2e_locked", input=f"{locked}\n", check=False)
    assert right.returncode == 3 and "the account is locked until" in right.stderr

    auditor = next(name for name, role in people.items() if role == Role.AUDIT_ADMIN)
    assert "each digest matches" in as_person(auditor, "audit", "verify").stdout
    with psycopg.connect(wh.superuser_info().url, autocommit=True) as conn:
        seq = conn.execute("select min(seq) from control.audit_trail where action = 'lockout'").fetchone()[0]
        conn.execute("alter table control.audit_trail disable trigger user")
        conn.execute("update control.audit_trail set actor = 'someone else' where seq = %s", (seq,))
        conn.execute("alter table control.audit_trail enable trigger user")
    broken = as_person(auditor, "audit", "verify", check=False)
    assert broken.returncode == 1 and f"row {seq} (edited)" in broken.stdout
