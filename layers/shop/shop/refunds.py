"""Refunds (售后): the buyer asks, the merchant approves or rejects, WeChat Pay settles.

A refund is an item PK=ORDER#<order id> SK=REFUND#<refund id>; its id ``<order id>-<suffix>`` is
also the ``out_refund_no`` sent to WeChat Pay, so a refund is found from its id alone and
submitting it twice is the same refund to WeChat Pay.

Policy (docs/refunds.md):
- a buyer may ask for a refund of a paid, shipped or completed order: all of it, or some units of
  some lines; each line keeps how many units and how much money are still refundable, and a
  request reserves them in the same transaction that records it (two requests can never refund
  the same unit);
- a unit's share of a line's amount is ``amount x units / quantity`` rounded down, the last units
  taking the remainder, so a line's refunds add up to exactly what was paid for it;
- freight is refunded only when everything still refundable is refunded before the order ships;
- approving submits the refund to WeChat Pay; REFUND.SUCCESS settles it, returns the refunded units
  to stock, adds to the order's ``refunded_total``, and closes the order (status CLOSED) when all of
  it has been refunded; REFUND.CLOSED and a rejection give the units back to the refundable pool;
  REFUND.ABNORMAL keeps them reserved for the merchant to resolve in WeChat Pay's console;
- a payment that arrives for an order already cancelled is refunded in full automatically (no
  stock moves: it was released at cancellation).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from shop import db, orders
from shop.clock import iso_from_epoch, now_epoch
from shop.config import credential
from shop.errors import Conflict, InvalidRequest, NotFound
from shop.models.after_sales import RefundRequest
from shop.models.orders import Order, RefundView
from shop.observability import MetricUnit, logger, metrics

REFUNDABLE_STATUSES = ("PAID", "SHIPPED", "COMPLETED")
OPEN = ("REQUESTED", "PROCESSING", "ABNORMAL")


def refund_key(order_id: str, refund_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": f"REFUND#{refund_id}"}}


def order_id_of(refund_id: str) -> str:
    return refund_id.rsplit("-", 1)[0]


def _not_found() -> NotFound:
    return NotFound("No such refund.", code="refund_not_found")


def _share(line: dict[str, Any], units: int) -> int:
    if units == line["refundable"]:
        return line["refundable_amount"]
    return line["refundable_amount"] * units // line["refundable"]


def _version_condition(order: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "version = :v", {":v": {"N": str(order["version"])}, ":one": {"N": "1"}}


# ---------------------------------------------------------------- the buyer asks

def request(user_id: str, order_id: str, req: RefundRequest) -> Order:
    order = orders.owned(user_id, order_id)
    if order["status"] not in REFUNDABLE_STATUSES:
        raise Conflict("This order cannot be refunded.", code="refund_not_allowed", details={"status": order["status"]})
    index = {line["sku_id"]: i for i, line in enumerate(order["lines"])}
    wanted = ({line.sku_id: line.quantity for line in req.lines} if req.lines
              else {line["sku_id"]: line["refundable"] for line in order["lines"] if line["refundable"] > 0})
    for sku_id, units in wanted.items():
        if sku_id not in index:
            raise InvalidRequest(f"{sku_id} is not in this order.", code="line_not_in_order")
        if units > order["lines"][index[sku_id]]["refundable"]:
            raise Conflict(f"At most {order['lines'][index[sku_id]]['refundable']} of {sku_id} can still be refunded.",
                           code="refund_exceeds_order")
    if not wanted:
        raise Conflict("Everything in this order has been refunded or asked for.", code="nothing_to_refund")
    lines = [{"sku_id": s, "quantity": u, "amount": _share(order["lines"][index[s]], u)} for s, u in wanted.items()]
    everything = all(wanted.get(line["sku_id"], 0) == line["refundable"] for line in order["lines"])
    freight = order["freight"] if everything and order["status"] == "PAID" and not order.get("freight_refunded") else 0
    amount = sum(line["amount"] for line in lines) + freight
    refund_id = f"{order_id}-{secrets.token_hex(3)}"
    now = iso_from_epoch(now_epoch())

    condition, values = _version_condition(order)
    sets = ["version = version + :one"]
    for n, line in enumerate(lines):
        i = index[line["sku_id"]]
        sets.append(f"#lines[{i}].refundable = #lines[{i}].refundable - :q{n}, "
                    f"#lines[{i}].refundable_amount = #lines[{i}].refundable_amount - :a{n}")
        values[f":q{n}"] = {"N": str(line["quantity"])}
        values[f":a{n}"] = {"N": str(line["amount"])}
    if freight:
        sets.append("freight_refunded = :true")
        values[":true"] = {"BOOL": True}
    refund = {
        "PK": f"ORDER#{order_id}", "SK": f"REFUND#{refund_id}", "type": "refund", "refund_id": refund_id,
        "order_id": order_id, "user_id": user_id, "status": "REQUESTED", "amount": amount, "freight": freight,
        "lines": lines, "reason": req.reason, "requested_by": "user", "restock": True, "created_at": now,
        "created_ns": time.time_ns(),
    }
    if not db.transact([
        {"Update": {"TableName": db.table(), "Key": orders.order_key(order_id), "UpdateExpression": "SET " + ", ".join(sets),
                    "ConditionExpression": condition, "ExpressionAttributeValues": values,
                    "ExpressionAttributeNames": {"#lines": "lines"}}},
        {"Put": {"TableName": db.table(), "Item": db.to_item(refund), "ConditionExpression": "attribute_not_exists(PK)"}},
    ]):
        raise Conflict("The order changed meanwhile; look at it again and retry.", code="order_changed")
    metrics.add_metric(name="RefundRequested", unit=MetricUnit.Count, value=1)
    return orders.get(user_id, order_id)


# ---------------------------------------------------------------- the merchant decides

def _load(refund_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    order, refunds = orders.load_with_children(order_id_of(refund_id))
    refund = next((r for r in refunds if r["refund_id"] == refund_id), None)
    if order is None or refund is None:
        raise _not_found()
    return order, refund


def approve(refund_id: str, *, note: str | None, merchant: str, domain: str | None) -> RefundView:
    from shop.wechat import pay

    pay.prefetch()
    order, refund = _load(refund_id)
    if refund["status"] == "REQUESTED":
        now = iso_from_epoch(now_epoch())
        if db.update_if(
            Key=refund_key(order["order_id"], refund_id),
            UpdateExpression="SET #s = :processing, decided_at = :now, decided_by = :m, merchant_note = :note",
            ConditionExpression="#s = :requested", ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":processing": {"S": "PROCESSING"}, ":requested": {"S": "REQUESTED"},
                                       ":now": {"S": now}, ":m": {"S": merchant}, ":note": db.to_value(note)},
        ):
            refund = {**refund, "status": "PROCESSING", "decided_at": now, "decided_by": merchant, "merchant_note": note}
        else:  # a concurrent decision came first
            order, refund = _load(refund_id)
    if refund["status"] == "PROCESSING" and not refund.get("submitted"):
        refund = submit(order, refund, domain=domain)
    if refund["status"] in ("REJECTED", "CLOSED"):
        raise Conflict("This refund was already decided.", code="refund_not_pending", details={"status": refund["status"]})
    return orders.refund_view(refund)


def _restore_lines(order: dict[str, Any], refund: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    index = {line["sku_id"]: i for i, line in enumerate(order["lines"])}
    sets, values = ["version = version + :one"], {":one": {"N": "1"}}
    for n, line in enumerate(refund.get("lines", [])):
        i = index[line["sku_id"]]
        sets.append(f"#lines[{i}].refundable = #lines[{i}].refundable + :q{n}, "
                    f"#lines[{i}].refundable_amount = #lines[{i}].refundable_amount + :a{n}")
        values[f":q{n}"] = {"N": str(line["quantity"])}
        values[f":a{n}"] = {"N": str(line["amount"])}
    if refund.get("freight"):
        sets.append("freight_refunded = :false")
        values[":false"] = {"BOOL": False}
    return "SET " + ", ".join(sets), values


def _finish(order: dict[str, Any], refund: dict[str, Any], *, to: str, expected: tuple[str, ...],
            extra: dict[str, Any]) -> bool:
    """Move a refund to a final state and adjust its order, in one transaction."""
    now = iso_from_epoch(now_epoch())
    names = {"#s": "status"}
    values: dict[str, Any] = {":to": {"S": to}, ":now": {"S": now}}
    values.update({f":e{n}": {"S": s} for n, s in enumerate(expected)})
    refund_update = {
        "TableName": db.table(), "Key": refund_key(order["order_id"], refund["refund_id"]),
        "UpdateExpression": "SET #s = :to, settled_at = :now" + "".join(f", {k} = :x_{k}" for k in extra),
        "ConditionExpression": "#s IN (" + ", ".join(f":e{n}" for n in range(len(expected))) + ")",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {**values, **{f":x_{k}": db.to_value(v) for k, v in extra.items()}},
    }
    actions: list[dict[str, Any]] = [{"Update": refund_update}]
    if to == "SUCCEEDED":
        refunded = order.get("refunded_total", 0) + refund["amount"]
        closes = refunded >= order["payable"] and order["status"] in REFUNDABLE_STATUSES
        update = "SET refunded_total = refunded_total + :amt, version = version + :one"
        order_values = {":amt": {"N": str(refund["amount"])}, ":one": {"N": "1"}, ":v": {"N": str(order["version"])}}
        if closes:
            update += ", #s = :closed, closed_at = :now, gsi2pk = :g2 REMOVE due_shard, due_at"
            order_values.update({":closed": {"S": "CLOSED"}, ":now": {"S": now},
                                 ":g2": {"S": f"USER#{order['user_id']}#ORDERS#CLOSED"}})
        actions.append({"Update": {"TableName": db.table(), "Key": orders.order_key(order["order_id"]),
                                   "UpdateExpression": update, "ConditionExpression": "version = :v",
                                   "ExpressionAttributeValues": order_values,
                                   **({"ExpressionAttributeNames": {"#s": "status"}} if closes else {})}})
        if refund.get("restock", True):
            actions += orders.sku_adds(refund.get("lines", []), "stock")
    elif to in ("CLOSED", "REJECTED") and refund.get("lines") is not None and refund.get("requested_by") == "user":
        update, order_values = _restore_lines(order, refund)
        order_values[":v"] = {"N": str(order["version"])}
        actions.append({"Update": {"TableName": db.table(), "Key": orders.order_key(order["order_id"]),
                                   "UpdateExpression": update, "ConditionExpression": "version = :v",
                                   "ExpressionAttributeValues": order_values,
                                   "ExpressionAttributeNames": {"#lines": "lines"}}})
    return db.transact(actions)


def _settle(refund_id: str, *, to: str, expected: tuple[str, ...], extra: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Apply a final state, retrying when the order changed meanwhile (its version moved). Returns
    the outcome and the refund as it now is."""
    for _ in range(5):
        order, refund = _load(refund_id)
        if refund["status"] == to:
            return "duplicate", refund
        if refund["status"] not in expected:
            return "ignored", refund
        if _finish(order, refund, to=to, expected=expected, extra=extra):
            return "applied", {**refund, **extra, "status": to, "settled_at": iso_from_epoch(now_epoch())}
    raise Conflict("The order is changing too fast; try again.", code="order_changed")


