"""Reconciliation (对账) through the real handlers: orders paid and refunded through the WeChat Pay
simulator today, then "tomorrow after 10:00" (the shop's clock and the simulator's bill clock moved
forward) the day is reconciled against the bill the simulator produces from what it processed."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from shop.adapters.clock import SHANGHAI
from shop.adapters.wechat import bills
from shop.buying import reconciliation
from tests.handler.test_buying import (
    ADDRESS, TEE, _paid_order, checkout, merchant_token, place, settle,
)
from tests.helpers import Api, context, load_function, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


def _today() -> str:
    return datetime.now(SHANGHAI).date().isoformat()


def _tomorrow_at(hour: int) -> datetime:
    day = datetime.now(SHANGHAI).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=SHANGHAI)


@pytest.fixture
def next_morning(wechat, monkeypatch: pytest.MonkeyPatch):
    """Move the shop's clock (for reconciliation) and the simulator's bill clock to tomorrow 11:30
    Beijing; call it after today's payments and refunds are made."""

    def move(hour: int = 11) -> datetime:
        at = _tomorrow_at(hour)
        monkeypatch.setattr(reconciliation, "now_utc", lambda: at)
        wechat.pay.bill_clock = at.timestamp
        return at

    return move


@pytest.fixture
def shopper(api: Api) -> tuple[str, str]:
    token = login(api, "recon-buyer")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    return token, address


@pytest.fixture
def finance() -> str:
    return merchant_token("finance-1", role="finance")


def _report_item(day: str) -> dict[str, Any]:
    from shop.adapters import db

    return db.from_item(db.client().get_item(TableName=db.table(), Key=reconciliation.report_key(day))["Item"])


def _audits(day: str) -> list[dict[str, Any]]:
    from shop.adapters import db

    items = db.query_all(KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": f"AUDIT#{day}"}})
    return [i for i in items if i.get("action") == "buying.reconciliation.run"]


def _refunded_order(api: Api, wechat, token: str, address: str, merchant: str) -> tuple[str, str, int]:
    order_id = _paid_order(api, wechat, token, address, (TEE, 2))
    asked = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了", "lines": [{"sku_id": TEE, "quantity": 1}]},
                     token=token).json["refunds"][0]
    approved = api.post(f"/admin/refunds/{asked['id']}/approve", {}, token=merchant)
    assert approved.status == 200, approved.text
    assert [r.status for r in settle(api, wechat, asked["id"])] == [204]
    return order_id, asked["id"], asked["amount"]


def test_a_clean_day_reports_clean(api: Api, wechat, shopper, finance: str, next_morning) -> None:
    token, address = shopper
    _paid_order(api, wechat, token, address, (TEE, 1))
    _refunded_order(api, wechat, token, address, merchant_token())
    next_morning()
    ran = api.post(f"/admin/reconciliation/{_today()}/run", token=finance)
    assert ran.status == 200, ran.text
    report = ran.json
    assert (report["status"], report["differences_count"], report["differences"]) == ("clean", 0, [])
    shop, bill = report["totals"]["shop"], report["totals"]["wechat"]
    assert (shop["payments"], shop["refunds"]) == (bill["payments"], bill["refunds"]) == (2, 1)
    assert shop["payment_total"] == bill["payment_total"] > 0 and shop["refund_total"] == bill["refund_total"] > 0
    assert report["version"] == 1 and report["run_by"] == "finance-1"
    shown = api.get(f"/admin/reconciliation/{_today()}", token=finance).json
    assert shown["status"] == "clean" and shown["totals"] == report["totals"]


