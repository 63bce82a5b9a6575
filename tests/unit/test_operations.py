"""The operator's alarms and dashboard in template.yaml: every alarm reaches the alarm topic, the
metrics they watch are ones the code really emits, and the dashboard covers what the issue lists
(5xx and p99 per route, payment anomalies, stream and queue failures, reconciliation, shipping)."""

from __future__ import annotations

import json
import re
from typing import Any

from infra.local.template import ROOT, Template


def _emitted() -> set[str]:
    """EMF metric names the shop's code emits (add_metric(name="X"), and Payment_<kind> for each kind
    payment_events.record is given)."""
    names: set[str] = set()
    kinds = dict(re.findall(r'^([A-Z_]+) = "([a-z_]+)"$', (ROOT / "layers/shop/shop/buying/payment_events.py").read_text(),
                            re.MULTILINE))
    for path in list((ROOT / "layers").rglob("*.py")) + list((ROOT / "functions").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'add_metric\(name="([A-Za-z_]+)"', text))
        for kind in re.findall(r'\brecord\([^,()]+(?:\([^)]*\))?, ("[a-z_]+"|[A-Z_]+)(?=[,)])', text):
            names.add("Payment_" + (kind.strip('"') if kind.startswith('"') else kinds.get(kind, kind)))
    return names


def _alarm_metrics(props: dict[str, Any]) -> list[tuple[str, str]]:
    if "MetricName" in props:
        return [(props["Namespace"], props["MetricName"])]
    return [(m["MetricStat"]["Metric"]["Namespace"], m["MetricStat"]["Metric"]["MetricName"])
            for m in props["Metrics"] if "MetricStat" in m]


def test_every_alarm_tells_the_alarm_topic_and_an_email_can_subscribe_at_deploy(template: Template) -> None:
    alarms = template.of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 9
    for name, res in alarms.items():
        assert res["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert res["Properties"]["TreatMissingData"] == "notBreaching", name  # an idle shop is not an incident
    subscription = template.resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert template.raw["Parameters"]["AlarmEmail"]["Default"] == ""


def test_the_alarms_watch_metrics_the_code_emits(template: Template) -> None:
    emitted = _emitted()
    watched = {metric for res in template.of_type("AWS::CloudWatch::Alarm").values()
               for namespace, metric in _alarm_metrics(res["Properties"]) if namespace == "MiniShop"}
    assert watched >= {"UnhandledError", "StreamRecordFailed", "ShippingUploadFailed", "ReconciliationDifferences",
                       "ReconciliationErrors", "PayNotifyError", "Payment_mismatch", "Payment_unknown_order"}
    assert watched <= emitted, watched - emitted


def test_every_failure_queue_is_watched(template: Template) -> None:
    queues = set(template.of_type("AWS::SQS::Queue"))
    props = template.resources["StreamGivenUpAlarm"]["Properties"]
    watched = {m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for m in props["Metrics"]
               if "MetricStat" in m}
    assert watched == queues


def test_the_dashboard_shows_routes_payments_streams_reconciliation_and_shipping(template: Template) -> None:
    body = template.resources["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(body)["widgets"]
    titles = " / ".join(w["properties"]["title"] for w in widgets)
    for needed in ("per route", "p99", "Payment anomalies", "Stream failures", "Reconciliation", "shipping"):
        assert needed.lower() in titles.lower(), needed
    (routes,) = [w for w in widgets if w["type"] == "log"]
    query = routes["properties"]["query"]
    assert query.startswith("SOURCE '${ApiAccessLogs}'") and "by routeKey" in query and "pct(latencyMs, 99)" in query
    fields = set(re.findall(r'"(\w+)":"\$context', template.resources["ShopApi"]["Properties"]["AccessLogSettings"]["Format"]))
    assert {"routeKey", "status", "latencyMs"} <= fields  # what the query reads is what the access log writes
    emitted = _emitted()
    for w in widgets:
        for metric in w["properties"].get("metrics", []):
            if metric[0] == "MiniShop":
                assert metric[1] in emitted, metric[1]
    assert all(w["x"] + w["width"] <= 24 for w in widgets)
