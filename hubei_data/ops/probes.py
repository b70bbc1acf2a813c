"""What the platform checks about itself on every pass: the host, the warehouse, every endpoint it
depends on, and the state of every share; each probe gives samples (a time series) and conditions.

Every network probe is bounded by a timeout, so a target that hangs costs a pass at most that long.
"""

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import dagster as dg
import httpx
import psutil
import psycopg
import sqlalchemy as sa

from hubei_data import systems, warehouse
from hubei_data.ops.alerting import Condition
from hubei_data.ops.contacts import OPERATIONS

TIMEOUT_SECONDS = 5
DISK_FULL_PERCENT = 90
LONG_QUERY = dt.timedelta(minutes=10)
GRANT_NOTICE = dt.timedelta(days=30)
PENDING_TOO_LONG = dt.timedelta(hours=48)
API_WINDOW = dt.timedelta(hours=1)
API_ERROR_RATE = 0.05
API_MIN_CALLS = 20
FAILED_RUN_WINDOW = dt.timedelta(hours=24)
SPIKE_WINDOW = dt.timedelta(hours=24)
SPIKE_BASELINE = dt.timedelta(days=7)
SPIKE_MIN_ROWS = 20
LICENCE_NOTICE = dt.timedelta(days=30)
# The office that decides applications for data (接口申请审批); told when one waits too long.
APPROVERS = "共享审批"


@dataclass(frozen=True)
class Sample:
    probe: str
    target: str
    value: float | None
    ok: bool = True
    detail: str = ""


@dataclass
class Findings:
    """What one pass saw: samples, conditions, and the rules it checked (so absent conditions resolve)."""

    samples: list[Sample] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)

    def merge(self, other: "Findings") -> None:
        self.samples += other.samples
        self.conditions += other.conditions
        self.rules |= other.rules


def host() -> Findings:
    """CPU, load, memory, the data directory's disk and network counters (psutil)."""
    found = Findings(rules={"disk_full"})
    disk = psutil.disk_usage(str(warehouse.data_dir()))
    net = psutil.net_io_counters()
    found.samples += [
        Sample("host_cpu_percent", "host", psutil.cpu_percent(interval=0.2)),
        Sample("host_load_1m", "host", os.getloadavg()[0]),
        Sample("host_memory_percent", "host", psutil.virtual_memory().percent),
        Sample("host_disk_percent", str(warehouse.data_dir()), disk.percent),
        Sample("host_network_sent_bytes", "host", float(net.bytes_sent)),
        Sample("host_network_received_bytes", "host", float(net.bytes_recv)),
    ]
    if disk.percent >= DISK_FULL_PERCENT:
        found.conditions.append(Condition(
            "disk_full", str(warehouse.data_dir()), "critical",
            f"数据目录所在磁盘已用 {disk.percent:.0f}%（{disk.free // 2**30} GiB 可用）", OPERATIONS))
    return found


def database(conn: psycopg.Connection) -> Findings:
    """Size per schema, connections, long-running queries, dead tuples and the oldest vacuum."""
    found = Findings(rules={"long_query"})
    for schema_name, size in conn.execute(
        "select n.nspname, coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_namespace n"
        " left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'm', 'p')"
        " where n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema' group by 1"
    ):
        found.samples.append(Sample("warehouse_schema_bytes", schema_name, float(size)))
    connections, long_queries = conn.execute(
        "select count(*), count(*) filter (where state = 'active' and now() - query_start > %s)"
        " from pg_stat_activity where datname = current_database()", (LONG_QUERY,),
    ).fetchone()
    dead, vacuum_age = conn.execute(
        "select coalesce(sum(n_dead_tup), 0), extract(epoch from now() - min(greatest(last_vacuum, last_autovacuum)))"
        " from pg_stat_user_tables"
    ).fetchone()
    found.samples += [
        Sample("warehouse_connections", "warehouse", float(connections)),
        Sample("warehouse_long_queries", "warehouse", float(long_queries)),
        Sample("warehouse_dead_tuples", "warehouse", float(dead)),
        Sample("warehouse_oldest_vacuum_seconds", "warehouse", None if vacuum_age is None else float(vacuum_age)),
    ]
    if long_queries:
        found.conditions.append(Condition(
            "long_query", "warehouse", "warning", f"仓库有 {long_queries} 条查询运行超过 {LONG_QUERY}", OPERATIONS))
    return found


