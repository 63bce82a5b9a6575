"""Stock moves and the stock ledger: a merchant's set / adjust never goes below zero and never loses
an order's reservation; every move (merchant, order, cancellation) is in the ledger, which sums to
the stock: stock == stock_opening + sum(delta)."""

from __future__ import annotations

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from shop.adapters import db
from shop.catalog import ledger
from shop.catalog.skus import sku_key
from tests.handler.test_buying import merchant_token, place
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}


def new_sku(api: Api, token: str, stock: int, product_id: str | None = None) -> str:
    product_id = product_id or "p-stock-" + uuid.uuid4().hex[:6]
    body = {"id": product_id, "title": "库存测试杯", "category_id": "home", "images": ["https://img.example.com/cup.jpg"],
            "specs": [{"name": "颜色", "values": ["白"]}], "status": "on_sale",
            "skus": [{"specs": {"颜色": "白"}, "price": 1000, "stock": stock, "max_per_order": 5}]}
    reply = api.post("/admin/products", body, token=token)
    assert reply.status == 201, reply.text
    return reply.json["skus"][0]["id"]


def sku_item(sku_id: str) -> dict[str, Any]:
    return db.from_item(db.client().get_item(TableName=db.table(), Key=sku_key(sku_id), ConsistentRead=True)["Item"])


def ledger_items(sku_id: str) -> list[dict[str, Any]]:
    return db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :p)", ConsistentRead=True,
                        ExpressionAttributeValues={":pk": sku_key(sku_id)["PK"], ":p": {"S": f"{ledger.PREFIX}{sku_id}#"}})


def reconciles(sku_id: str) -> tuple[int, int]:
    item = sku_item(sku_id)
    return item["stock"], item["stock_opening"] + sum(e["delta"] for e in ledger_items(sku_id))


@pytest.fixture
def owner() -> str:
    return merchant_token("stock-owner", role="owner")


def test_set_and_adjust_with_a_reason_are_ledgered_and_audited(api: Api, owner: str) -> None:
    sku = new_sku(api, owner, 10)
    added = api.post(f"/admin/skus/{sku}/stock", {"mode": "adjust", "delta": 5, "reason": "到货"}, token=owner)
    assert added.status == 200 and added.json["stock"] == 15 and added.json["delta"] == 5, added.text
    counted = api.post(f"/admin/skus/{sku}/stock", {"mode": "set", "quantity": 12, "reason": "盘点"}, token=owner)
    assert counted.json["stock"] == 12 and counted.json["delta"] == -3
    same = api.post(f"/admin/skus/{sku}/stock", {"mode": "set", "quantity": 12, "reason": "盘点"}, token=owner)
    assert same.json["delta"] == 0 and same.json["ledger_id"] is None
    too_many = api.post(f"/admin/skus/{sku}/stock", {"mode": "adjust", "delta": -13, "reason": "损耗"}, token=owner)
    assert too_many.status == 409 and too_many.error_code == "insufficient_stock"
    page = api.get(f"/admin/skus/{sku}/stock-ledger", token=owner).json
    assert page["stock"] == 12 and page["stock_opening"] == 10
    assert [(e["kind"], e["delta"], e["after"], e["reason"], e["actor"]) for e in page["items"]] == [
        ("set", -3, 12, "盘点", "stock-owner"), ("adjust", 5, 15, "到货", "stock-owner")]
    assert api.get(f"/products/{sku.split('.')[0]}").json["skus"][0]["stock"] == 12  # shoppers see it at once
    audits = db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#sku#{sku}"}})
    assert sorted(a["action"] for a in audits) == ["catalog.stock.adjust", "catalog.stock.set"]


@pytest.mark.parametrize("body", [
    {"mode": "set", "delta": 3, "reason": "x"}, {"mode": "adjust", "quantity": 3, "reason": "x"},
    {"mode": "adjust", "delta": 0, "reason": "x"}, {"mode": "set", "quantity": -1, "reason": "x"},
    {"mode": "set", "quantity": 3}, {"mode": "set", "quantity": 3, "reason": ""},
])
def test_bad_stock_changes_are_400(api: Api, owner: str, body: dict[str, Any]) -> None:
    assert api.post("/admin/skus/p-tee-basic.02/stock", body, token=owner).status == 400


def test_unknown_sku_is_404_and_a_role_without_stock_write_is_403(api: Api, owner: str) -> None:
    assert api.post("/admin/skus/p-none.1/stock", {"mode": "set", "quantity": 1, "reason": "x"}, token=owner).status == 404
    assert api.get("/admin/skus/p-none.1/stock-ledger", token=owner).status == 404
    finance = merchant_token("fin-" + uuid.uuid4().hex[:4], role="finance")
    assert api.post("/admin/skus/p-tee-basic.02/stock", {"mode": "set", "quantity": 1, "reason": "x"}, token=finance).status == 403


