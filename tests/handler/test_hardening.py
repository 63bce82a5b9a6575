"""Issue 8's defects, each through the real handlers: what a production shop must refuse or
settle where the first version lost money, stock or trust."""

from __future__ import annotations

from typing import Any

import pytest

from shop.core import pagination
from tests.handler.test_buying import ADDRESS, address_id, buyer, checkout, place  # noqa: F401 - fixtures
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
TEE = "p-tee-basic.02"


# ---------------------------------------------------------------- cursors (7)

@pytest.mark.parametrize("payload", [
    {"s": "", "o": "o" + "0" * 25, "k": ""},                       # empty key part: a 500 in real DynamoDB
    {"s": "", "o": "", "k": "0000000000001#"},
    {"s": "", "o": "o" + "0" * 25, "k": "0000000000001#o" + "1" * 25},  # key part of another order
    {"s": "", "o": "o" + "0" * 25, "k": "abcdefghijklm#o" + "0" * 25},
    {"s": "", "o": "o" + "0" * 25, "k": "0000000000001#o" + "0" * 25, "x": 1},
    {"s": "", "o": "O" + "0" * 25, "k": "0000000000001#O" + "0" * 25},
])
def test_order_cursors_are_checked_part_by_part(api: Api, buyer: str, payload: dict[str, Any]) -> None:
    reply = api.get(f"/orders?cursor={pagination.encode(payload)}", token=buyer)
    assert (reply.status, reply.error_code) == (400, "invalid_cursor")


def test_a_well_formed_cursor_still_pages(api: Api, buyer: str, address_id: str) -> None:
    for _ in range(3):
        assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201
    first = api.get("/orders?limit=2", token=buyer).json
    second = api.get(f"/orders?limit=2&cursor={first['next_cursor']}", token=buyer).json
    assert len(first["items"]) == 2 and len(second["items"]) == 1


# ---------------------------------------------------------------- free text (8)

@pytest.mark.parametrize("bad", ["张\u202e三", "张\u200b三", "张\x00三", "张\x1b[31m三", "张\n三", "<img src=x>"])
def test_names_refuse_control_invisible_characters_and_markup(api: Api, buyer: str, bad: str) -> None:
    reply = api.post("/addresses", {**ADDRESS, "name": bad}, token=buyer)
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert api.get("/addresses", token=buyer).json["items"] == []  # nothing half-written


@pytest.mark.parametrize("field,value", [("detail", "科技园路\u202e1号"), ("detail", "科技园路1号\r\n2楼")])
def test_addresses_refuse_them_too(api: Api, buyer: str, field: str, value: str) -> None:
    assert api.post("/addresses", {**ADDRESS, field: value}, token=buyer).status == 400


def test_remarks_and_reasons_may_break_lines_but_not_hide_text(api: Api, buyer: str, address_id: str) -> None:
    body = checkout(address_id, (TEE, 1), remark="请周末送\n谢谢")
    assert api.post("/orders/preview", body, token=buyer).status == 200
    for bad in ("请周末送\u2066谢谢", "请周末送\t谢谢", "</textarea>"):
        reply = api.post("/orders/preview", {**body, "remark": bad}, token=buyer)
        assert (reply.status, reply.error_code) == (400, "invalid_request")
    assert api.post("/addresses/parse", {"text": "张三 13800138000\n广东省深圳市南山区科技园路1号"}, token=buyer).status == 200


def test_emoji_sequences_and_ordinary_text_pass(api: Api, buyer: str) -> None:
    reply = api.post("/addresses", {**ADDRESS, "name": "张三👨\u200d👩\u200d👧", "detail": "科技园路1号 A座 <3楼"},
                     token=buyer)
    assert reply.status == 201, reply.text


# ---------------------------------------------------------------- helpers for the money paths

from tests.handler.test_buying import (  # noqa: E402 - the buying tests' own helpers
    _fire_timers, _paid_order, _signed_notification, merchant_token, settle, stock_of)


