"""Push throughput into a PostgreSQL front-end database, against a plain COPY of the same rows.

    uv run python bench/push_throughput.py [--rows 1000000]

Runs on the embedded PostgreSQL in a data directory of its own (or HUBEI_DATA_DATABASE_URL):
fills share.penalty_info with synthetic rows in a scratch database, then in the same run
(1) COPYs the subscription's fields of those rows into a fresh table, (2) pushes the same
subscription (upsert by key, logged) into another fresh database, and (3) changes every row
and pushes again, merging by key; prints rows per second of each and the ratios to COPY.
Between steps, untimed, the tables the last step wrote are vacuumed, so no step pays for another's.
"""

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid

import psycopg
from psycopg import sql
from quiet import vacuumed

from hubei_data import warehouse
from hubei_data.catalog.dbt_yml import model_doc
from hubei_data.catalog.share import DATASETS
from hubei_data.control import schema
from hubei_data.exchange.share_push import push_subscription
from hubei_data.exchange.subscription import checked
from hubei_data.exchange.targets import Target
from hubei_data.registry.subscriptions import Subscription

FIELDS = ["case_no", "uscc", "enterprise_name", "decided_on", "violation", "fine_yuan", "confiscated_yuan"]


def _database(prefix: str):
    return warehouse.create_database(f"{prefix}_{uuid.uuid4().hex[:8]}")


def _fill(source, rows: int) -> None:
    with psycopg.connect(source.url, autocommit=True) as conn:
        conn.execute("create schema if not exists share")
        columns = [sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(c["data_type"]))
                   for c in model_doc(DATASETS["penalty_info"])["columns"]]
        conn.execute(sql.SQL("create table share.penalty_info ({})").format(sql.SQL(", ").join(columns)))
        conn.execute(
            "insert into share.penalty_info select '鄂药监罚〔2026〕' || n || '号', '91420100MA4K12345K',"
            " '某某医药有限公司第' || n || '分店', date '2026-01-01' + n %% 300, '销售未经检验的药品', n %% 50000 + 0.5,"
            " n %% 1000, 1, n, md5(n::text), 'bench', 'bench', now() from generate_series(1, %s) n",
            (rows,),
        )
        conn.execute("alter table share.penalty_info add primary key (case_no)")
        # the order pushes read share tables in, as every share model makes it (dbt_project/macros/push_order.sql)
        conn.execute('create index penalty_info_push_order on share.penalty_info (_synced_at, case_no collate "C")')
    vacuumed(source.url, "share.penalty_info")


def _plain_copy(source, target) -> float:
    started = time.perf_counter()
    with psycopg.connect(source.url) as reader, psycopg.connect(target.url) as writer:
        writer.execute("create table plain (case_no text primary key, uscc text, enterprise_name text,"
                       " decided_on date, violation text, fine_yuan numeric(20,2), confiscated_yuan numeric(20,2))")
        columns = sql.SQL(", ").join(map(sql.Identifier, FIELDS))
        query = sql.SQL("copy (select {} from share.penalty_info) to stdout").format(columns)
        with reader.cursor().copy(query) as out, writer.cursor().copy(
            sql.SQL("copy plain ({}) from stdin").format(columns)
        ) as into:
            for block in out:
                into.write(block)
        writer.commit()
    return time.perf_counter() - started


def measure(rows: int) -> dict[str, float]:
    """Seconds of a plain COPY, a first push and a push merging every row, of `rows` rows."""
    source, copy_target, push_target = (_database(p) for p in ("bench_share", "bench_copy", "bench_push"))
    schema.upgrade(source)
    _fill(source, rows)
    copy_seconds = _plain_copy(source, copy_target)
    vacuumed(copy_target.url, "plain")
    os.environ["BENCH_TARGET_URL"] = push_target.url.replace("postgresql://", "postgresql+psycopg://", 1)
    subscription = checked(Subscription.model_validate({
        "id": "bench", "department": "bench", "purpose": "bench", "dataset": "penalty_info", "fields": FIELDS,
        "schedule": "0 2 * * *", "target": {"url_env": "BENCH_TARGET_URL", "table": "pushed"}, "mode": "upsert",
        "valid_from": "2026-01-01", "valid_until": "2099-12-31",
    }), "bench.yaml")
    target = Target(os.environ["BENCH_TARGET_URL"])
    with psycopg.connect(source.url) as conn:
        push_seconds = _timed_push(conn, subscription, target, rows)
        vacuumed(push_target.url, "pushed")
        conn.execute("update share.penalty_info set fine_yuan = fine_yuan + 1, _synced_at = clock_timestamp()")
        conn.commit()
        vacuumed(source.url, "share.penalty_info")
        repush_seconds = _timed_push(conn, subscription, target, rows)
    for info in (source, copy_target, push_target):
        warehouse.drop_database(info.dbname)
    return {"copy": copy_seconds, "push": push_seconds, "merge": repush_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault(warehouse.DIR_VARIABLE, tempfile.mkdtemp(prefix="hdbench"))
    print(f"filling share.penalty_info with {args.rows:,} rows…", flush=True)
    seconds = measure(args.rows)
    copy_rate, push_rate, repush_rate = (args.rows / seconds[k] for k in ("copy", "push", "merge"))
    print(f"plain COPY       : {seconds['copy']:7.2f} s  {copy_rate:12,.0f} rows/s")
    print(f"push, first load : {seconds['push']:7.2f} s  {push_rate:12,.0f} rows/s  (logged, watermarked)")
    print(f"push, all changed: {seconds['merge']:7.2f} s  {repush_rate:12,.0f} rows/s  (merged by key)")
    print(f"push / COPY      : {push_rate / copy_rate:.2f} first load, {repush_rate / copy_rate:.2f} all changed")


def _timed_push(conn, subscription, target: Target, rows: int) -> float:
    started = time.perf_counter()
    result = push_subscription(conn, subscription, target, "bench", dt.date.today())
    assert result.rows == rows, result
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