def endpoint(rule: str, target: str, reach: Callable[[], None], message: str) -> Findings:
    """Time one attempt to reach something; a failure is a critical condition saying why."""
    found = Findings(rules={rule})
    started = time.monotonic()
    try:
        reach()
    except Exception as error:  # noqa: BLE001 — any failure to reach is the finding itself
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        found.samples.append(Sample(rule, target, None, False, reason))
        found.conditions.append(Condition(rule, target, "critical", f"{message}：{reason}", OPERATIONS))
    else:
        found.samples.append(Sample(rule, target, (time.monotonic() - started) * 1000))
    return found


def database_reachable(url: str) -> Callable[[], None]:
    """Connect and run `select 1`, giving up after the timeout (PostgreSQL and MySQL/MariaDB drivers); a URL that
    cannot be parsed fails the probe like a server that does not answer."""
    def reach() -> None:
        limits = {"connect_timeout": TIMEOUT_SECONDS}
        if sa.engine.make_url(url).get_backend_name() == "mysql":
            limits |= {"read_timeout": TIMEOUT_SECONDS, "write_timeout": TIMEOUT_SECONDS}
        engine = sa.create_engine(url, poolclass=sa.NullPool, connect_args=limits)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
        finally:
            engine.dispose()
    return reach


def http_reachable(url: str) -> Callable[[], None]:
    """Any HTTP answer means the endpoint is up; only no answer within the timeout is a failure."""
    def reach() -> None:
        httpx.get(url, timeout=TIMEOUT_SECONDS)
    return reach


def endpoints() -> Findings:
    """Every front-end database target whose URL is set, each source system with a URL of its own and the shared
    source database, the bureau and the data API."""
    from hubei_data.exchange.subscription import load_subscriptions

    found = Findings()
    for subscription in load_subscriptions():
        if subscription.target_missing() is None:
            found.merge(endpoint("target_unreachable", subscription.id, database_reachable(subscription.target_url()),
                                 f"{subscription.department}前置库不可达（订阅 {subscription.id}）"))
    for system in systems.with_own_url():
        found.merge(endpoint("source_unreachable", system.code, database_reachable(os.environ[system.url_variable]),
                             f"业务系统源库不可达（{system.label}）"))
    for variable, rule, message, probe in (
        (systems.SHARED_URL, "source_unreachable", "业务系统源库不可达", database_reachable),
        ("HUBEI_DATA_BUREAU_URL", "bureau_unreachable", "国家局接口不可达", http_reachable),
        ("HUBEI_DATA_API_URL", "api_unreachable", "数据服务接口不可达", lambda url: http_reachable(url + "/health")),
    ):
        if os.environ.get(variable):
            found.merge(endpoint(rule, variable, probe(os.environ[variable]), message))
    return found


def shares(conn: psycopg.Connection, now: dt.datetime) -> Findings:
    """Each subscription's push state: failed and late pushes for operations, expiry reminders for its department."""
    from hubei_data.exchange.subscription import load_subscriptions
    from hubei_data.exchange.subscription_status import subscription_status

    found = Findings(rules={"share_failed", "share_late", "share_expiring", "share_expired"})
    for subscription in load_subscriptions():
        state = subscription_status(conn, subscription, now)
        name = f"{subscription.department}（订阅 {subscription.id}）"
        condition = {
            "failed": ("share_failed", "critical", f"向{name}的推送失败：{state.last_error}", OPERATIONS),
            "late": ("share_late", "warning", f"向{name}的推送已过计划时间一小时未完成", OPERATIONS),
            "expiring": ("share_expiring", "reminder",
                         f"{name}的共享申请将于 {subscription.valid_until} 到期，请及时续办", subscription.department),
            "expired": ("share_expired", "warning",
                        f"{name}的共享申请已于 {subscription.valid_until} 到期，推送已停止", subscription.department),
        }.get(state.state)
        if condition:
            rule, severity, message, office = condition
            found.conditions.append(Condition(rule, subscription.id, severity, message, office))
    return found