def refunds_of(api: Api, token: str, order_id: str) -> list[dict[str, Any]]:
    return api.get(f"/orders/{order_id}", token=token).json["refunds"]


def ask_refund(api: Api, token: str, order_id: str, **body: Any) -> dict[str, Any]:
    reply = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了", **body}, token=token)
    assert reply.status == 201, reply.text
    return reply.json["refunds"][-1]


def ship(api: Api, order_id: str) -> None:
    reply = api.post(f"/admin/orders/{order_id}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"},
                     token=merchant_token())
    assert reply.status == 200, reply.text


def payment_events(order_id: str) -> list[str]:
    import os

    import boto3

    items = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PAYEVENT#{order_id}"}})["Items"]
    return sorted(i["kind"]["S"] for i in items)


# ---------------------------------------------------------------- pay/notify answers (9)

@pytest.mark.parametrize("error", ["conflict", "busy"])
def test_pay_notify_answers_fail_whatever_goes_wrong(api: Api, buyer: str, address_id: str, wechat, monkeypatch,
                                                     error: str) -> None:
    from shop.buying import payments
    from shop.core.errors import Conflict, ServiceUnavailable

    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]

    def broken(*_: Any, **__: Any) -> str:
        raise Conflict("x", code="order_changed") if error == "conflict" else ServiceUnavailable(headers={"Retry-After": "1"})

    monkeypatch.setattr(payments, "apply_transaction", broken)
    headers, body = _signed_notification(wechat, order_id)
    reply = api.request("POST", "/pay/notify", body=body, headers=headers)
    assert reply.status == (409 if error == "conflict" else 503)
    assert reply.json["code"] == "FAIL" and "error" not in reply.json


def test_pay_notify_answers_fail_to_an_oversized_body(api: Api) -> None:
    reply = api.request("POST", "/pay/notify", body="x" * 70_000, headers={"content-type": "application/json"})
    assert reply.status == 413 and reply.json["code"] == "FAIL"


