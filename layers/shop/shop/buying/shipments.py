"""Shipping an order: parcels, carriers, tracking changes, and queueing WeChat's shipping upload.

On the order item (PK=ORDER#<id> SK=ORDER):
  shipments        list of {id, logistics, carrier (WeChat delivery_id), carrier_name, tracking_no,
                   lines [{sku_id, quantity}], shipped_at, shipped_by, changed_at?, changed_by?}
  shipping_upload  {state pending|uploaded|failed|not_required, version, attempts, last_error_code,
                   last_error_message, next_attempt_at, uploaded_at, finished, reship_used}
  shipment         the first parcel as {carrier (name), tracking_no}: the older single-parcel field
  shipping_reminder, shipping_reminders, settlement_estimate, settlement: from WeChat's pushes
                   (shop.buying.wechat_push)

Other items:
  PK=ORDER#<id> SK=SHIPPING_UPLOAD  the upload task (shop.buying.shipping_upload): version, attempts,
                   due_shard SHIPUP#<n> / due_at on DueByTime while queued, SHIPFAIL once it failed
  PK=ORDER#<id> SK=SHIP_REMINDER    WeChat reminded us to ship (due_shard SHIPREMIND); deleted on shipping
  PK=WECHAT SK=DELIVERY_LIST        get_delivery_list, cached for a day (and an hour in memory)

Split shipments: every POST /ship adds parcels; the order stays PAID until every unit not refunded is
in a parcel, then becomes SHIPPED (the automatic completion starts). This follows WeChat: in split mode
(delivery_mode 2) the buyer is told "shipped" and the settlement clock runs only once
is_all_delivered is true. Every upload sends every parcel so far (the full state), so a retried or
late upload can never leave WeChat with less than the shop has.

Every change is one transaction: the order (conditional on its ``version``, so two parcels shipped at
once cannot both take the same units), the upload task, and the audit entry.
"""

from __future__ import annotations

import heapq
import itertools
import time
import zlib
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch, now_utc
from shop.adapters.observability import logger
from shop.core import audit, pagination
from shop.core.errors import Conflict, InvalidRequest, NotFound, ServiceUnavailable
from shop.buying import orders, settings
from shop.buying.models.orders import Order
from shop.buying.models.shipping import (
    LOGISTICS_TYPE, MAX_PARCELS, Carrier, CarrierList, ShippingIssue, ShippingIssues, ShipRequest, TrackingChange,
)

UPLOAD_SHARDS = 4
FAILED_SHARD = "SHIPFAIL"
REMIND_SHARD = "SHIPREMIND"
CARRIERS_KEY = {"PK": {"S": "WECHAT"}, "SK": {"S": "DELIVERY_LIST"}}
CARRIERS_DAY = 86400
CARRIERS_MEMORY_SECONDS = 3600
_carriers: tuple[float, list[dict[str, str]], str] | None = None


def task_key(order_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "SHIPPING_UPLOAD"}}


def reminder_key(order_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "SHIP_REMINDER"}}


def upload_shard(order_id: str) -> str:
    return f"SHIPUP#{zlib.crc32(order_id.encode()) % UPLOAD_SHARDS}"


def wechat_paid(item: dict[str, Any]) -> bool:
    txn = item.get("transaction_id")
    return bool(txn) and not str(txn).startswith("free-")


# ---------------------------------------------------------------- carriers

def carriers() -> CarrierList:
    """WeChat's carrier list (get_delivery_list): from memory, else the table's copy while it is less
    than a day old, else WeChat (and the copy refreshed). A stale copy is used when WeChat fails."""
    global _carriers
    if _carriers and _carriers[0] > time.monotonic():
        return CarrierList(items=[Carrier(**c) for c in _carriers[1]], fetched_at=_carriers[2])
    resp = db.client().get_item(TableName=db.table(), Key=CARRIERS_KEY)
    cached = db.from_item(resp["Item"]) if "Item" in resp else None
    now = now_epoch()
    if cached is None or int(cached.get("expires_at", 0)) <= now:
        from shop.adapters.wechat import shipping

        try:
            fresh = shipping.delivery_list()
        except shipping.ShippingApiError as err:
            logger.warning("get_delivery_list failed", extra={"errcode": err.errcode})
            fresh = []
        if fresh:
            cached = {"companies": fresh, "fetched_at": iso_from_epoch(now), "expires_at": now + CARRIERS_DAY}
            db.client().put_item(TableName=db.table(), Item={**CARRIERS_KEY, **db.to_item(
                {**cached, "type": "delivery_list", "ttl": now + 30 * CARRIERS_DAY})})
        elif cached is None:
            raise ServiceUnavailable("暂时无法从微信获取快递公司列表，请稍后再试。", code="wechat_unavailable",
                                     headers={"Retry-After": "5"})
    _carriers = (time.monotonic() + CARRIERS_MEMORY_SECONDS, list(cached["companies"]), cached["fetched_at"])
    return CarrierList(items=[Carrier(**c) for c in cached["companies"]], fetched_at=cached["fetched_at"])


