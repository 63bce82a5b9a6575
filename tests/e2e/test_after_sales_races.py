"""Merchant refunds racing each other over HTTP against the concurrent local stack: the units a
refund takes are reserved by a condition on the order's version in the refund's own transaction, so
concurrent refunds of the same units leave exactly one."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_buying_journey import PICKUP, add_product, login, merchant, order, wait_for

pytestmark = pytest.mark.e2e


def test_concurrent_merchant_refunds_never_refund_a_unit_twice(stack: Stack) -> None:
    sku = add_product(stack, "p-refund-race-" + uuid.uuid4().hex[:6], stock=10)
    token = login(stack, "refund-race-" + uuid.uuid4().hex[:6])
    created = order(stack, token, {"items": [{"sku_id": sku, "quantity": 2}], **PICKUP}).json["order"]
    assert stack.sim(f"/_sim/pay/{created['id']}", {}).status == 200
    wait_for(lambda: stack.get(f"/orders/{created['id']}", token=token).json["status"] == "PAID")
    body = {"reason": "缺货", "lines": [{"sku_id": sku, "quantity": 2}]}
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: stack.post(f"/admin/orders/{created['id']}/refunds", body, token=merchant()),
                                range(4)))
    assert sorted(r.status for r in replies) == [201, 409, 409, 409], [r.text for r in replies]
    # a loser that comes in after the winner's refund settled finds the order fully refunded
    # (refund_not_allowed); one that overlaps it finds the units taken or the order changed
    assert {r.error_code for r in replies if r.status == 409} <= {"refund_exceeds_order", "order_changed",
                                                                  "refund_not_allowed"}
    after = stack.get(f"/orders/{created['id']}", token=token).json
    assert len(after["refunds"]) == 1 and after["lines"][0]["refundable_quantity"] == 0
