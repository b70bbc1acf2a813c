"""A command whose run fails ends with the root cause in one line and where the full log is, exit 1,
and no traceback floods the terminal."""

import re

import psycopg
import pytest
from stdnum.cn import uscc as uscc_number

FULL_LOG = re.compile(r"^full log: `hubei-data ui` → Runs → [0-9a-f-]{36}$")


def _cause(process) -> str:
    """The cause the failed command ended with, after where the run's log is; nothing on stderr is a traceback."""
    lines = process.stderr.strip().splitlines()
    assert process.returncode == 1, process.stderr
    assert lines[-1].startswith("Error: ") and FULL_LOG.match(lines[-2]), process.stderr
    assert "Traceback" not in process.stderr and "Stack Trace" not in process.stderr, process.stderr
    return lines[-1].removeprefix("Error: ")


@pytest.mark.parametrize(("subscription", "variable", "department"), [
    ("yibao_penalty", "HUBEI_DATA_TARGET_YIBAO_URL", "湖北省医疗保障局"),
    ("gongan_newborn", "HUBEI_DATA_TARGET_GONGAN_URL", "湖北省公安厅"),
])
def test_a_subscription_without_its_target_url_names_the_variable(
    migrated_database, hubei_data, subscription, variable, department
):
    process = hubei_data(migrated_database("cli"), "push", "share", "--subscription", subscription, **{variable: None})
    assert _cause(process) == (f"subscription {subscription}: {variable} is not set "
                               f"(the SQLAlchemy URL of the front-end database of {department})")


@pytest.mark.parametrize(("url", "reason"), [
    ("sqlite:////tmp/front.db", "target databases are PostgreSQL or MySQL/MariaDB, not sqlite"),
    ("not a url at all", "not a usable database URL"),
])
def test_an_unusable_target_url_says_why(migrated_database, hubei_data, url, reason):
    process = hubei_data(migrated_database("cli"), "push", "share", "--subscription", "yibao_penalty",
                         HUBEI_DATA_TARGET_YIBAO_URL=url)
    cause = _cause(process)
    assert cause.startswith("subscription yibao_penalty: the front-end database in HUBEI_DATA_TARGET_YIBAO_URL: ")
    assert reason in cause


def test_a_push_the_bureau_refuses_says_what_the_bureau_answered(share_db, hubei_data, bureau_server):
    bureau = bureau_server()
    base = "91420100MA0000001"
    with psycopg.connect(share_db.url, autocommit=True) as conn:
        conn.execute(
            "insert into share.penalty_info (case_no, uscc, enterprise_name, decided_on, violation, fine_yuan,"
            " confiscated_yuan, _batch_id, _row_number, _row_hash, _first_sync_id, _sync_id, _synced_at)"
            " values ('鄂药监罚〔2026〕1号', %s, '企业', date '2026-10-01', '违法行为', 10, 0, 1, 1, 'h', 's', 's', now())",
            (base + uscc_number.calc_check_digit(base),),
        )
    process = hubei_data(share_db, "push", "bureau", "--feed", "penalty", HUBEI_DATA_BUREAU_URL=bureau.url,
                         HUBEI_DATA_BUREAU_APP_KEY=bureau.app_key, HUBEI_DATA_BUREAU_APP_SECRET="not-the-secret")
    assert _cause(process).startswith(f"feed penalty: the bureau at {bureau.url} refused the push: HTTP 401")


def test_metrics_over_tables_never_built_say_to_build_first(migrated_database, hubei_data):
    process = hubei_data(migrated_database("cli"), "metrics", "compute", "--month", "2026-10")
    causes = _cause(process)
    assert causes.startswith("metrics_monthly_job 2026-10-01: step metric__")
    assert "does not exist: build the libraries first" in causes
    assert "; metrics_daily_job 2026-10-01..2026-10-31: step metric__" in causes
    assert sum(bool(FULL_LOG.match(line)) for line in process.stderr.splitlines()) == 2