def resolve_carrier(given: str) -> tuple[str, str]:
    """(delivery_id, name) for a delivery_id or a carrier's name; 400 for one WeChat does not list."""
    text = given.strip()
    for c in carriers().items:
        if text in (c.id, c.name) or text.upper() == c.id:
            return c.id, c.name
    raise InvalidRequest("快递公司不在微信的快递公司列表中（见 GET /admin/delivery-companies）。", code="unknown_carrier",
                         details={"carrier": given})


def forget_carriers() -> None:
    global _carriers
    _carriers = None


# ---------------------------------------------------------------- shipping

def _remaining(item: dict[str, Any]) -> dict[str, int]:
    """Units of each SKU still to ship: not refunded (nor in a refund request), not in a parcel yet."""
    left = {line["sku_id"]: int(line.get("refundable", line["quantity"])) for line in item["lines"]}
    for shipment in item.get("shipments") or []:
        for line in shipment.get("lines") or []:
            if line["sku_id"] in left:
                left[line["sku_id"]] -= int(line["quantity"])
    return left


def _upload_state(item: dict[str, Any], now: int, *, reship: bool = False) -> dict[str, Any]:
    old = item.get("shipping_upload") or {}
    if not wechat_paid(item):
        return {"state": "not_required", "version": int(old.get("version", 0)) + 1}
    return {"state": "pending", "version": int(old.get("version", 0)) + 1, "attempts": 0,
            "next_attempt_at": iso_from_epoch(now), "finished": bool(old.get("finished")),
            "reship_used": bool(old.get("reship_used")) or reship}


def _task_put(order_id: str, version: int, now: int) -> dict[str, Any]:
    return {"Put": {"TableName": db.table(), "Item": {**task_key(order_id), **db.to_item({
        "type": "shipping_upload", "order_id": order_id, "version": version, "attempts": 0,
        "due_shard": upload_shard(order_id), "due_at": now, "created_at": iso_from_epoch(now)})}}}


