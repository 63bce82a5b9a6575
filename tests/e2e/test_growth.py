"""Growth over HTTP against the local stack, where claims and orders really race."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_buying_journey import PICKUP, login, merchant, order, wait_for

pytestmark = pytest.mark.e2e


def new_template(stack: Stack, **fields: Any) -> str:
    body = {"name": "限量券", "kind": "amount", "amount": 1000, "valid_days": 7, "total": 1, "per_user_limit": 1, **fields}
    reply = stack.post("/admin/coupons", body, token=merchant())
    assert reply.status == 201, reply.text
    return reply.json["id"]


def test_64_buyers_race_for_one_coupon_and_one_gets_it(stack: Stack) -> None:
    template_id = new_template(stack, total=1)
    tokens = [login(stack, f"claimer-{uuid.uuid4().hex[:6]}-{i}") for i in range(64)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        replies = list(pool.map(lambda t: stack.post(f"/coupons/{template_id}/claim", token=t), tokens))
    statuses = [r.status for r in replies]
    assert statuses.count(201) == 1, {s: statuses.count(s) for s in set(statuses)}
    assert {r.error_code for r in replies if r.status != 201} == {"coupon_sold_out"}
    center = {c["id"]: c for c in stack.get("/coupons").json["items"]}
    assert center[template_id]["remaining"] == 0


def test_one_buyer_claiming_20_times_at_once_gets_one(stack: Stack) -> None:
    template_id = new_template(stack, total=1000, per_user_limit=1)
    token = login(stack, "eager-" + uuid.uuid4().hex[:6])
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: stack.post(f"/coupons/{template_id}/claim", token=token), range(20)))
    assert [r.status for r in replies].count(201) == 1
    assert {r.error_code for r in replies if r.status != 201} == {"coupon_limit_reached"}
    held = [c for c in stack.get("/me/coupons", token=token).json["items"] if c["template_id"] == template_id]
    assert len(held) == 1


def test_one_coupon_in_five_concurrent_orders(stack: Stack) -> None:
    template_id = new_template(stack, total=10, amount=2000)
    token = login(stack, "double-spender-" + uuid.uuid4().hex[:6])
    coupon_id = stack.post(f"/coupons/{template_id}/claim", token=token).json["id"]
    body = {"items": [{"sku_id": "p-nuts.02", "quantity": 1}], **PICKUP, "coupon_ids": [coupon_id]}
    with ThreadPoolExecutor(max_workers=5) as pool:
        replies = list(pool.map(lambda _: order(stack, token, body), range(5)))
    placed = [r for r in replies if r.status == 201]
    assert len(placed) == 1, [r.text for r in replies]
    assert {r.error_code for r in replies if r.status != 201} <= {"coupon_unavailable", "coupon_locked"}
    winner = placed[0].json["order"]
    assert winner["discount"] == 2000 and winner["coupon_ids"] == [coupon_id]
    assert stack.sim(f"/_sim/pay/{winner['id']}").status == 200
    wait_for(lambda: stack.get(f"/orders/{winner['id']}", token=token).json["status"] == "PAID")
    used = [c for c in stack.get("/me/coupons?status=used", token=token).json["items"] if c["id"] == coupon_id]
    assert len(used) == 1 and used[0]["order_id"] == winner["id"]