def test_ledger_pages_newest_first(api: Api, owner: str) -> None:
    sku = new_sku(api, owner, 0)
    for n in range(5):
        assert api.post(f"/admin/skus/{sku}/stock", {"mode": "adjust", "delta": n + 1, "reason": f"第{n}批"}, token=owner).status == 200
    first = api.get(f"/admin/skus/{sku}/stock-ledger?limit=3", token=owner).json
    rest = api.get(f"/admin/skus/{sku}/stock-ledger?limit=3&cursor={first['next_cursor']}", token=owner).json
    assert [e["delta"] for e in first["items"] + rest["items"]] == [5, 4, 3, 2, 1] and rest["next_cursor"] is None
    other = new_sku(api, owner, 0)
    assert api.get(f"/admin/skus/{other}/stock-ledger?cursor={first['next_cursor']}", token=owner).status == 400


def test_orders_and_cancellations_are_in_the_ledger(api: Api, owner: str) -> None:
    sku = new_sku(api, owner, 10)
    buyer = login(api, "ledger-buyer")
    placed = place(api, buyer, {"items": [{"sku_id": sku, "quantity": 3}], **PICKUP})
    assert placed.status == 201, placed.text
    order_id = placed.json["order"]["id"]
    assert api.post(f"/orders/{order_id}/cancel", token=buyer).status == 200
    kinds = sorted((e["kind"], e["delta"], e["ref"]) for e in ledger_items(sku))
    assert kinds == [("cancel", 3, order_id), ("order", -3, order_id)]
    stock, expected = reconciles(sku)
    assert stock == expected == 10


def test_50_concurrent_orders_racing_stock_adjustments(api: Api, owner: str, serialized_dynamodb: None) -> None:
    sku = new_sku(api, owner, 40)
    buyers = [login(api, f"racer-{n}") for n in range(50)]
    lowest = [sku_item(sku)["stock"]]
    done = threading.Event()

    def order(token: str) -> tuple[int, int]:
        quantity = random.choice((1, 2))  # noqa: S311 - test data
        reply = place(api, token, {"items": [{"sku_id": sku, "quantity": quantity}], **PICKUP})
        return reply.status, quantity

    moved: list[int] = []  # the deltas of the merchant's moves that changed the stock

    def merchant() -> list[int]:
        statuses = []
        for body in ({"mode": "adjust", "delta": 15, "reason": "补货"}, {"mode": "adjust", "delta": -10, "reason": "损耗"},
                     {"mode": "set", "quantity": 25, "reason": "盘点"}, {"mode": "adjust", "delta": 20, "reason": "补货"}):
            reply = api.post(f"/admin/skus/{sku}/stock", body, token=owner)
            statuses.append(reply.status)
            if reply.status == 200 and reply.json["delta"]:  # a set to the stock already there changes nothing
                moved.append(reply.json["delta"])
        return statuses

    def watch() -> None:
        while not done.is_set():
            lowest.append(sku_item(sku)["stock"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        adjusting = pool.submit(merchant)
        results = list(pool.map(order, buyers))
        merchant_statuses = adjusting.result()
    done.set()
    watcher.join()

    assert set(merchant_statuses) <= {200, 409} and 200 in merchant_statuses, merchant_statuses
    assert {status for status, _ in results} <= {201, 409}, results
    placed = sum(q for status, q in results if status == 201)
    assert placed > 0
    stock, expected = reconciles(sku)
    assert min(lowest) >= 0 and stock >= 0
    assert stock == expected  # the ledger sums to the stock exactly
    entries = ledger_items(sku)
    assert -sum(e["delta"] for e in entries if e["kind"] == "order") == placed  # every order's reservation, once
    merchant_moves = [e for e in entries if e["kind"] in ("set", "adjust")]
    assert sorted(e["delta"] for e in merchant_moves) == sorted(moved)  # each move that changed the stock, once
    for move in merchant_moves:  # each merchant move recorded the stock it left
        assert move["after"] >= 0
    assert stock == 40 + sum(e["delta"] for e in merchant_moves) - placed


def test_refunds_that_put_units_back_are_in_the_ledger(api: Api, owner: str, wechat) -> None:
    from tests.handler.test_buying import ADDRESS, _paid_order, settle

    sku = new_sku(api, owner, 10)
    buyer = login(api, "refund-ledger-buyer")
    address = api.post("/addresses", ADDRESS, token=buyer).json["id"]
    # refunded before shipping: the units go back on sale when the refund settles
    first = _paid_order(api, wechat, buyer, address, (sku, 3))
    refund = api.post(f"/orders/{first}/refund", {"reason": "不想要了"}, token=buyer).json["refunds"][-1]
    assert api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=owner).status == 200
    settle(api, wechat, refund["id"])
    # a return: back on sale when the parcel is received, not again when the money settles
    second = _paid_order(api, wechat, buyer, address, (sku, 2))
    assert api.post(f"/admin/orders/{second}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"},
                    token=owner).status == 200
    back = api.post(f"/orders/{second}/refund", {"reason": "尺码不合适", "kind": "return",
                                                  "lines": [{"sku_id": sku, "quantity": 1}]}, token=buyer).json["refunds"][-1]
    assert api.post(f"/admin/refunds/{back['id']}/approve", {}, token=owner).status == 200
    assert api.post(f"/admin/refunds/{back['id']}/receive", {}, token=owner).status == 200
    settle(api, wechat, back["id"])
    moves = sorted((e["kind"], e["delta"]) for e in ledger_items(sku))
    assert moves == [("order", -3), ("order", -2), ("refund", 3), ("return", 1)]
    stock, expected = reconciles(sku)
    assert stock == expected == 10 - 3 - 2 + 3 + 1
