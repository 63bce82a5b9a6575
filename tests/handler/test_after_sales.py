"""The after-sales queue (售后) and the merchant's own partial refunds: the queue shows each refund
in exactly its status, oldest first; a merchant's refund of some lines adds up with the buyer's, is
audited with the decision, and never refunds a unit twice."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import TEE, TEE_XL, checkout, merchant_token, pay_and_notify, place, settle
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
ADDRESS = {"name": "李四", "phone": "13912345678", "province": "广东省", "city": "广州市", "district": "天河区",
           "detail": "体育西路100号"}


def _paid(api: Api, wechat: Any, token: str, *lines: tuple[str, int]) -> str:
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    order_id = place(api, token, checkout(address, *lines)).json["order"]["id"]
    pay_and_notify(api, wechat, order_id)
    return order_id


def _audit_entries(target_id: str) -> list[dict[str, Any]]:
    resp = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#refund#{target_id}"}})
    return [{k: next(iter(v.values())) for k, v in i.items()} for i in resp["Items"]]


def test_the_queue_lists_each_refund_in_its_status_oldest_first(api: Api, wechat: Any) -> None:
    token = login(api, f"queue-{uuid.uuid4().hex[:6]}")
    merchant = merchant_token("cs-1", role="customer_service")
    asked = []
    for _ in range(3):
        order_id = _paid(api, wechat, token, (TEE, 1))
        asked.append(api.post(f"/orders/{order_id}/refund", {"reason": "不想要了"}, token=token).json["refunds"][0]["id"])
    page = api.get("/admin/refunds?limit=100", token=merchant)
    assert page.status == 200, page.text
    waiting = [e["id"] for e in page.json["items"]]
    assert [r for r in waiting if r in asked] == asked  # oldest first
    entry = next(e for e in page.json["items"] if e["id"] == asked[0])
    assert entry["status"] == "REQUESTED" and entry["waiting_hours"] == 0 and entry["user_id"].startswith("u_")
    # deciding moves a refund from one queue to the next
    api.post(f"/admin/refunds/{asked[0]}/approve", {"note": "同意"}, token=merchant)
    api.post(f"/admin/refunds/{asked[1]}/reject", {"note": "已发货"}, token=merchant)
    requested = {e["id"] for e in api.get("/admin/refunds?limit=100", token=merchant).json["items"]}
    processing = {e["id"] for e in api.get("/admin/refunds?status=PROCESSING&limit=100", token=merchant).json["items"]}
    rejected = {e["id"] for e in api.get("/admin/refunds?status=REJECTED&limit=100", token=merchant).json["items"]}
    assert asked[2] in requested and asked[0] not in requested and asked[1] not in requested
    assert asked[0] in processing and asked[1] in rejected
    settle(api, wechat, asked[0])
    succeeded = api.get("/admin/refunds?status=SUCCEEDED&limit=100", token=merchant).json["items"]
    assert asked[0] in {e["id"] for e in succeeded}
    assert asked[0] not in {e["id"] for e in api.get("/admin/refunds?status=PROCESSING&limit=100", token=merchant).json["items"]}
    # nothing is older than a day yet
    assert api.get("/admin/refunds?older_than_hours=24", token=merchant).json["items"] == []


def test_the_queue_pages_with_a_cursor_bound_to_its_query(api: Api, wechat: Any) -> None:
    token = login(api, f"pages-{uuid.uuid4().hex[:6]}")
    merchant = merchant_token()
    for _ in range(3):
        order_id = _paid(api, wechat, token, (TEE, 1))
        api.post(f"/orders/{order_id}/refund", {"reason": "x"}, token=token)
    seen: list[str] = []
    cursor = None
    while True:
        reply = api.get("/admin/refunds?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=merchant)
        assert reply.status == 200, reply.text
        assert len(reply.json["items"]) <= 2
        seen += [e["id"] for e in reply.json["items"]]
        cursor = reply.json["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) >= 3
    first = api.get("/admin/refunds?limit=1", token=merchant).json["next_cursor"]
    assert api.get(f"/admin/refunds?status=REJECTED&cursor={first}", token=merchant).error_code == "invalid_cursor"
    assert api.get("/admin/refunds?status=LOST", token=merchant).status == 400


def test_a_merchant_refunds_one_line_and_the_buyer_can_still_ask_for_the_rest(api: Api, wechat: Any) -> None:
    token = login(api, f"partial-{uuid.uuid4().hex[:6]}")
    merchant = merchant_token("cs-2", role="customer_service")
    order_id = _paid(api, wechat, token, (TEE, 2), (TEE_XL, 1))
    order = api.get(f"/orders/{order_id}", token=token).json
    tee_unit = next(line for line in order["lines"] if line["sku_id"] == TEE)["amount"] // 2
    made = api.post(f"/admin/orders/{order_id}/refunds",
                    {"reason": "该尺码缺货", "note": "抱歉，已为您退款", "lines": [{"sku_id": TEE, "quantity": 1}]}, token=merchant)
    assert made.status == 201, made.text
    refund = made.json
    assert (refund["status"], refund["amount"], refund["requested_by"]) == ("PROCESSING", tee_unit, "merchant")
    assert wechat.pay.refunds[refund["id"]]["refund"] == tee_unit  # sent to WeChat Pay at once
    after = api.get(f"/orders/{order_id}", token=token).json
    assert next(line for line in after["lines"] if line["sku_id"] == TEE)["refundable_quantity"] == 1
    # the same units cannot be refunded again, by the merchant or by the buyer
    again = api.post(f"/admin/orders/{order_id}/refunds", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 2}]},
                     token=merchant)
    assert again.error_code == "refund_exceeds_order"
    assert api.post(f"/orders/{order_id}/refund", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 2}]},
                    token=token).error_code == "refund_exceeds_order"
    settle(api, wechat, refund["id"])
    assert api.get(f"/orders/{order_id}", token=token).json["refunded_total"] == tee_unit
    rest = api.post(f"/orders/{order_id}/refund", {"reason": "都不要了"}, token=token)
    assert rest.status == 201 and rest.json["refunds"][-1]["amount"] + tee_unit <= after["payable"]
    entries = _audit_entries(refund["id"])
    assert [(e["actor"], e["action"]) for e in entries] == [("cs-2", "buying.refund.create")]
    assert json.loads(entries[0]["after"])["amount"] == tee_unit and entries[0]["note"] == "抱歉，已为您退款"


def test_merchant_refunds_need_a_refundable_order_of_this_shop(api: Api, wechat: Any) -> None:
    merchant = merchant_token()
    assert api.post(f"/admin/orders/o{'0' * 25}/refunds", {"reason": "x"}, token=merchant).status == 404
    token = login(api, f"pending-{uuid.uuid4().hex[:6]}")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    pending = place(api, token, checkout(address, (TEE, 1))).json["order"]["id"]
    assert api.post(f"/admin/orders/{pending}/refunds", {"reason": "x"}, token=merchant).error_code == "refund_not_allowed"
    assert api.post(f"/admin/orders/{pending}/refunds", {"reason": ""}, token=merchant).status == 400
    finance = merchant_token("fin-1", role="finance")
    assert api.post(f"/admin/orders/{pending}/refunds", {"reason": "x"}, token=finance).error_code == "permission_denied"


def test_every_refund_decision_is_audited_with_who_and_the_status_change(api: Api, wechat: Any) -> None:
    token = login(api, f"audit-{uuid.uuid4().hex[:6]}")
    merchant = merchant_token("cs-3", role="customer_service")
    refunds = []
    for _ in range(2):
        order_id = _paid(api, wechat, token, (TEE, 1))
        refunds.append(api.post(f"/orders/{order_id}/refund", {"reason": "x"}, token=token).json["refunds"][0]["id"])
    api.post(f"/admin/refunds/{refunds[0]}/approve", {"note": "好的"}, token=merchant)
    api.post(f"/admin/refunds/{refunds[1]}/reject", {"note": "不符合"}, token=merchant)
    again = api.post(f"/admin/refunds/{refunds[1]}/reject", {}, token=merchant)  # changes nothing: no entry
    assert again.status == 200 and again.json["status"] == "REJECTED"
    approved, rejected = _audit_entries(refunds[0]), _audit_entries(refunds[1])
    assert [(e["actor"], e["action"], json.loads(e["before"])["status"], json.loads(e["after"])["status"], e["note"])
            for e in approved] == [("cs-3", "buying.refund.approve", "REQUESTED", "PROCESSING", "好的")]
    assert [(e["action"], json.loads(e["after"])["status"]) for e in rejected] == [("buying.refund.reject", "REJECTED")]
