"""Subscriptions pushed into real front-end databases (PostgreSQL and MariaDB): exactly the approved rows."""

import datetime as dt
import time

import psycopg
import pytest
import sqlalchemy as sa

from hubei_data.exchange import share_push
from hubei_data.exchange.push import Retry
from hubei_data.exchange.share_push import push_subscription
from hubei_data.exchange.subscription import checked
from hubei_data.exchange.subscription_status import subscription_status
from hubei_data.exchange.targets import TEMPORARY_TABLE_MEMORY, LoadedBatch, Target, TargetUnavailable
from hubei_data.registry.subscriptions import Subscription

QUICK = Retry(attempts=2, base_seconds=0.01)
PENALTIES = {
    "id": "yibao", "department": "省医保局", "purpose": "医保基金监管", "dataset": "penalty_info",
    "fields": ["case_no", "uscc", "decided_on", "fine_yuan"], "filter": [{"field": "fine_yuan", "op": ">=", "value": 100}],
    "schedule": "0 2 * * *", "target": {"url_env": "TEST_TARGET_URL", "table": "yj_penalty"}, "mode": "upsert",
    "valid_from": "2026-01-01", "valid_until": "2026-12-31",
}
NEWBORNS = {
    **PENALTIES, "id": "gongan", "dataset": "newborn_vaccination", "mode": "snapshot",
    "fields": ["record_id", "birth_cert_no", "child_id_no", "child_name", "vaccinated_on"],
    "filter": [{"field": "vaccinated_on", "op": ">=", "value": "2026-01-01"}],
    "target": {"url_env": "TEST_TARGET_URL", "table": "wjw_newborn"},
}
TODAY = dt.date(2026, 6, 1)


def _subscription(spec, monkeypatch, url):
    monkeypatch.setenv("TEST_TARGET_URL", url)
    return checked(Subscription.model_validate(spec), f"{spec['id']}.yaml")


def _penalties(conn, first: int, last: int, fine: int = 150) -> None:
    conn.execute(
        "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
        " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
        " select 'P' || lpad(n::text, 6, '0'), '91420100MA4K12345K', '企业', date '2026-05-01', '违法', %s + n %% 2,"
        " 0, 1, n, md5(n::text || %s), 's', 's', clock_timestamp() from generate_series(%s::integer, %s::integer) n"
        " on conflict do nothing",
        (fine, str(fine), first, last),
    )
    conn.commit()


def _target_rows(url: str, table: str) -> list[tuple]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"select * from {table} order by 1")).fetchall()
    engine.dispose()
    return [tuple(r) for r in rows]


def _expected(conn) -> list[tuple]:
    return conn.execute(
        "select case_no, uscc, decided_on, fine_yuan from share.penalty_info where fine_yuan >= 100 order by 1"
    ).fetchall()


@pytest.fixture(params=["postgresql", "mariadb"])
def target_url(request, postgres_target):
    if request.param == "postgresql":
        return postgres_target
    return request.getfixturevalue("mariadb").database(f"t{abs(hash(request.node.name)) % 10**8}")


def test_upsert_writes_only_requested_fields_and_rows_then_only_changes(share_db, target_url, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, target_url)
    with psycopg.connect(share_db.url) as conn:
        conn.execute("create table if not exists share.ignored (x int)")
        _penalties(conn, 1, 12000)
        conn.execute("update share.penalty_info set fine_yuan = 5 where _row_number <= 100")
        conn.commit()
        first = push_subscription(conn, subscription, Target(target_url), "run-1", TODAY, QUICK)
        assert (first.status, first.rows) == ("succeeded", 11900)
        rows = _target_rows(target_url, "yj_penalty")
        assert [(r[0], r[1], r[2], float(r[3])) for r in rows] == [(r[0], r[1], r[2], float(r[3])) for r in _expected(conn)]
        columns = [c["name"] for c in sa.inspect(sa.create_engine(target_url)).get_columns("yj_penalty")]
        assert columns == ["case_no", "uscc", "decided_on", "fine_yuan"]
        assert push_subscription(conn, subscription, Target(target_url), "run-2", TODAY, QUICK).rows == 0
        conn.execute("update share.penalty_info set fine_yuan = 999, _synced_at = clock_timestamp()"
                     " where _row_number between 500 and 509")
        conn.commit()
        third = push_subscription(conn, subscription, Target(target_url), "run-3", TODAY, QUICK)
        assert third.rows == 10
        assert len(_target_rows(target_url, "yj_penalty")) == 11900
        assert {float(r[3]) for r in _target_rows(target_url, "yj_penalty") if "000500" <= r[0][1:] <= "000509"} == {999}
        logged = conn.execute(
            "select rows, status, checksum is not null from exchange.share_pushes where subscription_id = 'yibao'"
            " order by push_id"
        ).fetchall()
        assert logged == [(11900, "succeeded", True), (0, "succeeded", True), (10, "succeeded", True)]


