"""Coupons: templates, claiming, the coupons a buyer holds, and the pricing rules checkout applies.

Items in the shop table:
  PK=COUPONS          SK=TEMPLATE#<id>       a template and its ``issued`` count (one partition: the
                                             coupon center is one Query)
  PK=USER#<user id>   SK=COUPONCLAIM#<id>    how many of a template this buyer has claimed
  PK=USER#<user id>   SK=COUPON#<coupon id>  a coupon the buyer holds: the template's rule (a copy:
                                             editing the template later does not change it), its
                                             validity, ``status`` available/locked/used, ``order_id``
                                             while an order holds it; while available it is also in
                                             GSI1 under COUPON_EXPIRY#<Shanghai day it expires>

Claiming is one transaction: the template's ``issued < total`` (and its claim window), the buyer's
``claimed < per_user_limit``, the new coupon, and - for new-user coupons - a check that the buyer's
profile has no paid order. However many claims race, the total and the per-user limit hold exactly.

An order locks its coupons in the same transaction as its stock (``status = available``), payment
uses them, cancellation and timeout release them (shop.buying.orders, shop.buying.payments); see
docs/coupons.md for the rules.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shop.adapters import db
from shop.core.profile import ACTIVE, BLOCKED_AT, account_blocked, profile_key
from shop.adapters.clock import SHANGHAI, iso_from_epoch, now_epoch
from shop.core.errors import Conflict, Forbidden, InvalidRequest, NotFound, Unauthorized
from shop.core.ids import new_id
from shop.growth.models.coupons import (
    ClaimableCoupon,
    CouponCenter,
    CouponTemplate,
    CouponTemplateChange,
    CouponTemplateInput,
    MyCoupon,
    MyCouponList,
)
from shop.adapters.observability import MetricUnit, metrics

MAX_STACK = 3  # coupons one order may combine (stackable ones only)
RULE_FIELDS = ("name", "kind", "amount", "percent", "max_discount", "threshold", "scope", "stackable")


def template_key(template_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "COUPONS"}, "SK": {"S": f"TEMPLATE#{template_id}"}}


def coupon_key(user_id: str, coupon_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"COUPON#{coupon_id}"}}


def claim_key(user_id: str, template_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"COUPONCLAIM#{template_id}"}}


def describe(rule: dict[str, Any]) -> str:
    """满100减20 / 无门槛减50 / 8折 / 8.5折 最多减50 / 满200享9折."""
    def yuan(fen: int) -> str:
        return f"{fen // 100}" if fen % 100 == 0 else f"{fen / 100:.2f}".rstrip("0")

    threshold = rule.get("threshold") or 0
    if rule["kind"] == "amount":
        return f"满{yuan(threshold)}减{yuan(rule['amount'])}" if threshold else f"无门槛减{yuan(rule['amount'])}"
    rate = rule["percent"] / 10
    text = f"{rate:g}折"
    if threshold:
        text = f"满{yuan(threshold)}享{text}"
    if rule.get("max_discount"):
        text += f" 最多减{yuan(rule['max_discount'])}"
    return text


def _epoch(dt: datetime | None) -> int | None:
    return int(dt.timestamp()) if dt else None


def _time(epoch: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


# ---------------------------------------------------------------- templates (merchant)

def _check_scope(scope: Any) -> None:
    """A scope names categories or products that exist (one BatchGetItem), else 400."""
    if scope.type == "all":
        return
    keys = ([{"PK": {"S": "CATALOG"}, "SK": {"S": f"CATEGORY#{i}"}} for i in scope.ids] if scope.type == "categories"
            else [{"PK": {"S": f"PRODUCT#{i}"}, "SK": {"S": "META"}} for i in scope.ids])
    found = db.batch_get(keys)
    missing = [i for i, key in zip(scope.ids, keys, strict=True) if db.key_of(key) not in found]
    if missing:
        raise InvalidRequest(f"These {scope.type} do not exist.", code="unknown_scope_ids", details={"ids": missing})


def _audit(template_id: str, *, merchant: str, verb: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> dict[str, Any]:
    from shop.adapters.clock import now_utc
    from shop.core import audit

    return audit.entry(db.table(), actor=merchant, action=f"growth.coupon.{verb}", target_type="coupon_template",
                       target_id=template_id, at=now_utc(), before=before, after=after)


AUDITED = ("total", "claim_from", "claim_until")


def create_template(data: CouponTemplateInput, *, merchant: str) -> CouponTemplate:
    """A new coupon template and its audit entry, in one transaction."""
    _check_scope(data.scope)
    template_id = data.id or new_id("ct")
    item = {
        "PK": "COUPONS", "SK": f"TEMPLATE#{template_id}", "type": "coupon_template", "template_id": template_id,
        **data.model_dump(include=set(RULE_FIELDS), mode="json"),
        "valid_from": _epoch(data.valid_from), "valid_until": _epoch(data.valid_until), "valid_days": data.valid_days,
        "claim_from": _epoch(data.claim_from), "claim_until": _epoch(data.claim_until),
        "total": data.total, "issued": 0, "per_user_limit": data.per_user_limit,
        "new_user_only": data.new_user_only, "claimable": data.claimable, "created_at": iso_from_epoch(now_epoch()),
    }
    stored = {k: v for k, v in item.items() if v is not None and k not in ("PK", "SK", "type")}
    if not db.transact([
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
        _audit(template_id, merchant=merchant, verb="create", before=None, after=stored),
    ]):
        raise Conflict("A coupon template with this id exists.", code="template_exists")
    return template_view({k: v for k, v in item.items() if v is not None})


def change_template(template_id: str, change: CouponTemplateChange, *, merchant: str) -> CouponTemplate:
    """A running campaign's total and claim window, in one conditional write with its audit entry:
    the total never below what was issued, the window never inverted. A changed total is stamped
    (``total_changed_at``) so the growth stream consumer grants share rewards that were owed while
    the coupon was used up."""
    sets: list[str] = []
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    conditions = ["attribute_exists(PK)"]
    if change.total is not None:
        names["#total"] = "total"
        sets += ["#total = :total", "total_changed_at = :now_ms"]
        values |= {":total": change.total, ":now_ms": time.time_ns() // 1_000_000}
        conditions.append("issued <= :total")
    for name, other, op in (("claim_from", "claim_until", "<"), ("claim_until", "claim_from", ">")):
        value = getattr(change, name)
        if value is not None:
            sets.append(f"{name} = :{name}")
            values[f":{name}"] = _epoch(value)
            if getattr(change, other) is None:  # keep the window the right way round with what is stored
                conditions.append(f"(attribute_not_exists({other}) OR :{name} {op} {other})")
    old = db.client().get_item(TableName=db.table(), Key=template_key(template_id), ConsistentRead=True).get("Item")
    if not old:
        raise NotFound("优惠券不存在。", code="coupon_not_found")
    current = db.from_item(old)
    before = {k: current.get(k) for k in AUDITED}
    after = {**before, **{k: values[f":{k}"] for k in AUDITED if f":{k}" in values}}
    if db.update_with(
        _audit(template_id, merchant=merchant, verb="update", before=before, after=after),
        Key=template_key(template_id), UpdateExpression="SET " + ", ".join(sets),
        ConditionExpression=" AND ".join(conditions), **({"ExpressionAttributeNames": names} if names else {}),
        ExpressionAttributeValues={k: db.to_value(v) for k, v in values.items()},
    ):
        fresh = db.client().get_item(TableName=db.table(), Key=template_key(template_id), ConsistentRead=True)["Item"]
        return template_view(db.from_item(fresh))
    # the condition failed: say which, from the template as it is now
    current = db.from_item(db.client().get_item(TableName=db.table(), Key=template_key(template_id),
                                                ConsistentRead=True).get("Item") or old)
    if change.total is not None and current.get("issued", 0) > change.total:
        raise Conflict("The total cannot be below how many were already issued.", code="total_below_issued",
                       details={"issued": current.get("issued", 0)})
    raise Conflict("claim_from must stay before claim_until.", code="invalid_claim_window",
                   details={k: iso_from_epoch(current[k]) for k in ("claim_from", "claim_until") if current.get(k)})


def template_view(item: dict[str, Any]) -> CouponTemplate:
    return CouponTemplate(
        id=item["template_id"], **{k: item.get(k) for k in RULE_FIELDS if item.get(k) is not None},
        description=describe(item), valid_from=_time(item.get("valid_from")), valid_until=_time(item.get("valid_until")),
        valid_days=item.get("valid_days"), claim_from=_time(item.get("claim_from")),
        claim_until=_time(item.get("claim_until")), total=item["total"], issued=item.get("issued", 0),
        remaining=max(item["total"] - item.get("issued", 0), 0), per_user_limit=item["per_user_limit"],
        new_user_only=item.get("new_user_only", False), claimable=item.get("claimable", True),
    )


def list_templates() -> list[dict[str, Any]]:
    return db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :t)",
                        ExpressionAttributeValues={":pk": {"S": "COUPONS"}, ":t": {"S": "TEMPLATE#"}})


def _claim_problem(template: dict[str, Any], claimed: int, now: int) -> str | None:
    if template.get("claim_from") and now < template["claim_from"]:
        return "claim_closed"
    if template.get("claim_until") and now >= template["claim_until"]:
        return "claim_closed"
    if template.get("valid_until") and now >= template["valid_until"]:
        return "claim_closed"
    if template.get("issued", 0) >= template["total"]:
        return "sold_out"
    if claimed >= template["per_user_limit"]:
        return "limit_reached"
    return None


def coupon_center(user_id: str | None) -> CouponCenter:
    """The claimable templates, with what remains and whether the caller may still claim: one Query
    of the templates and, for a logged-in caller, one Query of their partition from COUPONCLAIM#
    to PROFILE (their claim counts and their profile, for new-user coupons)."""
    now = now_epoch()
    templates = [t for t in list_templates() if t.get("claimable", True)]
    claimed: dict[str, int] = {}
    paid_before = False
    if user_id:
        resp = db.client().query(
            TableName=db.table(), KeyConditionExpression="PK = :pk AND SK BETWEEN :a AND :b",
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":a": {"S": "COUPONCLAIM#"},
                                       ":b": {"S": "PROFILE"}},
        )
        for raw in resp.get("Items", []):
            item = db.from_item(raw)
            if item["SK"].startswith("COUPONCLAIM#"):
                claimed[item["SK"].removeprefix("COUPONCLAIM#")] = item.get("claimed", 0)
            elif item["SK"] == "PROFILE":
                paid_before = bool(item.get("paid_orders"))
    items = []
    for t in sorted(templates, key=lambda t: (t.get("created_at", ""), t["template_id"])):
        count = claimed.get(t["template_id"], 0)
        reason = _claim_problem(t, count, now)
        if reason is None and t.get("new_user_only") and paid_before:
            reason = "new_users_only"
        view = template_view(t)
        items.append(ClaimableCoupon(**view.model_dump(), claimed=count, can_claim=reason is None and bool(user_id),
                                     reason=reason))
    return CouponCenter(items=items)


# ---------------------------------------------------------------- holding coupons

def _validity(template: dict[str, Any], now: int) -> tuple[int, int]:
    if template.get("valid_days"):
        return now, now + template["valid_days"] * 86400
    return template.get("valid_from") or now, template["valid_until"]


def _expiry_keys(user_id: str, coupon_id: str, valid_until: int) -> dict[str, str]:
    day = datetime.fromtimestamp(valid_until - 1, UTC).astimezone(SHANGHAI).date().isoformat()
    return {"expiry_pk": f"COUPON_EXPIRY#{day}", "expiry_sk": f"{valid_until}#{user_id}#{coupon_id}"}


def coupon_item(user_id: str, template: dict[str, Any], now: int, *, coupon_id: str | None = None,
                source: str = "claim") -> dict[str, Any]:
    coupon_id = coupon_id or new_id("c")
    valid_from, valid_until = _validity(template, now)
    expiry = _expiry_keys(user_id, coupon_id, valid_until)
    return {
        "PK": f"USER#{user_id}", "SK": f"COUPON#{coupon_id}", "type": "coupon", "coupon_id": coupon_id,
        "user_id": user_id, "template_id": template["template_id"],
        **{k: template[k] for k in RULE_FIELDS if template.get(k) is not None},
        "valid_from": valid_from, "valid_until": valid_until, "status": "available", "source": source,
        "claimed_at": iso_from_epoch(now), **expiry, "gsi1pk": expiry["expiry_pk"], "gsi1sk": expiry["expiry_sk"],
    }


def _issue_action(template: dict[str, Any], now: int) -> dict[str, Any]:
    """The template's side of issuing one coupon: issued < total, still claimable."""
    condition = "issued < #total AND (attribute_not_exists(valid_until) OR valid_until > :now)"
    return {"Update": {
        "TableName": db.table(), "Key": template_key(template["template_id"]),
        "UpdateExpression": "SET issued = issued + :one",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#total": "total"},
        "ExpressionAttributeValues": {":one": {"N": "1"}, ":now": {"N": str(now)}},
    }}