def ship(order_id: str, request: ShipRequest, *, merchant: str) -> Order:
    """Add one or more parcels to a paid order (PAID -> SHIPPED once every unit is in a parcel)."""
    item = orders.load(order_id)
    if item is None:
        raise orders.not_found()
    if item["status"] != "PAID":
        raise Conflict("只有已支付的订单可以发货。", code="order_not_shippable", details={"status": item["status"]})
    parcels = request.parcel_list()
    # default: express when a carrier or tracking number is given or the buyer chose delivery, else pickup
    given = any(p.carrier or p.tracking_no for p in parcels)
    logistics = request.logistics or ("pickup" if item.get("delivery") == "pickup" and not given else "express")
    existing = item.get("shipments") or []
    if existing and (logistics != "express" or any(s["logistics"] != "express" for s in existing)):
        raise Conflict("只有快递可以分多个包裹发货。", code="split_only_express")
    if logistics != "express" and (len(parcels) > 1 or parcels[0].carrier or parcels[0].tracking_no or parcels[0].lines):
        raise InvalidRequest("同城配送、虚拟商品和自提一次发出整单，不填快递公司、单号和包裹明细。", code="invalid_parcels")
    if len(existing) + len(parcels) > MAX_PARCELS:
        raise InvalidRequest(f"一个订单最多分 {MAX_PARCELS} 个包裹（微信的限制）。", code="too_many_parcels")
    left = _remaining(item)
    if sum(left.values()) <= 0:
        raise Conflict("这个订单没有待发货的商品。", code="nothing_to_ship")
    now = now_epoch()
    at = iso_from_epoch(now)
    new: list[dict[str, Any]] = []
    for index, parcel in enumerate(parcels):
        if parcel.lines is None and len(parcels) > 1:
            raise InvalidRequest("分多个包裹时，每个包裹要列出其中的商品。", code="invalid_parcels")
        lines = ([{"sku_id": line.sku_id, "quantity": line.quantity} for line in parcel.lines] if parcel.lines
                 else [{"sku_id": sku, "quantity": q} for sku, q in left.items() if q > 0])
        for line in lines:
            if line["sku_id"] not in left:
                raise InvalidRequest("包裹里有不属于这个订单的商品。", code="unknown_line", details={"sku_id": line["sku_id"]})
            left[line["sku_id"]] -= line["quantity"]
            if left[line["sku_id"]] < 0:
                raise Conflict("包裹里的件数超过了待发货的件数。", code="quantity_exceeds_unshipped",
                               details={"sku_id": line["sku_id"]})
        shipment: dict[str, Any] = {"id": f"s{len(existing) + index + 1}", "logistics": logistics,
                                    "lines": lines, "shipped_at": at, "shipped_by": merchant}
        if logistics == "express":
            if not parcel.carrier or not parcel.tracking_no:
                raise InvalidRequest("快递发货要填快递公司和运单号。", code="carrier_required")
            shipment["carrier"], shipment["carrier_name"] = resolve_carrier(parcel.carrier)
            shipment["tracking_no"] = parcel.tracking_no
        new.append(shipment)
    complete = all(q <= 0 for q in left.values())
    upload = _upload_state(item, now)
    sets = ["shipments = list_append(if_not_exists(shipments, :empty), :new)", "shipping_upload = :upload",
            "version = version + :one"]
    values: dict[str, Any] = {":empty": {"L": []}, ":new": db.to_value(new), ":upload": db.to_value(upload),
                              ":one": {"N": "1"}, ":paid": {"S": "PAID"}, ":v": {"N": str(item["version"])}}
    if complete:
        auto = now + settings.current().auto_complete_days * 86400
        sets += ["#s = :shipped", "shipped_at = :when", "auto_complete_at = :auto", "due_shard = :shard",
                 "due_at = :auto", "gsi2pk = :g2", "shipped_by = :merchant"]
        values.update({":shipped": {"S": "SHIPPED"}, ":when": {"S": at}, ":auto": {"N": str(auto)},
                       ":shard": {"S": orders.due_shard(order_id)}, ":merchant": {"S": merchant},
                       ":g2": {"S": f"USER#{item['user_id']}#ORDERS#SHIPPED"}})
        first = (existing + new)[0]
        if first.get("tracking_no"):
            sets.append("shipment = :legacy")
            values[":legacy"] = db.to_value({"carrier": first["carrier_name"], "tracking_no": first["tracking_no"]})
    actions: list[dict[str, Any]] = [{"Update": {
        "TableName": db.table(), "Key": orders.order_key(order_id), "UpdateExpression": "SET " + ", ".join(sets),
        "ConditionExpression": "#s = :paid AND version = :v", "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": values}}]
    if upload["state"] == "pending":
        actions.append(_task_put(order_id, upload["version"], now))
    if complete:
        actions.append({"Delete": {"TableName": db.table(), "Key": reminder_key(order_id)}})
    actions.append(audit.entry(db.table(), actor=merchant, action="orders.shipment.create", target_type="order",
                               target_id=order_id, at=now_utc(),
                               before={"status": "PAID", "shipments": len(existing)},
                               after={"status": "SHIPPED" if complete else "PAID", "shipments": new}))
    if not db.transact(actions):
        current = orders.load(order_id) or {}
        if current.get("status") != "PAID":
            raise Conflict("只有已支付的订单可以发货。", code="order_not_shippable", details={"status": current.get("status")})
        raise Conflict("订单刚被修改（可能同时有人在发货），请刷新后重试。", code="order_changed")
    logger.info("order shipped", extra={"order_id": order_id, "parcels": len(new), "complete": complete})
    return _view(order_id)