def reject(refund_id: str, *, note: str | None, merchant: str) -> RefundView:
    outcome, refund = _settle(refund_id, to="REJECTED", expected=("REQUESTED",),
                              extra={"merchant_note": note, "decided_by": merchant})
    if outcome == "ignored":
        raise Conflict("This refund was already decided.", code="refund_not_pending", details={"status": refund["status"]})
    return orders.refund_view(refund)


# ---------------------------------------------------------------- WeChat Pay

def submit(order: dict[str, Any], refund: dict[str, Any], *, domain: str | None) -> dict[str, Any]:
    """Send the refund to WeChat Pay (the same out_refund_no every time) and note that it was."""
    from shop.wechat.pay import PayApiError, WeChatPay

    try:
        answer = WeChatPay().refund(
            out_trade_no=order["order_id"], out_refund_no=refund["refund_id"], refund=refund["amount"],
            total=order["payable"], reason=refund["reason"][:80], notify_url=orders.notify_url(domain),
        )
    except PayApiError as exc:
        logger.error("WeChat Pay refused a refund", extra={"refund_id": refund["refund_id"], "code": exc.code})
        metrics.add_metric(name="RefundRefused", unit=MetricUnit.Count, value=1)
        return _settle(refund["refund_id"], to="ABNORMAL", expected=("PROCESSING",), extra={"failure": exc.code})[1]
    db.client().update_item(
        TableName=db.table(), Key=refund_key(order["order_id"], refund["refund_id"]),
        UpdateExpression="SET submitted = :true, wechat_refund_id = :rid",
        ExpressionAttributeValues={":true": {"BOOL": True}, ":rid": db.to_value(answer.get("refund_id"))},
    )
    return {**refund, "submitted": True}


