"""Shipping races over HTTP against the concurrent local stack: two parcels shipped at the same
moment cannot both take the same units (the order's ``version`` condition), and shipping-upload
workers running at the same moment upload one shipment state to WeChat exactly once (the task's
conditional claim). The simulator records every upload it accepted."""

from __future__ import annotations

import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import REQUEST_TIMEOUT, Stack
from tests.e2e.test_buying_journey import login, merchant, order, wait_for

pytestmark = pytest.mark.e2e
ADDRESS = {"name": "李四", "phone": "13900139000", "province": "广东省", "city": "深圳市", "district": "南山区",
           "detail": "科技园路2号"}


def paid_order(stack: Stack, lines: list[tuple[str, int]]) -> str:
    token = login(stack, "ship-race-" + uuid.uuid4().hex[:6])
    address_id = stack.post("/addresses", ADDRESS, token=token).json["id"]
    created = order(stack, token, {"items": [{"sku_id": s, "quantity": q} for s, q in lines], "delivery": "express",
                                   "address_id": address_id}).json["order"]
    assert stack.sim(f"/_sim/pay/{created['id']}").status == 200
    wait_for(lambda: stack.get(f"/orders/{created['id']}", token=token).json["status"] == "PAID")
    return created["id"]


def sim_get(stack: Stack, path: str) -> dict:
    with urllib.request.urlopen(stack.wechat_url + path, timeout=REQUEST_TIMEOUT) as resp:
        return json.loads(resp.read())


def test_two_parcels_shipped_at_once_cannot_take_the_same_units(stack: Stack) -> None:
    order_id = paid_order(stack, [("p-tee-basic.02", 2)])
    staff = merchant()
    assert stack.get("/admin/delivery-companies", token=staff).status == 200
    body = [{"carrier": "SF", "tracking_no": f"SF00{n}", "lines": [{"sku_id": "p-tee-basic.02", "quantity": 2}]}
            for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda b: stack.post(f"/admin/orders/{order_id}/ship", b, token=staff), body))
    assert sorted(r.status for r in replies) == [200] + [409] * 5, [r.text for r in replies]
    with stack.domain():
        from shop.buying import orders

        assert len(orders.load(order_id)["shipments"]) == 1


def test_workers_running_at_once_upload_a_shipment_once(stack: Stack) -> None:
    order_id = paid_order(stack, [("p-tee-basic.02", 1)])
    staff = merchant()
    assert stack.post(f"/admin/orders/{order_id}/ship", {"carrier": "SF", "tracking_no": "SF0099"},
                      token=staff).status == 200
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: stack.post("/_local/schedules/ShippingUploadsFunction", {"time": now}),
                                range(6)))
    assert all(r.status == 200 for r in replies), [r.text for r in replies]
    txn = sim_get(stack, f"/_sim/transactions/{order_id}")["transaction_id"]
    assert len(sim_get(stack, f"/_sim/shipping/orders/{txn}")["uploads"]) == 1
    with stack.domain():
        from shop.buying import orders

        assert orders.load(order_id)["shipping_upload"]["state"] == "uploaded"
