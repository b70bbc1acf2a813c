"""End to end through the command line, as a newcomer runs it, on the real embedded PostgreSQL."""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import psycopg
import pytest

from hubei_data import embedded
from hubei_data import warehouse as wh
from hubei_data.contracts import SOURCES
from tests.people import TOKEN_VARIABLE, token_for

pytestmark = pytest.mark.slow
CLI = [str(Path(sys.executable).parent / "hubei-data")]
LAYERS = ("raw", "resource", "quarantine")


def as_allowed(args) -> dict[str, str]:
    """The environment of a person whose role allows the command, once the demo has set people up."""
    found = token_for(wh.connect_info(), args)
    return {**os.environ, **({TOKEN_VARIABLE: found} if found else {})}


def run(*args, check=True, env=None, input=None):
    result = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env or as_allowed(args), input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def counts() -> dict[str, int]:
    with wh.connect() as conn:
        return {
            f"{layer}.{s}": conn.execute(f"select count(*) from {layer}.{s}").fetchone()[0]
            for layer in LAYERS
            for s in SOURCES
        }


def flagged() -> set[tuple]:
    lines = run("quality", "issues").stdout.splitlines()
    return {(d["source"], d["key"], d["rule"]) for d in map(json.loads, lines)}


@pytest.fixture(scope="module")
def demo(warehouse):
    """A data directory of its own: other tests leave landed rows and files in the shared one."""
    shared = os.environ[wh.DIR_VARIABLE]
    own = tempfile.mkdtemp(prefix="hde")
    os.environ[wh.DIR_VARIABLE] = own
    wh.connect_info.cache_clear()
    try:
        result = run("demo", "--as-of", "2026-10-31")
        yield result, counts()
    finally:
        embedded.release(Path(own) / "pg")
        shutil.rmtree(own, ignore_errors=True)
        os.environ[wh.DIR_VARIABLE] = shared
        wh.connect_info.cache_clear()


def test_demo_prints_the_summary(demo):
    result, _ = demo
    assert "Rows per library" in result.stdout and "Flagged rows per rule" in result.stdout
    assert "hubei-data quality issues" in result.stdout
    assert "check failed" not in result.stderr
    assert "subject.enterprise_profile" in result.stdout and "share.newborn_vaccination" in result.stdout


def test_every_known_defect_is_flagged_and_no_clean_row_is(demo):
    truth_file = wh.data_dir() / "landing" / "_truth.jsonl"
    truth = {(d["source"], d["key"], d["rule"]) for d in map(json.loads, truth_file.read_text().splitlines())}
    assert len(truth) > 100
    assert flagged() == truth


def test_every_clean_row_reaches_resource(demo):
    with wh.connect() as conn:
        for s in SOURCES.values():
            key = " and ".join(f"r.{k} is not distinct from s.{k}" for k in s.key)
            lost = conn.execute(
                f"select count(*) from staging.{s.name} s where jsonb_array_length(s._issues) = 0"
                f" and not exists (select 1 from resource.{s.name} r where {key})"
            ).fetchone()[0]
            assert lost == 0, s.name
            assert conn.execute(f"select count(*) from resource.{s.name}").fetchone()[0] > 0


def test_issues_are_traceable_to_file_and_row(demo):
    lines = [json.loads(line) for line in run("quality", "issues", "--source", "sampling").stdout.splitlines()]
    assert lines and {d["source"] for d in lines} == {"sampling"}
    for issue in lines:
        assert set(issue) == {"source", "key", "rule", "detail", "batch_id", "file", "row"}
        assert Path(issue["file"]).exists() and issue["row"] >= 2


def test_running_the_demo_again_changes_no_row_count(demo):
    _, before = demo
    run("demo", "--as-of", "2026-10-31")
    assert counts() == before


def test_the_same_file_again_is_not_loaded_twice(demo):
    _, before = demo
    existing = sorted((wh.data_dir() / "landing" / "drug_product").iterdir())[0]
    result = run("ingest", str(existing))
    assert "already loaded as batch" in result.stdout
    assert counts() == before


def test_an_unreadable_file_is_rejected_with_its_reason(demo, tmp_path):
    bad = tmp_path / "penalty" / "broken.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"fine_yuan\n1\n")
    result = run("ingest", str(bad), check=False)
    assert result.returncode == 1
    assert f"{bad}: rejected: missing required columns" in result.stdout