def backups(conn: psycopg.Connection) -> Findings:
    """The latest backup failed, or the latest restore drill did not give back what was saved."""
    found = Findings(rules={"backup_failed", "drill_disagreed"})
    backup = conn.execute("select backup_id, error from ops.backups where status in ('succeeded', 'failed')"
                          " order by started_at desc limit 1").fetchone()
    if backup and backup[1] is not None:
        found.conditions.append(Condition("backup_failed", backup[0], "critical", f"备份失败：{backup[1]}", OPERATIONS))
    drill = conn.execute("select backup_id, status, coalesce(error, mismatches::text) from ops.drills"
                         " where status in ('matched', 'disagreed', 'failed') order by started_at desc limit 1"
                         ).fetchone()
    if drill and drill[1] != "matched":
        found.conditions.append(Condition("drill_disagreed", drill[0], "critical",
                                          f"恢复演练未通过（备份 {drill[0]}）：{drill[2]}"[:500], OPERATIONS))
    return found


def grants(conn: psycopg.Connection, now: dt.datetime) -> Findings:
    """Grants ending soon (their department is reminded) and applications waiting too long for a decision."""
    found = Findings(rules={"grant_expiring", "application_pending"})
    for grant_id, api, department, until in conn.execute(
        "select g.grant_id, coalesce(g.api, g.dataset), coalesce(g.department, c.department), g.valid_until"
        " from api.grants g left join api.consumers c using (app_key)"
        " where g.status = 'approved' and g.valid_until between %s::date and %s::date",
        (now.date(), (now + GRANT_NOTICE).date()),
    ):
        found.conditions.append(Condition(
            "grant_expiring", f"grant {grant_id}", "reminder",
            f"{department}的数据接口授权（{api}，授权 {grant_id}）将于 {until} 到期，如需继续使用请重新申请", department))
    for grant_id, api, department, applied_at in conn.execute(
        "select g.grant_id, coalesce(g.api, g.dataset), coalesce(g.department, c.department), g.applied_at"
        " from api.grants g left join api.consumers c using (app_key)"
        " where g.status = 'pending' and g.applied_at < %s", (now - PENDING_TOO_LONG,),
    ):
        found.conditions.append(Condition(
            "application_pending", f"grant {grant_id}", "reminder",
            f"{department}申请的数据接口（{api}，申请 {grant_id}）已等待审批超过 {PENDING_TOO_LONG.days * 24} 小时"
            f"（{applied_at:%Y-%m-%d %H:%M} 提交）", APPROVERS))
    return found


def api_errors(conn: psycopg.Connection, now: dt.datetime) -> Findings:
    """The data API's calls and server errors in the last hour; too many errors is an alert."""
    found = Findings(rules={"api_errors"})
    calls, errors = conn.execute(
        "select count(*), count(*) filter (where status >= 500) from api.calls where called_at >= %s",
        (now - API_WINDOW,),
    ).fetchone()
    found.samples += [Sample("api_calls_last_hour", "api", float(calls)),
                      Sample("api_server_errors_last_hour", "api", float(errors))]
    if calls >= API_MIN_CALLS and errors / calls > API_ERROR_RATE:
        found.conditions.append(Condition("api_errors", "api", "warning",
                                          f"数据服务接口近一小时 {calls} 次调用中 {errors} 次服务端错误", OPERATIONS))
    return found


def failed_runs(instance: dg.DagsterInstance, now: dt.datetime) -> Findings:
    """Jobs whose latest run in the last day failed, from the Dagster instance the UI shows."""
    found = Findings(rules={"run_failed"})
    latest: dict[str, dg.RunRecord] = {}
    for record in instance.get_run_records(
        filters=dg.RunsFilter(updated_after=now - FAILED_RUN_WINDOW), order_by="update_timestamp", ascending=True,
    ):
        latest[record.dagster_run.job_name] = record
    failed = [r for r in latest.values() if r.dagster_run.status == dg.DagsterRunStatus.FAILURE]
    found.samples.append(Sample("runs_failing_jobs", "dagster", float(len(failed))))
    for record in failed:
        run = record.dagster_run
        found.conditions.append(Condition("run_failed", run.job_name, "critical",
                                          f"作业 {run.job_name} 最近一次运行失败（运行 {run.run_id}）", OPERATIONS))
    return found