def _key_index_bytes(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(sa.text("select pg_relation_size('yj_penalty_pkey')")).scalar_one()
    engine.dispose()
    return size


def test_merging_every_changed_row_leaves_the_key_index_as_it_is(share_db, postgres_target, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 12000)
        push_subscription(conn, subscription, Target(postgres_target), "run-1", TODAY, QUICK)
        before = _key_index_bytes(postgres_target)
        conn.execute("update share.penalty_info set fine_yuan = fine_yuan + 1000, _synced_at = clock_timestamp()")
        conn.commit()
        assert push_subscription(conn, subscription, Target(postgres_target), "run-2", TODAY, QUICK).rows == 12000
        rows = _target_rows(postgres_target, "yj_penalty")
        assert [(r[0], float(r[3])) for r in rows] == [(r[0], float(r[3])) for r in _expected(conn)]
    assert _key_index_bytes(postgres_target) == before


def _batches_of_5000_watched(monkeypatch) -> dict[int, int]:
    """Which batch (by the rows up to its end) each LoadedBatch holds, filled in as batches of 5,000 rows are loaded."""
    monkeypatch.setattr(share_push, "BATCH_ROWS", 5000)
    monkeypatch.setattr(share_push, "LARGEST_BATCH_ROWS", 5000)
    holds, load = {}, Target.load

    def load_watched(target, table, batch, into_empty=False):
        sent = load(target, table, batch, into_empty)
        holds[id(sent)] = batch.through
        return sent

    monkeypatch.setattr(Target, "load", load_watched)
    return holds


def test_the_next_batch_loads_while_the_one_before_it_is_merged(share_db, target_url, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, target_url)
    holds, waited = _batches_of_5000_watched(monkeypatch), []
    merge = LoadedBatch.merge

    def merge_once_the_next_is_loaded(sent):
        last = holds[id(sent)]
        if last < 20000:
            waited.append(_eventually(lambda: last + 5000 in holds.values()))
        merge(sent)

    monkeypatch.setattr(LoadedBatch, "merge", merge_once_the_next_is_loaded)
    said = []
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 20000)
        push_subscription(conn, subscription, Target(target_url), "run-1", TODAY, QUICK, said.append)
        assert [r[0] for r in _target_rows(target_url, "yj_penalty")] == [r[0] for r in _expected(conn)]
        assert conn.execute("select last_key from exchange.share_watermarks").fetchone()[0] == ["P020000"]
    assert waited == [True, True, True]
    assert said == [f"yibao: {n} rows written" for n in (5000, 10000, 15000, 20000)]


