"""Data API throughput: the signed, audited, masked vaccination POST against a bare endpoint of the same query.

    uv run python bench/api_throughput.py [--rows 10000000] [--clients 50] [--seconds 15]

Runs on the embedded PostgreSQL in a data directory of its own (or HUBEI_DATA_DATABASE_URL):
fills share.newborn_vaccination_lookup in a scratch database with synthetic children, eight
vaccinations each (10 million rows by default, the benchmark scale), then in the same run
drives, with the same load generator on loopback,
(1) `hubei-data serve`: signature, nonce, grant, rate limit, masking, audit log; and
(2) a bare endpoint running the same query with none of those;
and prints requests per second and p50 / p99 latency of each, and their ratio.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from hubei_data import roles, signing, warehouse
from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.models import table_name
from hubei_data.catalog.share import SHARE_DATASETS

DOSES = 8
PATH = "/v1/apis/vaccination"


def _fill(info, rows: int) -> int:
    """Every share table (the service checks each API's query at start), the lookup one filled."""
    children = max(1, rows // DOSES)
    masking = Path(__file__).resolve().parents[1] / "hubei_data" / "contracts" / "masking.sql"
    with psycopg.connect(info.url, autocommit=True) as conn:
        conn.execute("create schema share")
        conn.execute(masking.read_text())
        for dataset in SHARE_DATASETS:
            columns = [sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["data_type"]))
                       for c in model_doc(dataset)["columns"]]
            conn.execute(sql.SQL("create table share.{} ({})").format(
                sql.Identifier(table_name(dataset)), sql.SQL(", ").join(columns)))
        conn.execute(
            "insert into share.newborn_vaccination_lookup (record_id, birth_cert_no, child_id_no, child_name, sex,"
            " birth_date, vaccine_code, vaccine_name, dose_no, vaccinated_on, unit_code, division_code, _row_hash,"
            " _synced_at)"
            " select 'JZ' || c || '-' || d, 'A' || lpad(c::text, 9, '0'), '4201022023' || lpad(c::text, 8, '0'),"
            " '张' || c, case when c %% 2 = 0 then '男' else '女' end, date '2023-01-01' + c %% 365,"
            " '02' || lpad(d::text, 2, '0'), '疫苗' || d, 1 + d %% 3, date '2023-01-01' + c %% 365 + d * 30,"
            " 'U' || c %% 500, '420102', md5(c || '-' || d), now()"
            " from generate_series(1, %s) c, generate_series(1, %s) d",
            (children, DOSES),
        )
        for columns in (["record_id"], ["child_id_no"], ["birth_cert_no"]):
            conn.execute(sql.SQL("create index on share.newborn_vaccination_lookup ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, columns))))
        conn.execute("analyze share.newborn_vaccination_lookup")
    return children


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} exited: {process.stderr.read()}")
            time.sleep(0.1)
    raise SystemExit(f"{command} did not start")


async def _post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, body: bytes,
                headers: dict[str, str]) -> tuple[int, bytes]:
    """One POST on a kept-alive connection: a minimal HTTP/1.1 client, so the generator costs little CPU."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n{head}\r\n".encode() + body)
    status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    return int(status_line.split()[1]), await reader.readexactly(length)


async def _drive(port: int, children: int, clients: int, seconds: float, sign) -> tuple[float, list[float], int]:
    """As many requests as `clients` workers get answered in `seconds`: rate, latencies (ms), failures."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            child = random.randint(1, children)
            body = json.dumps({"child_id_no": f"4201022023{child:08d}", "child_name": f"张{child}"}).encode()
            started = time.perf_counter()
            status, answer = await _post(reader, writer, PATH, body, sign(body))
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200 or len(json.loads(answer)["rows"]) != DOSES:
                failures += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return len(latencies) / (time.perf_counter() - started), latencies, failures


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(name: str, port: int, children: int, args, sign) -> float:
    asyncio.run(_drive(port, children, args.clients, 2, sign))
    rate, latencies, failures = asyncio.run(_drive(port, children, args.clients, args.seconds, sign))
    print(f"{name:34} {rate:8,.0f} req/s   p50 {_percentile(latencies, 0.5):6.1f} ms"
          f"   p99 {_percentile(latencies, 0.99):6.1f} ms   failed {failures}", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    os.environ.setdefault(warehouse.DIR_VARIABLE, tempfile.mkdtemp(prefix="hdbench"))
    info = warehouse.create_database(f"bench_api_{uuid.uuid4().hex[:8]}")
    print(f"filling share.newborn_vaccination_lookup with {args.rows:,} rows…", flush=True)
    started = time.perf_counter()
    children = _fill(info, args.rows)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)

    from hubei_data.api.spec import load_apis
    from hubei_data.api.store import apply, approve, create_consumer
    from hubei_data.api.vault import KEY_VARIABLE, Vault, new_key
    from hubei_data.control import people, schema, sessions
    from hubei_data.control.audit_trail import Actor

    env = {**os.environ, warehouse.URL_VARIABLE: info.url, KEY_VARIABLE: new_key(),
           warehouse.READER_URL_VARIABLES[roles.API_READER]: info.as_role(roles.API_READER).url}
    vault = Vault(env[KEY_VARIABLE])
    schema.upgrade(info)
    bench = Actor("bench", "bench")
    with psycopg.connect(info.url) as conn:
        app_key, secret = create_consumer(conn, vault, "bench", "bench", bench)
        grant = apply(conn, app_key, "vaccination", "bench", dt.date(2000, 1, 1), dt.date(2099, 12, 31))
        approve(conn, grant, load_apis()["vaccination"], bench, rate_per_minute=10**9)
    with psycopg.connect(info.url, autocommit=True) as conn:
        if people.find(conn, "bench_operator") is None:
            first = people.add(conn, "bench", "bench", "bench_operator", ["operator"])
            people.change_password(conn, "bench_operator", "bench", first, "Bench-runs-2026")
        operator = sessions.Identity("bench_operator", ("operator",), "cli", False)
        env["HUBEI_DATA_TOKEN"] = sessions.issue_service_token(conn, operator, "bench", 1)

    cli = str(Path(sys.executable).parent / "hubei-data")
    api_port, bare_port = _free_port(), _free_port()
    service = _start([cli, "serve", "--port", str(api_port)], env, api_port)
    bare = _start([sys.executable, str(Path(__file__).with_name("bare_endpoint.py")), str(bare_port)], env, bare_port)
    try:
        print(f"{args.clients} concurrent clients on loopback, {args.seconds:.0f} s each:")
        full = _measure("data API (signed, audited, masked)", api_port, children, args,
                        lambda body: signing.sign(app_key, secret, "POST", PATH, body))
        plain = _measure("bare endpoint (same query)", bare_port, children, args,
                         lambda body: {})
        print(f"data API / bare: {full / plain:.2f}")
    finally:
        for process in (service, bare):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