def test_a_second_payment_of_a_paid_order_is_refunded_automatically(api: Api, buyer: str, address_id: str,
                                                                     wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    paid = api.get(f"/orders/{order_id}", token=buyer).json
    other = dict(wechat.pay.transactions[order_id], transaction_id="4200000000000000000000000777", refunded=0)
    wechat.pay.transactions["second-" + order_id] = other  # WeChat Pay holds a second payment for it
    headers, body = _signed_notification(wechat, order_id, transaction_id="4200000000000000000000000777")
    for _ in range(3):  # however often it is reported, it is refunded once
        assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204
    refunds = [r for r in wechat.pay.refunds.values() if r["transaction_id"] == "4200000000000000000000000777"]
    assert [(r["refund"], r["total"]) for r in refunds] == [(paid["payable"], paid["payable"])]
    after = api.get(f"/orders/{order_id}", token=buyer).json
    assert (after["status"], after["refunded_total"]) == ("PAID", 0)  # the order's own money is untouched
    assert settle(api, wechat, refunds[0]["out_refund_no"])[0].status == 204
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PAID"
    assert "second_payment" in payment_events(order_id)


def test_a_payment_of_the_wrong_amount_is_refunded_and_the_order_leaves_the_timers(
        api: Api, buyer: str, address_id: str, wechat) -> None:
    before = stock_of(TEE)
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    t = wechat.pay.transactions[order_id]
    t.update(trade_state="SUCCESS", trade_state_desc="支付成功", transaction_id="4200000000000000000000000001",
             success_time="2026-11-25T18:00:00+08:00", refunded=0, amount={**t["amount"], "total": 1})
    headers, body = _signed_notification(wechat, order_id, amount={"total": 1, "currency": "CNY"})
    assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert (order["status"], order["cancel_reason"]) == ("PAYMENT_EXCEPTION", "payment_mismatch")
    assert stock_of(TEE) == before  # released
    stray = [r for r in wechat.pay.refunds.values() if r["out_trade_no"] == order_id]
    assert [(r["refund"], r["total"]) for r in stray] == [(1, 1)]
    assert _fire_timers(api, order["created_at"] and 4_000_000_000)["cancelled"] == 0


def test_refund_notifications_are_checked_against_the_order_and_its_total(
        api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    refund = ask_refund(api, buyer, order_id)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    sim = wechat.pay.refunds[refund["id"]]
    resource = {"mchid": wechat.pay.mch_id, "out_trade_no": order_id, "transaction_id": sim["transaction_id"],
                "out_refund_no": refund["id"], "refund_id": sim["refund_id"], "refund_status": "SUCCESS",
                "amount": {"total": sim["total"], "refund": sim["refund"], "payer_total": sim["total"],
                           "payer_refund": sim["refund"]}}
    for change in ({"out_trade_no": "o" + "1" * 25}, {"amount": {**resource["amount"], "total": sim["total"] + 1}}):
        headers, body = wechat.pay.notification("REFUND.SUCCESS", "refund", {**resource, **change}, "退款成功")
        assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204  # recorded, not applied
        assert refunds_of(api, buyer, order_id)[0]["status"] == "PROCESSING"
    headers, body = wechat.pay.notification("REFUND.SUCCESS", "refund", resource, "退款成功")
    assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204
    assert refunds_of(api, buyer, order_id)[0]["status"] == "SUCCEEDED"


# ---------------------------------------------------------------- stuck refunds (4)

@pytest.mark.parametrize("status,code", [(403, "NOT_ENOUGH"), (429, "FREQUENCY_LIMITED"), (500, "SYSTEM_ERROR")])
def test_a_refund_wechat_pay_refuses_for_now_is_retried_by_the_timers(
        api: Api, buyer: str, address_id: str, wechat, status: int, code: str) -> None:
    import time as clock

    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    refund = ask_refund(api, buyer, order_id)
    wechat.pay.inject("refund", status, code, times=2)
    approved = api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token()).json
    assert (approved["status"], approved["failure"], approved["attempts"]) == ("PROCESSING", code, 1)
    assert approved["next_attempt_at"] and refund["id"] not in wechat.pay.refunds
    now = clock.time()
    assert _fire_timers(api, now + 30)["refunds"] == 0  # not yet due
    assert _fire_timers(api, now + 61)["refunds"] == 1  # refused again: the next wait is longer
    assert refunds_of(api, buyer, order_id)[0]["attempts"] == 2
    assert _fire_timers(api, now + 200)["refunds"] == 1
    assert wechat.pay.refunds[refund["id"]]["refund"] == refund["amount"]  # same out_refund_no
    assert settle(api, wechat, refund["id"])[0].status == 204
    assert refunds_of(api, buyer, order_id)[0]["status"] == "SUCCEEDED"
    assert _fire_timers(api, now + 100_000)["refunds"] == 0  # settled: no timer left


def test_a_final_refusal_is_shown_to_the_merchant_who_can_retry(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    refund = ask_refund(api, buyer, order_id)
    wechat.pay.inject("refund", 403, "USER_ACCOUNT_ABNORMAL")
    refused = api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token()).json
    assert (refused["status"], refused["failure"]) == ("ABNORMAL", "USER_ACCOUNT_ABNORMAL")
    assert api.get(f"/orders/{order_id}", token=buyer).json["lines"][0]["refundable_quantity"] == 0  # still reserved
    retried = api.post(f"/admin/refunds/{refund['id']}/approve", {"note": "重试"}, token=merchant_token()).json
    assert retried["status"] == "PROCESSING" and wechat.pay.refunds[refund["id"]]["refund"] == refund["amount"]
    settle(api, wechat, refund["id"])
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "CLOSED"


def test_a_refund_left_processing_by_a_crash_is_submitted_by_the_timers(
        api: Api, buyer: str, address_id: str, wechat, monkeypatch) -> None:
    import time as clock

    from shop.buying import refunds

    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    refund = ask_refund(api, buyer, order_id)
    with monkeypatch.context() as mp:
        mp.setattr(refunds, "submit", lambda *a, **k: (_ for _ in ()).throw(SystemError("the function stopped")))
        assert api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token()).status == 500
    assert refunds_of(api, buyer, order_id)[0]["status"] == "PROCESSING" and refund["id"] not in wechat.pay.refunds
    assert _fire_timers(api, clock.time() + 121)["refunds"] == 1
    assert wechat.pay.refunds[refund["id"]]["refund"] == refund["amount"]


