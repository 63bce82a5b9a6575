"""Pickup codes (到店自提核销): the code a buyer shows at the counter, and its verification.

Items in the shop table:
  PK=PICKUP_CODE#<code>  SK=CODE               {order_id, user_id, store_id, status issued|used,
                                                created_at, used_at, used_by}: the code is unique
                                                because this item is written only if absent
  PK=PICKUP_FAILS#<staff> SK=WINDOW#<start>    {fails, ttl}: a staff member's refused codes in a
                                                10-minute window (unknown code, wrong store)
  the order: ``pickup_code``; on pickup ``picked_up_at``, ``picked_up_by``, ``picked_up_store``

A code is 12 random digits (``secrets``: 10^12 possibilities) made when the buyer first asks for it
(GET /orders/{id}/pickup-code), for a paid pickup order: one transaction puts the code item (absent)
and sets the order's ``pickup_code`` (absent, order PAID), so two first requests at once end with one
code; a collision with an existing code draws again. The QR payload for the counter is the code.

Verification (POST /admin/pickup/verify) is one transaction: the order PAID -> COMPLETED (its
version as read: no refund request slipped in), the code issued -> used, the verifier's failure
counter still under the limit, and the audit entry; two devices scanning at once: one succeeds, the
other is told the code was used. Owners and managers may verify at any store, others only at stores
that list them as verifiers. More than MAX_FAILURES refused codes in a window: 429 until it ends.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.buying import orders
from shop.buying.models.orders import Order
from shop.buying.models.places import PickupStore
from shop.core.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyRequests
from shop.core.models import RequestModel



class PendingStaff(Protocol):
    """What verification needs of the caller (shop.edge.auth.PendingStaff): the account's key, to read
    with the rest, and the check of what was read (returns the role)."""

    name: str

    @property
    def key(self) -> dict[str, dict[str, str]]: ...

    def confirm(self, item: dict[str, Any] | None) -> str: ...

CODE_DIGITS = 12
CODE_PATTERN = r"^[0-9]{12}$"
MAX_FAILURES = 10
WINDOW_SECONDS = 600
ANYWHERE = ("owner", "manager")  # roles that may verify at every store


class PickupCode(BaseModel):
    order_id: str
    code: str = Field(description="12 digits, for the verifier to scan or type")
    display: str = Field(description="The code in groups of four, to read out")
    qr_payload: str = Field(description="What the counter's QR code encodes (the code)")
    status: Literal["issued", "used"]
    store: PickupStore | None = Field(default=None, description="Where to collect it")
    picked_up_at: datetime | None = None


class VerifyRequest(RequestModel):
    code: str = Field(pattern=r"^[0-9 -]{12,20}$", description="The 12 digits (spaces or dashes between groups are fine)")
    store_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="The store where the verifier stands")


class PickupVerified(BaseModel):
    order: Order = Field(description="The order, now COMPLETED: hand over its lines")
    picked_up_at: datetime
    picked_up_by: str
    store_id: str


def code_key(code: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"PICKUP_CODE#{code}"}, "SK": {"S": "CODE"}}


def fails_key(staff: str, window: int) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"PICKUP_FAILS#{staff}"}, "SK": {"S": f"WINDOW#{window}"}}


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def _view(order: dict[str, Any]) -> PickupCode:
    code = order["pickup_code"]
    store = order.get("pickup_store")
    picked = order.get("picked_up_at")
    return PickupCode(order_id=order["order_id"], code=code, display=" ".join(code[i:i + 4] for i in range(0, len(code), 4)),
                      qr_payload=code, status="used" if picked else "issued",
                      store=PickupStore.model_validate(store) if store else None,
                      picked_up_at=datetime.fromisoformat(picked.replace("Z", "+00:00")) if picked else None)


def _not_ready(order: dict[str, Any]) -> Conflict:
    return Conflict("订单支付后才有提货码。" if order["status"] == orders.PENDING else "该订单已不能自提。",
                    code="pickup_not_ready", details={"status": order["status"]})


def code_for(user_id: str, order_id: str) -> PickupCode:
    """The buyer's pickup code for their paid pickup order, made on the first request."""
    order = orders.owned(user_id, order_id)
    if order.get("delivery") != "pickup":
        raise Conflict("这不是到店自提的订单。", code="not_pickup_order")
    if order.get("pickup_code") and (order["status"] == "PAID" or order.get("picked_up_at")):
        return _view(order)
    if order["status"] != "PAID":
        raise _not_ready(order)
    store_id = (order.get("pickup_store") or {}).get("id", "")
    for _ in range(5):
        code = new_code()
        reasons = db.transact_reasons([
            {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": db.to_item({
                **{k: v["S"] for k, v in code_key(code).items()}, "type": "pickup_code", "code": code,
                "order_id": order_id, "user_id": user_id, "store_id": store_id, "status": "issued",
                "created_at": iso_from_epoch(now_epoch())})}},
            {"Update": {"TableName": db.table(), "Key": orders.order_key(order_id),
                        "UpdateExpression": "SET pickup_code = :code",
                        "ConditionExpression": "#s = :paid AND attribute_not_exists(pickup_code)",
                        "ExpressionAttributeNames": {"#s": "status"},
                        "ExpressionAttributeValues": {":code": {"S": code}, ":paid": {"S": "PAID"}}}},
        ])
        if reasons is None:
            return _view({**order, "pickup_code": code})
        if reasons[1] == "ConditionalCheckFailed":  # another request made it first, or the order moved on
            current = orders.owned(user_id, order_id)
            if current.get("pickup_code") and (current["status"] == "PAID" or current.get("picked_up_at")):
                return _view(current)
            raise _not_ready(current)
        if reasons[0] != "ConditionalCheckFailed":
            raise db.TransactionFailed(reasons)
        # the code is taken (one chance in 10^12 per issued code): draw again
    raise ServiceUnavailable("提货码生成失败，请重试。", code="pickup_code_unavailable")  # pragma: no cover


