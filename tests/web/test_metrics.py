"""/metrics: the watcher's readings in Prometheus' format, for a scraper with an operator's token or a session."""

import datetime as dt

import httpx
import psycopg
from prometheus_client.parser import text_string_to_metric_families

from tests import people


def _reading(web) -> None:
    with psycopg.connect(web.url, autocommit=True) as conn:
        conn.execute("insert into ops.samples (at, probe, target, value, ok, detail) values"
                     " (%s, 'target_unreachable', 'metrics_probe', 12.5, true, '')", (dt.datetime.now(dt.UTC),))


def test_a_scraper_with_an_operators_token_reads_every_probe(web):
    _reading(web)
    answer = httpx.get(web.base + "/metrics", headers={"Authorization": f"Bearer {people.token(web.url, 'operator')}"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(answer.text)}
    (sample,) = [s for s in families["hubei_data_probe"].samples if s.labels["target"] == "metrics_probe"]
    assert sample.value == 12.5 and sample.labels["probe"] == "target_unreachable"
    assert {"hubei_data_probe_ok", "hubei_data_probe_timestamp_seconds", "hubei_data_alerts_open"} <= set(families)


def test_no_token_a_forged_one_or_a_role_without_monitoring_is_refused(web):
    assert httpx.get(web.base + "/metrics").status_code == 401
    assert httpx.get(web.base + "/metrics", headers={"Authorization": "Bearer hd_" + "x" * 43}).status_code == 401
    viewer = httpx.get(web.base + "/metrics", headers={"Authorization": f"Bearer {people.token(web.url, 'viewer')}"})
    assert viewer.status_code == 403 and "monitoring.view" in viewer.text


def test_a_logged_in_operator_reads_them_in_the_browser(web):
    browser = web.login("operator")
    assert browser.get("/metrics").status_code == 200


def test_the_status_page_lists_open_alerts_and_readings_for_monitoring_only(web):
    _reading(web)
    with psycopg.connect(web.url, autocommit=True) as conn:
        conn.execute("insert into ops.alerts (rule, target, severity, message, office, opened_at, last_seen)"
                     " values ('disk_full', '/status-test', 'critical', '数据目录所在磁盘已用 95%', '运维组', now(), now())"
                     " on conflict do nothing")
    page = web.login("operator").get("/platform/status")
    assert page.status_code == 200
    assert "数据目录所在磁盘已用 95%" in page.text and "metrics_probe" in page.text
    assert web.login("viewer").get("/platform/status").status_code == 403
    assert httpx.get(web.base + "/platform/status").status_code == 401