def ensure_submitted(order_id: str, *, domain: str | None) -> None:
    order, refunds = orders.load_with_children(order_id)
    for refund in refunds:
        if order is not None and refund["status"] == "PROCESSING" and not refund.get("submitted"):
            submit(order, refund, domain=domain)


def refund_late_payment(order: dict[str, Any], t: dict[str, Any], *, domain: str | None) -> None:
    """A payment for a cancelled order: record it on the order and refund it in full."""
    order_id, txn = order["order_id"], t["transaction_id"]
    refund_id = f"{order_id}-late"
    now = iso_from_epoch(now_epoch())
    refund = {
        "PK": f"ORDER#{order_id}", "SK": f"REFUND#{refund_id}", "type": "refund", "refund_id": refund_id,
        "order_id": order_id, "user_id": order["user_id"], "status": "PROCESSING", "amount": t["amount"]["total"],
        "freight": 0, "lines": [], "reason": "订单已取消，自动退款", "requested_by": "system", "restock": False,
        "created_at": now, "created_ns": time.time_ns(),
    }
    db.transact([  # False: another copy of the notification recorded it first
        {"Update": {"TableName": db.table(), "Key": orders.order_key(order_id),
                    "UpdateExpression": "SET late_transaction_id = :txn, late_paid_at = :now, version = version + :one",
                    "ConditionExpression": "#s = :cancelled AND attribute_not_exists(late_transaction_id)",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":txn": {"S": txn}, ":now": {"S": now}, ":one": {"N": "1"},
                                                  ":cancelled": {"S": "CANCELLED"}}}},
        {"Put": {"TableName": db.table(), "Item": db.to_item(refund), "ConditionExpression": "attribute_not_exists(PK)"}},
    ])
    metrics.add_metric(name="LatePaymentRefunded", unit=MetricUnit.Count, value=1)
    logger.warning("payment for a cancelled order: refunding it", extra={"order_id": order_id})
    ensure_submitted(order_id, domain=domain)


