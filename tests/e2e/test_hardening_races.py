"""Races on the limits that keep one buyer from hoarding stock, over HTTP against the concurrent
local stack: the limits are conditions of the order transaction, so concurrent orders cannot pass
them (a count read beforehand could be beaten)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_buying_journey import PICKUP, add_product, login, order, sku_counts

pytestmark = pytest.mark.e2e


def test_twelve_concurrent_orders_of_one_buyer_leave_three_unpaid(stack: Stack) -> None:
    sku = add_product(stack, "p-hoard-" + uuid.uuid4().hex[:6], stock=300)
    token = login(stack, "hoarder-" + uuid.uuid4().hex[:6])
    body = {"items": [{"sku_id": sku, "quantity": 20}], **PICKUP}
    with ThreadPoolExecutor(max_workers=12) as pool:
        replies = list(pool.map(lambda _: order(stack, token, body), range(12)))
    statuses = sorted(r.status for r in replies)
    assert statuses == [201] * 3 + [409] * 9, statuses
    assert {r.error_code for r in replies if r.status == 409} == {"open_orders_limit"}
    assert sku_counts(stack, sku) == (300 - 60, 0)  # at most 3 x 20 units held by one buyer
    pending = stack.get("/orders?status=PENDING_PAYMENT", token=token).json["items"]
    assert len(pending) == 3


def test_concurrent_orders_cannot_pass_a_per_buyer_limit(stack: Stack) -> None:
    from shop.catalog import admin

    product_id = "p-quota-" + uuid.uuid4().hex[:6]
    product = {"id": product_id, "title": "限购茶叶", "category_id": "food", "images": ["https://img.example.com/t.jpg"],
               "specs": [{"name": "规格", "values": ["250g"]}],
               "skus": [{"id": f"{product_id}.1", "specs": {"规格": "250g"}, "price": 5000, "stock": 50,
                         "limit_per_buyer": 2}]}
    with stack.domain():
        admin.put_product(admin.ProductInput.model_validate(product), "食品")
    token = login(stack, "quota-" + uuid.uuid4().hex[:6])
    body = {"items": [{"sku_id": f"{product_id}.1", "quantity": 1}], **PICKUP}
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _: order(stack, token, body), range(3)))
    assert sorted(r.status for r in replies) == [201, 201, 409]
    assert [r.error_code for r in replies if r.status == 409] == ["buyer_limit_reached"]
    assert sku_counts(stack, f"{product_id}.1") == (48, 0)