def test_missing_payment_missing_refund_and_amount_difference_are_reported_exactly(
        api: Api, wechat, shopper, finance: str, next_morning) -> None:
    token, address = shopper
    merchant = merchant_token()
    fine = _paid_order(api, wechat, token, address, (TEE, 1))
    tampered = _paid_order(api, wechat, token, address, (TEE, 3))
    refunded_order, refund_id, refund_amount = _refunded_order(api, wechat, token, address, merchant)
    stranger = "o" + "7" * 25
    wechat.pay.add_payment(stranger, 4321)  # WeChat Pay has it, the shop never heard of it
    wechat.pay.drop_from_bill(refund_id)  # the shop counts this refund done; the bill lacks it
    paid_amount = wechat.pay.transactions[tampered]["amount"]["total"]
    wechat.pay.tamper_bill(tampered, paid_amount + 100)
    next_morning()

    report = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert report["status"] == "differences" and report["differences_count"] == 3
    got = {(d["kind"], d["order_id"], d.get("refund_id"), d["shop_amount"], d["wechat_amount"]) for d in report["differences"]}
    assert got == {
        ("payment_missing_in_shop", stranger, None, None, 4321),
        ("payment_amount_mismatch", tampered, None, paid_amount, paid_amount + 100),
        ("refund_missing_at_wechat", refunded_order, refund_id, refund_amount, None),
    }
    by_kind = {d["kind"]: d for d in report["differences"]}
    assert by_kind["payment_missing_in_shop"]["transaction_id"] == wechat.pay.transactions[stranger]["transaction_id"]
    assert by_kind["payment_amount_mismatch"]["transaction_id"] == wechat.pay.transactions[tampered]["transaction_id"]
    assert fine not in {d["order_id"] for d in report["differences"]}
    listed = api.get("/admin/reconciliation?days=3", token=finance).json["days"]
    assert listed[0]["day"] == _today() and (listed[0]["status"], listed[0]["differences_count"]) == ("differences", 3)
    assert [d["status"] for d in listed[1:]] == ["pending", "pending"]  # never run


def test_a_refund_the_bill_says_succeeded_but_the_shop_does_not_is_not_settled(
        api: Api, wechat, shopper, finance: str, next_morning) -> None:
    token, address = shopper
    order_id = _paid_order(api, wechat, token, address, (TEE, 2))
    asked = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了"}, token=token).json["refunds"][0]
    api.post(f"/admin/refunds/{asked['id']}/approve", {}, token=merchant_token())
    wechat.pay.settle_refund(asked["id"], "SUCCESS")  # the notification never reaches the shop
    next_morning()
    report = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert [(d["kind"], d["refund_id"], d["shop_status"], d["wechat_status"]) for d in report["differences"]] == [
        ("refund_not_settled", asked["id"], "PROCESSING", "SUCCESS")]


def test_a_late_payment_the_shop_refunded_by_itself_is_the_shops_not_a_difference(
        api: Api, wechat, shopper, finance: str, next_morning) -> None:
    from shop.buying import orders
    from tests.handler.test_buying import _fire_timers, pay_and_notify

    token, address = shopper
    order = place(api, token, checkout(address, (TEE, 1))).json["order"]
    real_close = wechat.pay.close
    wechat.pay.close = lambda no, body: None  # WeChat Pay lost the close: the buyer can still pay
    try:
        _fire_timers(api, orders._time(order["pay_deadline"]).timestamp() + 1)
    finally:
        wechat.pay.close = real_close
    wechat.pay.transactions[order["id"]]["time_expire"] = None
    pay_and_notify(api, wechat, order["id"])
    settle(api, wechat, f"{order['id']}-late")
    next_morning()
    report = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert (report["status"], report["differences"]) == ("clean", [])
    assert report["totals"]["wechat"]["payments"] == 1 and report["totals"]["shop"]["refunds"] == 1


def test_a_hash_mismatch_is_an_error_not_a_clean_report(api: Api, wechat, shopper, finance: str, next_morning) -> None:
    token, address = shopper
    _paid_order(api, wechat, token, address, (TEE, 1))
    next_morning()
    wechat.pay.bill_bad_hashes = 1
    report = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert (report["status"], report["error_code"]) == ("error", "bill_hash_mismatch")
    assert report["differences"] == [] and report["totals"] is None
    # the next run gets a bill that verifies
    again = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert (again["status"], again["version"]) == ("clean", 2)


def test_rerunning_replaces_the_report_and_is_audited(api: Api, wechat, shopper, finance: str, next_morning) -> None:
    token, address = shopper
    order_id = _paid_order(api, wechat, token, address, (TEE, 1))
    at = next_morning()
    wechat.pay.drop_from_bill(order_id)
    first = api.post(f"/admin/reconciliation/{_today()}/run", token=finance).json
    assert first["status"] == "differences" and first["differences"][0]["kind"] == "payment_missing_at_wechat"
    wechat.pay.bill_dropped.clear()
    second = api.post(f"/admin/reconciliation/{_today()}/run", token=merchant_token("boss", role="owner")).json
    assert (second["status"], second["version"], second["run_by"]) == ("clean", 2, "boss")
    stored = _report_item(_today())
    assert (stored["status"], stored["version"], stored["differences"]) == ("clean", 2, [])
    audits = sorted(_audits(at.date().isoformat()), key=lambda a: json.loads(a["after"])["version"])
    assert [(a["actor"], a["target_id"]) for a in audits] == [("finance-1", _today()), ("boss", _today())]
    assert json.loads(audits[1]["before"]) == {"status": "differences", "version": 1}
    assert json.loads(audits[1]["after"])["status"] == "clean"


