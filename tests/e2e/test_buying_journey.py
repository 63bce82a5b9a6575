"""Buying over HTTP against the local stack, as the mini-program, WeChat Pay (the simulator) and the
merchant would: the whole journey, and the races that only real concurrency exposes."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from infra.local.template import ROOT
from tests.e2e.conftest import PATIENCE, REQUEST_TIMEOUT, HttpReply, Stack

pytestmark = pytest.mark.e2e
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}


def login(stack: Stack, code: str) -> str:
    return stack.post("/auth/login", {"code": code}).json["token"]


def merchant() -> str:
    return (ROOT / ".dev" / "credentials" / "merchant_token.txt").read_text().strip()


def order(stack: Stack, token: str, body: dict[str, Any], key: str | None = None) -> HttpReply:
    return stack.post("/orders", body, token=token, headers={"Idempotency-Key": key or uuid.uuid4().hex})


def wait_for(check, timeout: float = PATIENCE) -> Any:
    """Poll ``check`` until it is truthy (its value) or the deadline, which is for a busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def notifications(stack: Stack, out_no: str) -> list[dict[str, Any]]:
    """The simulator's deliveries of WeChat Pay notifications about ``out_no``."""
    with urllib.request.urlopen(stack.wechat_url + "/_sim/notifications", timeout=REQUEST_TIMEOUT) as r:
        return [d for d in json.loads(r.read()) if d["out_no"] == out_no]


def delivered(stack: Stack, out_no: str, count: int) -> list[dict[str, Any]] | None:
    """The ``count`` deliveries about ``out_no`` once every one has been answered, else None."""
    mine = notifications(stack, out_no)
    return mine if len(mine) == count and all(d["delivered"] for d in mine) else None


def sku_counts(stack: Stack, sku_id: str) -> tuple[int, int]:
    from shop.adapters import db
    from shop.catalog.skus import sku_key

    with stack.domain():
        item = db.from_item(db.client().get_item(TableName=db.table(), Key=sku_key(sku_id), ConsistentRead=True)["Item"])
    return item["stock"], item.get("sold", 0)


def add_product(stack: Stack, product_id: str, stock: int, price: int = 5000) -> str:
    from shop.catalog import admin

    product = {"id": product_id, "title": "限量款帆布鞋", "category_id": "shoes-bags", "images": ["https://img.example.com/x.jpg"],
               "specs": [{"name": "尺码", "values": ["40"]}],
               "skus": [{"id": f"{product_id}.40", "specs": {"尺码": "40"}, "price": price, "stock": stock}]}
    with stack.domain():
        admin.put_product(admin.ProductInput.model_validate(product), "鞋包")
    return f"{product_id}.40"