def test_a_submitted_refund_nobody_confirms_is_asked_about(api: Api, buyer: str, address_id: str, wechat) -> None:
    import time as clock

    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    refund = ask_refund(api, buyer, order_id)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    now = clock.time()
    assert _fire_timers(api, now + 601)["refunds"] == 1  # still PROCESSING at WeChat Pay: ask again later
    assert refunds_of(api, buyer, order_id)[0]["status"] == "PROCESSING"
    wechat.pay.refunds[refund["id"]]["notify_url"] = None  # it succeeds, and the notification is lost
    wechat.pay.settle_refund(refund["id"], "SUCCESS")
    assert _fire_timers(api, now + 1300)["refunds"] == 1
    assert refunds_of(api, buyer, order_id)[0]["status"] == "SUCCEEDED"
    assert api.get(f"/orders/{order_id}", token=buyer).json["refunded_total"] == refund["amount"]


# ---------------------------------------------------------------- timers (6)

def test_an_order_paid_but_refunded_in_wechat_pay_leaves_the_timers(api: Api, buyer: str, address_id: str,
                                                                    wechat) -> None:
    before = stock_of(TEE)
    order = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]
    wechat.pay.pay(out_trade_no=order["id"], notify=False)
    t = wechat.pay.transactions[order["id"]]
    t.update(trade_state="REFUND", trade_state_desc="转入退款")  # refunded in WeChat Pay's console meanwhile
    deadline = orders_deadline(order)
    assert _fire_timers(api, deadline + 1)["cancelled"] == 0
    seen = api.get(f"/orders/{order['id']}", token=buyer).json
    assert (seen["status"], seen["cancel_reason"]) == ("PAYMENT_EXCEPTION", "payment_not_applicable")
    assert stock_of(TEE) == before
    assert "payment_not_applicable" in payment_events(order["id"])
    assert _fire_timers(api, deadline + 120)["due"] == 0  # not every minute forever


def orders_deadline(order: dict[str, Any]) -> float:
    from shop.buying import orders

    return orders._time(order["pay_deadline"]).timestamp()


def test_timers_work_concurrently_and_leave_what_does_not_fit_for_later(api: Api, wechat, monkeypatch) -> None:
    import time as clock

    from infra.local.gateway import scheduled_event
    from tests.helpers import context, load_function

    tokens = [login(api, f"timer-buyer-{n}") for n in range(12)]
    placed = []
    for token in tokens:
        address = api.post("/addresses", ADDRESS, token=token).json["id"]
        placed.append(place(api, token, checkout(address, (TEE, 1))).json["order"])
    wechat.pay.set_latency(0.4)  # WeChat Pay answering slowly: one at a time would take 12 x 0.4 s
    deadline = max(orders_deadline(o) for o in placed)
    started = clock.monotonic()
    result = _fire_timers(api, deadline + 1)
    took = clock.monotonic() - started
    assert result["cancelled"] == 12 and took < 12 * 0.4, (result, took)
    # with too little time left, nothing is started half-way: it waits for the next minute
    more = login(api, "timer-buyer-late")
    late = place(api, more, checkout(api.post("/addresses", ADDRESS, token=more).json["id"], (TEE, 1))).json["order"]
    ctx = context("OrderTimersFunction")
    ctx._deadline_ms = int(clock.time() * 1000) + 3000
    fn = load_function("OrderTimersFunction")
    assert fn.lambda_handler(scheduled_event("OrderTimersFunction", orders_deadline(late) + 1), ctx)["deferred"] == 1
    assert api.get(f"/orders/{late['id']}", token=more).json["status"] == "PENDING_PAYMENT"
    assert _fire_timers(api, orders_deadline(late) + 61)["cancelled"] == 1