def load_template(template_id: str) -> dict[str, Any]:
    resp = db.client().get_item(TableName=db.table(), Key=template_key(template_id), ConsistentRead=True)
    if "Item" not in resp:
        raise NotFound("优惠券不存在。", code="coupon_not_found")
    return db.from_item(resp["Item"])


def claim(user_id: str, template_id: str) -> MyCoupon:
    """Claim one coupon: one read of the template, one transaction that holds every limit."""
    template = load_template(template_id)
    now = now_epoch()
    if not template.get("claimable", True):
        raise NotFound("优惠券不存在。", code="coupon_not_found")
    window = _claim_problem({**template, "issued": 0}, 0, now)
    if window:
        raise Conflict("这张优惠券现在不能领取。", code="coupon_claim_closed")
    item = coupon_item(user_id, template, now)
    issue = _issue_action(template, now)
    claim_window = []
    if template.get("claim_until"):
        claim_window.append("claim_until > :now")
    if claim_window:
        issue["Update"]["ConditionExpression"] += " AND " + " AND ".join(claim_window)
    actions: list[dict[str, Any]] = [
        issue,
        {"Update": {
            "TableName": db.table(), "Key": claim_key(user_id, template_id),
            "UpdateExpression": "SET claimed = if_not_exists(claimed, :zero) + :one, #t = :type",
            "ConditionExpression": "attribute_not_exists(claimed) OR claimed < :limit",
            "ExpressionAttributeNames": {"#t": "type"},
            "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":type": {"S": "coupon_claim"},
                                          ":limit": {"N": str(template["per_user_limit"])}},
        }},
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
    ]
    # the account is not blocked (and, for new users only, has no paid order): in the transaction
    check: dict[str, Any] = {"TableName": db.table(), "Key": profile_key(user_id), "ConditionExpression": ACTIVE}
    if template.get("new_user_only"):
        check["ConditionExpression"] += " AND (attribute_not_exists(paid_orders) OR paid_orders = :zero)"
        check["ExpressionAttributeValues"] = {":zero": {"N": "0"}}
    actions.append({"ConditionCheck": check})
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            if _claim_problem({**template, "issued": 0}, 0, now_epoch()):  # the window closed meanwhile
                raise Conflict("这张优惠券现在不能领取。", code="coupon_claim_closed")
            metrics.add_metric(name="CouponSoldOut", unit=MetricUnit.Count, value=1)
            raise Conflict("优惠券已被领完。", code="coupon_sold_out")
        if reasons[1] == "ConditionalCheckFailed":
            raise Conflict(f"这张优惠券每人最多领取 {template['per_user_limit']} 张。",
                           code="coupon_limit_reached")
        if reasons[3] == "ConditionalCheckFailed":
            profile = db.client().get_item(TableName=db.table(), Key=profile_key(user_id), ConsistentRead=True).get("Item")
            if not profile:
                raise Unauthorized("The account no longer exists; log in again.", code="invalid_token")
            if BLOCKED_AT in profile:
                raise account_blocked()
            raise Forbidden("这张优惠券仅限新客户领取。", code="coupon_new_users_only")
        raise db.TransactionFailed(reasons)
    metrics.add_metric(name="CouponClaimed", unit=MetricUnit.Count, value=1)
    return coupon_view(item, now)


