"""Coupons through the real handlers: the coupon center, claiming and its limits, the merchant's
templates, and coupons at checkout (applied, chosen, locked by an order, used, released)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shop.growth import coupons
from shop.buying import orders
from tests.handler.test_buying import ADDRESS, TEE, _fire_timers, checkout, merchant_token, pay_and_notify, place
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


@pytest.fixture
def buyer(api: Api) -> str:
    return login(api, "coupon-buyer")


@pytest.fixture
def address_id(api: Api, buyer: str) -> str:
    return api.post("/addresses", ADDRESS, token=buyer).json["id"]


def template(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"name": "测试券", "kind": "amount", "amount": 1000, "valid_days": 7, "total": 100, **fields}
    reply = api.post("/admin/coupons", body, token=merchant_token())
    assert reply.status == 201, reply.text
    return reply.json


def claim(api: Api, token: str, template_id: str):
    return api.post(f"/coupons/{template_id}/claim", token=token)


def test_coupon_center_for_visitors_and_buyers(api: Api, buyer: str) -> None:
    public = api.get("/coupons")
    assert public.status == 200 and "max-age" in public.headers["cache-control"]
    ids = [c["id"] for c in public.json["items"]]
    assert "c-100-20" in ids and "gift-10" not in ids and "reward-3" not in ids  # gifts are not claimable
    first = next(c for c in public.json["items"] if c["id"] == "c-100-20")
    assert (first["description"], first["remaining"], first["can_claim"]) == ("满100减20", 1000, False)
    mine = {c["id"]: c for c in api.get("/coupons", token=buyer).json["items"]}
    assert mine["c-100-20"]["can_claim"] is True and mine["c-100-20"]["claimed"] == 0
    assert claim(api, buyer, "c-100-20").status == 201
    after = {c["id"]: c for c in api.get("/coupons", token=buyer).json["items"]}["c-100-20"]
    assert (after["claimed"], after["can_claim"], after["reason"], after["remaining"]) == (1, False, "limit_reached", 999)


def test_claimed_coupon_is_held_with_its_validity(api: Api, buyer: str) -> None:
    held = claim(api, buyer, "c-8zhe").json
    assert held["status"] == "available" and held["description"] == "8折 最多减50"
    span = datetime.fromisoformat(held["valid_until"]) - datetime.fromisoformat(held["valid_from"])
    assert span == timedelta(days=15)
    listed = api.get("/me/coupons?status=available", token=buyer).json["items"]
    assert [c["id"] for c in listed] == [held["id"]]
    assert api.get("/me/coupons?status=used", token=buyer).json["items"] == []
    assert api.get("/me/coupons?status=lost", token=buyer).status == 400


def test_limits(api: Api, buyer: str) -> None:
    one = template(api, total=1, per_user_limit=1)
    assert claim(api, buyer, one["id"]).status == 201
    assert claim(api, buyer, one["id"]).error_code == "coupon_sold_out"
    two_each = template(api, total=10, per_user_limit=2)
    assert [claim(api, buyer, two_each["id"]).status for _ in range(3)] == [201, 201, 409]
    assert claim(api, buyer, two_each["id"]).error_code == "coupon_limit_reached"
    assert claim(api, buyer, "no-such-coupon").status == 404
    assert claim(api, buyer, "gift-10").status == 404  # not claimable: granted, not claimed
    closed = template(api, claim_until=(datetime.now(UTC) - timedelta(minutes=1)).isoformat())
    assert claim(api, buyer, closed["id"]).error_code == "coupon_claim_closed"
    expired = template(api, valid_days=None, valid_until=(datetime.now(UTC) - timedelta(days=1)).isoformat())
    assert claim(api, buyer, expired["id"]).error_code == "coupon_claim_closed"


def test_new_customer_coupons_stop_after_a_paid_order(api: Api, buyer: str, address_id: str, wechat) -> None:
    veteran = login(api, "veteran")
    veteran_address = api.post("/addresses", ADDRESS, token=veteran).json["id"]
    order_id = place(api, veteran, checkout(veteran_address, (TEE, 1))).json["order"]["id"]
    pay_and_notify(api, wechat, order_id)
    refused = claim(api, veteran, "c-new-30")
    assert (refused.status, refused.error_code) == (403, "coupon_new_users_only")
    center = {c["id"]: c for c in api.get("/coupons", token=veteran).json["items"]}
    assert center["c-new-30"]["reason"] == "new_users_only"
    assert claim(api, buyer, "c-new-30").status == 201


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "kind": "amount", "valid_days": 7, "total": 1},  # no amount
        {"name": "x", "kind": "percent", "percent": 80, "amount": 100, "valid_days": 7, "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "total": 1},  # no validity
        {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "valid_until": "2030-01-01T00:00:00Z", "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "total": 0},
        {"name": "x", "kind": "amount", "amount": 1.5, "valid_days": 7, "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "total": 1, "scope": {"type": "products"}},
        {"name": "x", "kind": "amount", "amount": 100, "valid_until": "9999-12-31T23:59:59-12:00", "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "valid_until": "0001-01-01T00:00:00+14:00", "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "valid_from": "2030-01-01T00:00:00Z", "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "total": 1,
         "claim_from": "2030-02-01T00:00:00Z", "claim_until": "2030-01-01T00:00:00Z"},
        {"name": "x", "kind": "percent", "percent": 80, "max_discount": 0, "valid_days": 7, "total": 1},
        {"name": "x", "kind": "amount", "amount": 100, "max_discount": 50, "valid_days": 7, "total": 1},
    ],
)
def test_invalid_templates_are_400_and_leave_the_coupon_center_working(api: Api, body: dict[str, Any]) -> None:
    reply = api.post("/admin/coupons", body, token=merchant_token())
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert api.get("/coupons").status == 200 and api.get("/admin/coupons", token=merchant_token()).status == 200


def test_a_window_without_an_offset_is_beijing_time(api: Api) -> None:
    body = {"name": "双十一", "kind": "amount", "amount": 1000, "total": 5,
            "valid_from": "2030-11-11T00:00:00", "valid_until": "2030-11-12T00:00:00"}
    made = api.post("/admin/coupons", body, token=merchant_token()).json
    assert datetime.fromisoformat(made["valid_from"]) == datetime(2030, 11, 10, 16, tzinfo=UTC)
    assert datetime.fromisoformat(made["valid_until"]) == datetime(2030, 11, 11, 16, tzinfo=UTC)


def test_templates_are_the_merchants(api: Api, buyer: str) -> None:
    body = {"name": "x", "kind": "amount", "amount": 100, "valid_days": 7, "total": 1}
    assert api.post("/admin/coupons", body, token=buyer).status == 401
    assert api.get("/admin/coupons", token=buyer).status == 401
    listed = api.get("/admin/coupons", token=merchant_token()).json["items"]
    assert {"c-100-20", "gift-10", "reward-3"} <= {t["id"] for t in listed}
    again = api.post("/admin/coupons", {**body, "id": "c-100-20"}, token=merchant_token())
    assert (again.status, again.error_code) == (409, "template_exists")


def change(api: Api, template_id: str, body: dict[str, Any], token: str | None = None):
    return api.request("PATCH", f"/admin/coupons/{template_id}", json_body=body, token=token or merchant_token())


def test_the_merchant_extends_a_sold_out_campaign_and_buyers_claim_again(api: Api, buyer: str) -> None:
    made = template(api, total=1)
    assert claim(api, buyer, made["id"]).status == 201
    late = login(api, "late-buyer")
    assert claim(api, late, made["id"]).error_code == "coupon_sold_out"
    raised = change(api, made["id"], {"total": 3})
    assert raised.status == 200, raised.text
    assert (raised.json["total"], raised.json["issued"], raised.json["remaining"]) == (3, 1, 2)
    assert claim(api, late, made["id"]).status == 201


def test_a_campaign_stopped_now_cannot_be_claimed_and_held_coupons_stay(api: Api, buyer: str) -> None:
    made = template(api, total=100)
    held = claim(api, buyer, made["id"]).json
    stopped = change(api, made["id"], {"claim_until": datetime.now(UTC).isoformat()})
    assert stopped.status == 200, stopped.text
    other = login(api, "too-late")
    assert claim(api, other, made["id"]).error_code == "coupon_claim_closed"
    center = {c["id"]: c for c in api.get("/coupons", token=other).json["items"]}
    assert center.get(made["id"], {"reason": "claim_closed"})["reason"] == "claim_closed"
    mine = api.get("/me/coupons?status=available", token=buyer).json["items"]
    assert [c["id"] for c in mine] == [held["id"]]  # what was claimed is still the buyer's to use


def test_changing_a_campaign_is_the_merchants_and_keeps_its_rules(api: Api, buyer: str) -> None:
    made = template(api, total=5, claim_until="2031-01-01T00:00:00+08:00")
    for _ in range(2):
        claim(api, login(api, f"early-{_}"), made["id"])
    assert change(api, made["id"], {"total": 9}, token=buyer).status == 401
    assert change(api, "no-such-coupon", {"total": 9}).error_code == "coupon_not_found"
    below = change(api, made["id"], {"total": 1})
    assert (below.status, below.error_code, below.json["error"]["details"]) == (409, "total_below_issued", {"issued": 2})
    inverted = change(api, made["id"], {"claim_from": "2031-06-01T00:00:00+08:00"})
    assert (inverted.status, inverted.error_code) == (409, "invalid_claim_window")
    for body in ({}, {"total": 0}, {"kind": "percent"}, {"claim_from": "2031-02-01T00:00:00Z", "claim_until": "2031-01-01T00:00:00Z"}):
        assert change(api, made["id"], body).status == 400, body
    listed = {t["id"]: t for t in api.get("/admin/coupons", token=merchant_token()).json["items"]}[made["id"]]
    assert (listed["total"], listed["issued"], listed["kind"], listed["amount"]) == (5, 2, "amount", 1000)


# ---------------------------------------------------------------- at checkout

def test_preview_lists_applicable_coupons_and_applies_the_chosen_ones(api: Api, buyer: str, address_id: str) -> None:
    full = claim(api, buyer, "c-100-20").json["id"]
    eight = claim(api, buyer, "c-8zhe").json["id"]
    apparel = claim(api, buyer, "c-apparel-30").json["id"]
    body = checkout(address_id, (TEE, 2))  # 158, apparel
    quote = api.post("/orders/preview", body, token=buyer).json
    options = {o["id"]: o for o in quote["coupons"]}
    assert options[full]["applicable"] and options[full]["discount"] == 2000
    assert options[eight]["discount"] == 3160  # 20% of 158
    assert options[apparel]["reason"] == "coupon_below_threshold"  # 199 needed
    assert quote["discount"] == 0 and quote["payable"] == 15800  # nothing chosen yet
    chosen = api.post("/orders/preview", {**body, "coupon_ids": [full]}, token=buyer).json
    assert (chosen["discount"], chosen["payable"], chosen["applied_coupon_ids"]) == (2000, 13800, [full])
    assert chosen["lines"][0]["discount"] == 2000
    best = api.post("/orders/preview", {**body, "best_coupons": True}, token=buyer).json
    assert best["applied_coupon_ids"] == [eight] and best["payable"] == 15800 - 3160
    both = api.post("/orders/preview", {**body, "coupon_ids": [full, eight]}, token=buyer).json
    assert "coupon_not_stackable" in [p["code"] for p in both["problems"]] and not both["orderable"]
    unusable = api.post("/orders/preview", {**body, "coupon_ids": [apparel]}, token=buyer).json
    assert [p["code"] for p in unusable["problems"]] == ["coupon_below_threshold"]
    assert api.post("/orders/preview", {**body, "coupon_ids": [full, full]}, token=buyer).status == 400


def test_another_buyers_coupon_is_not_held(api: Api, buyer: str, address_id: str) -> None:
    theirs = claim(api, login(api, "coupon-owner"), "c-100-20").json["id"]
    quote = api.post("/orders/preview", checkout(address_id, (TEE, 2), coupon_ids=[theirs]), token=buyer).json
    assert [p["code"] for p in quote["problems"]] == ["coupon_not_found"]
    assert place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[theirs])).status == 409


def test_an_order_locks_its_coupon_payment_uses_it(api: Api, buyer: str, address_id: str, wechat) -> None:
    coupon_id = claim(api, buyer, "c-100-20").json["id"]
    placed = place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[coupon_id]))
    assert placed.status == 201, placed.text
    order = placed.json["order"]
    assert (order["discount"], order["payable"], order["coupon_ids"]) == (2000, 13800, [coupon_id])
    assert wechat.pay.transactions[order["id"]]["amount"]["total"] == 13800  # WeChat Pay charges the discounted sum
    held = api.get("/me/coupons", token=buyer).json["items"][0]
    assert (held["status"], held["order_id"]) == ("locked", order["id"])
    second = place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[coupon_id]))
    assert (second.status, second.error_code) == (409, "coupon_locked")
    pay_and_notify(api, wechat, order["id"])
    used = api.get("/me/coupons?status=used", token=buyer).json["items"]
    assert [c["id"] for c in used] == [coupon_id] and used[0]["used_at"]


def test_cancel_and_timeout_release_coupons(api: Api, buyer: str, address_id: str) -> None:
    coupon_id = claim(api, buyer, "c-100-20").json["id"]
    first = place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[coupon_id])).json["order"]
    api.post(f"/orders/{first['id']}/cancel", token=buyer)
    assert api.get("/me/coupons", token=buyer).json["items"][0]["status"] == "available"
    second = place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[coupon_id])).json["order"]
    assert second["discount"] == 2000
    _fire_timers(api, orders._time(second["pay_deadline"]).timestamp() + 1)
    assert api.get("/me/coupons", token=buyer).json["items"][0]["status"] == "available"
    day = datetime.fromisoformat(api.get("/me/coupons", token=buyer).json["items"][0]["valid_until"])
    expiring = coupons.expiring_on((day - timedelta(seconds=1)).astimezone(__import__("shop.adapters.clock", fromlist=["x"]).SHANGHAI)
                                   .date().isoformat())
    assert coupon_id in [c["coupon_id"] for c in expiring]  # back in the reminder index


def test_refunds_never_return_more_than_was_paid_for_a_line(api: Api, buyer: str, address_id: str, wechat) -> None:
    coupon_id = claim(api, buyer, "c-100-20").json["id"]
    order = place(api, buyer, checkout(address_id, (TEE, 2), coupon_ids=[coupon_id])).json["order"]
    pay_and_notify(api, wechat, order["id"])
    refund = api.post(f"/orders/{order['id']}/refund", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 1}]},
                      token=buyer).json["refunds"][0]
    assert refund["amount"] == (15800 - 2000) // 2  # half of what the line cost after the coupon
    rest = api.post(f"/orders/{order['id']}/refund", {"reason": "y"}, token=buyer).json["refunds"][-1]
    assert refund["amount"] + rest["amount"] == 13800  # freight was 0 (包邮), so exactly what was paid


def test_coupons_about_to_expire_are_findable(api: Api, buyer: str) -> None:
    held = claim(api, buyer, "c-5-off").json
    until = datetime.fromisoformat(held["valid_until"])
    from shop.adapters.clock import SHANGHAI

    day = (until - timedelta(seconds=1)).astimezone(SHANGHAI).date().isoformat()
    assert held["id"] in [c["coupon_id"] for c in coupons.expiring_on(day)]
    assert coupons.expiring_on("2000-01-01") == []