def test_the_whole_buying_journey(stack: Stack) -> None:
    token = login(stack, "journey-buyer")
    # 地址智能识别, then save the address it read
    parsed = stack.post("/addresses/parse", {"text": "张三 13800138000 广东省深圳市南山区粤海街道科技园路1号"}, token=token).json
    assert parsed["complete"] and (parsed["province"], parsed["city"], parsed["district"]) == ("广东省", "深圳市", "南山区")
    address = {k: parsed[k] for k in ("name", "phone", "province", "city", "district", "detail")}
    address_id = stack.post("/addresses", address, token=token).json["id"]
    # cart -> preview -> order
    assert stack.request("PUT", "/cart/items/p-tee-basic.02", json_body={"quantity": 2}, token=token).status == 200
    cart = stack.get("/cart", token=token).json
    items = [{"sku_id": i["sku_id"], "quantity": i["quantity"]} for i in cart["items"]]
    body = {"items": items, "delivery": "express", "address_id": address_id}
    quote = stack.post("/orders/preview", body, token=token).json
    assert quote["orderable"] and quote["payable"] == quote["goods_total"] + quote["freight"] - quote["discount"]
    stock_before = sku_counts(stack, "p-tee-basic.02")
    created = order(stack, token, body)
    assert created.status == 201, created.text
    order_id, payment = created.json["order"]["id"], created.json["payment"]
    assert created.json["order"]["payable"] == quote["payable"]
    assert set(payment) == {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert sku_counts(stack, "p-tee-basic.02") == (stock_before[0] - 2, stock_before[1])
    # the buyer pays (wx.requestPayment, played by the simulator); WeChat Pay notifies /pay/notify
    assert stack.sim("/_sim/pay", {"prepay_id": payment["package"].removeprefix("prepay_id=")}).status == 200
    wait_for(lambda: stack.get(f"/orders/{order_id}", token=token).json["status"] == "PAID")
    assert sku_counts(stack, "p-tee-basic.02") == (stock_before[0] - 2, stock_before[1] + 2)
    # the merchant ships; the buyer asks to refund one unit; the merchant approves; WeChat Pay settles
    ship = stack.post(f"/admin/orders/{order_id}/ship", {"carrier": "顺丰速运", "tracking_no": "SF100200300"}, token=merchant())
    assert ship.status == 200 and ship.json["status"] == "SHIPPED"
    asked = stack.post(f"/orders/{order_id}/refund", {"reason": "尺码不合适", "lines": [{"sku_id": "p-tee-basic.02", "quantity": 1}]},
                       token=token)
    refund_id = asked.json["refunds"][0]["id"]
    assert stack.post(f"/admin/refunds/{refund_id}/approve", {"note": "同意"}, token=merchant()).json["status"] == "PROCESSING"
    settled = wait_for(lambda: (o := stack.get(f"/orders/{order_id}", token=token).json)["refunds"][0]["status"] == "SUCCEEDED" and o)
    assert settled["refunded_total"] == 7900
    # refunded after shipping, without a return (仅退款): the unit is with the buyer, not back on sale,
    # and no longer counts as sold
    assert sku_counts(stack, "p-tee-basic.02") == (stock_before[0] - 2, stock_before[1] + 1)
    assert stack.post(f"/orders/{order_id}/confirm", token=token).json["status"] == "COMPLETED"
    # a second order, for pickup, is cancelled; a third times out
    second = order(stack, token, {"items": [{"sku_id": "p-mug.01", "quantity": 1}], **PICKUP}).json["order"]
    assert second["freight"] == 0
    cancelled = stack.post(f"/orders/{second['id']}/cancel", token=token).json
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("CANCELLED", "user")
    third = order(stack, token, {"items": [{"sku_id": "p-mug.02", "quantity": 1}], **PICKUP}).json["order"]
    fired = stack.post("/_local/schedules/OrderTimersFunction", {"time": third["pay_deadline"]})
    assert fired.status == 200 and fired.json["cancelled"] >= 1
    timed_out = stack.get(f"/orders/{third['id']}", token=token).json
    assert (timed_out["status"], timed_out["cancel_reason"]) == ("CANCELLED", "timeout")
    listed = stack.get("/orders", token=token).json["items"]
    assert [o["id"] for o in listed] == [third["id"], second["id"], order_id]


def test_200_concurrent_orders_for_20_units_sell_exactly_20(stack: Stack) -> None:
    sku = add_product(stack, "p-limited-" + uuid.uuid4().hex[:6], stock=20)
    tokens = [login(stack, f"rush-{i}") for i in range(10)]
    body = {"items": [{"sku_id": sku, "quantity": 1}], **PICKUP}
    with ThreadPoolExecutor(max_workers=40) as pool:
        replies = list(pool.map(lambda i: order(stack, tokens[i % 10], body), range(200)))
    statuses = [r.status for r in replies]
    assert statuses.count(201) == 20, {s: statuses.count(s) for s in set(statuses)}
    assert statuses.count(409) == 180
    # each of the 10 buyers may hold 3 unpaid orders (30 > 20 units): stock is what runs out
    assert {r.error_code for r in replies if r.status == 409} <= {"out_of_stock", "insufficient_stock",
                                                                   "open_orders_limit"}
    assert sku_counts(stack, sku) == (0, 0)
    assert len({r.json["order"]["id"] for r in replies if r.status == 201}) == 20


def test_the_same_notification_20_times_at_once_is_applied_once(stack: Stack) -> None:
    sku = add_product(stack, "p-notify-" + uuid.uuid4().hex[:6], stock=5)
    token = login(stack, "notified")
    created = order(stack, token, {"items": [{"sku_id": sku, "quantity": 2}], **PICKUP}).json["order"]
    assert stack.sim(f"/_sim/pay/{created['id']}", {"copies": 20}).status == 200

    mine = wait_for(lambda: delivered(stack, created["id"], 20))
    assert all(d["attempts"] == [204] for d in mine)  # 20 successes, first time each
    assert stack.get(f"/orders/{created['id']}", token=token).json["status"] == "PAID"
    assert sku_counts(stack, sku) == (3, 2)  # reserved once at the order, committed once (sold 2)


def test_a_timeout_racing_the_payment_ends_in_one_consistent_state(stack: Stack) -> None:
    for attempt in range(3):
        sku = add_product(stack, f"p-race{attempt}-" + uuid.uuid4().hex[:6], stock=4)
        token = login(stack, f"racer-{attempt}")
        created = order(stack, token, {"items": [{"sku_id": sku, "quantity": 1}], **PICKUP}).json["order"]
        stack.sim(f"/_sim/pay/{created['id']}", {"notify": False})  # paid; the notification is on its way
        with ThreadPoolExecutor(max_workers=2) as pool:
            timer = pool.submit(stack.post, "/_local/schedules/OrderTimersFunction", {"time": created["pay_deadline"]})
            note = pool.submit(stack.sim, f"/_sim/notify/{created['id']}", {"copies": 3})
            assert timer.result().status == 200 and note.result().status == 200
        wait_for(lambda: delivered(stack, created["id"], 3))  # the shop has answered all three
        final = stack.get(f"/orders/{created['id']}", token=token).json
        stock, sold = sku_counts(stack, sku)
        if final["status"] == "PAID":
            assert (stock, sold, final["late_payment"]) == (3, 1, False)
        else:  # the timeout won: the stock came back and the payment is being refunded
            assert final["status"] == "CANCELLED" and final["late_payment"]
            assert (stock, sold) == (4, 0) and final["refunds"][0]["requested_by"] == "system"


def test_another_buyers_order_is_404_over_http(stack: Stack) -> None:
    owner, other = login(stack, "owner-x"), login(stack, "other-x")
    order_id = order(stack, owner, {"items": [{"sku_id": "p-candle.01", "quantity": 1}], **PICKUP}).json["order"]["id"]
    for method, path in [("GET", ""), ("POST", "/pay"), ("POST", "/sync"), ("POST", "/cancel"), ("POST", "/confirm")]:
        reply = stack.request(method, f"/orders/{order_id}{path}", token=other, json_body={} if method == "POST" else None)
        assert (reply.status, reply.error_code) == (404, "order_not_found"), path
    assert stack.get(f"/orders/{order_id}", token=owner).json["status"] == "PENDING_PAYMENT"
    assert stack.get(f"/admin/orders/{order_id}", token=owner).status == 401