def quarantine_spikes(conn: psycopg.Connection, now: dt.datetime) -> Findings:
    """Sources whose share of flagged rows in the last day is well above their share over the week before."""
    found = Findings(rules={"quarantine_spike"})
    if conn.execute("select to_regclass('quarantine.issues')").fetchone()[0] is None:
        return found
    for source, flagged, received, baseline in conn.execute(_SPIKES, {
        "since": now - SPIKE_WINDOW, "baseline_since": now - SPIKE_WINDOW - SPIKE_BASELINE, "now": now,
    }):
        rate = flagged / received if received else 0.0
        found.samples.append(Sample("quarantine_flagged_share_24h", source, rate))
        if flagged >= SPIKE_MIN_ROWS and rate > max(2 * baseline, baseline + 0.05):
            found.conditions.append(Condition(
                "quarantine_spike", source, "warning",
                f"{source} 近一日 {received} 行中 {flagged} 行被拦截（{rate:.0%}），前一周为 {baseline:.0%}", OPERATIONS))
    return found


_SPIKES = """
with batches as (
    select batch_id, source, row_count, received_at >= %(since)s as recent
    from landing.batches
    where status = 'loaded' and received_at >= %(baseline_since)s and received_at < %(now)s
),
flagged as (
    select batch_id, count(distinct row_number) as rows from quarantine.issues
    where batch_id in (select batch_id from batches) group by batch_id
),
per_source as (
    select batches.source,
           coalesce(sum(flagged.rows) filter (where recent), 0) as flagged_recent,
           coalesce(sum(row_count) filter (where recent), 0) as received_recent,
           coalesce(sum(flagged.rows) filter (where not recent), 0) as flagged_before,
           coalesce(sum(row_count) filter (where not recent), 0) as received_before
    from batches left join flagged using (batch_id)
    group by batches.source
)
select source, flagged_recent::bigint, received_recent::bigint,
       case when received_before > 0 then flagged_before::float / received_before else 0 end
from per_source where received_recent > 0
"""


def failed_checks(instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey]) -> Findings:
    """Asset checks of error severity whose latest evaluation failed (warnings stay in the UI)."""
    found = Findings(rules={"check_failed"})
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys))
    failing = [(key, record.evaluation) for key, record in latest.items()
               if record.evaluation is not None and not record.evaluation.passed]
    found.samples.append(Sample("asset_checks_failing", "dagster", float(len(failing))))
    for key, evaluation in failing:
        if evaluation.severity == dg.AssetCheckSeverity.ERROR:
            name = f"{key.asset_key.to_user_string()}:{key.name}"
            found.conditions.append(Condition("check_failed", name, "warning",
                                              f"数据资产 {key.asset_key.to_user_string()} 的检查 {key.name} 未通过", OPERATIONS))
    return found


def bureau_pushes(conn: psycopg.Connection) -> Findings:
    """Feeds with a batch the national bureau has not acknowledged after an error."""
    found = Findings(rules={"bureau_push_failed"})
    for feed, batches, attempts, error in conn.execute(
        "select feed, count(*), max(attempts), (array_agg(last_error order by created_at desc))[1]"
        " from exchange.bureau_batches where status = 'pending' and last_error is not null group by feed"
    ):
        found.conditions.append(Condition(
            "bureau_push_failed", feed, "critical",
            f"向国家局推送 {feed} 失败：{batches} 批待确认，已重试 {attempts} 次；{error}"[:500], OPERATIONS))
    return found


def licences_expiring(conn: psycopg.Connection, now: dt.datetime) -> Findings:
    """Valid licences ending within 30 days: their issuing source's owner is reminded, once while any are."""
    from hubei_data.contracts import SOURCES

    found = Findings(rules={"licences_expiring"})
    if conn.execute("select to_regclass('resource.license')").fetchone()[0] is None:
        return found
    count, first = conn.execute(
        "select count(*), min(valid_until) from resource.license"
        " where status = '有效' and valid_until between %s::date and %s::date",
        (now.date(), (now + LICENCE_NOTICE).date()),
    ).fetchone()
    found.samples.append(Sample("licences_expiring_30d", "license", float(count)))
    if count:
        found.conditions.append(Condition(
            "licences_expiring", "license", "reminder",
            f"{count} 张有效许可证将在 {LICENCE_NOTICE.days} 天内到期（最早 {first}），请提醒持证企业办理延续",
            SOURCES["license"].owner))
    return found
