"""The merchant's customers (客户): list, search and one buyer's orders, coupons and spend.

- The list is the profiles' GSI1 entries (gsi1pk=CUSTOMERS#<shard>, gsi1sk=<signed up, ms>#<user id>;
  shop.core.profile.customer_index),
  newest first. A page queries every shard from the cursor's position and merges them: sort keys are
  unique (<created at>#<user id>), so "everything older than the last one shown" is exact across
  shards. A nickname search filters those entries (contains), reading at most SEARCH_BUDGET items per
  shard per page: a shop with many customers gets short pages that still continue.
- A user id is one GetItem; four digits are the last four of an address's phone (GSI2 on the
  address items, shop.buying.addresses.phone_index).
- Spend is computed from the buyer's orders (GSI1 USER#<id>#ORDERS): paid minus refunded.
- Phones and addresses are masked unless the staff member's role has customers.contact.
"""

from __future__ import annotations

import re
from typing import Any

from shop.adapters import db
from shop.buying.models.customers import (
    CustomerAddress,
    CustomerDetail,
    CustomerOrder,
    CustomerPage,
    CustomerSummary,
)
from shop.core import pagination
from shop.core.errors import NotFound
from shop.core.profile import CUSTOMER_SHARDS, profile_key

USER_ID = re.compile(r"u_[0-9a-z]{26}")
LAST_FOUR = re.compile(r"\d{4}")
SEARCH_BUDGET = 200  # index entries read per shard per page while searching by nickname
_SORT_KEY = re.compile(r"\d{13}#u_[0-9a-z]{26}")
RECENT = 20
MAX_ORDERS = 2000  # orders read for a buyer's totals


def _not_found() -> NotFound:
    return NotFound("客户不存在。", code="customer_not_found")


def _summary(item: dict[str, Any]) -> CustomerSummary:
    return CustomerSummary(id=item["user_id"], nickname=item.get("nickname", ""), avatar_url=item.get("avatar_url"),
                           created_at=item["created_at"], blocked="blocked_at" in item)


def search(q: str | None, *, cursor: str | None, limit: int) -> CustomerPage:
    q = (q or "").strip()
    if USER_ID.fullmatch(q):
        item = db.client().get_item(TableName=db.table(), Key=profile_key(q)).get("Item")
        return CustomerPage(items=[_summary(db.from_item(item))] if item else [], next_cursor=None)
    if LAST_FOUR.fullmatch(q):
        return _by_phone(q)
    return _newest(q, cursor=cursor, limit=limit)


def _by_phone(last_four: str) -> CustomerPage:
    entries = db.query_all(IndexName="GSI2", KeyConditionExpression="gsi2pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": f"PHONE4#{last_four}"}},
                           ProjectionExpression="gsi2sk")
    users = sorted({e["gsi2sk"].split("#", 1)[0] for e in entries})[:100]
    found = db.batch_get([profile_key(u) for u in users]) if users else {}
    items = sorted((_summary(db.from_item(i)) for i in found.values()), key=lambda c: c.created_at, reverse=True)
    return CustomerPage(items=items, next_cursor=None)


def _newest(q: str, *, cursor: str | None, limit: int) -> CustomerPage:
    before: str | None = None
    if cursor:
        payload = pagination.decode(cursor)
        if set(payload) != {"q", "k"} or payload["q"] != q or not isinstance(payload["k"], str) \
                or not _SORT_KEY.fullmatch(payload["k"]):
            raise pagination.invalid_cursor()
        before = payload["k"]
    found: list[dict[str, Any]] = []
    unfinished = False  # a shard that may hold more (older) matches than this page looked at
    for shard in range(CUSTOMER_SHARDS):
        params: dict[str, Any] = {
            "TableName": db.table(), "IndexName": "GSI1", "ScanIndexForward": False,
            "KeyConditionExpression": "gsi1pk = :pk" + (" AND gsi1sk < :before" if before else ""),
            "ExpressionAttributeValues": {":pk": {"S": f"CUSTOMERS#{shard}"},
                                          **({":before": {"S": before}} if before else {})},
        }
        if q:
            params["FilterExpression"] = "contains(nickname, :q)"
            params["ExpressionAttributeValues"][":q"] = {"S": q}
        read, matches = 0, []
        while True:
            params["Limit"] = (limit + 1) if not q else min(SEARCH_BUDGET - read, 100)
            resp = db.client().query(**params)
            read += resp.get("ScannedCount", 0)
            matches += [db.from_item(i) for i in resp.get("Items", [])]
            if len(matches) > limit or "LastEvaluatedKey" not in resp:
                break
            if not q or read >= SEARCH_BUDGET:
                unfinished = True
                break
            params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        if len(matches) > limit:
            unfinished = True
        found += matches[:limit + 1]
    found.sort(key=lambda i: i["gsi1sk"], reverse=True)
    page = found[:limit]
    more = len(found) > limit or unfinished
    next_cursor = pagination.encode({"q": q, "k": page[-1]["gsi1sk"]}) if more and page else None
    if more and not page and unfinished:  # nothing matched in this stretch: continue past it
        oldest = min((i["gsi1sk"] for i in found), default=None)
        next_cursor = pagination.encode({"q": q, "k": oldest}) if oldest else None
    return CustomerPage(items=[_summary(i) for i in page], next_cursor=next_cursor)


# ---------------------------------------------------------------- one buyer

def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "****" + digits[-2:]


def mask_text(text: str) -> str:
    return text[:2] + "*" * max(len(text) - 2, 2) if text else text


def detail(user_id: str, *, contact: bool) -> CustomerDetail:
    from shop.growth import coupons

    if not USER_ID.fullmatch(user_id):
        raise _not_found()
    item = db.client().get_item(TableName=db.table(), Key=profile_key(user_id)).get("Item")
    if not item:
        raise _not_found()
    profile = db.from_item(item)
    orders = db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk", ScanIndexForward=False,
                          ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}#ORDERS"}},
                          ProjectionExpression="order_id, #s, payable, refunded_total, created_at, paid_at",
                          ExpressionAttributeNames={"#s": "status"}, Limit=500)[:MAX_ORDERS]
    paid = [o for o in orders if o.get("paid_at")]
    addresses = db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
                             ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":a": {"S": "ADDRESS#"}})
    shown = []
    for a in addresses:
        region = "".join(a.get(k) or "" for k in ("province", "city", "district"))
        shown.append(CustomerAddress(
            name=a["name"] if contact else mask_text(a["name"])[:1] + "*",
            phone=a["phone"] if contact else mask_phone(a["phone"]), region=region,
            detail=a["detail"] if contact else mask_text(a["detail"])))
    held = coupons.mine(user_id, None).items
    return CustomerDetail(
        **_summary(profile).model_dump(), blocked_reason=profile.get("blocked_reason"),
        orders_count=len(orders), paid_orders=len(paid),
        spend=sum(int(o["payable"]) - int(o.get("refunded_total", 0)) for o in paid),
        recent_orders=[CustomerOrder(id=o["order_id"], status=o["status"], payable=o["payable"],
                                     refunded_total=o.get("refunded_total", 0), created_at=o["created_at"],
                                     paid_at=o.get("paid_at")) for o in orders[:RECENT]],
        coupons=held, addresses=shown, contact_visible=contact,
    )