def grant(user_id: str, template_id: str, *, coupon_id: str, source: str) -> bool:
    """Issue a coupon without a claim (gift pack, share rewards): exactly once per ``coupon_id``
    (deterministic ids make a retried grant a no-op), within the template's total. False when it
    was granted before or the template is exhausted."""
    template = load_template(template_id)
    now = now_epoch()
    item = coupon_item(user_id, template, now, coupon_id=coupon_id, source=source)
    return db.transact([
        _issue_action(template, now),
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
    ])


def grant_actions(user_id: str, template: dict[str, Any], *, coupon_id: str, source: str, now: int) -> list[dict[str, Any]]:
    """The transaction actions of ``grant``, for callers that add their own."""
    item = coupon_item(user_id, template, now, coupon_id=coupon_id, source=source)
    return [_issue_action(template, now),
            {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}]


def status_of(item: dict[str, Any], now: int) -> str:
    if item["status"] == "available" and item["valid_until"] <= now:
        return "expired"
    return item["status"]


def coupon_view(item: dict[str, Any], now: int | None = None) -> MyCoupon:
    now = now if now is not None else now_epoch()
    return MyCoupon(
        id=item["coupon_id"], template_id=item["template_id"], **{k: item[k] for k in RULE_FIELDS if item.get(k) is not None},
        description=describe(item), valid_from=_time(item["valid_from"]), valid_until=_time(item["valid_until"]),
        status=status_of(item, now), order_id=item.get("order_id"), source=item.get("source", "claim"),
        claimed_at=item["claimed_at"],
        used_at=item.get("used_at"),
    )


