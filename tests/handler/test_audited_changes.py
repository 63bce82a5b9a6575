"""The staff actions that predate the audit log now write their entry in the same transaction:
blocking and unblocking a buyer, defining and changing coupons, the growth settings. A refused
change writes none."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import merchant_token
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


def entries(target_type: str, target_id: str) -> list[dict[str, Any]]:
    resp = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#{target_type}#{target_id}"}})
    found = []
    for item in resp["Items"]:
        plain = {k: next(iter(v.values())) for k, v in item.items()}
        for side in ("before", "after"):
            plain[side] = json.loads(plain[side]) if side in plain else None
        found.append(plain)
    return sorted(found, key=lambda e: e["SK"])


def test_blocking_and_unblocking_are_audited(api: Api) -> None:
    user_id = api.post("/auth/login", {"code": f"audited-{uuid.uuid4().hex[:6]}"}).json["user_id"]
    token = merchant_token("ops-1", role="manager")
    assert api.post(f"/admin/users/{user_id}/block", {"reason": "刷单"}, token=token).status == 200
    assert api.post(f"/admin/users/{user_id}/unblock", token=token).status == 200
    log = entries("user", user_id)
    assert [(e["actor"], e["action"]) for e in log] == [("ops-1", "users.account.block"), ("ops-1", "users.account.unblock")]
    assert log[0]["before"] == {"blocked": False, "blocked_reason": None}
    assert log[0]["after"] == {"blocked": True, "blocked_reason": "刷单"}
    assert log[1]["after"]["blocked"] is False and log[0]["PK"].startswith("AUDIT#2")
    assert api.post("/admin/users/u_zzzzzzzzzzzzzzzzzzzzzzzzzz/block", {"reason": "x"}, token=token).status == 404
    assert entries("user", "u_zzzzzzzzzzzzzzzzzzzzzzzzzz") == []


def test_coupon_changes_are_audited_and_refused_ones_are_not(api: Api) -> None:
    token = merchant_token("ops-2", role="manager")
    made = api.post("/admin/coupons", {"name": "满99减10", "kind": "amount", "amount": 1000, "threshold": 9900,
                                       "valid_days": 7, "total": 100}, token=token)
    assert made.status == 201, made.text
    template_id = made.json["id"]
    assert api.request("PATCH", f"/admin/coupons/{template_id}", json_body={"total": 300}, token=token).json["total"] == 300
    log = entries("coupon_template", template_id)
    assert [e["action"] for e in log] == ["growth.coupon.create", "growth.coupon.update"]
    assert log[0]["before"] is None and log[0]["after"]["total"] == 100 and log[0]["after"]["amount"] == 1000
    assert (log[1]["before"]["total"], log[1]["after"]["total"], log[1]["changed"]) == (100, 300, [{"S": "total"}])
    # a change the conditions refuse writes nothing: claim one, then try a total below it
    for n in range(2):
        buyer = api.post("/auth/login", {"code": f"claimer-{n}-{uuid.uuid4().hex[:6]}"}).json["token"]
        assert api.post(f"/coupons/{template_id}/claim", token=buyer).status == 201
    refused = api.request("PATCH", f"/admin/coupons/{template_id}", json_body={"total": 1}, token=token)
    assert refused.error_code == "total_below_issued", refused.text
    assert len(entries("coupon_template", template_id)) == 2


def test_growth_settings_are_audited_with_before_and_after(api: Api) -> None:
    token = merchant_token("ops-3", role="manager")
    current = api.get("/admin/growth", token=token).json
    changed = {**current, "qualify_on": "registration" if current["qualify_on"] != "registration" else "first_paid_order"}
    assert api.request("PUT", "/admin/growth", json_body=changed, token=token).status == 200
    last = entries("growth_config", "GROWTH")[-1]
    assert last["actor"] == "ops-3" and last["action"] == "growth.config.update"
    assert last["before"]["qualify_on"] == current["qualify_on"] and last["after"]["qualify_on"] == changed["qualify_on"]
    assert last["changed"] == [{"S": "qualify_on"}]