def _eventually(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_a_postgresql_target_merges_two_batches_at_once_and_commits_them_in_order(
        share_db, postgres_target, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    holds, merged, committed, second_first = _batches_of_5000_watched(monkeypatch), [], [], []
    merge, commit = LoadedBatch.merge, LoadedBatch.commit

    def first_merge_finishes_last(sent):
        last = holds[id(sent)]
        if last == 5000:
            second_first.append(_eventually(lambda: 10000 in merged))
        merge(sent)
        merged.append(last)

    def commit_watched(sent):
        committed.append(holds[id(sent)])
        commit(sent)

    monkeypatch.setattr(LoadedBatch, "merge", first_merge_finishes_last)
    monkeypatch.setattr(LoadedBatch, "commit", commit_watched)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 20000)
        push_subscription(conn, subscription, Target(postgres_target), "run-1", TODAY, QUICK)
        assert [r[0] for r in _target_rows(postgres_target, "yj_penalty")] == [r[0] for r in _expected(conn)]
        assert conn.execute("select last_key from exchange.share_watermarks").fetchone()[0] == ["P020000"]
    assert second_first == [True] and merged[:2] == [10000, 5000]
    assert committed == [5000, 10000, 15000, 20000]


def test_a_merge_that_fails_rolls_back_the_batches_after_it_and_the_next_push_sends_them(
        share_db, postgres_target, monkeypatch):
    """Rolled back by the push itself, even while the error (and so every object of the push) is still held."""
    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    holds, merged = _batches_of_5000_watched(monkeypatch), []
    merge = LoadedBatch.merge

    def broken(conn):
        raise RuntimeError("the target refused the merge")

    def second_breaks_once_the_third_is_merged(sent):
        if holds[id(sent)] == 10000:
            assert _eventually(lambda: 15000 in merged)
            sent.finish = broken
        merge(sent)
        merged.append(holds[id(sent)])

    monkeypatch.setattr(LoadedBatch, "merge", second_breaks_once_the_third_is_merged)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 20000)
        with pytest.raises(RuntimeError, match="refused the merge") as refused:
            push_subscription(conn, subscription, Target(postgres_target), "run-1", TODAY, QUICK)
        assert [r[0] for r in _target_rows(postgres_target, "yj_penalty")] == [f"P{n:06d}" for n in range(1, 5001)]
        assert conn.execute("select last_key from exchange.share_watermarks").fetchone()[0] == ["P005000"]
        engine = sa.create_engine(postgres_target)
        with engine.connect() as target:
            assert target.execute(sa.text("select count(*) from pg_stat_activity where datname = current_database()"
                                          " and state like 'idle in transaction%'")).scalar_one() == 0
        engine.dispose()
        del refused
        monkeypatch.setattr(LoadedBatch, "merge", merge)
        assert push_subscription(conn, subscription, Target(postgres_target), "run-2", TODAY, QUICK).rows == 15000
        assert [r[0] for r in _target_rows(postgres_target, "yj_penalty")] == [r[0] for r in _expected(conn)]