STATUS_OF = {"SUCCESS": "SUCCEEDED", "ABNORMAL": "ABNORMAL", "CLOSED": "CLOSED"}


def apply_notification(r: dict[str, Any]) -> str:
    """Settle a refund from a REFUND.* notification's decrypted resource."""
    from shop import payments

    refund_id = str(r.get("out_refund_no") or "")
    if r.get("mchid") != credential("wechatpay_mch_id"):
        payments.record(refund_id or "-", "refund_mismatch", {"mchid": r.get("mchid")})
        return payments.MISMATCH
    to = STATUS_OF.get(str(r.get("refund_status")))
    try:
        order, refund = _load(refund_id)
    except NotFound:
        payments.record(refund_id or "-", "unknown_refund", {"refund_status": r.get("refund_status")})
        return payments.UNKNOWN
    if to is None or (r.get("amount") or {}).get("refund") != refund["amount"]:
        payments.record(refund_id, "refund_mismatch", {"refund_status": r.get("refund_status"),
                                                        "amount": (r.get("amount") or {}).get("refund")})
        return payments.MISMATCH
    expected = ("PROCESSING",) if to == "ABNORMAL" else ("PROCESSING", "ABNORMAL")
    outcome, _ = _settle(refund_id, to=to, expected=expected, extra={"wechat_refund_id": r.get("refund_id")})
    if outcome == "applied":
        metrics.add_metric(name=f"Refund{to.title()}", unit=MetricUnit.Count, value=1)
    return outcome