def held(user_id: str) -> list[dict[str, Any]]:
    """Every coupon the buyer holds (one Query: a page holds about a thousand coupons)."""
    return db.query_all(ConsistentRead=True, KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
                        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}, ":c": {"S": "COUPON#"}})


def mine(user_id: str, status: str | None) -> MyCouponList:
    now = now_epoch()
    views = [coupon_view(i, now) for i in held(user_id)]
    if status == "used":
        views = [v for v in views if v.status == "used"]
    elif status:
        views = [v for v in views if v.status == status or (status == "available" and v.status == "locked")]
    return MyCouponList(items=sorted(views, key=lambda v: (v.status != "available", v.valid_until)))


def expiring_on(day: str) -> list[dict[str, Any]]:
    """Available coupons whose validity ends on ``day`` (YYYY-MM-DD, Asia/Shanghai): what a
    reminder job (subscribe message, next issues) reads."""
    return db.query_all(IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"COUPON_EXPIRY#{day}"}})


# ---------------------------------------------------------------- pricing rules

@dataclass
class PricedLine:
    """What the rules need of a checkout line."""

    sku_id: str
    product_id: str
    category_id: str | None
    amount: int  # unit price x quantity


def in_scope(coupon: dict[str, Any], line: PricedLine) -> bool:
    scope = coupon.get("scope") or {"type": "all"}
    if scope.get("type", "all") == "all":
        return True
    if scope["type"] == "categories":
        return line.category_id in scope.get("ids", [])
    return line.product_id in scope.get("ids", [])


