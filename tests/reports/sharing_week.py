"""A week of sharing as the platform logs it: pushes, bureau batches, API calls, flagged rows and rectification
tickets, with rows just outside the week that must not count."""

from hubei_data.ingest.landing import ensure_landing
from hubei_data.reports.periods import Week

WEEK = Week.parse("2026-W48")  # Monday 23 to Sunday 29 November 2026, Beijing time

# yibao_penalty: failed, then succeeded (recovered); succeeded; failed late on Sunday with nothing after it.
# Pushes a minute before the week and at the next Monday's midnight fall outside it.
PUSHES = [
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-23 10:00+08", "failed", None),
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-23 11:00+08", "succeeded", 100),
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-25 02:00+08", "succeeded", 50),
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-29 23:30+08", "failed", None),
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-22 23:59+08", "succeeded", 7000),
    ("yibao_penalty", "湖北省医疗保障局", "penalty_info", "2026-11-30 00:00+08", "succeeded", 9000),
]
# drug_sampling: acknowledged at once; acknowledged after retries; still waiting after an error.
BATCHES = [
    ("b1", "drug_sampling", 30, "acknowledged", 1, None, "2026-11-24 09:00+08"),
    ("b2", "drug_sampling", 20, "acknowledged", 3, None, "2026-11-26 09:00+08"),
    ("b3", "drug_sampling", 10, "pending", 2, "503 Service Unavailable", "2026-11-28 09:00+08"),
    ("b0", "drug_sampling", 99, "acknowledged", 1, None, "2026-11-20 09:00+08"),
]

# (source, rule, steps as (at, from, to)). enterprise: one ticket resolved in the week, one opened and still open,
# one opened and resolved only after the week (open at its end); license: open all week, nothing flagged.
TICKETS = [
    ("enterprise", "uscc_check", [("2026-11-20 09:00+08", None, "new"), ("2026-11-26 09:00+08", "new", "resolved")]),
    ("enterprise", "required", [("2026-11-24 09:00+08", None, "new"), ("2026-11-25 09:00+08", "new", "acknowledged")]),
    ("enterprise", "hubei_division", [("2026-11-24 09:00+08", None, "new"),
                                      ("2026-11-30 10:00+08", "new", "resolved")]),
    ("license", "required", [("2026-11-10 09:00+08", None, "new"), ("2026-11-12 09:00+08", "new", "in_progress")]),
]


def a_week_of_sharing(conn) -> None:
    for subscription, department, dataset, at, status, rows in PUSHES:
        conn.execute(
            "insert into exchange.share_pushes (subscription_id, department, dataset, target_table, mode, run_id,"
            " started_at, finished_at, rows, status) values (%s, %s, %s, 't', 'upsert', 'r', %s, %s, %s, %s)",
            (subscription, department, dataset, at, at, rows, status))
    for batch_id, feed, records, status, attempts, error, at in BATCHES:
        conn.execute(
            "insert into exchange.bureau_batches (batch_id, feed, run_id, records, status, attempts, last_error,"
            " created_at) values (%s, %s, 'r', %s, %s, %s, %s, %s)",
            (batch_id, feed, records, status, attempts, error, at))
    conn.execute("insert into api.consumers (app_key, name, department, secret_encrypted) values"
                 " ('hd_gongan', '户籍管理', '湖北省公安厅', ''), ('hd_weijian', '妇幼', '湖北省卫生健康委员会', '')")
    calls = [("hd_gongan", "vaccination", 200, 3)] * 5 + [("hd_gongan", "vaccination", 403, None),
                                                           ("hd_weijian", "enterprise", 200, 2),
                                                           (None, "enterprise", 401, None)]
    for app_key, api, status, rows in calls:
        conn.execute("insert into api.calls (called_at, app_key, api, rows, latency_ms, status)"
                     " values ('2026-11-27 15:00+08', %s, %s, %s, 12.5, %s)", (app_key, api, rows, status))
    conn.execute("insert into api.calls (called_at, app_key, api, rows, latency_ms, status)"
                 " values ('2026-12-01 15:00+08', 'hd_gongan', 'vaccination', 1, 10, 200)")
    _flagged(conn)


def _flagged(conn) -> None:
    """Two batches of the enterprise source received in the week, one the week before; quarantine.issues as the
    dbt model leaves it. Row 2 of the first batch breaks two rules: one flagged row, two issues."""
    ensure_landing(conn)
    for batch_id, at in ((1, "2026-11-24 08:00+08"), (2, "2026-11-27 08:00+08"), (3, "2026-11-18 08:00+08")):
        conn.execute("insert into landing.batches (batch_id, source, channel, origin, status, received_at)"
                     " overriding system value values (%s, 'enterprise', 'file', %s, 'loaded', %s)",
                     (batch_id, f"enterprise/{batch_id}.csv", at))
    conn.execute("create schema if not exists quarantine")
    conn.execute("create table quarantine.issues (source text, key text, rule text, column_name text, detail text,"
                 " batch_id bigint, file text, row_number integer)")
    for batch_id, row, rule in ((1, 2, "uscc_check"), (1, 2, "required"), (1, 5, "hubei_division"),
                                (2, 3, "uscc_check"), (3, 4, "required")):
        conn.execute("insert into quarantine.issues values ('enterprise', 'k', %s, 'c', 'd', %s, 'f', %s)",
                     (rule, batch_id, row))
    conn.execute("insert into exchange.bureau_rejections values ('penalty', 'case-1', 'h', 'b9', '缺少必填项',"
                 " '2026-11-28 10:00+08')")
    for source, rule, steps in TICKETS:
        ticket_id = conn.execute(
            "insert into ops.quality_tickets (origin, source, rule, owner, affected_rows, newest_batch, first_seen,"
            " last_seen, opened_at, due_at) values ('rule', %s, %s, 'owner', 1, 1, %s, %s, %s, %s) returning ticket_id",
            (source, rule, *[steps[0][0]] * 4)).fetchone()[0]
        for at, before, after in steps:
            conn.execute("insert into ops.quality_ticket_steps (ticket_id, at, actor, stage_from, stage_to,"
                         " affected_rows) values (%s, %s, 'recheck', %s, %s, 1)", (ticket_id, at, before, after))