# ---------------------------------------------------------------- phantom stock (3)

def test_refund_only_after_shipping_puts_nothing_back_on_sale(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 2))
    ship(api, order_id)
    shipped = stock_of(TEE)
    refund = ask_refund(api, buyer, order_id, kind="refund_only")
    assert (refund["kind"], refund["restock"]) == ("refund_only", False)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "CLOSED"
    assert stock_of(TEE) == (shipped[0], shipped[1] - 2)  # the goods are with the buyer: not for sale again


def test_a_return_goes_back_on_sale_only_when_received(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 2))
    api.post(f"/orders/{order_id}/refund", {}, token=buyer)  # reason is required
    ship(api, order_id)
    assert api.post(f"/orders/{order_id}/confirm", token=buyer).status == 200
    completed = stock_of(TEE)
    refund = ask_refund(api, buyer, order_id, kind="return", lines=[{"sku_id": TEE, "quantity": 1}])
    awaiting = api.post(f"/admin/refunds/{refund['id']}/approve", {"note": "请寄回"}, token=merchant).json
    assert awaiting["status"] == "AWAITING_RETURN" and refund["id"] not in wechat.pay.refunds
    assert stock_of(TEE) == completed
    assert api.post(f"/admin/refunds/{refund['id']}/receive", {}, token=buyer).status == 401
    received = api.post(f"/admin/refunds/{refund['id']}/receive", {"note": "已收到"}, token=merchant).json
    assert received["status"] == "PROCESSING" and received["returned_at"] and received["restock"]
    assert stock_of(TEE) == (completed[0] + 1, completed[1])
    again = api.post(f"/admin/refunds/{refund['id']}/receive", {}, token=merchant)
    assert again.status == 200 and stock_of(TEE) == (completed[0] + 1, completed[1])  # once
    settle(api, wechat, refund["id"])
    assert stock_of(TEE) == (completed[0] + 1, completed[1] - 1)  # settled: not restocked twice
    other = ask_refund(api, buyer, order_id, kind="refund_only")
    reply = api.post(f"/admin/refunds/{other['id']}/receive", {}, token=merchant)
    assert (reply.status, reply.error_code) == (409, "refund_not_awaiting_return")


def test_a_return_never_received_can_be_rejected(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    ship(api, order_id)
    refund = ask_refund(api, buyer, order_id, kind="return")
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    rejected = api.post(f"/admin/refunds/{refund['id']}/reject", {"note": "未收到退货"}, token=merchant_token()).json
    assert rejected["status"] == "REJECTED"
    assert api.get(f"/orders/{order_id}", token=buyer).json["lines"][0]["refundable_quantity"] == 1


def test_completed_orders_have_an_after_sales_window(api: Api, buyer: str, address_id: str, wechat, monkeypatch) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    ship(api, order_id)
    api.post(f"/orders/{order_id}/confirm", token=buyer)
    monkeypatch.setenv("AFTER_SALES_DAYS", "0")
    reply = api.post(f"/orders/{order_id}/refund", {"reason": "坏了"}, token=buyer)
    assert (reply.status, reply.error_code) == (409, "after_sales_closed")
    monkeypatch.setenv("AFTER_SALES_DAYS", "7")
    assert api.post(f"/orders/{order_id}/refund", {"reason": "坏了"}, token=buyer).status == 201


# ---------------------------------------------------------------- zero-fen orders (2)

def test_an_order_the_coupon_covers_is_paid_at_once_and_refunds_without_money(api: Api, buyer: str, wechat) -> None:
    from tests.handler.test_coupons import claim, template

    tote = "p-canvas-tote.01"
    covering = template(api, name="全免券", amount=10000)
    coupon = claim(api, buyer, covering["id"]).json["id"]
    before = stock_of(tote)
    body = {"items": [{"sku_id": tote, "quantity": 1}], "delivery": "pickup", "pickup_store_id": "sz-nanshan",
            "coupon_ids": [coupon]}
    quote = api.post("/orders/preview", body, token=buyer).json
    assert (quote["orderable"], quote["payable"]) == (True, 0)
    created = place(api, buyer, body)
    assert created.status == 201, created.text  # preview and create agree
    order = created.json["order"]
    assert (order["status"], order["payable"], created.json["payment"]) == ("PAID", 0, None)
    assert order["id"] not in wechat.pay.transactions  # WeChat Pay takes no 0-fen payment: never asked
    assert stock_of(tote) == (before[0] - 1, before[1] + 1)
    used = api.get("/me/coupons?status=used", token=buyer).json["items"]
    assert [c["id"] for c in used] == [coupon]
    refund = ask_refund(api, buyer, order["id"])
    settled = api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token()).json
    assert (settled["status"], settled["amount"]) == ("SUCCEEDED", 0)
    assert api.get(f"/orders/{order['id']}", token=buyer).json["status"] == "CLOSED"
    assert stock_of(tote) == before