def change_tracking(order_id: str, shipment_id: str, change: TrackingChange, *, merchant: str) -> Order:
    """Correct a parcel's carrier or tracking number. Once WeChat has the complete shipping, it accepts
    exactly one more upload (重新发货): the first such change uses it, a second is refused (409)."""
    item = orders.load(order_id)
    if item is None:
        raise orders.not_found()
    shipments = item.get("shipments") or []
    index = next((i for i, s in enumerate(shipments) if s["id"] == shipment_id), None)
    if index is None:
        raise NotFound("这个订单没有这个包裹。", code="shipment_not_found")
    old = shipments[index]
    if old["logistics"] != "express":
        raise Conflict("只有快递包裹有运单号。", code="not_express")
    if item["status"] not in ("PAID", "SHIPPED"):
        raise Conflict("订单已完成或关闭，不能再改运单号。", code="order_not_changeable", details={"status": item["status"]})
    carrier, name = resolve_carrier(change.carrier) if change.carrier else (old["carrier"], old["carrier_name"])
    if (carrier, change.tracking_no) == (old["carrier"], old["tracking_no"]):
        return _view(order_id)
    upload = item.get("shipping_upload") or {}
    uses_reship = wechat_paid(item) and bool(upload.get("finished"))
    if uses_reship and upload.get("reship_used"):
        raise Conflict("微信只允许修改一次发货信息，这个订单已经改过了。", code="reship_used")
    now = now_epoch()
    new_upload = _upload_state(item, now, reship=uses_reship)
    prefix = f"shipments[{index}]"
    sets = [f"{prefix}.carrier = :c", f"{prefix}.carrier_name = :cn", f"{prefix}.tracking_no = :t",
            f"{prefix}.changed_at = :when", f"{prefix}.changed_by = :merchant", "shipping_upload = :upload",
            "version = version + :one"]
    values: dict[str, Any] = {":c": {"S": carrier}, ":cn": {"S": name}, ":t": {"S": change.tracking_no},
                              ":when": {"S": iso_from_epoch(now)}, ":merchant": {"S": merchant},
                              ":upload": db.to_value(new_upload), ":one": {"N": "1"},
                              ":v": {"N": str(item["version"])}, ":sid": {"S": shipment_id}}
    if index == 0 and item.get("shipment"):
        sets.append("shipment = :legacy")
        values[":legacy"] = db.to_value({"carrier": name, "tracking_no": change.tracking_no})
    actions: list[dict[str, Any]] = [{"Update": {
        "TableName": db.table(), "Key": orders.order_key(order_id), "UpdateExpression": "SET " + ", ".join(sets),
        "ConditionExpression": f"version = :v AND {prefix}.id = :sid", "ExpressionAttributeValues": values}}]
    if new_upload["state"] == "pending":
        actions.append(_task_put(order_id, new_upload["version"], now))
    actions.append(audit.entry(db.table(), actor=merchant, action="orders.shipment.update", target_type="order",
                               target_id=order_id, at=now_utc(),
                               before={"shipment_id": shipment_id, "carrier": old["carrier"], "tracking_no": old["tracking_no"]},
                               after={"shipment_id": shipment_id, "carrier": carrier, "tracking_no": change.tracking_no,
                                      "reship": uses_reship}))
    if not db.transact(actions):
        raise Conflict("订单刚被修改，请刷新后重试。", code="order_changed")
    return _view(order_id)


def pickup_handover(item: dict[str, Any], *, verified_by: str, now: int) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """What the pickup counter's transaction (shop.buying.pickup.verify) adds so that WeChat hears of
    the handover in the same transaction as the order's completion: a SET fragment for the order's
    own update (the pickup "shipment" and its upload state), its values, and the upload task to put.
    The order's update must also hold ``attribute_not_exists(shipments)``."""
    upload = _upload_state(item, now)
    shipment = {"id": "s1", "logistics": "pickup", "shipped_at": iso_from_epoch(now), "shipped_by": verified_by,
                "lines": [{"sku_id": sku, "quantity": q} for sku, q in _remaining(item).items() if q > 0]}
    values = {":handover": db.to_value([shipment]), ":handover_upload": db.to_value(upload)}
    extra = [_task_put(item["order_id"], upload["version"], now)] if upload["state"] == "pending" else []
    return "shipments = :handover, shipping_upload = :handover_upload", values, extra


def report_pickup(order_id: str, *, verified_by: str) -> bool:
    """For the pickup counter (核销): after an order is picked up, record the handover as a pickup
    "shipment" and queue its upload to WeChat as logistics_type 4. Idempotent (only the first call
    writes); False when the order has shipments already or does not exist."""
    item = orders.load(order_id)
    if item is None or item.get("shipments"):
        return False
    now = now_epoch()
    upload = _upload_state(item, now)
    shipment = {"id": "s1", "logistics": "pickup", "shipped_at": iso_from_epoch(now), "shipped_by": verified_by,
                "lines": [{"sku_id": sku, "quantity": q} for sku, q in _remaining(item).items() if q > 0]}
    actions: list[dict[str, Any]] = [{"Update": {
        "TableName": db.table(), "Key": orders.order_key(order_id),
        "UpdateExpression": "SET shipments = :new, shipping_upload = :upload",
        "ConditionExpression": "attribute_not_exists(shipments)",
        "ExpressionAttributeValues": {":new": db.to_value([shipment]), ":upload": db.to_value(upload)}}}]
    if upload["state"] == "pending":
        actions.append(_task_put(order_id, upload["version"], now))
    return db.transact(actions)


