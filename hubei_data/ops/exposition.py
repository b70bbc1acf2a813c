"""The latest probe readings and the open alerts in Prometheus' text format, for a scraper to collect."""

import psycopg
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from hubei_data.ops.alerting import alert_list
from hubei_data.ops.readings import latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Readings:
    """A collector over rows already read, so one scrape is one consistent snapshot."""

    def __init__(self, readings: list[dict], alerts: list[dict]):
        self.readings, self.alerts = readings, alerts

    def collect(self):
        value = GaugeMetricFamily("hubei_data_probe", "The latest reading of a probe.", labels=["probe", "target"])
        ok = GaugeMetricFamily("hubei_data_probe_ok", "1 when the probe's target answered.", labels=["probe", "target"])
        age = GaugeMetricFamily("hubei_data_probe_timestamp_seconds", "When the reading was taken.",
                                labels=["probe", "target"])
        for reading in self.readings:
            labels = [reading["probe"], reading["target"]]
            if reading["value"] is not None:
                value.add_metric(labels, reading["value"])
            ok.add_metric(labels, 1.0 if reading["ok"] else 0.0)
            age.add_metric(labels, reading["at"].timestamp())
        alerts = GaugeMetricFamily("hubei_data_alerts_open", "Open alerts by severity and rule.",
                                   labels=["severity", "rule"])
        counts: dict[tuple[str, str], int] = {}
        for alert in self.alerts:
            key = (alert["severity"], alert["rule"])
            counts[key] = counts.get(key, 0) + 1
        for (severity, rule), count in sorted(counts.items()):
            alerts.add_metric([severity, rule], count)
        yield from (value, ok, age, alerts)


def exposition(conn: psycopg.Connection) -> bytes:
    registry = CollectorRegistry()
    registry.register(_Readings(latest(conn), alert_list(conn, False)))
    return generate_latest(registry)