def evaluate(coupon: dict[str, Any], lines: list[PricedLine], now: int) -> tuple[int, str | None]:
    """The discount a coupon gives these lines on its own, or why it gives none."""
    state = status_of(coupon, now)
    if state != "available":
        return 0, f"coupon_{state}"
    if coupon["valid_from"] > now:
        return 0, "coupon_not_yet_valid"
    scope_total = sum(line.amount for line in lines if in_scope(coupon, line))
    if scope_total <= 0:
        return 0, "coupon_not_in_scope"
    if scope_total < (coupon.get("threshold") or 0):
        return 0, "coupon_below_threshold"
    if coupon["kind"] == "amount":
        return min(coupon["amount"], scope_total), None
    discount = scope_total * (100 - coupon["percent"]) // 100
    if coupon.get("max_discount"):
        discount = min(discount, coupon["max_discount"])
    return discount, None


def combination_problem(coupons: list[dict[str, Any]]) -> str | None:
    if len(coupons) > 1 and any(not c.get("stackable") for c in coupons):
        return "coupon_not_stackable"
    if len(coupons) > MAX_STACK:
        return "too_many_coupons"
    if len({c["template_id"] for c in coupons}) < len(coupons):
        return "same_coupon_twice"
    return None


def total_discount(coupons: list[dict[str, Any]], lines: list[PricedLine], now: int) -> int:
    """What these coupons together take off: the sum of ``allocate``, never more than the goods."""
    return sum(allocate(coupons, lines, now)) if coupons else 0