def test_two_runs_at_once_store_one_report_each_version_once(api: Api, wechat, shopper, finance: str, next_morning,
                                                              serialized_dynamodb: None) -> None:
    token, address = shopper
    _paid_order(api, wechat, token, address, (TEE, 1))
    next_morning()
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        statuses.append(api.post(f"/admin/reconciliation/{_today()}/run", token=finance).status)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(statuses) <= {200, 409} and 200 in statuses
    stored = _report_item(_today())
    assert stored["version"] == statuses.count(200)  # every stored run moved the version by one, none lost
    assert len(_audits(datetime.now(SHANGHAI).date().isoformat()) + _audits(_tomorrow_at(11).date().isoformat())) \
        == statuses.count(200)


def test_days_not_over_and_bills_not_published_are_refused(api: Api, wechat, shopper, finance: str, next_morning) -> None:
    assert api.post(f"/admin/reconciliation/{_today()}/run", token=finance).error_code == "day_not_over"
    future = (datetime.now(SHANGHAI).date() + timedelta(days=3)).isoformat()
    assert api.post(f"/admin/reconciliation/{future}/run", token=finance).error_code == "day_not_over"
    assert api.post("/admin/reconciliation/2026-13-01/run", token=finance).error_code == "invalid_day"
    assert api.post("/admin/reconciliation/yesterday/run", token=finance).status == 400
    token, address = shopper
    _paid_order(api, wechat, token, address, (TEE, 1))
    next_morning(hour=8)  # tomorrow 08:30: WeChat Pay is still generating today's bill
    refused = api.post(f"/admin/reconciliation/{_today()}/run", token=finance)
    assert (refused.status, refused.error_code) == (409, "bill_not_ready")
    assert api.get(f"/admin/reconciliation/{_today()}", token=finance).json["status"] == "pending"


def test_a_day_without_any_transaction_is_clean(api: Api, finance: str) -> None:
    day = reconciliation.recent_days(5)[4]
    report = api.post(f"/admin/reconciliation/{day}/run", token=finance).json
    assert (report["status"], report["totals"]["wechat"]["payments"], report["totals"]["shop"]["payments"]) == ("clean", 0, 0)


def test_the_hourly_worker_reconciles_yesterday_once_the_bill_is_out(api: Api, wechat, shopper, next_morning) -> None:
    from infra.local.gateway import scheduled_event

    token, address = shopper
    order_id = _paid_order(api, wechat, token, address, (TEE, 1))
    worker = load_function("ReconciliationWorkerFunction")

    def tick(hour: int) -> str:
        at = next_morning(hour)
        return worker.lambda_handler(scheduled_event("ReconciliationWorkerFunction", at.timestamp()),
                                     context("ReconciliationWorkerFunction"))["outcome"]

    assert tick(9) == "too_early"
    wechat.pay.drop_from_bill(order_id)
    assert tick(10) == "differences"
    assert tick(11) == "done"  # a finished day is not run again by itself; the merchant may re-run it
    report = _report_item(_today())
    assert (report["run_by"], report["differences"][0]["kind"]) == ("system:reconciliation", "payment_missing_at_wechat")


def test_read_routes_take_one_round_trip(api: Api, finance: str) -> None:
    calls: list[str] = []
    client = boto3.client("dynamodb")
    from shop.adapters import aws

    aws.client("dynamodb").meta.events.register("before-send.dynamodb", lambda **kw: calls.append("call"))
    assert api.get("/admin/reconciliation", token=finance).status == 200
    assert len(calls) == 1
    calls.clear()
    assert api.get(f"/admin/reconciliation/{reconciliation.recent_days(1)[0]}", token=finance).status == 200
    assert len(calls) == 1
    del client


