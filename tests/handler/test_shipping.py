"""Shipping and WeChat's shipping management (小程序发货信息管理服务) through the real handlers:
parcels and split shipments, carriers from get_delivery_list, tracking changes within WeChat's one
re-ship, and the upload worker against the simulator's rules (retries, refusals, never twice).
The races under real concurrency (two parcels at once, workers at once) are in
tests/e2e/test_shipping_races.py, against the local stack's serialised moto."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from infra.local.gateway import scheduled_event
from shop.buying import shipping_upload
from tests.handler.test_buying import (  # noqa: F401 - fixtures
    HOODIE_LOW, TEE, TEE_XL, _paid_order, address_id, buyer, checkout, merchant_token, place,
)
from tests.helpers import Api, context, load_function

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
SF = {"carrier": "SF", "tracking_no": "SF1234567890"}


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    from shop.buying import shipments

    shipments.forget_carriers()
    shipping_upload.forget()


def run_uploads(at: float | None = None) -> dict[str, int]:
    at = time.time() if at is None else at
    return load_function("ShippingUploadsFunction").lambda_handler(
        scheduled_event("ShippingUploadsFunction", at), context("ShippingUploadsFunction"))


def admin_order(api: Api, order_id: str, buyer_token: str) -> dict[str, Any]:
    return api.get(f"/orders/{order_id}", token=buyer_token).json


def txn_of(wechat, order_id: str) -> str:
    return wechat.pay.transactions[order_id]["transaction_id"]


def audit_actions(order_id: str) -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=os.environ["SHOP_TABLE_NAME"])["Items"]
    return sorted(i["action"]["S"] for i in items if i.get("type", {}).get("S") == "audit"
                  and i["target_id"]["S"] == order_id)


# ---------------------------------------------------------------- shipping and uploads

def test_a_shipment_is_uploaded_after_wechat_sees_the_payment(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    wechat.shipping.invisible[txn_of(wechat, order_id)] = 3  # 10060001 for the first three uploads
    shipped = api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    assert shipped.status == 200, shipped.text
    order = shipped.json
    assert order["status"] == "SHIPPED" and order["shipment"] == {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}
    assert [(s["id"], s["carrier"], s["tracking_no"]) for s in order["shipments"]] == [("s1", "SF", "SF1234567890")]
    assert order["shipping_upload"]["state"] == "pending"
    assert audit_actions(order_id) == ["orders.shipment.create"]
    now = time.time()
    assert run_uploads(now)["retry"] == 1
    seen = admin_order(api, order_id, buyer)["shipping_upload"]
    assert (seen["state"], seen["attempts"], seen["last_error_code"]) == ("pending", 1, 10060001)
    assert "微信还查不到这笔支付" in seen["last_error_message"]
    assert run_uploads(now + 1)["due"] == 0  # not before its retry time
    for step in range(1, 4):
        run_uploads(now + 60 * step)
    seen = admin_order(api, order_id, buyer)["shipping_upload"]
    assert (seen["state"], seen["attempts"], seen["finished"]) == ("uploaded", 4, True)
    [sent] = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert (sent["logistics_type"], sent["delivery_mode"], sent["order_key"]["order_number_type"]) == (1, 1, 2)
    assert sent["shipping_list"][0]["express_company"] == "SF"
    assert sent["shipping_list"][0]["contact"] == {"receiver_contact": "138****8000"}  # SF needs it, masked
    assert sent["payer"]["openid"] == wechat.pay.transactions[order_id]["payer"]["openid"]
    assert wechat.shipping.orders[txn_of(wechat, order_id)]["order_state"] == 2  # 已发货
    assert wechat.shipping.jump_path == "pages/orders/detail"  # set once by the worker
    assert run_uploads(now + 3600)["due"] == 0


def test_a_task_seen_by_two_workers_is_uploaded_once(api: Api, buyer: str, address_id: str, wechat) -> None:
    """Two runs that both read the due task (overlapping minutes): the second's claim fails. The same
    under real concurrency: tests/e2e/test_shipping_races.py."""
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    now = int(time.time())
    [task] = shipping_upload.due(now)
    assert shipping_upload.run(task, now) == "uploaded"
    assert shipping_upload.run(task, now) == "skipped"
    assert run_uploads(now + 120)["due"] == 0
    assert len(wechat.shipping.uploads(txn_of(wechat, order_id))) == 1


def test_a_worker_that_stopped_after_uploading_does_not_upload_again(api: Api, buyer: str, address_id: str, wechat,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    real_record = shipping_upload._record

    def crash(*args: Any, **kw: Any) -> str:
        raise RuntimeError("the function stopped")

    monkeypatch.setattr(shipping_upload, "_record", crash)
    now = time.time()
    assert run_uploads(now)["error"] == 1  # WeChat has it, the shop does not know
    monkeypatch.setattr(shipping_upload, "_record", real_record)
    assert run_uploads(now + 10)["due"] == 1 and admin_order(api, order_id, buyer)["shipping_upload"]["state"] == "pending"
    assert run_uploads(now + shipping_upload.LEASE_SECONDS + 5)["uploaded"] == 1  # lease over: get_order first
    assert len(wechat.shipping.uploads(txn_of(wechat, order_id))) == 1
    assert admin_order(api, order_id, buyer)["shipping_upload"]["state"] == "uploaded"


@pytest.mark.parametrize("errcode,text", [(10060004, "不可发货"), (10060031, "openid"), (47001, "格式")])
def test_a_refusal_that_stays_is_failed_and_listed_for_the_merchant(api: Api, buyer: str, address_id: str, wechat,
                                                                    errcode: int, text: str) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    wechat.shipping.inject("upload_shipping_info", errcode, "refused")
    assert run_uploads()["failed"] == 1
    seen = admin_order(api, order_id, buyer)["shipping_upload"]
    assert (seen["state"], seen["last_error_code"]) == ("failed", errcode) and text in seen["last_error_message"]
    issues = api.get("/admin/shipping/issues", token=merchant).json["items"]
    assert [(i["order_id"], i["kind"], i["error_code"]) for i in issues] == [(order_id, "upload_failed", errcode)]
    assert run_uploads(time.time() + 3600)["due"] == 0  # not retried
    assert wechat.shipping.uploads(txn_of(wechat, order_id)) == []


def test_busy_and_write_conflicts_are_retried(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    wechat.shipping.inject("upload_shipping_info", -1, "system error")
    wechat.shipping.inject("upload_shipping_info", 10060019, "write conflict")
    now = time.time()
    assert run_uploads(now)["retry"] == 1
    assert run_uploads(now + 60)["retry"] == 1
    assert admin_order(api, order_id, buyer)["shipping_upload"]["last_error_code"] == 10060019
    assert run_uploads(now + 120)["uploaded"] == 1


# ---------------------------------------------------------------- split shipments

def test_split_shipment_ships_when_the_last_parcel_does(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 2), (HOODIE_LOW, 1))
    first = api.post(f"/admin/orders/{order_id}/ship", {**SF, "lines": [{"sku_id": TEE, "quantity": 2}]}, token=merchant)
    assert first.status == 200 and first.json["status"] == "PAID" and len(first.json["shipments"]) == 1
    too_many = api.post(f"/admin/orders/{order_id}/ship", {"carrier": "ZTO", "tracking_no": "ZT0001",
                                                           "lines": [{"sku_id": TEE, "quantity": 1}]}, token=merchant)
    assert too_many.error_code == "quantity_exceeds_unshipped"
    run_uploads()
    [partial] = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert (partial["delivery_mode"], partial["is_all_delivered"], len(partial["shipping_list"])) == (2, False, 1)
    assert wechat.shipping.orders[txn_of(wechat, order_id)]["order_state"] == 1  # still 待发货 at WeChat
    last = api.post(f"/admin/orders/{order_id}/ship", {"carrier": "中通快递", "tracking_no": "ZT0002"}, token=merchant)
    assert last.json["status"] == "SHIPPED"
    assert [(s["id"], s["carrier"], s["lines"]) for s in last.json["shipments"]] == [
        ("s1", "SF", [{"sku_id": TEE, "quantity": 2}]), ("s2", "ZTO", [{"sku_id": HOODIE_LOW, "quantity": 1}])]
    run_uploads(time.time() + 1)
    uploads = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert (uploads[-1]["delivery_mode"], uploads[-1]["is_all_delivered"], len(uploads[-1]["shipping_list"])) == (2, True, 2)
    state = wechat.shipping.orders[txn_of(wechat, order_id)]
    assert (state["order_state"], state["finish_shipping_count"]) == (2, 1)  # no re-ship used
    assert api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant).error_code == "order_not_shippable"


def test_same_city_virtual_and_pickup_ship_at_once(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    virtual = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    assert api.post(f"/admin/orders/{virtual}/ship", {"logistics": "virtual", **SF}, token=merchant).error_code == "invalid_parcels"
    assert api.post(f"/admin/orders/{virtual}/ship", {"logistics": "virtual"}, token=merchant).json["status"] == "SHIPPED"
    city = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{city}/ship", {"logistics": "same_city"}, token=merchant)
    run_uploads()
    [v] = wechat.shipping.uploads(txn_of(wechat, virtual))
    [c] = wechat.shipping.uploads(txn_of(wechat, city))
    assert (v["logistics_type"], v["delivery_mode"], list(v["shipping_list"][0])) == (3, 1, ["item_desc"])
    assert (c["logistics_type"], c["delivery_mode"]) == (2, 1)
    assert "T恤" in v["shipping_list"][0]["item_desc"] or v["shipping_list"][0]["item_desc"]


def test_express_needs_a_carrier_wechat_knows(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    assert api.post(f"/admin/orders/{order_id}/ship", {"carrier": "不存在快递", "tracking_no": "X12345"},
                    token=merchant).error_code == "unknown_carrier"
    assert api.post(f"/admin/orders/{order_id}/ship", {"tracking_no": "X12345"}, token=merchant).error_code == "carrier_required"
    assert admin_order(api, order_id, buyer)["status"] == "PAID" and audit_actions(order_id) == []


def test_the_carrier_list_is_cached(api: Api, wechat) -> None:
    merchant = merchant_token()
    listed = api.get("/admin/delivery-companies", token=merchant)
    assert listed.status == 200 and {"id": "SF", "name": "顺丰速运"} in listed.json["items"]
    from shop.buying import shipments

    shipments.forget_carriers()  # another container: the table's copy, not WeChat
    api.get("/admin/delivery-companies", token=merchant)
    assert sum(1 for api_name, _, _ in wechat.shipping.received if api_name == "get_delivery_list") == 1


# ---------------------------------------------------------------- tracking changes

def test_a_tracking_number_can_be_changed_once_after_upload(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    now = time.time()
    run_uploads(now)
    changed = api.request("PATCH", f"/admin/orders/{order_id}/shipments/s1", json_body={"tracking_no": "SF9999999999"},
                          token=merchant)
    assert changed.status == 200, changed.text
    assert changed.json["shipments"][0]["tracking_no"] == "SF9999999999"
    assert changed.json["shipment"]["tracking_no"] == "SF9999999999"
    assert changed.json["shipping_upload"]["reship_used"] is True
    run_uploads(now + 1)
    uploads = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert [u["shipping_list"][0]["tracking_no"] for u in uploads] == ["SF1234567890", "SF9999999999"]
    assert wechat.shipping.orders[txn_of(wechat, order_id)]["finish_shipping_count"] == 2
    again = api.request("PATCH", f"/admin/orders/{order_id}/shipments/s1", json_body={"tracking_no": "SF8888888888"},
                        token=merchant)
    assert again.status == 409 and again.error_code == "reship_used"
    assert audit_actions(order_id) == ["orders.shipment.create", "orders.shipment.update"]
    assert api.request("PATCH", f"/admin/orders/{order_id}/shipments/s7", json_body={"tracking_no": "SF8888888888"},
                       token=merchant).error_code == "shipment_not_found"


def test_a_change_before_the_upload_costs_no_reship(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
    changed = api.request("PATCH", f"/admin/orders/{order_id}/shipments/s1",
                          json_body={"carrier": "YTO", "tracking_no": "YT123456"}, token=merchant).json
    assert changed["shipping_upload"]["reship_used"] is False
    run_uploads()
    [sent] = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert (sent["shipping_list"][0]["express_company"], sent["shipping_list"][0]["tracking_no"]) == ("YTO", "YT123456")


def test_the_simulator_refuses_a_second_reship(wechat) -> None:
    """The rule the shop's 409 mirrors, as the simulator enforces it."""
    from tests.handler.test_buying import login  # noqa: F401

    sim = wechat.shipping
    wechat.pay.transactions["o-direct"] = {"transaction_id": "4200000001", "out_trade_no": "o-direct", "mchid": "m",
                                           "trade_state": "SUCCESS", "payer": {"openid": "o1"}, "amount": {"total": 1}}
    def body(n: int) -> dict[str, Any]:
        return {"order_key": {"order_number_type": 2, "transaction_id": "4200000001"}, "logistics_type": 1,
                "delivery_mode": 1, "shipping_list": [{"tracking_no": f"YT{n}", "express_company": "YTO", "item_desc": "x"}],
                "upload_time": datetime.fromtimestamp(time.time() + n, UTC).isoformat(), "payer": {"openid": "o1"}}

    assert [sim.upload(body(n))["errcode"] for n in range(3)] == [0, 0, 10060003]


def test_a_picked_up_order_is_reported_as_self_pickup(api: Api, buyer: str, wechat) -> None:
    from shop.buying import shipments
    from tests.handler.test_buying import pay_and_notify

    order_id = place(api, buyer, {"items": [{"sku_id": TEE, "quantity": 1}], "delivery": "pickup",
                                  "pickup_store_id": "sz-nanshan"}).json["order"]["id"]
    pay_and_notify(api, wechat, order_id)
    assert shipments.report_pickup(order_id, verified_by="counter-1") is True
    assert shipments.report_pickup(order_id, verified_by="counter-1") is False  # once
    run_uploads()
    [sent] = wechat.shipping.uploads(txn_of(wechat, order_id))
    assert (sent["logistics_type"], sent["delivery_mode"], list(sent["shipping_list"][0])) == (4, 1, ["item_desc"])
