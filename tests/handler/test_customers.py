"""Customers (客户): the merchant finds a buyer by nickname, id or the last four digits of a phone,
and sees their orders, coupons and spend; phones and addresses stay masked for roles that may not
see contact details."""

from __future__ import annotations

import os
import uuid
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import TEE, checkout, merchant_token, pay_and_notify, place, settle
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


def _buyer(api: Api, nickname: str | None = None) -> tuple[str, str]:
    reply = api.post("/auth/login", {"code": f"cust-{uuid.uuid4().hex[:8]}"}).json
    if nickname:  # the buyer set a nickname (the profile as the mini-program's profile page writes it)
        boto3.client("dynamodb").update_item(
            TableName=os.environ["SHOP_TABLE_NAME"], Key={"PK": {"S": f"USER#{reply['user_id']}"}, "SK": {"S": "PROFILE"}},
            UpdateExpression="SET nickname = :n", ExpressionAttributeValues={":n": {"S": nickname}})
    return reply["token"], reply["user_id"]


def _address(phone: str) -> dict[str, str]:
    return {"name": "王小明", "phone": phone, "province": "浙江省", "city": "杭州市", "district": "西湖区",
            "detail": "文三路478号华星时代广场"}


def test_customers_list_newest_first_across_pages(api: Api) -> None:
    merchant = merchant_token("cs-c", role="customer_service")
    made = [_buyer(api)[1] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        reply = api.get("/admin/customers?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=merchant)
        assert reply.status == 200, reply.text
        seen += [c["id"] for c in reply.json["items"]]
        cursor = reply.json["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen))
    assert [u for u in seen if u in made] == list(reversed(made))  # newest first, everyone once


def test_search_by_nickname_id_and_phone_last_four(api: Api) -> None:
    merchant = merchant_token()
    tag = uuid.uuid4().hex[:4]
    token, user_id = _buyer(api, nickname=f"爱吃橘子的{tag}")
    _buyer(api, nickname="别人")
    phone = f"1390000{uuid.uuid4().int % 10000:04d}"
    assert api.post("/addresses", _address(phone), token=token).status == 201
    by_name = api.get(f"/admin/customers?q=橘子的{tag}", token=merchant).json
    assert [c["id"] for c in by_name["items"]] == [user_id]
    assert [c["id"] for c in api.get(f"/admin/customers?q={user_id}", token=merchant).json["items"]] == [user_id]
    by_phone = api.get(f"/admin/customers?q={phone[-4:]}", token=merchant).json["items"]
    assert user_id in [c["id"] for c in by_phone]
    assert api.get("/admin/customers?q=u_zzzzzzzzzzzzzzzzzzzzzzzzzz", token=merchant).json["items"] == []
    assert api.get("/admin/customers?cursor=bm9wZQ", token=merchant).error_code == "invalid_cursor"
    # a changed address phone moves the buyer to the new digits
    address = api.get("/addresses", token=token).json["items"][0]["id"]
    new_phone = phone[:-4] + ("0000" if phone[-4:] != "0000" else "1111")
    assert api.request("PUT", f"/addresses/{address}", json_body=_address(new_phone), token=token).status == 200
    assert user_id in [c["id"] for c in api.get(f"/admin/customers?q={new_phone[-4:]}", token=merchant).json["items"]]
    assert user_id not in [c["id"] for c in api.get(f"/admin/customers?q={phone[-4:]}", token=merchant).json["items"]]


def test_a_customers_orders_coupons_and_spend(api: Api, wechat: Any) -> None:
    token, user_id = _buyer(api)
    address = api.post("/addresses", _address("13811112222"), token=token).json["id"]
    assert api.post("/coupons/c-100-20/claim", token=token).status == 201
    paid = place(api, token, checkout(address, (TEE, 2))).json["order"]
    pay_and_notify(api, wechat, paid["id"])
    place(api, token, checkout(address, (TEE, 1)))  # unpaid: not spend
    refund = api.post(f"/orders/{paid['id']}/refund", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 1}]},
                      token=token).json["refunds"][0]
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])

    cs = api.get(f"/admin/customers/{user_id}", token=merchant_token("cs-d", role="customer_service")).json
    assert (cs["orders_count"], cs["paid_orders"], cs["spend"]) == (2, 1, paid["payable"] - refund["amount"])
    assert [o["id"] for o in cs["recent_orders"]][1] == paid["id"]  # newest first
    assert [c["template_id"] for c in cs["coupons"]] == ["c-100-20"]
    assert cs["contact_visible"] is True and cs["addresses"][0]["phone"] == "13811112222"
    finance = api.get(f"/admin/customers/{user_id}", token=merchant_token("fin-d", role="finance")).json
    assert finance["contact_visible"] is False
    shown = finance["addresses"][0]
    assert shown["phone"] == "138****2222" and "478" not in shown["detail"] and shown["name"] != "王小明"
    assert shown["region"] == "浙江省杭州市西湖区" and finance["spend"] == cs["spend"]


def test_unknown_customers_and_roles_without_the_permission(api: Api) -> None:
    assert api.get("/admin/customers/u_zzzzzzzzzzzzzzzzzzzzzzzzzz", token=merchant_token()).error_code == "customer_not_found"
    assert api.get("/admin/customers/not-an-id", token=merchant_token()).status == 400
    verifier = merchant_token("pv-d", role="pickup_verifier")
    assert api.get("/admin/customers", token=verifier).error_code == "permission_denied"