def test_new_rows_in_a_file_flow_to_resource_and_bad_ones_to_quarantine(demo, tmp_path):
    folder = tmp_path / "penalty"
    folder.mkdir()
    (folder / "extra.csv").write_text(
        "处罚决定书文号,当事人统一社会信用代码,罚款金额(元),更新时间\n"
        "鄂药监罚〔2026〕901号,91420100MA4K12345K,500,2026-10-30 10:00:00\n"
        "鄂药监罚〔2026〕902号,91420100MA4K12345K,-5,2026-10-30 10:00:00\n",
        encoding="gbk",
    )
    run("ingest", str(folder / "extra.csv"))
    assert ("penalty", "鄂药监罚〔2026〕902号", "range") in flagged()
    rows = run("query", "select case_no from resource.penalty where case_no like '%〔2026〕90_号'",
               "--format", "json").stdout.splitlines()
    assert [json.loads(r)["case_no"] for r in rows] == ["鄂药监罚〔2026〕901号"]


def test_profiles_count_what_resource_holds(demo):
    with wh.connect() as conn:
        assert conn.execute(
            "select count(*), count(distinct uscc) from subject.enterprise_profile"
        ).fetchone() == conn.execute("select count(*), count(*) from resource.enterprise").fetchone()
        mismatched = conn.execute(
            """
            select p.uscc from subject.enterprise_profile p
            where p.sampling_batches <> (select count(*) from resource.sampling s where s.uscc = p.uscc)
               or p.failed_sampling_batches
                  <> (select count(*) from resource.sampling s where s.uscc = p.uscc and s.result = '不合格')
               or p.penalty_cases <> (select count(*) from resource.penalty n where n.uscc = p.uscc)
               or p.fines_yuan <> (select coalesce(sum(fine_yuan), 0) from resource.penalty n where n.uscc = p.uscc)
               or p.inspections <> (select count(*) from resource.inspection i where i.uscc = p.uscc)
               or p.drug_products <> (select count(*) from resource.drug_product d where d.holder_uscc = p.uscc)
               or p.current_license_count <> (
                   select count(*) from resource.license l
                   where l.uscc = p.uscc and l.status = '有效' and (l.valid_until is null or l.valid_until >= current_date))
               or p.current_license_count <> jsonb_array_length(p.current_licenses)
            """
        ).fetchall()
        assert mismatched == []
        products = conn.execute(
            "select (select count(*) from resource.drug_product) + (select count(*) from resource.cosmetic_filing)"
            " + (select count(*) from resource.device_registration)"
        ).fetchone()[0]
        assert conn.execute("select count(*) from subject.product_profile").fetchone()[0] == products
        records, children = conn.execute(
            "select sum(vaccination_records), count(*) from subject.child_immunisation_profile"
        ).fetchone()
        assert records == conn.execute("select count(*) from resource.vaccination").fetchone()[0]
        doses = conn.execute(
            "select sum(value::integer) from subject.child_immunisation_profile, jsonb_each_text(doses_by_vaccine)"
        ).fetchone()[0]
        assert doses == records
        certificates = conn.execute("select count(*) from resource.birth_certificate").fetchone()[0]
        assert certificates <= children < certificates * 1.01


def _masked(value: str, head: int, tail: int) -> str:
    return "*" * len(value) if len(value) <= head + tail else value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def test_every_share_row_masks_personal_fields_by_rule(demo):
    with wh.connect() as conn:
        names = conn.execute(
            "select b.legal_rep, p.legal_rep from share.enterprise_basic b"
            " join subject.enterprise_profile p using (uscc) where p.legal_rep is not null"
        ).fetchall()
        children = conn.execute(
            "select v.child_id_no, p.child_id_no, v.child_name, p.child_name from share.newborn_vaccination v"
            " join subject.child_immunisation_profile p on p.child_key = v.birth_cert_no"
        ).fetchall()
    assert names and children
    for shared, clear in names + [(c[2], c[3]) for c in children if c[3]]:
        assert shared == clear[0] + "*" * (len(clear) - 1) or (clear[:2] == shared[:2] and set(shared[2:]) == {"*"})
    ids = [(shared, clear) for shared, clear, *_ in children if clear]
    assert ids
    assert all(shared == _masked(clear, 6, 4) for shared, clear in ids)