def _row_versions(url: str) -> dict[str, str]:
    """Each target row's key and the transaction that wrote its current version."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        versions = dict(conn.execute(sa.text("select case_no, xmin::text from yj_penalty")).fetchall())
    engine.dispose()
    return versions


def test_a_merge_leaves_rows_whose_fields_did_not_change_untouched(share_db, postgres_target, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 3000)
        push_subscription(conn, subscription, Target(postgres_target), "run-1", TODAY, QUICK)
        written = _row_versions(postgres_target)
        conn.execute("update share.penalty_info set enterprise_name = '改名企业', _synced_at = clock_timestamp()"
                     " where _row_number <= 2000")
        conn.execute("update share.penalty_info set fine_yuan = 999, _synced_at = clock_timestamp()"
                     " where _row_number > 2990")
        conn.commit()
        assert push_subscription(conn, subscription, Target(postgres_target), "run-2", TODAY, QUICK).rows == 2010
    now = _row_versions(postgres_target)
    assert {key for key in now if now[key] != written[key]} == {f"P{n:06d}" for n in range(2991, 3001)}


def test_batches_start_small_double_up_to_the_largest_and_sum_up_to_the_checksum(share_db, monkeypatch):
    monkeypatch.setattr(share_push, "BATCH_ROWS", 100)
    monkeypatch.setattr(share_push, "LARGEST_BATCH_ROWS", 300)
    subscription = _subscription(PENALTIES, monkeypatch, "postgresql+psycopg://localhost/unused")
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 1000)
        conn.execute("update share.penalty_info set _synced_at = timestamptz '2026-05-01 08:00+08'"
                     " + (_row_number % 7) * interval '1 hour'")
        batches = share_push.PushOrder(conn, subscription, None)
        pushed = [(batch.through, [row[0] for row in batch.rows()]) for batch in batches]
        in_push_order = [case_no for (case_no,) in conn.execute(
            'select case_no from share.penalty_info order by _synced_at, case_no collate "C"')]
        expected = conn.execute('select md5(string_agg(_row_hash, \'\' order by _synced_at, case_no collate "C"))'
                                " from share.penalty_info").fetchone()[0]
        once = (batches.rows, batches.checksum)
        again = [batch.through for batch in batches]
    assert [through for through, _ in pushed] == [100, 300, 600, 900, 1000]
    assert [case_no for _, rows in pushed for case_no in rows] == in_push_order
    assert once == (1000, expected)
    assert again == [100, 300, 600, 900, 1000] and (batches.rows, batches.checksum) == once


def test_snapshot_replaces_the_table_with_exactly_the_current_rows(share_db, target_url, monkeypatch):
    subscription = _subscription(NEWBORNS, monkeypatch, target_url)
    with psycopg.connect(share_db.url) as conn:
        conn.execute(
            "insert into share.newborn_vaccination (record_id, birth_cert_no, child_id_no, child_name, sex,"
            " birth_date, vaccine_code, vaccine_name, dose_no, vaccinated_on, unit_code, division_code, _batch_id,"
            " _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
            " select 'JZ' || n, 'A' || lpad(n::text, 9, '0'), '420102********001X', '王*', '男', date '2025-12-01',"
            " '0201', '乙肝疫苗', 1, date '2025-12-20' + n, null, '420102', 1, n, md5(n::text), 's', 's', now()"
            " from generate_series(1, 300) n"
        )
        conn.commit()
        assert push_subscription(conn, subscription, Target(target_url), "run-1", TODAY, QUICK).rows == 289
        conn.execute("delete from share.newborn_vaccination where _row_number > 200")
        conn.commit()
        assert push_subscription(conn, subscription, Target(target_url), "run-2", TODAY, QUICK).rows == 189
        rows = _target_rows(target_url, "wjw_newborn")
        assert sorted(r[0] for r in rows) == sorted(f"JZ{n}" for n in range(12, 201))
        assert {r[2] for r in rows} == {"420102********001X"}


def test_a_target_down_before_and_during_a_push_loses_and_duplicates_nothing(share_db, mariadb, monkeypatch):
    url = mariadb.database("downtime")
    subscription = _subscription(PENALTIES, monkeypatch, url)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 20000)
        mariadb.stop()
        try:
            with pytest.raises(TargetUnavailable):
                push_subscription(conn, subscription, Target(url), "run-down", TODAY, QUICK)
        finally:
            mariadb.start()
        assert subscription_status(conn, subscription).state == "failed"

        def crash_after_first_batch(message: str) -> None:
            if message.endswith(" 5000 rows written"):
                mariadb.stop(kill=True)

        monkeypatch.setattr(share_push, "BATCH_ROWS", 5000)

        try:
            with pytest.raises(TargetUnavailable):
                push_subscription(conn, subscription, Target(url), "run-crash", TODAY, QUICK, crash_after_first_batch)
        finally:
            mariadb.start()
        resumed = push_subscription(conn, subscription, Target(url), "run-again", TODAY, QUICK)
        assert resumed.rows == 15000
        rows = _target_rows(url, "yj_penalty")
        assert [r[0] for r in rows] == [r[0] for r in _expected(conn)]
        statuses = conn.execute(
            "select status from exchange.share_pushes where subscription_id = 'yibao' order by push_id"
        ).fetchall()
        assert statuses == [("failed",), ("failed",), ("succeeded",)]


def test_an_expired_subscription_pushes_nothing_and_says_why(share_db, postgres_target, monkeypatch):
    subscription = _subscription({**PENALTIES, "valid_until": "2026-03-31"}, monkeypatch, postgres_target)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 10)
        result = push_subscription(conn, subscription, Target(postgres_target), "run-x", TODAY, QUICK)
        assert result.status == "expired" and "renew the application" in result.message
        assert not sa.inspect(sa.create_engine(postgres_target)).has_table("yj_penalty")
        assert subscription_status(conn, subscription).state == "expired"


def test_a_push_killed_mid_batch_is_finished_by_the_next_one(share_db, postgres_target, monkeypatch):
    import os
    import signal
    import subprocess
    import sys
    import textwrap

    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 60000)
    script = textwrap.dedent(f"""
        import datetime as dt
        import psycopg
        from hubei_data.exchange import share_push
        from hubei_data.exchange.share_push import push_subscription
        from hubei_data.exchange.subscription import checked
        from hubei_data.exchange.targets import Target
        from hubei_data.registry.subscriptions import Subscription
        subscription = checked(Subscription.model_validate({PENALTIES!r}), "yibao.yaml")
        share_push.BATCH_ROWS = share_push.LARGEST_BATCH_ROWS = 5000
        with psycopg.connect({share_db.url!r}) as conn:
            push_subscription(conn, subscription, Target({postgres_target!r}), "run-killed", dt.date(2026, 6, 1))
    """)
    pusher = subprocess.Popen([sys.executable, "-c", script], env=os.environ.copy())
    with psycopg.connect(share_db.url, autocommit=True) as watcher:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and pusher.poll() is None:
            exists = watcher.execute("select to_regclass('exchange.share_watermarks')").fetchone()[0]
            if exists and watcher.execute("select count(*) from exchange.share_watermarks").fetchone()[0]:
                break
            time.sleep(0.01)
    pusher.send_signal(signal.SIGKILL)
    pusher.wait()
    written = len(_target_rows(postgres_target, "yj_penalty"))
    assert 0 < written < 60000
    with psycopg.connect(share_db.url) as conn:
        finished = push_subscription(conn, subscription, Target(postgres_target), "run-again", TODAY, QUICK)
        assert finished.rows <= 60000 - written + 5000
        assert [r[0] for r in _target_rows(postgres_target, "yj_penalty")] == [r[0] for r in _expected(conn)]
        assert conn.execute(
            "select status, error from exchange.share_pushes order by push_id").fetchall() == [
            ("failed", "interrupted: the push process ended before finishing"), ("succeeded", None)]


def _one_session(url: str) -> Target:
    """A target whose every statement runs in one session, so a test can see what the push left in it."""
    target = Target(url)
    target.engine = sa.create_engine(url, poolclass=sa.pool.StaticPool)
    return target


def test_a_merge_loads_its_batch_with_room_in_memory_unless_the_target_session_already_fixed_it(
        share_db, postgres_target, monkeypatch):
    subscription = _subscription(PENALTIES, monkeypatch, postgres_target)
    roomy, used = _one_session(postgres_target), _one_session(postgres_target)
    with used.engine.begin() as session:
        session.execute(sa.text("create temp table earlier (n int)"))
        session.execute(sa.text("insert into earlier values (1)"))
    with psycopg.connect(share_db.url) as conn:
        _penalties(conn, 1, 300)
        push_subscription(conn, subscription, roomy, "run-1", TODAY, QUICK)
        for run, target in (("run-2", roomy), ("run-3", used)):
            conn.execute("update share.penalty_info set fine_yuan = fine_yuan + 1000, _synced_at = clock_timestamp()")
            conn.commit()
            assert push_subscription(conn, subscription, target, run, TODAY, QUICK).rows == 300
            assert [(r[0], float(r[3])) for r in _target_rows(postgres_target, "yj_penalty")] == [
                (r[0], float(r[3])) for r in _expected(conn)]
    for target, memory in ((roomy, TEMPORARY_TABLE_MEMORY), (used, "8MB")):
        with target.engine.connect() as session:
            assert session.execute(sa.text("show temp_buffers")).scalar_one() == memory