def test_a_prepay_failure_after_the_order_is_written_is_never_a_500(api: Api, buyer: str, address_id: str,
                                                                    monkeypatch) -> None:
    from shop.adapters.wechat.pay import WeChatPay

    monkeypatch.setattr(WeChatPay, "jsapi_prepay", lambda *a, **k: (_ for _ in ()).throw(ValueError("bad value")))
    created = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert created.status == 201 and created.json["payment"] is None
    assert created.json["order"]["status"] == "PENDING_PAYMENT"


# ---------------------------------------------------------------- stock hoarding (1)

def test_a_buyer_holds_at_most_three_unpaid_orders(api: Api, buyer: str, address_id: str, wechat) -> None:
    placed = [place(api, buyer, checkout(address_id, (TEE, 1))) for _ in range(3)]
    assert [p.status for p in placed] == [201, 201, 201]
    fourth = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert (fourth.status, fourth.error_code) == (409, "open_orders_limit")
    assert "待支付" in fourth.json["error"]["message"]
    assert api.post(f"/orders/{placed[0].json['order']['id']}/cancel", token=buyer).status == 200
    assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201  # a cancel frees a place
    from tests.handler.test_buying import pay_and_notify

    pay_and_notify(api, wechat, placed[1].json["order"]["id"])  # and so does a payment
    assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201
    assert place(api, buyer, checkout(address_id, (TEE, 1))).error_code == "open_orders_limit"


def test_one_order_holds_at_most_max_per_order_units(api: Api, buyer: str, address_id: str) -> None:
    from tests.handler.test_buying import set_sku

    too_many = api.post("/orders/preview", checkout(address_id, (TEE, 21)), token=buyer).json
    problem = too_many["problems"][0]
    assert (problem["code"], problem["limit"]) == ("exceeds_max_per_order", 20)  # the default, far below 999
    assert "每单最多购买 20 件" in problem["message"] and "（" in problem["message"]  # names the spec
    assert place(api, buyer, checkout(address_id, (TEE, 21))).error_code == "exceeds_max_per_order"
    set_sku("p-tee-basic", max_per_order=2)
    assert place(api, buyer, checkout(address_id, (TEE, 3))).error_code == "exceeds_max_per_order"
    assert place(api, buyer, checkout(address_id, (TEE, 2))).status == 201


def test_a_per_buyer_limit_counts_unpaid_and_paid_orders(api: Api, buyer: str, address_id: str, wechat) -> None:
    from tests.handler.test_buying import pay_and_notify, set_sku

    set_sku("p-tee-basic", limit_per_buyer=3)
    first = place(api, buyer, checkout(address_id, (TEE, 2))).json["order"]["id"]
    pay_and_notify(api, wechat, first)
    second = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    over = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert (over.status, over.error_code) == (409, "buyer_limit_reached")
    preview = api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=buyer).json["problems"][0]
    assert (preview["code"], preview["available"], preview["limit"]) == ("buyer_limit_reached", 0, 3)
    api.post(f"/orders/{second}/cancel", token=buyer)  # a cancelled order gives its units back
    assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201
    other = login(api, "another-buyer")
    other_address = api.post("/addresses", ADDRESS, token=other).json["id"]
    assert place(api, other, checkout(other_address, (TEE, 3))).status == 201  # per buyer