def test_a_day_of_changes_touches_only_the_changed_rows(demo, tmp_path):
    with wh.connect() as conn:
        uscc, approval_no = conn.execute(
            "select s.uscc, s.approval_no from resource.sampling s join resource.drug_product d"
            " on d.approval_no = s.approval_no where s.uscc <> d.holder_uscc order by s.sample_no limit 1"
        ).fetchone()
        license_no, license_type, holder = conn.execute(
            "select license_no, license_type, uscc from resource.license where status = '有效'"
            " and valid_until > current_date and uscc <> %s order by license_no limit 1",
            (uscc,),
        ).fetchone()
    full_width = uscc.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    spellings = [full_width, uscc.lower(), f" {uscc} "]
    (tmp_path / "sampling").mkdir()
    (tmp_path / "sampling" / "day.csv").write_text(
        "sample_no,approval_no,uscc,sampled_on,result,failed_items\n"
        + "".join(f"CHG-{n},{approval_no},{s},2026-10-30,不合格,含量测定\n" for n, s in enumerate(spellings)),
        encoding="utf-8",
    )
    (tmp_path / "license").mkdir()
    (tmp_path / "license" / "day.csv").write_text(
        "license_no,license_type,uscc,status,updated_at\n"
        f"{license_no},{license_type},{holder},注销,2026-10-31 09:00:00\n",
        encoding="utf-8",
    )
    run("ingest", str(tmp_path / "sampling" / "day.csv"), str(tmp_path / "license" / "day.csv"))
    entries = [json.loads(line) for line in run("sync-log", "--format", "json").stdout.splitlines()]
    changed = {e["table"]: (e["inserted"], e["updated"], e["removed"]) for e in entries
               if e["run"] == entries[0]["run"] and (e["inserted"] or e["updated"] or e["removed"])}
    assert changed == {
        "share.sampling_result": (3, 0, 0),
        "share.license_info": (0, 1, 0),
        "subject.enterprise_profile": (0, 2, 0),
        "subject.product_profile": (0, 1, 0),
    }
    with wh.connect() as conn:
        assert conn.execute(
            "select count(*), sum(sampling_batches) from subject.enterprise_profile where uscc = %s", (uscc,)
        ).fetchone() == (1, conn.execute("select count(*) from resource.sampling where uscc = %s", (uscc,)).fetchone()[0])


def _business_rows(conn) -> dict[str, list]:
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('subject', 'share') order by 1, 2"
    ).fetchall()
    snapshot = {}
    for schema, table in tables:
        snapshot[f"{schema}.{table}"] = conn.execute(
            f"select r::text from (select to_jsonb(t) - '_sync_id' - '_first_sync_id' - '_synced_at' as r"
            f" from {schema}.{table} t) as rows order by 1"
        ).fetchall()
    return snapshot


def test_a_full_refresh_gives_the_same_tables(demo):
    with wh.connect() as conn:
        before = _business_rows(conn)
    result = run("build", "--from", "2026-10-30", "--full-refresh")
    assert "share.newborn_vaccination" in result.stdout
    with wh.connect() as conn:
        assert _business_rows(conn) == before
        assert conn.execute("select count(*) from raw.enterprise").fetchone()[0] > 0


def test_the_catalog_list_has_one_filled_row_per_shared_item(demo, tmp_path):
    with wh.connect() as conn:
        shared = set(conn.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns"
            " where table_schema = 'share' and column_name not like '\\_%'"
        ).fetchall())
    run("catalog", "export", "--format", "csv", "--output", str(tmp_path / "list.csv"))
    with (tmp_path / "list.csv").open(encoding="utf-8-sig") as listed:
        rows = list(csv.DictReader(listed))
    assert {(r["数据库表"], r["字段名"]) for r in rows} == shared
    assert len(rows) == len(shared)
    assert all(all(str(v).strip() for v in r.values()) for r in rows)
    run("catalog", "export", "--output", str(tmp_path / "list.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert book.active.max_row == len(rows) + 1
    from hubei_data.metrics.registry import load_registry

    indicators = list(book["指标目录"].iter_rows(values_only=True))
    assert indicators[0][:4] == ("指标编码", "指标类型", "指标名称", "业务口径")
    assert {r[0] for r in indicators[1:]} == set(load_registry().metrics) and all(r[3] for r in indicators[1:])


def test_catalog_docs_describe_the_share_library(demo):
    page = Path(run("catalog", "docs").stdout.strip().splitlines()[-1])
    assert page.name == "static_index.html" and page.stat().st_size > 100_000
    catalog = json.loads((page.parent / "catalog.json").read_text(encoding="utf-8"))
    table = catalog["nodes"]["model.hubei_data.shr_newborn_vaccination"]
    assert (table["metadata"]["schema"], table["metadata"]["name"]) == ("share", "newborn_vaccination")
    assert "出生一件事" in table["metadata"]["comment"]
    assert table["columns"]["child_id_no"]["comment"].startswith("受种者身份证号")


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
        simulator.wait()


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
    assert {s["subscription"]: s["state"] for s in states if "subscription" in s} == {
        "yibao_penalty": "ok", "gongan_newborn": "ok"
    }
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
