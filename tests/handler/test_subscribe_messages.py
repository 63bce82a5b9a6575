"""Subscribe messages (订阅消息, docs/messages.md): the merchant's template per shop event (validated
against the event's values and the keyword rules, versioned, audited), what the mini-program asks for,
and the quota of sends the accepts it reports add up to - held by conditions, also under concurrency."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import merchant_token
from tests.helpers import Api, together

pytestmark = pytest.mark.usefixtures("seeded", "wechat")

SHIPPED = {"template_id": "ShipTpl_0123456789-abcdefghij", "page": "pages/order/detail?id={order_id}",
           "keywords": {"character_string1": "order_id", "thing2": "product_title", "thing3": "carrier_name",
                        "character_string4": "tracking_no", "time5": "shipped_at"},
           "enabled": True, "version": 0}
REFUND = {"template_id": "RefundTpl-0123456789", "keywords": {"character_string1": "order_id", "amount2": "refund_amount",
                                                            "phrase3": "refund_result", "date4": "decided_at",
                                                            "thing5": "reason"},
          "enabled": True, "version": 0}


@pytest.fixture
def owner() -> str:
    return merchant_token("shop-owner", role="owner")


def buyer(api: Api, code: str) -> tuple[str, str]:
    reply = api.post("/auth/login", {"code": code})
    assert reply.status == 200, reply.text
    return reply.json["token"], reply.json["user_id"]


def put(api: Api, token: str, event: str, body: dict[str, Any]) -> Any:
    return api.request("PUT", f"/admin/subscribe-templates/{event}", json_body=body, token=token)


def report(api: Api, token: str, results: dict[str, str]) -> Any:
    return api.post("/me/subscriptions", {"results": results}, token=token)


def table() -> str:
    return os.environ["SHOP_TABLE_NAME"]


def quota_item(user_id: str, template_id: str) -> dict[str, Any] | None:
    return boto3.client("dynamodb").get_item(TableName=table(), ConsistentRead=True, Key={
        "PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"SUBQUOTA#{template_id}"}}).get("Item")


def set_quota(user_id: str, template_id: str, remaining: int) -> None:
    boto3.client("dynamodb").put_item(TableName=table(), Item={
        "PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"SUBQUOTA#{template_id}"}, "type": {"S": "subscribe_quota"},
        "user_id": {"S": user_id}, "template_id": {"S": template_id}, "remaining": {"N": str(remaining)}})


def audit_of(event: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").query(
        TableName=table(), IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#subscribe_template#{event}"}})["Items"]
    return [{"actor": i["actor"]["S"], "action": i["action"]["S"],
             "before": json.loads(i["before"]["S"]) if "before" in i else None,
             "after": json.loads(i["after"]["S"]) if "after" in i else None} for i in items]


# ---------------------------------------------------------------- the events and their values

def test_every_value_example_passes_every_keyword_type_it_fits() -> None:
    from shop.messaging import events, keywords

    assert list(events.EVENTS) == ["order_shipped", "refund_result"]
    for event in events.EVENTS.values():
        assert len({v.name for v in event.values}) == len(event.values)
        assert event.page is None or events.page_problem(event, event.page) is None
        for value in event.values:
            assert value.fits <= keywords.TYPES and value.fits, value.name
            for kind in value.fits:
                rendered = keywords.render({f"{kind}1": value.example})[f"{kind}1"]["value"]
                assert rendered == value.example, (event.name, value.name, kind)  # nothing is cut either


def test_the_values_text_comes_out_as_the_keywords_want_it() -> None:
    from shop.messaging import events, keywords

    assert events.product_title(["纯棉T恤"]) == "纯棉T恤"
    assert events.product_title(["纯棉T恤", "帆布包", "袜子"]) == "纯棉T恤 等3件"
    long = events.product_title(["纯棉圆领短袖T恤男女同款夏季宽松上衣白色", "帆布包"])
    assert len(long) == 20 and long.endswith("… 等2件")  # the count survives the thing's 20 characters
    assert keywords.render({"thing1": long})["thing1"]["value"] == long
    assert events.beijing_time("2026-12-07T06:30:00Z") == "2026-12-07 14:30"
    assert events.beijing_time(datetime(2026, 12, 31, 20, 5, tzinfo=UTC)) == "2027-01-01 04:05"
    assert [events.refund_result(s) for s in ("SUCCEEDED", "REJECTED", "CLOSED")] == ["退款成功", "商家已拒绝", "退款关闭"]
    assert all(keywords.render({"phrase1": t}) for t in events.REFUND_RESULTS.values())
    assert events.amount(1230) == "¥12.30" and keywords.render({"amount1": events.amount(5)})


# ---------------------------------------------------------------- the merchant's templates

def test_the_events_are_listed_with_their_values_and_no_template_yet(api: Api, owner: str) -> None:
    reply = api.get("/admin/subscribe-templates", token=owner)
    assert reply.status == 200, reply.text
    assert reply.headers["cache-control"] == "no-store" and reply.json["quota_cap"] == 50
    by_event = {e["event"]: e for e in reply.json["items"]}
    assert list(by_event) == ["order_shipped", "refund_result"]
    shipped = by_event["order_shipped"]
    assert shipped["label"] == "订单发货通知" and shipped["config"] is None
    assert shipped["suggested_page"] == "pages/order/detail?id={order_id}"
    values = {v["name"]: v for v in shipped["values"]}
    assert set(values) == {"order_id", "product_title", "carrier_name", "tracking_no", "shipped_at", "receiver_name"}
    assert values["shipped_at"]["fits"] == ["date", "time"] and values["shipped_at"]["label"] == "发货时间"
    assert values["order_id"]["page_placeholder"] is True and values["tracking_no"]["page_placeholder"] is False
    refund = {v["name"]: v for v in by_event["refund_result"]["values"]}
    assert refund["refund_amount"]["fits"] == ["amount"] and refund["refund_amount"]["example"] == "¥12.30"
    assert refund["refund_result"]["fits"] == ["phrase", "thing"]


def test_a_saved_template_is_shown_versioned_and_audited(api: Api, owner: str) -> None:
    saved = put(api, owner, "order_shipped", SHIPPED)
    assert saved.status == 200, saved.text
    assert saved.headers["cache-control"] == "no-store"
    config = saved.json
    assert {k: config[k] for k in ("event", "template_id", "page", "keywords", "enabled", "version", "updated_by")} == {
        "event": "order_shipped", "template_id": SHIPPED["template_id"], "page": SHIPPED["page"],
        "keywords": SHIPPED["keywords"], "enabled": True, "version": 1, "updated_by": "shop-owner"}
    assert config["updated_at"].endswith("Z")
    listed = {e["event"]: e["config"] for e in api.get("/admin/subscribe-templates", token=owner).json["items"]}
    assert listed["order_shipped"] == config and listed["refund_result"] is None
    (created,) = audit_of("order_shipped")
    assert created["actor"] == "shop-owner" and created["action"] == "settings.subscribe_template.create"
    assert created["before"] is None
    assert created["after"] == {"template_id": SHIPPED["template_id"], "page": SHIPPED["page"],
                                "keywords": SHIPPED["keywords"], "enabled": True}

    manager = merchant_token("shop-manager", role="manager")
    changed = put(api, manager, "order_shipped", {**SHIPPED, "page": None, "enabled": False, "version": 1})
    assert changed.status == 200, changed.text
    assert changed.json["version"] == 2 and changed.json["page"] is None and changed.json["updated_by"] == "shop-manager"
    update = next(e for e in audit_of("order_shipped") if e["action"] == "settings.subscribe_template.update")
    assert update["actor"] == "shop-manager"
    assert (update["before"]["enabled"], update["after"]["enabled"]) == (True, False)
    assert (update["before"]["page"], update["after"]["page"]) == (SHIPPED["page"], None)


def test_a_leading_slash_of_the_page_is_dropped(api: Api, owner: str) -> None:
    saved = put(api, owner, "refund_result", {**REFUND, "page": "/pages/order/detail?id={order_id}&from=msg"})
    assert saved.status == 200, saved.text
    assert saved.json["page"] == "pages/order/detail?id={order_id}&from=msg"


def test_a_stale_version_is_refused_and_changes_nothing(api: Api, owner: str) -> None:
    assert put(api, owner, "refund_result", REFUND).status == 200
    again = put(api, owner, "refund_result", {**REFUND, "template_id": "Other"})  # version 0 again: it exists now
    assert (again.status, again.error_code) == (409, "stale_version")
    assert again.json["error"]["details"] == {"current_version": 1}
    ahead = put(api, owner, "order_shipped", {**SHIPPED, "version": 3})  # none saved yet: only 0 creates
    assert (ahead.status, ahead.error_code, ahead.json["error"]["details"]) == (409, "stale_version", {"current_version": 0})
    listed = {e["event"]: e["config"] for e in api.get("/admin/subscribe-templates", token=owner).json["items"]}
    assert listed["refund_result"]["template_id"] == REFUND["template_id"] and listed["order_shipped"] is None
    assert len(audit_of("refund_result")) == 1 and audit_of("order_shipped") == []
    assert put(api, owner, "refund_result", {**REFUND, "template_id": "Other", "version": 1}).json["version"] == 2


def test_an_unknown_event_is_not_found(api: Api, owner: str) -> None:
    reply = put(api, owner, "order_paid", SHIPPED)
    assert (reply.status, reply.error_code) == (404, "subscribe_event_not_found")
    assert reply.json["error"]["details"] == {"events": ["order_shipped", "refund_result"]}
    assert put(api, owner, "flash_sale_reminder", SHIPPED).status == 404  # not yet


def _mapping_problems(reply: Any) -> list[dict[str, Any]]:
    assert (reply.status, reply.error_code) == (400, "invalid_keyword_mapping"), reply.text
    assert set(reply.json["error"]) == {"code", "message", "details"}
    return reply.json["error"]["details"]["problems"]


@pytest.mark.parametrize(("keywords", "keyword", "why"), [
    ({"thing1": "refund_amount"}, "thing1", "fits amount"),  # an amount only into amount keywords
    ({"amount1": "order_id"}, "amount1", "fits character_string"),
    ({"thing1": "order_id"}, "thing1", "fits character_string"),  # a thing would cut the 26 characters
    ({"thing1": "decided_at"}, "thing1", "fits date, time"),  # times only into time or date
    ({"character_string1": "product_title"}, "character_string1", "fits thing"),  # 汉字 would be refused
    ({"phrase1": "reason"}, "phrase1", "fits thing"),
    ({"name1": "refund_result"}, "name1", "fits phrase, thing"),
    ({"enum1": "refund_result"}, "enum1", "fits phrase, thing"),
    ({"thing1": "shipped_at"}, "thing1", "not a value of refund_result"),  # order_shipped's value
    ({"thingy1": "reason"}, "thingy1", "not a keyword of a known type"),
])
def test_keywords_must_fit_the_events_values(api: Api, owner: str, keywords: dict[str, str], keyword: str,
                                             why: str) -> None:
    body = {**REFUND, "keywords": {"character_string9": "order_id", **keywords}}
    (problem,) = _mapping_problems(put(api, owner, "refund_result", body))
    assert problem["keyword"] == keyword and why in problem["reason"], problem
    assert api.get("/admin/subscribe-templates", token=owner).json["items"][1]["config"] is None


def test_every_keyword_problem_is_named_at_once(api: Api, owner: str) -> None:
    body = {**SHIPPED, "keywords": {"amount1": "tracking_no", "time2": "carrier_name", "thing3": "refund_amount",
                                    "thing4": "product_title"}}
    problems = _mapping_problems(put(api, owner, "order_shipped", body))
    assert [p["keyword"] for p in problems] == ["amount1", "time2", "thing3"]
    assert problems[0]["fits"] == ["character_string"]
    assert "refund_amount" not in problems[2].get("values", []) and "product_title" in problems[2]["values"]


@pytest.mark.parametrize("change", [
    {"template_id": ""}, {"template_id": "a" * 65}, {"template_id": "模板"}, {"template_id": "a b"},
    {"keywords": {}}, {"keywords": {f"thing{n}": "product_title" for n in range(11)}},
    {"keywords": {"Thing1": "product_title"}}, {"keywords": {"thing1": "Product Title"}}, {"keywords": ["thing1"]},
    {"enabled": "yes"}, {"enabled": None}, {"version": -1}, {"version": "1"}, {"surprise": 1},
    {"page": "https://example.com/x"}, {"page": "pages/order/detail?id=<b>"}, {"page": "pages/a b"}, {"page": ""},
])
def test_a_template_body_is_validated(api: Api, owner: str, change: dict[str, Any]) -> None:
    reply = put(api, owner, "order_shipped", {**SHIPPED, **change})
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert reply.json["error"]["details"], reply.text  # the offending fields
    assert put(api, owner, "order_shipped", {k: v for k, v in SHIPPED.items() if k != "enabled"}).status == 400


@pytest.mark.parametrize("page", ["pages/order/detail?id={tracking_no}", "pages/order/detail?id={order_id",
                                  "pages/order/detail?id=order_id}", "pages/order/detail?id={}"])
def test_a_page_placeholder_must_be_the_events(api: Api, owner: str, page: str) -> None:
    reply = put(api, owner, "order_shipped", {**SHIPPED, "page": page})
    assert (reply.status, reply.error_code) == (400, "invalid_subscribe_page"), reply.text
    assert reply.json["error"]["details"] == {"page": page}


def test_templates_take_a_merchant_token_with_the_settings_permissions(api: Api) -> None:
    shopper, _ = buyer(api, "template-peeker")
    for token in (None, shopper):
        assert api.get("/admin/subscribe-templates", token=token).status == 401
        assert put(api, token, "order_shipped", SHIPPED).status == 401  # type: ignore[arg-type]
    finance = merchant_token("shop-finance", role="finance")  # settings.read, not settings.write
    assert api.get("/admin/subscribe-templates", token=finance).status == 200
    refused = put(api, finance, "order_shipped", SHIPPED)
    assert (refused.status, refused.error_code) == (403, "permission_denied")
    assert refused.json["error"]["details"] == {"permission": "settings.write", "role": "finance"}
    verifier = merchant_token("shop-verifier", role="pickup_verifier")
    listing = api.get("/admin/subscribe-templates", token=verifier)
    assert (listing.status, listing.json["error"]["details"]["permission"]) == (403, "settings.read")
    assert audit_of("order_shipped") == []


# ---------------------------------------------------------------- what the mini-program asks for

def test_the_mini_program_gets_the_enabled_templates_without_a_token(api: Api, owner: str) -> None:
    empty = api.get("/subscribe-templates")
    assert empty.status == 200 and empty.json == {"items": []}
    assert empty.headers["cache-control"] == "public, max-age=60"
    put(api, owner, "refund_result", REFUND)
    put(api, owner, "order_shipped", SHIPPED)
    assert api.get("/subscribe-templates").json["items"] == [
        {"event": "order_shipped", "template_id": SHIPPED["template_id"]},
        {"event": "refund_result", "template_id": REFUND["template_id"]}]
    put(api, owner, "order_shipped", {**SHIPPED, "enabled": False, "version": 1})
    assert api.get("/subscribe-templates").json["items"] == [
        {"event": "refund_result", "template_id": REFUND["template_id"]}]


# ---------------------------------------------------------------- the quota

def test_each_accept_of_a_sent_template_adds_one_send(api: Api, owner: str) -> None:
    put(api, owner, "order_shipped", SHIPPED)
    put(api, owner, "refund_result", REFUND)
    token, user_id = buyer(api, "subscriber")
    ship, refund = SHIPPED["template_id"], REFUND["template_id"]
    first = report(api, token, {ship: "accept", refund: "reject", "NotOurs": "accept"})
    assert first.status == 200, first.text
    assert first.headers["cache-control"] == "no-store"
    assert first.json == {"remaining": {ship: 1}, "ignored": ["NotOurs"]}
    assert report(api, token, {ship: "accept", refund: "accept"}).json == {"remaining": {ship: 2, refund: 1},
                                                                          "ignored": []}
    assert report(api, token, {ship: "ban", refund: "filter"}).json == {"remaining": {}, "ignored": []}
    item = quota_item(user_id, ship)
    assert item is not None and item["remaining"]["N"] == "2" and item["type"]["S"] == "subscribe_quota"
    assert item["user_id"]["S"] == user_id and item["template_id"]["S"] == ship
    assert quota_item(user_id, "NotOurs") is None


def test_a_disabled_template_is_ignored(api: Api, owner: str) -> None:
    put(api, owner, "order_shipped", {**SHIPPED, "enabled": False})
    token, user_id = buyer(api, "too-early")
    assert report(api, token, {SHIPPED["template_id"]: "accept"}).json == {"remaining": {},
                                                                          "ignored": [SHIPPED["template_id"]]}
    assert quota_item(user_id, SHIPPED["template_id"]) is None


def test_another_buyers_quota_is_their_own(api: Api, owner: str) -> None:
    put(api, owner, "order_shipped", SHIPPED)
    ship = SHIPPED["template_id"]
    alice, alice_id = buyer(api, "alice-subscribes")
    bob, bob_id = buyer(api, "bob-subscribes")
    report(api, alice, {ship: "accept"})
    report(api, alice, {ship: "accept"})
    assert report(api, bob, {ship: "accept"}).json["remaining"] == {ship: 1}
    assert (quota_item(alice_id, ship)["remaining"]["N"], quota_item(bob_id, ship)["remaining"]["N"]) == ("2", "1")


def test_accepts_beyond_the_cap_are_not_counted(api: Api, owner: str) -> None:
    from shop.messaging import quota

    put(api, owner, "order_shipped", SHIPPED)
    ship = SHIPPED["template_id"]
    token, user_id = buyer(api, "keen-subscriber")
    set_quota(user_id, ship, quota.CAP - 1)
    assert report(api, token, {ship: "accept"}).json["remaining"] == {ship: quota.CAP}
    assert report(api, token, {ship: "accept"}).json["remaining"] == {ship: quota.CAP}
    assert quota_item(user_id, ship)["remaining"]["N"] == str(quota.CAP)


@pytest.mark.parametrize("results", [
    {}, {f"t{n}": "accept" for n in range(6)}, {"t1": "yes"}, {"t1": "ACCEPT"},
    {"t1": "accept", "errMsg": "requestSubscribeMessage:ok"}, {"模板": "accept"}, {"a" * 65: "accept"},
])
def test_a_report_is_validated(api: Api, results: dict[str, str]) -> None:
    token, _ = buyer(api, "odd-reporter")
    reply = report(api, token, results)
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert reply.json["error"]["details"]


def test_a_report_takes_a_buyer_that_is_not_blocked(api: Api, owner: str) -> None:
    put(api, owner, "order_shipped", SHIPPED)
    ship = SHIPPED["template_id"]
    assert api.post("/me/subscriptions", {"results": {ship: "accept"}}).status == 401
    assert report(api, owner, {ship: "accept"}).status == 401  # a merchant's token is not a shopper's
    token, user_id = buyer(api, "blocked-subscriber")
    api.post(f"/admin/users/{user_id}/block", {"reason": "骚扰"}, token=owner)
    blocked = report(api, token, {ship: "accept"})
    assert (blocked.status, blocked.error_code) == (403, "account_blocked")
    assert quota_item(user_id, ship) is None


def test_concurrent_accepts_stop_exactly_at_the_cap(api: Api, owner: str, serialized_dynamodb: None) -> None:
    from shop.messaging import quota

    put(api, owner, "order_shipped", SHIPPED)
    ship = SHIPPED["template_id"]
    token, user_id = buyer(api, "racing-subscriber")
    set_quota(user_id, ship, quota.CAP - 3)
    replies = together(*[lambda: report(api, token, {ship: "accept"})] * 8)
    assert [r.status for r in replies] == [200] * 8
    counts = sorted(r.json["remaining"][ship] for r in replies)
    assert counts == [quota.CAP - 2, quota.CAP - 1] + [quota.CAP] * 6
    assert quota_item(user_id, ship)["remaining"]["N"] == str(quota.CAP)


# ---------------------------------------------------------------- taking a send (the sender's side)

def test_concurrent_takes_succeed_exactly_as_often_as_there_are_sends(serialized_dynamodb: None) -> None:
    from shop.messaging import quota

    user_id, template = "u_racetakesaaaaaaaaaaaaaaaaa", "RaceTpl"
    set_quota(user_id, template, 5)
    taken = together(*[lambda: quota.take_one(user_id, template)] * 12)
    assert taken.count(True) == 5 and taken.count(False) == 7
    assert quota.remaining(user_id, template) == 0
    assert quota.take_one(user_id, template) is False  # never below zero
    assert quota_item(user_id, template)["remaining"]["N"] == "0"


def test_a_send_given_back_can_be_taken_again_and_none_is_made_up() -> None:
    from shop.messaging import quota

    user_id, template = "u_givebackaaaaaaaaaaaaaaaaa", "BackTpl"
    assert quota.take_one(user_id, template) is False and quota.give_back(user_id, template) is False
    assert quota_item(user_id, template) is None  # no accept, no quota item: nothing is made up
    assert quota.add_one(user_id, template) == 1
    assert quota.take_one(user_id, template) is True and quota.remaining(user_id, template) == 0
    assert quota.give_back(user_id, template) is True and quota.remaining(user_id, template) == 1
    set_quota(user_id, template, quota.CAP)
    assert quota.give_back(user_id, template) is False and quota.remaining(user_id, template) == quota.CAP
    other = "u_otherbuyeraaaaaaaaaaaaaaa"
    assert quota.take_one(other, template) is False and quota.remaining(user_id, template) == quota.CAP