# ---------------------------------------------------------------- share-reward farming (5)

def _share_setup(api: Api, qualify_on: str) -> tuple[str, str]:
    from tests.handler.test_growth import share, sign_up

    config = api.get("/admin/growth", token=merchant_token()).json
    config.update(qualify_on=qualify_on, tiers=[{"id": "t1", "friends": 1, "template_id": "reward-10", "title": "邀请1位"}])
    assert api.request("PUT", "/admin/growth", json_body=config, token=merchant_token()).status == 200
    alice, _ = sign_up(api, "sharer-" + qualify_on)
    friend, _ = sign_up(api, "friend-" + qualify_on, inviter=share(api, alice)["invite_code"])
    return alice, friend


def test_a_new_shop_counts_friends_on_their_first_completed_order() -> None:
    from shop.growth.models.rewards import GrowthConfig

    assert GrowthConfig().qualify_on == "first_completed_order"


def test_a_fully_refunded_order_undoes_the_qualification_and_revokes_the_unused_reward(api: Api, wechat) -> None:
    from tests.handler.test_growth import buy_and_pay, coupons_of, issued, share
    from tests.helpers import TableStream

    stream = TableStream()
    alice, friend = _share_setup(api, "first_paid_order")
    stream.drain()
    order_id = buy_and_pay(api, wechat, friend)
    stream.drain()
    assert share(api, alice)["qualified"] == 1 and [c["template_id"] for c in coupons_of(api, alice)
                                                   if c["source"] == "share_reward"] == ["reward-10"]
    granted = issued("reward-10")
    refund = ask_refund(api, friend, order_id)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])
    assert api.get(f"/orders/{order_id}", token=friend).json["status"] == "CLOSED"
    stream.drain()
    mine = share(api, alice)
    assert (mine["qualified"], mine["rewards"]) == (0, [])
    assert [c for c in coupons_of(api, alice) if c["source"] == "share_reward"] == []
    assert issued("reward-10") == granted - 1
    buy_and_pay(api, wechat, friend)  # a later order that is kept qualifies them again
    stream.drain()
    assert share(api, alice)["qualified"] == 1 and len(share(api, alice)["rewards"]) == 1


def test_a_reward_already_used_is_not_taken_back(api: Api, wechat) -> None:
    from tests.handler.test_growth import buy_and_pay, coupons_of, share
    from tests.helpers import TableStream

    stream = TableStream()
    alice, friend = _share_setup(api, "first_paid_order")
    stream.drain()
    order_id = buy_and_pay(api, wechat, friend)
    stream.drain()
    reward = next(c for c in coupons_of(api, alice) if c["source"] == "share_reward")
    alice_address = api.post("/addresses", ADDRESS, token=alice).json["id"]
    spent = place(api, alice, checkout(alice_address, (TEE, 1), coupon_ids=[reward["id"]]))
    assert spent.status == 201, spent.text  # the reward is in an order: spent
    refund = ask_refund(api, friend, order_id)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])
    stream.drain()
    mine = share(api, alice)
    assert mine["qualified"] == 0 and len(mine["rewards"]) == 1
    assert [c["id"] for c in coupons_of(api, alice) if c["source"] == "share_reward"] == [reward["id"]]


def test_on_completion_mode_a_paid_order_is_not_enough(api: Api, wechat) -> None:
    from tests.handler.test_growth import buy_and_pay, share
    from tests.helpers import TableStream

    stream = TableStream()
    alice, friend = _share_setup(api, "first_completed_order")
    stream.drain()
    refunded = buy_and_pay(api, wechat, friend)
    refund = ask_refund(api, friend, refunded)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])  # refunded before completion: never counts
    kept = buy_and_pay(api, wechat, friend)
    stream.drain()
    assert share(api, alice)["qualified"] == 0
    ship(api, kept)
    assert api.post(f"/orders/{kept}/confirm", token=friend).status == 200
    stream.drain()
    mine = share(api, alice)
    assert (mine["qualified"], [r["tier_id"] for r in mine["rewards"]]) == (1, ["t1"])


