"""Shop settings under /admin (docs/settings.md): validated, audited, versioned, and what the shopper
functions do with them - freight by weight and by count, the unpaid timeout, the buyer limits."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import ADDRESS, TEE, checkout, merchant_token, place
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


@pytest.fixture
def owner() -> str:
    return merchant_token("shop-owner", role="owner")


@pytest.fixture
def buyer(api: Api) -> str:
    return login(api, "settings-buyer")


@pytest.fixture
def address_id(api: Api, buyer: str) -> str:
    return api.post("/addresses", ADDRESS, token=buyer).json["id"]


def audit_of(target_type: str, target_id: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#{target_type}#{target_id}"}})["Items"]
    return [{"actor": i["actor"]["S"], "action": i["action"]["S"],
             "before": json.loads(i["before"]["S"]) if "before" in i else None,
             "after": json.loads(i["after"]["S"]) if "after" in i else None} for i in items]


def settings_body(version: int, **orders: Any) -> dict[str, Any]:
    return {"version": version,
            "profile": {"name": "小铺", "logo_url": "https://cdn.example.com/logo.png", "service_phone": "400-800-8888"},
            "orders": orders}


# ---------------------------------------------------------------- the settings document

def test_settings_start_from_the_environment_and_a_change_is_audited(api: Api, owner: str) -> None:
    first = api.get("/admin/settings", token=owner).json
    assert first["version"] == 0 and first["orders"]["payment_timeout_minutes"] is None
    assert first["effective"] == first["defaults"] == {"payment_timeout_seconds": 900, "auto_complete_days": 10,
                                                       "max_open_unpaid": 3, "max_per_sku": 20}
    saved = api.request("PUT", "/admin/settings", json_body=settings_body(0, payment_timeout_minutes=30, max_open_unpaid=5),
                        token=owner)
    assert saved.status == 200, saved.text
    assert saved.json["version"] == 1 and saved.json["updated_by"] == "shop-owner"
    assert saved.json["effective"]["payment_timeout_seconds"] == 1800 and saved.json["effective"]["max_open_unpaid"] == 5
    assert saved.json["effective"]["auto_complete_days"] == 10  # still the default
    assert api.get("/admin/settings", token=owner).json["profile"]["name"] == "小铺"
    (entry,) = audit_of("settings", "shop")
    assert entry["actor"] == "shop-owner" and entry["action"] == "settings.shop.update"
    assert entry["before"] == {"profile": {}, "orders": {}}
    assert entry["after"]["orders"] == {"payment_timeout_minutes": 30, "max_open_unpaid": 5}


def test_a_stale_write_is_refused_and_changes_nothing(api: Api, owner: str) -> None:
    assert api.request("PUT", "/admin/settings", json_body=settings_body(0, max_per_sku=10), token=owner).status == 200
    other = merchant_token("shop-manager", role="manager")
    stale = api.request("PUT", "/admin/settings", json_body=settings_body(0, max_per_sku=50), token=other)
    assert (stale.status, stale.error_code) == (409, "stale_version")
    assert stale.json["error"]["details"] == {"current_version": 1}
    now = api.get("/admin/settings", token=owner).json
    assert now["orders"]["max_per_sku"] == 10 and now["version"] == 1
    assert len(audit_of("settings", "shop")) == 1
    assert api.request("PUT", "/admin/settings", json_body=settings_body(1, max_per_sku=50), token=other).json["version"] == 2


@pytest.mark.parametrize("change", [
    {"orders": {"payment_timeout_minutes": 1}}, {"orders": {"max_open_unpaid": 0}}, {"orders": {"auto_complete_days": 99}},
    {"orders": {"max_per_sku": "5"}}, {"orders": {"surprise": 1}}, {"profile": {"logo_url": "http://x.example.com/a.png"}},
    {"profile": {"service_phone": "call me"}}, {"profile": {"name": "店\u202e名"}}, {"profile": {"name": ""}},
    {"version": -1},
])
def test_settings_are_validated(api: Api, owner: str, change: dict[str, Any]) -> None:
    body = settings_body(0)
    for key, value in change.items():
        body[key] = {**body[key], **value} if isinstance(value, dict) else value
    reply = api.request("PUT", "/admin/settings", json_body=body, token=owner)
    assert reply.status == 400, reply.text
    assert api.get("/admin/settings", token=owner).json["version"] == 0


def test_a_role_without_settings_write_cannot_change_them(api: Api) -> None:
    finance = merchant_token("shop-finance", role="finance")
    assert api.get("/admin/settings", token=finance).status == 200
    reply = api.request("PUT", "/admin/settings", json_body=settings_body(0), token=finance)
    assert (reply.status, reply.error_code) == (403, "permission_denied")


# ---------------------------------------------------------------- order rules at work

def test_a_changed_unpaid_timeout_applies_to_the_next_order(api: Api, owner: str, buyer: str, address_id: str) -> None:
    before = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]
    api.request("PUT", "/admin/settings", json_body=settings_body(0, payment_timeout_minutes=5), token=owner)
    after = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]

    from datetime import datetime

    def minutes(order: dict[str, Any]) -> float:
        return (datetime.fromisoformat(order["pay_deadline"].replace("Z", "+00:00"))
                - datetime.fromisoformat(order["created_at"].replace("Z", "+00:00"))).total_seconds() / 60

    assert round(minutes(before)) == 15 and round(minutes(after)) == 5


def test_buyer_limits_come_from_the_settings(api: Api, owner: str, buyer: str, address_id: str) -> None:
    api.request("PUT", "/admin/settings", json_body=settings_body(0, max_open_unpaid=1, max_per_sku=2), token=owner)
    preview = api.post("/orders/preview", checkout(address_id, (TEE, 3)), token=buyer).json
    assert [(p["code"], p["limit"]) for p in preview["problems"]] == [("exceeds_max_per_order", 2)]
    assert place(api, buyer, checkout(address_id, (TEE, 2))).status == 201
    second = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert (second.status, second.error_code) == (409, "open_orders_limit")


def test_auto_complete_days_apply_to_the_next_shipment(api: Api, owner: str, buyer: str, address_id: str, wechat) -> None:
    from tests.handler.test_buying import pay_and_notify

    api.request("PUT", "/admin/settings", json_body=settings_body(0, auto_complete_days=3), token=owner)
    order = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]
    pay_and_notify(api, wechat, order["id"])
    shipped = api.post(f"/admin/orders/{order['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"},
                       token=merchant_token()).json
    from datetime import datetime

    days = (datetime.fromisoformat(shipped["auto_complete_at"].replace("Z", "+00:00"))
            - datetime.fromisoformat(shipped["shipped_at"].replace("Z", "+00:00"))).total_seconds() / 86400
    assert round(days) == 3


# ---------------------------------------------------------------- freight

def _freight(api: Api, token: str) -> dict[str, Any]:
    return api.get("/admin/settings/freight", token=token).json


def _set_weight(sku_id: str, grams: int) -> None:
    product_id = sku_id.rsplit(".", 1)[0]
    boto3.client("dynamodb").update_item(
        TableName=os.environ["SHOP_TABLE_NAME"], Key={"PK": {"S": f"PRODUCT#{product_id}"}, "SK": {"S": f"SKU#{sku_id}"}},
        UpdateExpression="SET weight_grams = :g", ExpressionAttributeValues={":g": {"N": str(grams)}})


def test_a_freight_template_by_weight_changes_the_quote(api: Api, owner: str, buyer: str, address_id: str) -> None:
    seeded = _freight(api, owner)
    assert seeded["mode"] == "flat" and seeded["version"] == 0
    quote = api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=buyer).json
    assert quote["freight"] == 800  # the seeded flat fee
    _set_weight(TEE, 600)
    body = {"version": 0, "mode": "weight", "free_threshold": None, "unreachable": ["台湾省"],
            "default_rule": {"first": 1000, "first_fee": 1000, "step": 500, "step_fee": 300},
            "region_rules": [{"regions": ["广东省", "广西壮族自治区"], "first": 1000, "first_fee": 600, "step": 1000,
                              "step_fee": 200}]}
    saved = api.request("PUT", "/admin/settings/freight", json_body=body, token=owner)
    assert saved.status == 200, saved.text
    assert saved.json["version"] == 1 and saved.json["default_rule"]["step_fee"] == 300
    one = api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=buyer).json  # 600 g: 首重
    three = api.post("/orders/preview", checkout(address_id, (TEE, 3)), token=buyer).json  # 1800 g: one 续重
    assert (one["freight"], three["freight"]) == (600, 800)
    assert three["payable"] == three["goods_total"] + 800
    order = place(api, buyer, checkout(address_id, (TEE, 4))).json["order"]  # 2400 g: 首重 + two steps of 1000 g
    assert order["freight"] == 1000
    (entry,) = audit_of("settings", "freight")
    assert entry["before"]["mode"] == "flat" and entry["after"]["mode"] == "weight"


def test_a_freight_template_by_count_changes_the_quote(api: Api, owner: str, buyer: str, address_id: str) -> None:
    body = {"version": 0, "mode": "count", "free_threshold": 100000,
            "default_rule": {"first": 1, "first_fee": 500, "step": 2, "step_fee": 100}}
    assert api.request("PUT", "/admin/settings/freight", json_body=body, token=owner).status == 200
    fees = [api.post("/orders/preview", checkout(address_id, (TEE, n)), token=buyer).json["freight"] for n in (1, 2, 3, 4)]
    assert fees == [500, 600, 600, 700]  # 首件 500, each further 2 units or part of them 100
    body = {**body, "version": 1, "free_threshold": 7900}
    assert api.request("PUT", "/admin/settings/freight", json_body=body, token=owner).status == 200
    assert api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=buyer).json["freight"] == 0  # 包邮


def test_freight_templates_are_validated_and_versioned(api: Api, owner: str) -> None:
    bad = [
        {"version": 0, "mode": "weight"},  # no default rule
        {"version": 0, "mode": "count", "default_rule": {"first": 0, "first_fee": 1, "step": 1, "step_fee": 1}},
        {"version": 0, "mode": "count", "default_rule": {"first": 1, "first_fee": 1.5, "step": 1, "step_fee": 1}},
        {"version": 0, "province_fees": {"广东": 100}},
        {"version": 0, "unreachable": ["火星"]},
        {"version": 0, "mode": "count", "default_rule": {"first": 1, "first_fee": 1, "step": 1, "step_fee": 1},
         "region_rules": [{"regions": ["广东省"], "first": 1, "first_fee": 1, "step": 1, "step_fee": 1},
                          {"regions": ["广东省"], "first": 1, "first_fee": 2, "step": 1, "step_fee": 1}]},
        {"version": 0, "mode": "count", "default_rule": {"first": 1, "first_fee": 1, "step": 1, "step_fee": 1, "x": 1}},
    ]
    for body in bad:
        assert api.request("PUT", "/admin/settings/freight", json_body=body, token=owner).status == 400, body
    ok = {"version": 0, "default_fee": 1000}
    assert api.request("PUT", "/admin/settings/freight", json_body=ok, token=owner).status == 200
    again = api.request("PUT", "/admin/settings/freight", json_body=ok, token=owner)
    assert (again.status, again.error_code) == (409, "stale_version")
    assert _freight(api, owner)["default_fee"] == 1000


def test_unreachable_regions_are_refused_at_checkout(api: Api, owner: str, buyer: str) -> None:
    body = {"version": 0, "default_fee": 500, "unreachable": ["广东省"]}
    assert api.request("PUT", "/admin/settings/freight", json_body=body, token=owner).status == 200
    address = api.post("/addresses", ADDRESS, token=buyer).json["id"]
    reply = place(api, buyer, checkout(address, (TEE, 1)))
    assert (reply.status, reply.error_code) == (409, "unreachable_region")


# ---------------------------------------------------------------- pickup stores

STORE = {"version": 0, "name": "广州天河店", "address": "广东省广州市天河区天河路208号", "phone": "020-38000000",
         "hours": "10:00-22:00", "latitude": 23.1321, "longitude": 113.3235, "verifiers": ["counter-1"]}


def test_pickup_stores_are_created_changed_deactivated_and_removed(api: Api, owner: str, buyer: str) -> None:
    created = api.request("PUT", "/admin/pickup-stores/gz-tianhe", json_body=STORE, token=owner)
    assert created.status == 200, created.text
    assert created.json["version"] == 1 and created.json["verifiers"] == ["counter-1"]
    again = api.request("PUT", "/admin/pickup-stores/gz-tianhe", json_body=STORE, token=owner)
    assert (again.status, again.error_code) == (409, "stale_version")
    shopper = [s["id"] for s in api.get("/pickup-stores").json["items"]]
    assert "gz-tianhe" in shopper
    assert "verifiers" not in api.get("/pickup-stores").json["items"][0]
    closed = api.request("PUT", "/admin/pickup-stores/gz-tianhe", json_body={**STORE, "version": 1, "active": False},
                         token=owner)
    assert closed.json["active"] is False
    assert "gz-tianhe" not in [s["id"] for s in api.get("/pickup-stores").json["items"]]
    quote = api.post("/orders/preview", {"items": [{"sku_id": TEE, "quantity": 1}], "delivery": "pickup",
                                         "pickup_store_id": "gz-tianhe"}, token=buyer).json
    assert [p["code"] for p in quote["problems"]] == ["pickup_store_not_found"]
    listed = {s["id"]: s for s in api.get("/admin/pickup-stores", token=owner).json["items"]}
    assert listed["gz-tianhe"]["active"] is False and listed["sz-nanshan"]["active"] is True
    stale = api.request("DELETE", "/admin/pickup-stores/gz-tianhe?version=1", token=owner)
    assert (stale.status, stale.error_code) == (409, "stale_version")
    assert api.request("DELETE", "/admin/pickup-stores/gz-tianhe?version=2", token=owner).status == 204
    gone = api.request("DELETE", "/admin/pickup-stores/gz-tianhe", token=owner)
    assert (gone.status, gone.error_code) == (404, "pickup_store_not_found")
    actions = [e["action"] for e in audit_of("pickup_store", "gz-tianhe")]
    assert sorted(actions) == ["settings.pickup_store.create", "settings.pickup_store.delete",
                               "settings.pickup_store.update"]


@pytest.mark.parametrize("change", [{"verifiers": ["Not A Name"]}, {"phone": "x"}, {"latitude": 91}, {"name": ""},
                                    {"active": "yes"}, {"extra": 1}])
def test_pickup_stores_are_validated(api: Api, owner: str, change: dict[str, Any]) -> None:
    reply = api.request("PUT", "/admin/pickup-stores/gz-tianhe", json_body={**STORE, **change}, token=owner)
    assert reply.status == 400, reply.text


def test_changing_an_unknown_store_is_not_found(api: Api, owner: str) -> None:
    reply = api.request("PUT", "/admin/pickup-stores/nowhere", json_body={**STORE, "version": 3}, token=owner)
    assert (reply.status, reply.error_code) == (404, "pickup_store_not_found")
