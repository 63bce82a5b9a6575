"""Orders: creation with stock reservation, the order's life cycle, and how it is shown.

Items in the shop table:
  PK=ORDER#<id>  SK=ORDER               the order (lines, amounts, status, addresses, timers)
  PK=ORDER#<id>  SK=REFUND#<refund id>  its refunds (shop.buying.refunds)
  PK=ORDER#<id>  SK=PAYMENT#<txn id>    its payments as WeChat Pay reported them (shop.buying.payments)

The order id is derived from the buyer and their Idempotency-Key, so a retried POST /orders finds
the order it already made: creating one is a single transaction whose first action is "put this
order if it does not exist" and whose other actions reserve stock, one conditional update per line
(``stock >= quantity``, the product still on sale, the price still the price quoted). Either all of
it happens or none of it.

Every later transition is a conditional write on ``status`` (and the stock it moves is in the same
transaction), so two racing transitions end in one consistent state.

Indexes: GSI1 (gsi1pk=USER#<id>#ORDERS, gsi1sk=<created>#<id>) lists a buyer's orders; GSI2 (the
same with #<status>) lists them by status; DueByTime (due_shard, due_at) finds orders whose payment
deadline or automatic completion is due.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from datetime import UTC, datetime
from typing import Any

from shop.adapters import db
from shop.core import pagination
from shop.core.profile import profile_key
from shop.catalog.skus import sku_key
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.core.errors import Conflict, NotFound, ServiceUnavailable
from shop.buying.models.orders import (
    Order,
    OrderLine,
    OrderPage,
    RefundView,
    Shipment,
)
from shop.adapters.observability import MetricUnit, logger, metrics

DUE_SHARDS = 4
# An order WeChat Pay reports paid whose payment cannot be applied (its amount or app does not
# match, or WeChat Pay already refunded it): terminal, stock released, for the merchant to review.
EXCEPTION = "PAYMENT_EXCEPTION"
ORDER_ID_RE = re.compile(r"o[0-9a-f]{25}")  # order_id_for's shape
PENDING = "PENDING_PAYMENT"


# ---------------------------------------------------------------- keys and items

def order_key(order_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}


def order_id_for(user_id: str, idempotency_key: str) -> str:
    """An out_trade_no-compatible id (letters and digits, 26 chars) unique to buyer + key."""
    digest = hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()
    return "o" + digest[:25]


def due_shard(order_id: str) -> str:
    return f"DUE#{zlib.crc32(order_id.encode()) % DUE_SHARDS}"


def status_keys(user_id: str, status: str, created_ms: int, order_id: str,
                address: dict[str, Any] | None = None) -> dict[str, Any]:
    """Index keys of an order: newest first by creation time in milliseconds (two orders placed in
    the same second still list in the order they were placed); and the order desk's (shop.buying.desk)."""
    from shop.buying import desk_keys

    sort_key = f"{created_ms:013d}#{order_id}"
    return {
        "gsi1pk": f"USER#{user_id}#ORDERS",
        "gsi1sk": sort_key,
        "gsi2pk": f"USER#{user_id}#ORDERS#{status}",
        "gsi2sk": sort_key,
        **desk_keys.index_attributes(order_id, created_ms, address),
    }


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def view(item: dict[str, Any], refunds: list[dict[str, Any]] | None = None) -> Order:
    """The order as its buyer sees it (no openid, no internal keys)."""
    return Order(
        id=item["order_id"],
        status=item["status"],
        lines=[OrderLine(**{k: line[k] for k in ("sku_id", "product_id", "title", "specs", "unit_price", "quantity", "amount")},
                         discount=line.get("discount", 0), image_url=line.get("image_url"),
                         refundable_quantity=line["refundable"])
               for line in item["lines"]],
        goods_total=item["goods_total"], freight=item["freight"], discount=item.get("discount", 0),
        payable=item["payable"], coupon_ids=item.get("coupon_ids") or [], refunded_total=item.get("refunded_total", 0), delivery=item["delivery"],
        address=item.get("address"), pickup_store=item.get("pickup_store"), remark=item.get("remark"),
        created_at=_time(item["created_at"]),
        pay_deadline=_time(item.get("deadline_at")) if item["status"] == PENDING else None,
        paid_at=_time(item.get("paid_at")), shipped_at=_time(item.get("shipped_at")),
        shipment=Shipment(**item["shipment"]) if item.get("shipment") else None,
        shipments=item.get("shipments") or [],
        shipping_upload=item.get("shipping_upload"),
        shipping_reminder=item.get("shipping_reminder"),
        settlement=({**(item.get("settlement_estimate") or {}), **(item.get("settlement") or {})}
                    if item.get("settlement") or item.get("settlement_estimate") else None),
        completed_at=_time(item.get("completed_at")),
        auto_complete_at=_time(item.get("auto_complete_at")) if item["status"] == "SHIPPED" else None,
        cancelled_at=_time(item.get("cancelled_at")), cancel_reason=item.get("cancel_reason"),
        late_payment=bool(item.get("late_transaction_id")),
        refunds=[refund_view(r) for r in (refunds or [])],
    )