def _view(order_id: str) -> Order:
    order, refunds = orders.load_with_children(order_id)
    assert order is not None
    return orders.view(order, refunds)


# ---------------------------------------------------------------- what needs the merchant

ISSUE_SHARDS = {"upload_failed": FAILED_SHARD, "remind_shipping": REMIND_SHARD}
_ISSUE_KEY = ("PK", "SK", "due_shard", "due_at")  # a DueByTime entry's position (ExclusiveStartKey)


def _issue(raw: dict[str, Any], kind: str) -> ShippingIssue:
    task = db.from_item(raw)
    return ShippingIssue(order_id=task["order_id"], kind=kind, at=iso_from_epoch(int(task["due_at"])),  # type: ignore[arg-type]
                         error_code=task.get("last_error_code"), message=task.get("last_error_message") or task.get("msg"),
                         attempts=task.get("attempts"))


def issues(*, kind: str | None = None, cursor: str | None = None, limit: int = 50) -> ShippingIssues:
    """Uploads WeChat refused for good, and orders WeChat reminded us to ship, newest first: one
    kind, or both merged. Each kind is a DueByTime shard read newest first; a page takes the newest
    ``limit`` of what the shards hold after the cursor's positions (at most one Query per kind), and
    the cursor keeps each shard's position - the last entry of it the page showed - or "done"."""
    kinds = [k for k in ISSUE_SHARDS if kind in (None, k)]
    positions: dict[str, Any] = {k: None for k in kinds}
    if cursor:
        payload = pagination.decode(cursor)
        if payload.get("q") != "shipping_issues" or payload.get("kind") != kind or \
                not isinstance(payload.get("at"), dict) or set(payload["at"]) != set(kinds):
            raise pagination.invalid_cursor()
        positions = payload["at"]
    fetched: dict[str, list[dict[str, Any]]] = {}
    exhausted: dict[str, bool] = {}
    for k in kinds:
        if positions[k] == "done":
            fetched[k], exhausted[k] = [], True
            continue
        params: dict[str, Any] = {"TableName": db.table(), "IndexName": "DueByTime", "ScanIndexForward": False,
                                  "Limit": limit, "KeyConditionExpression": "due_shard = :s",
                                  "ExpressionAttributeValues": {":s": {"S": ISSUE_SHARDS[k]}}}
        if positions[k] is not None:
            at = positions[k]
            if not (isinstance(at, dict) and set(at) == set(_ISSUE_KEY) and at["due_shard"] == ISSUE_SHARDS[k]
                    and isinstance(at["PK"], str) and isinstance(at["SK"], str)
                    and isinstance(at["due_at"], int) and not isinstance(at["due_at"], bool)):
                raise pagination.invalid_cursor()
            params["ExclusiveStartKey"] = {name: {"N" if name == "due_at" else "S": str(at[name])} for name in _ISSUE_KEY}
        resp = db.client().query(**params)
        fetched[k], exhausted[k] = resp.get("Items", []), "LastEvaluatedKey" not in resp
    # merge the shards newest first, keeping each one's own order, and take the page
    merged = heapq.merge(*[[(raw, k) for raw in fetched[k]] for k in kinds], key=lambda pair: -int(pair[0]["due_at"]["N"]))
    page = list(itertools.islice(merged, limit))
    for k in kinds:
        shown = [raw for raw, of in page if of == k]
        if shown:
            last = shown[-1]
            positions[k] = {name: (int(last[name]["N"]) if name == "due_at" else last[name]["S"]) for name in _ISSUE_KEY}
        if exhausted[k] and len(shown) == len(fetched[k]):
            positions[k] = "done"
    more = any(positions[k] != "done" for k in kinds)
    next_cursor = pagination.encode({"q": "shipping_issues", "kind": kind, "at": positions}) if more else None
    return ShippingIssues(items=[_issue(raw, k) for raw, k in page], next_cursor=next_cursor)