# ---------------------------------------------------------------- the counter

_PROJECTION = "PK, SK, tokens_valid_after, #r, order_id, store_id, #s, used_at, used_by, verifiers, fails"
_NAMES = {"#r": "role", "#s": "status"}


def _read(keys: list[dict[str, dict[str, str]]]) -> dict[tuple[str, str], dict[str, Any]]:
    """One consistent BatchGetItem of the few small items a verification starts from."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    request: dict[str, Any] = {db.table(): {"Keys": keys, "ConsistentRead": True, "ProjectionExpression": _PROJECTION,
                                            "ExpressionAttributeNames": _NAMES}}
    while request:
        resp = db.client().batch_get_item(RequestItems=request)
        for item in resp.get("Responses", {}).get(db.table(), []):
            found[db.key_of(item)] = item
        request = resp.get("UnprocessedKeys") or {}
    return found


def _too_many(window: int) -> TooManyRequests:
    retry = max(window + WINDOW_SECONDS - now_epoch(), 1)
    return TooManyRequests(f"核销码错误次数过多，请 {max(retry // 60, 1)} 分钟后再试。", code="pickup_attempts_exceeded",
                           details={"limit": MAX_FAILURES, "window_seconds": WINDOW_SECONDS},
                           headers={"Retry-After": str(retry)})


def _count_failure(staff: str, window: int) -> None:
    """One more refused code for ``staff`` in this window; 429 when the limit was already reached
    (the counter is conditional, so concurrent guesses cannot pass it)."""
    if not db.update_if(
        Key=fails_key(staff, window), UpdateExpression="ADD fails :one SET #ttl = :ttl",
        ConditionExpression="attribute_not_exists(fails) OR fails < :max", ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":max": {"N": str(MAX_FAILURES)},
                                   ":ttl": {"N": str(window + 2 * WINDOW_SECONDS)}},
    ):
        raise _too_many(window)


def normalize(code: str) -> str:
    return code.replace(" ", "").replace("-", "")


def verify(staff: PendingStaff, request: VerifyRequest) -> PickupVerified:
    from shop.buying.shipping import pickup_key

    code = normalize(request.code)
    now = now_epoch()
    window = now // WINDOW_SECONDS * WINDOW_SECONDS
    name = staff.name
    found = _read([staff.key, code_key(code), pickup_key(request.store_id), fails_key(name, window)])
    role = staff.confirm(found.get(db.key_of(staff.key)))
    fails = found.get(db.key_of(fails_key(name, window)), {}).get("fails", {}).get("N", "0")
    if int(fails) >= MAX_FAILURES:
        raise _too_many(window)
    if len(code) != CODE_DIGITS or not code.isdigit():
        _count_failure(name, window)
        raise NotFound("提货码无效。", code="pickup_code_not_found")
    raw_code = found.get(db.key_of(code_key(code)))
    if raw_code is None:
        _count_failure(name, window)
        raise NotFound("提货码无效。", code="pickup_code_not_found")
    code_item = db.from_item(raw_code)
    if code_item["store_id"] != request.store_id:
        _count_failure(name, window)
        raise Conflict("该提货码不属于本门店的订单。", code="wrong_store")
    store = found.get(db.key_of(pickup_key(request.store_id)))
    verifiers = {v["S"] for v in (store or {}).get("verifiers", {}).get("L", [])}
    if role not in ANYWHERE and name not in verifiers:
        raise Forbidden("您不是本门店的核销员。", code="not_store_verifier", details={"store_id": request.store_id})
    if code_item["status"] == "used":
        raise _used(code_item)
    order, refunds = orders.load_with_children(code_item["order_id"])
    if order is None:  # pragma: no cover - orders are never deleted
        raise NotFound("提货码无效。", code="pickup_code_not_found")
    if order["status"] != "PAID":
        raise Conflict("该订单已不能自提（已取消、已退款或已完成）。", code="order_not_pickable",
                       details={"status": order["status"]})
    from shop.buying.refunds import OPEN

    if any(r["status"] in OPEN for r in refunds):
        raise Conflict("该订单有进行中的退款，处理完成后才能提货。", code="refund_in_progress")
    if all(int(line["refundable"]) == 0 for line in order["lines"]):
        raise Conflict("该订单的商品都已退款。", code="nothing_to_pick_up")

    at = datetime.fromtimestamp(now, UTC)
    when = iso_from_epoch(now)
    from shop.core import audit

    from shop.buying import shipments

    # WeChat shipping management hears of the handover (logistics_type 4) from this same transaction
    handover, handover_values, upload_task = shipments.pickup_handover(order, verified_by=name, now=now)
    actions: list[dict[str, Any]] = [
        {"Update": {
            "TableName": db.table(), "Key": orders.order_key(order["order_id"]),
            "UpdateExpression": "SET #s = :done, completed_at = :when, picked_up_at = :when, picked_up_by = :by, "
                                f"picked_up_store = :store, gsi2pk = :g2, version = version + :one, {handover} "
                                "REMOVE due_shard, due_at",
            "ConditionExpression": "#s = :paid AND version = :v AND pickup_code = :code AND attribute_not_exists(shipments)",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {
                ":done": {"S": "COMPLETED"}, ":paid": {"S": "PAID"}, ":when": {"S": when}, ":by": {"S": name},
                ":store": {"S": request.store_id}, ":one": {"N": "1"}, ":v": {"N": str(order["version"])},
                ":code": {"S": code}, ":g2": {"S": f"USER#{order['user_id']}#ORDERS#COMPLETED"}, **handover_values},
        }},
        {"Update": {
            "TableName": db.table(), "Key": code_key(code),
            "UpdateExpression": "SET #s = :used, used_at = :when, used_by = :by",
            "ConditionExpression": "#s = :issued", "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":used": {"S": "used"}, ":issued": {"S": "issued"}, ":when": {"S": when},
                                          ":by": {"S": name}},
        }},
        {"ConditionCheck": {
            "TableName": db.table(), "Key": fails_key(name, window),
            "ConditionExpression": "attribute_not_exists(fails) OR fails < :max",
            "ExpressionAttributeValues": {":max": {"N": str(MAX_FAILURES)}},
        }},
        audit.entry(db.table(), actor=name, action="orders.pickup.verify", target_type="order",
                    target_id=order["order_id"], at=at, before={"status": "PAID"},
                    after={"status": "COMPLETED", "picked_up_at": when, "picked_up_by": name,
                           "picked_up_store": request.store_id},
                    note=f"提货码 {code[:4]}****{code[-4:]}"),
    ]
    actions += upload_task
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[1] == "ConditionalCheckFailed":
            latest = _read([code_key(code)]).get(db.key_of(code_key(code)))  # who used it, to tell the counter
            raise _used(db.from_item(latest) if latest else code_item)
        if reasons[2] == "ConditionalCheckFailed":
            raise _too_many(window)
        if reasons[0] == "ConditionalCheckFailed":
            raise Conflict("订单刚刚发生了变化（如申请了退款），请重新核销。", code="order_changed")
        raise db.TransactionFailed(reasons)
    done = {**order, "status": "COMPLETED", "completed_at": when, "picked_up_at": when, "picked_up_by": name,
            "picked_up_store": request.store_id, "version": int(order["version"]) + 1}
    return PickupVerified(order=orders.view(done, refunds), picked_up_at=at, picked_up_by=name, store_id=request.store_id)


def _used(code_item: dict[str, Any]) -> Conflict:
    return Conflict("该提货码已核销。", code="pickup_code_used",
                    details={"used_at": code_item.get("used_at"), "used_by": code_item.get("used_by")})
