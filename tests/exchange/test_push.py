"""Pushing feeds to a real bureau simulator from a real warehouse: exactly once, whatever fails."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest
from stdnum.cn import uscc as uscc_number

from hubei_data.bureau_sim.faults import Faults
from hubei_data.exchange.bureau import BureauUnavailable
from hubei_data.exchange.feeds import FEEDS
from hubei_data.exchange.push import Retry, push_feed
from hubei_data.exchange.reconcile import reconcile
from hubei_data.quality.report import issues

FAST = Retry(attempts=30, base_seconds=0.01, cap_seconds=0.05)


def _uscc(n: int) -> str:
    base = f"91420100MA{n:07d}"
    return base + uscc_number.calc_check_digit(base)


def _penalties(conn, count: int, start: int = 0) -> None:
    conn.execute(
        "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
        " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
        " select '鄂药监罚〔2026〕' || n || '号', %s, '企业' || n, date '2026-10-01', '违法行为', n * 10.50, 0,"
        " 1, n, md5(n::text), 's', 's', now() from generate_series(%s::integer, %s::integer) as n",
        (_uscc(1), start + 1, start + count),
    )


def _held(bureau) -> dict[str, str]:
    return bureau.client().held("penalty")


def _acknowledged(conn) -> dict[str, str]:
    return dict(conn.execute("select record_key, acked_hash from exchange.bureau_records where feed = 'penalty'").fetchall())


def test_a_push_sends_everything_once_and_then_only_changes(share_db, bureau_server):
    bureau = bureau_server()
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1200)
        conn.commit()
        first = push_feed(conn, bureau.client(), FEEDS["penalty"], "run-1", 500, FAST)
        assert (first.batches, first.records, first.accepted, first.rejected) == (3, 1200, 1200, 0)
        assert _held(bureau) == _acknowledged(conn) and len(_held(bureau)) == 1200
        assert push_feed(conn, bureau.client(), FEEDS["penalty"], "run-2", 500, FAST).records == 0
        conn.execute("update share.penalty_info set fine_yuan = fine_yuan + 1 where _row_number <= 5")
        conn.commit()
        third = push_feed(conn, bureau.client(), FEEDS["penalty"], "run-3", 500, FAST)
        assert (third.batches, third.records) == (1, 5)
        assert _held(bureau) == _acknowledged(conn)


def test_faults_at_the_bureau_lose_and_duplicate_nothing(share_db, bureau_server):
    faults = Faults(error_rate=0.25, rate_limit_rate=0.2, drop_rate=0.2, timeout_rate=0.1, timeout_seconds=1.5)
    bureau = bureau_server(faults, seed=11)
    state = bureau.state
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 900)
        conn.commit()
        client = bureau.client(timeout_seconds=0.5)
        result = push_feed(conn, client, FEEDS["penalty"], "run-f", 100, FAST)
        assert result.records == 900 and result.attempts > result.batches
        assert _held(bureau) == _acknowledged(conn) and len(_acknowledged(conn)) == 900
        duplicates = state.store._db.execute("select count(*) from batches").fetchone()[0]
        assert duplicates == result.batches
        assert reconcile(conn, bureau.client(), FEEDS["penalty"]).agrees


def test_a_bureau_down_past_every_retry_leaves_the_batch_pending_for_the_next_push(share_db, bureau_server):
    bureau = bureau_server(Faults(error_rate=1.0))
    state = bureau.state
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 10)
        conn.commit()
        with pytest.raises(BureauUnavailable):
            push_feed(conn, bureau.client(), FEEDS["penalty"], "run-down", 500, Retry(3, 0.01))
        assert conn.execute("select status, attempts from exchange.bureau_batches").fetchall() == [("pending", 3)]
        state.faults = Faults()
        result = push_feed(conn, bureau.client(), FEEDS["penalty"], "run-up", 500, FAST)
        assert (result.resumed_batches, result.records) == (1, 10)
        assert conn.execute("select count(*) from exchange.bureau_batches where status = 'pending'").fetchone()[0] == 0
        assert len(_held(bureau)) == 10


def test_a_push_killed_mid_batch_is_finished_by_the_next_one(share_db, bureau_server):
    bureau = bureau_server(Faults(latency_ms=150))
    state = bureau.state
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1000)
        conn.commit()
    script = textwrap.dedent(f"""
        import psycopg
        from hubei_data.exchange.bureau import HttpBureau
        from hubei_data.exchange.feeds import FEEDS
        from hubei_data.exchange.push import push_feed
        with psycopg.connect({share_db.url!r}) as conn:
            bureau = HttpBureau({bureau.url!r}, {bureau.app_key!r}, {bureau.secret!r})
            push_feed(conn, bureau, FEEDS["penalty"], "run-killed", 50)
    """)
    pusher = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    with psycopg.connect(share_db.url, autocommit=True) as watcher:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            acknowledged = watcher.execute(
                "select count(*) from exchange.bureau_batches where status = 'acknowledged'"
            ).fetchone()[0] if watcher.execute("select to_regclass('exchange.bureau_batches')").fetchone()[0] else 0
            if acknowledged >= 3:
                break
            time.sleep(0.05)
    pusher.send_signal(signal.SIGKILL)
    pusher.wait()
    with psycopg.connect(share_db.url) as conn:
        sent_before = len(_acknowledged(conn))
        assert 0 < sent_before < 1000
        result = push_feed(conn, bureau.client(), FEEDS["penalty"], "run-again", 50, FAST)
        assert result.records == 1000 - sent_before
        assert _held(bureau) == _acknowledged(conn) and len(_acknowledged(conn)) == 1000
        assert conn.execute("select count(*) from exchange.bureau_batches where status = 'pending'").fetchone()[0] == 0
    batches_at_bureau = state.store._db.execute("select count(*) from batches").fetchone()[0]
    with psycopg.connect(share_db.url) as conn:
        assert batches_at_bureau == conn.execute("select count(*) from exchange.bureau_batches").fetchone()[0]


def test_rejected_records_are_kept_with_the_reason_and_sent_again_once_fixed(share_db, bureau_server):
    bureau = bureau_server()
    with psycopg.connect(share_db.url) as conn:
        conn.execute(
            "insert into share.cosmetic_product_info (filing_no, product_name, category, registrant_uscc,"
            " registrant_name, filed_on, status, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id,"
            " _synced_at) values ('国妆特字G20260001', '面霜', '特殊化妆品', %s, null, '2026-09-01', '有效',"
            " 1, 1, 'h', 's', 's', now())",
            (_uscc(2),),
        )
        conn.commit()
        result = push_feed(conn, bureau.client(), FEEDS["cosmetic_filing"], "run-r", 500, FAST)
        assert result.rejected == 1
        found = [i for i in issues(conn) if i["source"] == "bureau:cosmetic_filing"]
        assert [(i["key"], i["rule"], i["detail"]) for i in found] == [
            ("国妆特字G20260001", "bureau_rejected", "registrant_name is required")
        ]
        assert push_feed(conn, bureau.client(), FEEDS["cosmetic_filing"], "run-r2", 500, FAST).records == 0
        conn.execute("update share.cosmetic_product_info set registrant_name = '某化妆品有限公司'")
        conn.commit()
        fixed = push_feed(conn, bureau.client(), FEEDS["cosmetic_filing"], "run-r3", 500, FAST)
        assert (fixed.records, fixed.accepted) == (1, 1)
        assert not [i for i in issues(conn) if i["source"] == "bureau:cosmetic_filing"]