@pytest.mark.parametrize("role", ["owner", "manager", "customer_service", "finance", "pickup_verifier"])
def test_each_role_reads_and_runs_exactly_as_its_table_says(api: Api, role: str) -> None:
    from shop.staff import roles

    day = reconciliation.recent_days(2)[1]
    token = merchant_token(f"staff-{role}", role=role)
    for method, path, permission in (("GET", "/admin/reconciliation", roles.RECONCILIATION_READ),
                                     ("GET", f"/admin/reconciliation/{day}", roles.RECONCILIATION_READ),
                                     ("POST", f"/admin/reconciliation/{day}/run", roles.RECONCILIATION_RUN)):
        reply = api.request(method, path, token=token)
        if roles.allows(role, permission):
            assert reply.status == 200, (role, path, reply.text)
        else:
            assert (reply.status, reply.error_code) == (403, "permission_denied"), (role, path)
    assert api.get("/admin/reconciliation", token=login(api, "a-shopper")).status == 401
    assert api.get("/admin/reconciliation").status == 401


# ---------------------------------------------------------------- the bill format

def test_the_bill_is_in_wechat_pays_format_and_reads_back_to_the_fen(api: Api, wechat, shopper) -> None:
    token, address = shopper
    order_id = _paid_order(api, wechat, token, address, (TEE, 3))
    data = wechat.pay.bill_file(_today())
    lines = data.decode().split("\r\n")
    assert lines[0].startswith("交易时间,公众账号ID,商户号") and lines[2].startswith("总交易单数")
    assert all(field.startswith("`") for field in lines[1].split(",")) and "`JSAPI" in lines[1]
    total = wechat.pay.transactions[order_id]["amount"]["total"]
    assert f"`{total // 100}.{total % 100:02d}" in lines[1]  # yuan with two decimals
    bill = bills.parse(data)
    assert [(r.kind, r.out_trade_no, r.amount) for r in bill.rows] == [("payment", order_id, total)]
    assert bill.summary["count"] == 1 and bill.summary["order_total"] == total
    assert hashlib.sha1(data).hexdigest()  # noqa: S324


def test_the_simulator_refuses_bills_it_cannot_have(api: Api, wechat, next_morning) -> None:
    from shop.adapters.wechat.pay import PayApiError, WeChatPay

    pay = WeChatPay()
    for day, code in ((_today(), "NO_STATEMENT_EXIST"), ("2020-01-01", "PARAM_ERROR"), ("2026-02-30", "PARAM_ERROR")):
        with pytest.raises(PayApiError) as err:
            pay.call("GET", f"/v3/bill/tradebill?bill_date={day}&bill_type=ALL")
        assert err.value.code == code
    wechat.pay.add_payment("o" + "5" * 25, 100)
    next_morning(hour=9)
    with pytest.raises(PayApiError) as err:
        pay.call("GET", f"/v3/bill/tradebill?bill_date={_today()}&bill_type=ALL")
    assert err.value.code == "STATEMENT_CREATING"
    next_morning(hour=10)
    announced = pay.call("GET", f"/v3/bill/tradebill?bill_date={_today()}&bill_type=ALL")
    assert announced["hash_type"] == "SHA1"
    data = bills.download(pay, announced["download_url"])
    assert hashlib.sha1(data).hexdigest() == announced["hash_value"]  # noqa: S324
    # the download is signed like every call: unsigned, it is refused
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(announced["download_url"], timeout=2)  # noqa: S310
    assert refused.value.code == 401


def test_the_simulators_bill_helpers_are_reachable_over_http(wechat) -> None:
    import urllib.request

    def post(path: str, body: dict[str, Any]) -> Any:
        req = urllib.request.Request(wechat.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=2) as resp:  # noqa: S310 - the local simulator
            return json.loads(resp.read())

    stranger = "o" + "3" * 25
    assert post("/_sim/pay/bills/payments", {"out_trade_no": stranger, "total": 250})["amount"]["total"] == 250
    assert post("/_sim/pay/bills/tamper", {"out_no": stranger, "amount": 300}) == {"tampered": {stranger: 300}}
    assert post("/_sim/pay/bills/faults", {"hash": 2}) == {"bad_hashes": 2} and wechat.pay.bill_bad_hashes == 2
    assert post("/_sim/pay/bills/drop", {"out_no": stranger}) == {"dropped": [stranger]}
    assert wechat.pay.bill_file(_today()).count(b"\r\n") == 3  # header, summary header, summary: the row is dropped