def refund_view(item: dict[str, Any]) -> RefundView:
    return RefundView(
        id=item["refund_id"], status=item["status"], amount=item["amount"], reason=item["reason"],
        lines=item.get("lines", []), freight=item.get("freight", 0), requested_by=item["requested_by"],
        kind=item.get("kind", "refund_only"), restock=bool(item.get("restock", True) and item.get("lines")),
        created_at=_time(item["created_at"]), merchant_note=item.get("merchant_note"),
        returned_at=_time(item.get("returned_at")), failure=item.get("failure"), attempts=item.get("attempts", 0),
        next_attempt_at=_time(item.get("next_attempt_at")) if item["status"] == "PROCESSING" else None,
        settled_at=_time(item.get("settled_at")),
    )


# ---------------------------------------------------------------- reads

def load(order_id: str) -> dict[str, Any] | None:
    resp = db.client().get_item(TableName=db.table(), Key=order_key(order_id), ConsistentRead=True)
    return db.from_item(resp["Item"]) if "Item" in resp else None


def load_with_children(order_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The order and its refunds, in one Query of the order's partition."""
    resp = db.client().query(
        TableName=db.table(), ConsistentRead=True,
        KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": f"ORDER#{order_id}"}},
    )
    order, refunds = None, []
    for raw in resp.get("Items", []):
        item = db.from_item(raw)
        if item["SK"] == "ORDER":
            order = item
        elif item["SK"].startswith("REFUND#"):
            refunds.append(item)
    return order, sorted(refunds, key=lambda r: (r["created_at"], r.get("created_ns", 0)))


def not_found() -> NotFound:
    return NotFound("订单不存在。", code="order_not_found")


def owned(user_id: str, order_id: str) -> dict[str, Any]:
    """The caller's order; another buyer's order is exactly as absent as one that never existed."""
    item = load(order_id)
    if item is None or item["user_id"] != user_id:
        raise not_found()
    return item


def get(user_id: str, order_id: str) -> Order:
    item, refunds = load_with_children(order_id)
    if item is None or item["user_id"] != user_id:
        raise not_found()
    return view(item, refunds)


def list_for(user_id: str, *, status: str | None, cursor: str | None, limit: int) -> OrderPage:
    index, pk = ("GSI2", f"USER#{user_id}#ORDERS#{status}") if status else ("GSI1", f"USER#{user_id}#ORDERS")
    sk_attr = "gsi2sk" if status else "gsi1sk"
    params: dict[str, Any] = {
        "TableName": db.table(), "IndexName": index, "ScanIndexForward": False, "Limit": limit + 1,
        "KeyConditionExpression": f"{'gsi2pk' if status else 'gsi1pk'} = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    if cursor:
        payload = pagination.decode(cursor)
        order_id, sort_key = payload.get("o"), payload.get("k")
        # Every part is checked against the exact shape this function writes: DynamoDB rejects an
        # empty or foreign key string with a ValidationException (a 500), never an empty page.
        if (payload.get("s") != (status or "") or set(payload) != {"s", "o", "k"}
                or not isinstance(order_id, str) or not ORDER_ID_RE.fullmatch(order_id)
                or not isinstance(sort_key, str) or sort_key != f"{sort_key[:13]}#{order_id}"
                or not sort_key[:13].isdigit() or not sort_key[:13].isascii()):
            raise pagination.invalid_cursor()
        params["ExclusiveStartKey"] = {
            **order_key(order_id), ("gsi2pk" if status else "gsi1pk"): {"S": pk}, sk_attr: {"S": payload["k"]},
        }
    items = [db.from_item(i) for i in db.client().query(**params).get("Items", [])]
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        next_cursor = pagination.encode({"s": status or "", "o": last["order_id"], "k": last[sk_attr]})
    return OrderPage(items=[view(i) for i in items], next_cursor=next_cursor)


# ---------------------------------------------------------------- WeChat Pay's callback

def notify_url(domain: str | None) -> str:
    """Where WeChat Pay sends notifications: PAY_NOTIFY_URL, else this API's own /pay/notify."""
    configured = os.environ.get("PAY_NOTIFY_URL")
    if configured:
        return configured
    if not domain:
        raise ServiceUnavailable("The payment callback address is not known.", code="configuration")
    return f"https://{domain}/pay/notify"


def release_counts(item: dict[str, Any], *, paid: bool) -> list[dict[str, Any]]:
    """Transaction actions giving back what an unpaid order counted against its buyer: its place
    among the open unpaid orders (paid or not), and - unless it was paid - the units it held of
    SKUs with a per-buyer limit. Only for orders that counted them (``counts_open``)."""
    actions: list[dict[str, Any]] = []
    if item.get("counts_open") and not paid:
        actions.append({"Update": {"TableName": db.table(), "Key": profile_key(item["user_id"]),
                                   "UpdateExpression": "ADD open_unpaid :minus",
                                   "ExpressionAttributeValues": {":minus": {"N": "-1"}}}})
    if not paid:
        from shop.buying import checkout

        for line in item["lines"]:
            if line["sku_id"] in (item.get("limited_skus") or []):
                actions.append({"Update": {"TableName": db.table(), "Key": checkout.bought_key(item["user_id"], line["sku_id"]),
                                           "UpdateExpression": "ADD units :minus",
                                           "ExpressionAttributeValues": {":minus": {"N": str(-int(line["quantity"]))}}}})
    return actions


# ---------------------------------------------------------------- payment parameters


# ---------------------------------------------------------------- transitions

def coupon_updates(item: dict[str, Any], *, to: str) -> list[dict[str, Any]]:
    """Transaction actions for the coupons an order holds: ``used`` when it is paid, ``available``
    again (back in the expiry index) when it is cancelled; each conditional on this order holding it."""
    from shop.growth import coupons

    update = ("SET #s = :to, used_at = :now" if to == "used"
              else "SET #s = :to, gsi1pk = expiry_pk, gsi1sk = expiry_sk REMOVE order_id")
    values = {":to": {"S": to}, ":locked": {"S": "locked"}, ":order": {"S": item["order_id"]}}
    if to == "used":
        values[":now"] = {"S": iso_from_epoch(now_epoch())}
    return [
        {"Update": {"TableName": db.table(), "Key": coupons.coupon_key(item["user_id"], coupon_id),
                    "UpdateExpression": update, "ConditionExpression": "#s = :locked AND order_id = :order",
                    "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": values}}
        for coupon_id in item.get("coupon_ids") or []
    ]


def sku_adds(lines: list[dict[str, Any]], attribute: str, *, sign: int = 1) -> list[dict[str, Any]]:
    """Transaction actions adding (``sign`` -1: taking) each line's quantity to its SKU's
    ``attribute`` (stock back, sold)."""
    return [
        {"Update": {"TableName": db.table(), "Key": sku_key(line["sku_id"]), "UpdateExpression": f"ADD {attribute} :q",
                    "ExpressionAttributeValues": {":q": {"N": str(sign * int(line["quantity"]))}}}}
        for line in lines
    ]


def sku_moves(lines: list[dict[str, Any]], **signs: int) -> list[dict[str, Any]]:
    """One transaction action per SKU moving several counters at once (a transaction may touch an
    item once), e.g. ``stock=1, sold=-1``: each line's quantity times the sign."""
    if not signs:
        return []
    names = sorted(signs)
    return [
        {"Update": {"TableName": db.table(), "Key": sku_key(line["sku_id"]),
                    "UpdateExpression": "ADD " + ", ".join(f"{name} :{name}" for name in names),
                    "ExpressionAttributeValues": {f":{name}": {"N": str(signs[name] * int(line["quantity"]))}
                                                  for name in names}}}
        for line in lines
    ]


def epoch_of(value: Any) -> int:
    """An ISO time or epoch seconds as stored on an order, as epoch seconds."""
    moment = _time(value)
    assert moment is not None
    return int(moment.timestamp())


def cancel_pending(item: dict[str, Any], *, reason: str, at: int, to: str = "CANCELLED") -> bool:
    """PENDING_PAYMENT -> CANCELLED (or PAYMENT_EXCEPTION) and its stock released, in one
    transaction conditional on the order still being pending (and, for a timeout, on its deadline
    having passed). False when the order had already moved on (a payment won the race)."""
    order_id = item["order_id"]
    condition = "#s = :pending"
    values = {
        ":pending": {"S": PENDING}, ":cancelled": {"S": to}, ":when": {"S": iso_from_epoch(at)},
        ":reason": {"S": reason}, ":g2": {"S": f"USER#{item['user_id']}#ORDERS#{to}"}, ":one": {"N": "1"},
    }
    if reason == "timeout":
        condition += " AND deadline_at <= :at"
        values[":at"] = {"N": str(at)}
    actions = [{"Update": {
        "TableName": db.table(), "Key": order_key(order_id),
        "UpdateExpression": "SET #s = :cancelled, cancelled_at = :when, cancel_reason = :reason, gsi2pk = :g2, "
                            "version = version + :one REMOVE due_shard, due_at",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": values,
    }}, *sku_adds(item["lines"], "stock"), *coupon_updates(item, to="available"), *release_counts(item, paid=False)]
    from shop.catalog import ledger  # the release, in the stock ledger (docs/catalog.md)

    actions += ledger.line_entries(item["lines"], 1, "cancel", order_id)
    if not db.transact(actions):
        return False
    metrics.add_metric(name="OrderCancelled" if to == "CANCELLED" else "OrderPaymentException", unit=MetricUnit.Count, value=1)
    logger.info("order cancelled", extra={"order_id": order_id, "reason": reason, "status": to})
    return True


def confirm(user_id: str, order_id: str) -> Order:
    """The buyer confirms receipt: SHIPPED -> COMPLETED."""
    item = owned(user_id, order_id)
    if not complete(item, now_epoch(), reason="buyer"):
        raise Conflict("只有已发货的订单可以确认收货。", code="order_not_confirmable",
                       details={"status": owned(user_id, order_id)["status"]})
    return get(user_id, order_id)


def complete(item: dict[str, Any], now: int, *, reason: str) -> bool:
    condition = "#s = :shipped" + (" AND auto_complete_at <= :now" if reason == "auto" else "")
    values = {":shipped": {"S": "SHIPPED"}, ":done": {"S": "COMPLETED"}, ":when": {"S": iso_from_epoch(now)},
              ":g2": {"S": f"USER#{item['user_id']}#ORDERS#COMPLETED"}, ":one": {"N": "1"}}
    if reason == "auto":
        values[":now"] = {"N": str(now)}
    return db.update_if(
        Key=order_key(item["order_id"]),
        UpdateExpression="SET #s = :done, completed_at = :when, gsi2pk = :g2, version = version + :one "
                         "REMOVE due_shard, due_at",
        ConditionExpression=condition, ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues=values,
    )


# Shipping (parcels, carriers, tracking changes, WeChat's shipping upload): shop.buying.shipments.


def due(now: int, limit: int = 100) -> list[dict[str, Any]]:
    """Orders whose payment deadline or automatic completion is due, from every shard."""
    found: list[dict[str, Any]] = []
    for shard in range(DUE_SHARDS):
        resp = db.client().query(
            TableName=db.table(), IndexName="DueByTime", Limit=limit,
            KeyConditionExpression="due_shard = :s AND due_at <= :now",
            ExpressionAttributeValues={":s": {"S": f"DUE#{shard}"}, ":now": {"N": str(now)}},
        )
        found += [db.from_item(i) for i in resp.get("Items", [])]
    return found