# ---------------------------------------------------------------- merchant input

@pytest.mark.parametrize("body", [{}, {"gift_pack": []}, {"gift_pack": [], "qualify_on": "registration"}])
def test_growth_settings_need_every_field(api: Api, body: dict[str, Any]) -> None:
    before = api.get("/admin/growth", token=merchant_token()).json
    reply = api.request("PUT", "/admin/growth", json_body=body, token=merchant_token())
    assert (reply.status, reply.error_code) == (400, "invalid_request")
    assert api.get("/admin/growth", token=merchant_token()).json == before  # nothing wiped
    emptied = api.request("PUT", "/admin/growth", json_body={**before, "gift_pack": [], "tiers": []},
                          token=merchant_token())
    assert emptied.status == 200 and emptied.json["gift_pack"] == [] and emptied.json["tiers"] == []


@pytest.mark.parametrize("body,code", [
    ({"amount": 8000, "threshold": 5000}, "invalid_request"),  # 满50减80
    ({"scope": {"type": "products", "ids": ["p-tee-basic", "p-no-such"]}}, "unknown_scope_ids"),
    ({"scope": {"type": "categories", "ids": ["no-such-category"]}}, "unknown_scope_ids"),
])
def test_coupons_the_shop_could_never_honour_are_refused(api: Api, body: dict[str, Any], code: str) -> None:
    base = {"name": "检查券", "kind": "amount", "amount": 1000, "valid_days": 7, "total": 10}
    reply = api.post("/admin/coupons", {**base, **body}, token=merchant_token())
    assert (reply.status, reply.error_code) == (400, code), reply.text
    assert "检查券" not in [t["name"] for t in api.get("/admin/coupons", token=merchant_token()).json["items"]]
    ok = api.post("/admin/coupons", {**base, "threshold": 1000, "scope": {"type": "products", "ids": ["p-tee-basic"]}},
                  token=merchant_token())
    assert ok.status == 201, ok.text


# ---------------------------------------------------------------- the cart after an order

def test_what_was_ordered_leaves_the_cart(api: Api, buyer: str, address_id: str) -> None:
    hoodie = "p-hoodie.01"
    for sku in (TEE, hoodie):
        assert api.request("PUT", f"/cart/items/{sku}", json_body={"quantity": 1}, token=buyer).status == 200
    assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201
    assert [i["sku_id"] for i in api.get("/cart", token=buyer).json["items"]] == [hoodie]
    assert place(api, buyer, checkout(address_id, ("p-canvas-tote.01", 1))).status == 201  # not in the cart
    assert [i["sku_id"] for i in api.get("/cart", token=buyer).json["items"]] == [hoodie]
    fresh = login(api, "no-cart-yet")
    fresh_address = api.post("/addresses", ADDRESS, token=fresh).json["id"]
    assert place(api, fresh, checkout(fresh_address, (TEE, 1))).status == 201  # a buyer with no cart at all


# ---------------------------------------------------------------- what a shopper reads

def test_shopper_messages_are_chinese_and_name_the_spec(api: Api, buyer: str, address_id: str) -> None:
    low = "p-hoodie.01"  # 加绒连帽卫衣, 燕麦 / S, 6 in stock
    problem = api.post("/orders/preview", checkout(address_id, (low, 19)), token=buyer).json["problems"][0]
    assert problem["code"] == "insufficient_stock"  # the code stays the contract
    assert problem["message"] == "加绒连帽卫衣（燕麦/S）仅剩 6 件。"
    missing = api.get("/orders/o" + "0" * 25, token=buyer)
    assert (missing.error_code, missing.json["error"]["message"]) == ("order_not_found", "订单不存在。")