def best(usable: list[dict[str, Any]], lines: list[PricedLine], now: int) -> list[dict[str, Any]]:
    """The allowed combination with the largest discount (fewest coupons, then soonest expiring,
    on a tie)."""
    candidates = [c for c in usable if evaluate(c, lines, now)[0] > 0]
    best_combo: list[dict[str, Any]] = []
    best_key: tuple[int, int, int] = (0, 0, 0)
    stackable = sorted((c for c in candidates if c.get("stackable")), key=lambda c: -evaluate(c, lines, now)[0])[:12]
    combos: list[tuple[dict[str, Any], ...]] = [(c,) for c in candidates]
    for size in range(2, MAX_STACK + 1):
        combos += list(itertools.combinations(stackable, size))
    for combo in combos:
        if combination_problem(list(combo)):
            continue
        discount = total_discount(list(combo), lines, now)
        key = (discount, -len(combo), -sum(c["valid_until"] for c in combo))
        if key > best_key:
            best_key, best_combo = key, list(combo)
    return best_combo


def allocate(coupons: list[dict[str, Any]], lines: list[PricedLine], now: int) -> list[int]:
    """Each line's share of the discount. Every coupon gives what it alone would give (its threshold
    judged on the full prices), spread over what is still left to pay on its in-scope lines in
    proportion (largest remainder, so shares add up exactly), so no line goes below zero and a coupon
    is only cut where its own lines are already free. Coupons with different scopes give more in some
    orders than others (a whole-shop coupon spread first can leave too little on the lines a product
    coupon covers); each order of the at most MAX_STACK coupons is tried and the largest total kept."""
    best_shares: list[int] | None = None
    for order in itertools.permutations(coupons):
        shares = _spread(order, lines, now)
        if best_shares is None or sum(shares) > sum(best_shares):
            best_shares = shares
    return best_shares if best_shares is not None else [0] * len(lines)


def _spread(coupons: tuple[dict[str, Any], ...], lines: list[PricedLine], now: int) -> list[int]:
    shares = [0] * len(lines)
    for coupon in coupons:
        discount, _ = evaluate(coupon, lines, now)
        idx = [i for i, line in enumerate(lines) if in_scope(coupon, line) and line.amount > shares[i]]
        left = [lines[i].amount - shares[i] for i in idx]
        base = sum(left)
        discount = min(discount, base)
        if discount <= 0:
            continue
        exact = [discount * rest / base for rest in left]
        floors = [int(x) for x in exact]
        extra = discount - sum(floors)
        for pos in sorted(range(len(idx)), key=lambda p: exact[p] - floors[p], reverse=True)[:extra]:
            floors[pos] += 1
        for pos, i in enumerate(idx):
            shares[i] += floors[pos]
    return shares

