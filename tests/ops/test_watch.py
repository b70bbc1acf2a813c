"""The watcher end to end on real servers: a front-end database goes down, a mail says so within one pass,
and another says it came back; messages that cannot be delivered wait and are retried, never lost."""

import datetime as dt
import socket
import threading

import pytest

from hubei_data.ops import alerting, outbox
from hubei_data.ops.alerting import Condition
from hubei_data.ops.channels import Smtp
from hubei_data.ops.contacts import Office
from hubei_data.ops.watch import watch_once

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def test_a_stopped_target_mails_operations_and_mails_again_when_it_is_back(watched, smtp_server, mariadb,
                                                                           monkeypatch):
    watched.contacts.write_text("运维组:\n  emails: [ops@hubei.example]\n", encoding="utf-8")
    monkeypatch.setenv("HUBEI_DATA_TARGET_YIBAO_URL", mariadb.database("watched"))
    with watched.connect() as conn:
        assert _rules(watch_once(conn).opened, "target_unreachable") == []
        mariadb.stop()
        try:
            down = watch_once(conn)
        finally:
            mariadb.start()
        assert _rules(down.opened, "target_unreachable") == [("target_unreachable", "yibao_penalty")]
        assert watch_once(conn).resolved == [("target_unreachable", "yibao_penalty")]
    (to, first), (_, second) = [(to, mail) for to, mail in smtp_server.mails if "前置库" in mail["Subject"]]
    assert to == ["ops@hubei.example"]
    assert first["Subject"].startswith("[告警] 湖北省医疗保障局前置库不可达")
    assert second["Subject"].startswith("[恢复] 湖北省医疗保障局前置库不可达")
    with watched.connect() as conn:
        assert [a for a in alerting.alert_list(conn, False) if a["rule"] == "target_unreachable"] == []


def test_a_condition_that_lasts_is_one_alert_and_one_message(watched, smtp_server):
    offices = {"运维组": Office("运维组", ("ops@hubei.example",))}
    condition = Condition("disk_full", "/data", "critical", "磁盘将满", "运维组")
    with watched.connect() as conn:
        for minute in range(3):
            alerting.evaluate(conn, {"disk_full"}, [condition], offices, NOW + dt.timedelta(minutes=minute))
        assert [a["rule"] for a in alerting.alert_list(conn, False)] == ["disk_full"]
        alerting.evaluate(conn, {"other_rule"}, [], offices, NOW + dt.timedelta(minutes=4))
        assert len(alerting.alert_list(conn, False)) == 1, "a rule not checked in a pass resolves nothing"
        alerting.evaluate(conn, {"disk_full"}, [], offices, NOW + dt.timedelta(minutes=5))
        assert alerting.alert_list(conn, False) == []
        outbox.deliver_due(conn, Smtp.from_environment(), NOW + dt.timedelta(minutes=5))
    assert [mail["Subject"] for _, mail in smtp_server.mails] == ["[告警] 磁盘将满", "[恢复] 磁盘将满"]


def test_mail_while_the_smtp_server_is_down_waits_and_is_sent_when_it_is_up(watched, smtp_server, monkeypatch):
    offices = {"运维组": Office("运维组", ("ops@hubei.example",))}
    with watched.connect() as conn:
        alerting.evaluate(conn, {"disk_full"}, [Condition("disk_full", "/data", "critical", "磁盘将满", "运维组")],
                          offices, NOW)
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            down = Smtp("127.0.0.1", closed.getsockname()[1])
        assert outbox.deliver_due(conn, down, NOW) == (0, 1)
        assert outbox.deliver_due(conn, down, NOW) == (0, 0), "not due again before its backoff"
        attempts, error = conn.execute("select attempts, last_error from ops.notifications").fetchone()
        assert attempts == 1 and "Connection refused" in error
        assert outbox.deliver_due(conn, Smtp.from_environment(), NOW + dt.timedelta(minutes=2)) == (1, 0)
    assert [mail["Subject"] for _, mail in smtp_server.mails] == ["[告警] 磁盘将满"]


@pytest.mark.parametrize("answer", [(500, {"error": "down"}), (200, {"errcode": 93000, "errmsg": "invalid key"})],
                         ids=["http 500", "robot refusal"])
def test_a_webhook_that_refuses_keeps_the_message_until_it_accepts(watched, webhook, monkeypatch, answer):
    monkeypatch.setenv("HUBEI_DATA_WEBHOOK_OPS", webhook.url)
    offices = {"运维组": Office("运维组", (), "HUBEI_DATA_WEBHOOK_OPS")}
    with watched.connect() as conn:
        alerting.evaluate(conn, {"share_failed"},
                          [Condition("share_failed", "yibao_penalty", "critical", "推送失败", "运维组")], offices, NOW)
        webhook.answer = answer
        assert outbox.deliver_due(conn, None, NOW) == (0, 1)
        webhook.answer = (200, {"errcode": 0, "errmsg": "ok"})
        assert outbox.deliver_due(conn, None, NOW + dt.timedelta(hours=1)) == (1, 0)
    assert webhook.received[-1]["msgtype"] == "text" and set(webhook.received[-1]) == {"msgtype", "text"}
    assert webhook.received[-1]["text"]["content"].startswith("[告警] 推送失败\n")


def test_a_target_that_hangs_is_given_up_on_at_its_timeout(watched, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    monkeypatch.setenv("HUBEI_DATA_TARGET_YIBAO_URL",
                       f"postgresql://nobody:x@127.0.0.1:{silent.getsockname()[1]}/nothing")
    done = []
    with watched.connect() as conn:
        passing = threading.Thread(target=lambda: done.append(watch_once(conn)), daemon=True)
        passing.start()
        passing.join(120)
    silent.close()
    assert done, "the pass never ended"
    (hung,) = [c for c in done[0].opened if c.rule == "target_unreachable"]
    assert hung.target == "yibao_penalty" and "timeout expired" in hung.message


def test_a_broken_contacts_file_is_itself_an_alert_and_the_pass_goes_on(watched):
    watched.contacts.write_text("运维组:\n  emails: [not an address]\n", encoding="utf-8")
    with watched.connect() as conn:
        done = watch_once(conn)
        assert _rules(done.opened, "contacts_invalid") == [("contacts_invalid", str(watched.contacts))]
        assert done.samples > 5


def _rules(conditions, rule: str) -> list[tuple[str, str]]:
    return [(c.rule, c.target) for c in conditions if c.rule == rule]
