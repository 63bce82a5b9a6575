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

from shop.adapters import db
from shop.buying import orders
from shop.catalog import ledger
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.adapters.config import credential, setting_int
from shop.core.errors import Conflict, InvalidRequest, NotFound
from shop.buying.models.after_sales import RefundRequest
from shop.buying.models.orders import Order, RefundView
from shop.adapters.observability import MetricUnit, logger, metrics

REFUNDABLE_STATUSES = ("PAID", "SHIPPED", "COMPLETED")
OPEN = ("REQUESTED", "AWAITING_RETURN", "PROCESSING", "ABNORMAL")


def refund_key(order_id: str, refund_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": f"REFUND#{refund_id}"}}


def queue_keys(refund_id: str, status: str, created_ns: int) -> dict[str, str]:
    """The after-sales queue's index keys (GSI1): refunds by status, oldest request first (epoch
    milliseconds, so two requests in one second keep their order). Every status change sets
    ``gsi1pk`` again (``queue_value``); the sort key stays the request time."""
    return {"gsi1pk": f"REFUNDS#{status}", "gsi1sk": f"{created_ns // 1_000_000:013d}#{refund_id}"}


def queue_value(status: str) -> dict[str, str]:
    return {"S": f"REFUNDS#{status}"}


def order_id_of(refund_id: str) -> str:
    return refund_id.rsplit("-", 1)[0]


def _not_found() -> NotFound:
    return NotFound("退款单不存在。", code="refund_not_found")


def _share(line: dict[str, Any], units: int) -> int:
    if units == line["refundable"]:
        return line["refundable_amount"]
    return line["refundable_amount"] * units // line["refundable"]


def _version_condition(order: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "version = :v", {":v": {"N": str(order["version"])}, ":one": {"N": "1"}}


# ---------------------------------------------------------------- the buyer asks

def _after_sales_open(order: dict[str, Any], now: int) -> bool:
    """Whether a completed order is still inside the after-sales window (AFTER_SALES_DAYS after
    completion; paid and shipped orders always are)."""
    if order["status"] != "COMPLETED" or not order.get("completed_at"):
        return True
    completed = orders.epoch_of(order["completed_at"])
    return now < completed + setting_int("AFTER_SALES_DAYS") * 86400


def _shipped(order: dict[str, Any]) -> bool:
    """Whether goods have left: the order is past PAID, or a PAID order has some parcels out (a split
    shipment, docs/shipping.md). Then a refund puts nothing back on sale by itself (a return does,
    when it arrives) and freight stays paid."""
    return order["status"] != "PAID" or bool(order.get("shipments"))


def _reservation(order: dict[str, Any], req: RefundRequest) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """What a refund of ``req`` takes from ``order``: its lines (units and their share of the money),
    its freight, and the order's update that reserves them (conditional on the order's version)."""
    shipped = _shipped(order)
    index = {line["sku_id"]: i for i, line in enumerate(order["lines"])}
    wanted = ({line.sku_id: line.quantity for line in req.lines} if req.lines
              else {line["sku_id"]: line["refundable"] for line in order["lines"] if line["refundable"] > 0})
    for sku_id, units in wanted.items():
        if sku_id not in index:
            raise InvalidRequest(f"{sku_id} 不在这笔订单中。", code="line_not_in_order")
        if units > order["lines"][index[sku_id]]["refundable"]:
            raise Conflict(f"{sku_id} 最多还可退 {order['lines'][index[sku_id]]['refundable']} 件。",
                           code="refund_exceeds_order")
    if not wanted:
        raise Conflict("这笔订单的商品都已退款或已申请退款。", code="nothing_to_refund")
    lines = [{"sku_id": s, "quantity": u, "amount": _share(order["lines"][index[s]], u)} for s, u in wanted.items()]
    everything = all(wanted.get(line["sku_id"], 0) == line["refundable"] for line in order["lines"])
    freight = order["freight"] if everything and not shipped and not order.get("freight_refunded") else 0

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
    update = {"Update": {"TableName": db.table(), "Key": orders.order_key(order["order_id"]),
                         "UpdateExpression": "SET " + ", ".join(sets), "ConditionExpression": condition,
                         "ExpressionAttributeValues": values, "ExpressionAttributeNames": {"#lines": "lines"}}}
    return lines, freight, update


def _new_refund(order: dict[str, Any], req: RefundRequest, *, lines: list[dict[str, Any]], freight: int,
                status: str, requested_by: str) -> dict[str, Any]:
    order_id = order["order_id"]
    shipped = _shipped(order)
    refund_id = f"{order_id}-{secrets.token_hex(3)}"
    now = iso_from_epoch(now_epoch())
    return {
        "PK": f"ORDER#{order_id}", "SK": f"REFUND#{refund_id}", "type": "refund", "refund_id": refund_id,
        "order_id": order_id, "user_id": order["user_id"], "status": status,
        "amount": sum(line["amount"] for line in lines) + freight, "freight": freight,
        "lines": lines, "reason": req.reason, "requested_by": requested_by,
        "kind": req.kind if shipped else "refund_only",
        # Before shipping the units are still here: they go back on sale when the refund succeeds.
        # After shipping they are with the buyer: a return puts them back when the merchant receives
        # it (receive_return); refund_only never does.
        "restock": not shipped, "created_at": now,
        "created_ns": (ns := time.time_ns()), **queue_keys(refund_id, status, ns),
    }


def request(user_id: str, order_id: str, req: RefundRequest) -> Order:
    order = orders.owned(user_id, order_id)
    if order["status"] not in REFUNDABLE_STATUSES:
        raise Conflict("该订单不能申请退款。", code="refund_not_allowed", details={"status": order["status"]})
    if not _after_sales_open(order, now_epoch()):
        raise Conflict(f"订单完成已超过 {setting_int('AFTER_SALES_DAYS')} 天，售后期已过。", code="after_sales_closed",
                       details={"completed_at": order["completed_at"], "after_sales_days": setting_int("AFTER_SALES_DAYS")})
    lines, freight, update = _reservation(order, req)
    refund = _new_refund(order, req, lines=lines, freight=freight, status="REQUESTED", requested_by="user")
    if not db.transact([
        update,
        {"Put": {"TableName": db.table(), "Item": db.to_item(refund), "ConditionExpression": "attribute_not_exists(PK)"}},
    ]):
        raise Conflict("订单刚刚发生了变化，请刷新后重试。", code="order_changed")
    metrics.add_metric(name="RefundRequested", unit=MetricUnit.Count, value=1)
    return orders.get(user_id, order_id)


def merchant_refund(order_id: str, req: RefundRequest, *, note: str | None, merchant: str,
                    domain: str | None) -> RefundView:
    """The merchant refunds some units of some lines (or everything still refundable) on their own
    initiative, e.g. an item that cannot be supplied: the refund is created already approved
    (PROCESSING) with its audit entry, in one transaction that reserves the units exactly as a
    buyer's request does, then submitted to WeChat Pay. Partial refunds add up: a line's units and
    money can never be refunded twice."""
    from shop.adapters.clock import now_utc
    from shop.adapters.wechat import pay
    from shop.core import audit

    pay.prefetch()
    for _ in range(3):
        order = orders.load(order_id)
        if order is None:
            raise orders.not_found()
        if order["status"] not in REFUNDABLE_STATUSES:
            raise Conflict("该订单不能退款。", code="refund_not_allowed", details={"status": order["status"]})
        lines, freight, update = _reservation(order, req)
        refund = _new_refund(order, req, lines=lines, freight=freight, status="PROCESSING", requested_by="merchant")
        epoch = now_epoch()
        refund.update(decided_at=iso_from_epoch(epoch), decided_by=merchant, merchant_note=note,
                      due_shard=orders.due_shard(refund["refund_id"]), due_at=epoch + SUBMIT_GRACE)
        entry = audit.entry(db.table(), actor=merchant, action="buying.refund.create", target_type="refund",
                            target_id=refund["refund_id"], at=now_utc(), note=note, before=None,
                            after={"order_id": order_id, "amount": refund["amount"], "lines": lines,
                                   "freight": freight, "reason": req.reason, "status": "PROCESSING"})
        if db.transact([update, {"Put": {"TableName": db.table(), "Item": db.to_item(refund),
                                         "ConditionExpression": "attribute_not_exists(PK)"}}, entry]):
            metrics.add_metric(name="MerchantRefund", unit=MetricUnit.Count, value=1)
            return orders.refund_view(submit(order, refund, domain=domain))
    raise Conflict("订单刚刚发生了变化，请刷新后重试。", code="order_changed")


# ---------------------------------------------------------------- the merchant decides

def _audit(refund: dict[str, Any], *, merchant: str, verb: str, to: str, note: str | None) -> dict[str, Any]:
    """The audit entry of a merchant's decision on ``refund`` (shop.core.audit), for its transaction."""
    from shop.adapters.clock import now_utc
    from shop.core import audit

    return audit.entry(db.table(), actor=merchant, action=f"buying.refund.{verb}", target_type="refund",
                       target_id=refund["refund_id"], at=now_utc(), note=note,
                       before={"status": refund["status"], "amount": refund["amount"]},
                       after={"status": to, "amount": refund["amount"]})


def _load(refund_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    order, refunds = orders.load_with_children(order_id_of(refund_id))
    refund = next((r for r in refunds if r["refund_id"] == refund_id), None)
    if order is None or refund is None:
        raise _not_found()
    return order, refund


def approve(refund_id: str, *, note: str | None, merchant: str, domain: str | None) -> RefundView:
    from shop.adapters.wechat import pay

    pay.prefetch()
    order, refund = _load(refund_id)
    retry = refund["status"] == "ABNORMAL" and bool(refund.get("failure"))
    if refund["status"] == "REQUESTED" and refund.get("kind") == "return":
        # 退货退款: agree to the return; the money goes back when the goods arrive (receive_return)
        now = iso_from_epoch(now_epoch())
        if db.update_with(
            _audit(refund, merchant=merchant, verb="approve_return", to="AWAITING_RETURN", note=note),
            Key=refund_key(order["order_id"], refund_id),
            UpdateExpression="SET #s = :awaiting, decided_at = :now, decided_by = :m, merchant_note = :note, "
                             "gsi1pk = :queue",
            ConditionExpression="#s = :requested", ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":awaiting": {"S": "AWAITING_RETURN"}, ":requested": {"S": "REQUESTED"},
                                       ":queue": queue_value("AWAITING_RETURN"),
                                       ":now": {"S": now}, ":m": {"S": merchant}, ":note": db.to_value(note)},
        ):
            return orders.refund_view({**refund, "status": "AWAITING_RETURN", "decided_at": now, "merchant_note": note})
        order, refund = _load(refund_id)
    if refund["status"] == "AWAITING_RETURN":
        return orders.refund_view(refund)
    if refund["status"] == "REQUESTED" or retry:
        # REQUESTED -> PROCESSING; or the merchant retries a refund WeChat Pay refused (ABNORMAL with
        # a failure code: it never reached WeChat Pay, so the same out_refund_no is sent again). The
        # timer set here submits it if this function stops before the call.
        epoch = now_epoch()
        now = iso_from_epoch(epoch)
        if db.update_with(
            _audit(refund, merchant=merchant, verb="retry" if retry else "approve", to="PROCESSING", note=note),
            Key=refund_key(order["order_id"], refund_id),
            UpdateExpression="SET #s = :processing, decided_at = :now, decided_by = :m, merchant_note = :note, "
                             "gsi1pk = :queue, due_shard = :shard, due_at = :due "
                             "REMOVE attempts, first_failed_at, settled_at",
            ConditionExpression="#s = :from" + (" AND attribute_exists(failure)" if retry else ""),
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":processing": {"S": "PROCESSING"}, ":from": {"S": refund["status"]},
                                       ":queue": queue_value("PROCESSING"),
                                       ":now": {"S": now}, ":m": {"S": merchant}, ":note": db.to_value(note),
                                       **_due(refund_id, epoch + SUBMIT_GRACE)},
        ):
            refund = {k: v for k, v in refund.items() if k not in ("attempts", "first_failed_at", "settled_at")}
            refund.update(status="PROCESSING", decided_at=now, decided_by=merchant, merchant_note=note)
            if retry:  # the order gives the units back at ABNORMAL only for WeChat's own verdicts: none to take
                logger.info("merchant retries a refused refund", extra={"refund_id": refund_id})
        else:  # a concurrent decision came first
            order, refund = _load(refund_id)
    if refund["status"] == "PROCESSING" and not refund.get("submitted"):
        refund = submit(order, refund, domain=domain)
    if refund["status"] in ("REJECTED", "CLOSED"):
        raise Conflict("这笔退款已处理过。", code="refund_not_pending", details={"status": refund["status"]})
    return orders.refund_view(refund)


def receive_return(refund_id: str, *, note: str | None, merchant: str, domain: str | None) -> RefundView:
    """The merchant has the returned goods: AWAITING_RETURN -> PROCESSING and the units back on
    sale, in one transaction; then the money is submitted to WeChat Pay. Receiving twice changes
    nothing."""
    from shop.adapters.wechat import pay

    pay.prefetch()
    order, refund = _load(refund_id)
    if refund["status"] == "AWAITING_RETURN":
        epoch = now_epoch()
        now = iso_from_epoch(epoch)
        actions = [{"Update": {
            "TableName": db.table(), "Key": refund_key(order["order_id"], refund_id),
            "UpdateExpression": "SET #s = :processing, returned_at = :now, received_by = :m, restock = :true, gsi1pk = :queue, "
                                "merchant_note = if_not_exists(merchant_note, :note), due_shard = :shard, due_at = :due",
            "ConditionExpression": "#s = :awaiting",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":processing": {"S": "PROCESSING"}, ":awaiting": {"S": "AWAITING_RETURN"},
                                          ":queue": queue_value("PROCESSING"),
                                          ":now": {"S": now}, ":m": {"S": merchant}, ":true": {"BOOL": True},
                                          ":note": db.to_value(note), **_due(refund_id, epoch + SUBMIT_GRACE)},
        }}, *orders.sku_adds(refund.get("lines", []), "stock"),
            *ledger.line_entries(refund.get("lines", []), 1, "return", refund_id),
            _audit(refund, merchant=merchant, verb="receive_return", to="PROCESSING", note=note)]
        if db.transact(actions):
            metrics.add_metric(name="ReturnReceived", unit=MetricUnit.Count, value=1)
            refund = {**refund, "status": "PROCESSING", "returned_at": now, "restock": True}
            refund = submit(order, refund, domain=domain)
            return orders.refund_view(refund)
        order, refund = _load(refund_id)
    if refund.get("returned_at"):
        return orders.refund_view(refund)
    raise Conflict("这笔退款不是等待退货的状态。", code="refund_not_awaiting_return", details={"status": refund["status"]})


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
            extra: dict[str, Any], also: list[dict[str, Any]] | None = None) -> bool:
    """Move a refund to a final state and adjust its order, in one transaction (with ``also``: a
    merchant's decision brings its audit entry)."""
    now = iso_from_epoch(now_epoch())
    names = {"#s": "status"}
    values: dict[str, Any] = {":to": {"S": to}, ":now": {"S": now}, ":queue": queue_value(to)}
    values.update({f":e{n}": {"S": s} for n, s in enumerate(expected)})
    refund_update = {
        "TableName": db.table(), "Key": refund_key(order["order_id"], refund["refund_id"]),
        "UpdateExpression": "SET #s = :to, settled_at = :now, gsi1pk = :queue" + "".join(f", {k} = :x_{k}" for k in extra)
                            + " REMOVE due_shard, due_at, next_attempt_at",
        "ConditionExpression": "#s IN (" + ", ".join(f":e{n}" for n in range(len(expected))) + ")",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {**values, **{f":x_{k}": db.to_value(v) for k, v in extra.items()}},
    }
    actions: list[dict[str, Any]] = [{"Update": refund_update}, *(also or [])]
    if refund.get("stray"):  # a payment the order never counted: its refund does not touch the order
        return db.transact(actions)
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
        # ``sold`` counts units sold and kept: a refunded unit was not (sales ranks, 已售 N 件). The
        # units go back on sale only if they are here: refunded before shipping (a return was put
        # back when the merchant received it).
        restock = refund.get("restock", True) and not refund.get("returned_at")
        actions += orders.sku_moves(refund.get("lines", []), sold=-1, **({"stock": 1} if restock else {}))
        if restock:  # the units back on sale, in the stock ledger (docs/catalog.md)
            actions += ledger.line_entries(refund.get("lines", []), 1, "refund", refund["refund_id"])
    elif to in ("CLOSED", "REJECTED") and refund.get("lines") is not None and refund.get("requested_by") in ("user", "merchant"):
        update, order_values = _restore_lines(order, refund)
        order_values[":v"] = {"N": str(order["version"])}
        actions.append({"Update": {"TableName": db.table(), "Key": orders.order_key(order["order_id"]),
                                   "UpdateExpression": update, "ConditionExpression": "version = :v",
                                   "ExpressionAttributeValues": order_values,
                                   "ExpressionAttributeNames": {"#lines": "lines"}}})
    return db.transact(actions)


def _settle(refund_id: str, *, to: str, expected: tuple[str, ...], extra: dict[str, Any],
            merchant: str | None = None) -> tuple[str, dict[str, Any]]:
    """Apply a final state, retrying when the order changed meanwhile (its version moved). Returns
    the outcome and the refund as it now is. ``merchant``: a staff decision, audited with it."""
    for _ in range(5):
        order, refund = _load(refund_id)
        if refund["status"] == to:
            return "duplicate", refund
        if refund["status"] not in expected:
            return "ignored", refund
        also = [_audit(refund, merchant=merchant, verb="reject", to=to, note=extra.get("merchant_note"))] if merchant else None
        if _finish(order, refund, to=to, expected=expected, extra=extra, also=also):
            return "applied", {**refund, **extra, "status": to, "settled_at": iso_from_epoch(now_epoch())}
    raise Conflict("订单正在变化，请稍后重试。", code="order_changed")


def reject(refund_id: str, *, note: str | None, merchant: str) -> RefundView:
    outcome, refund = _settle(refund_id, to="REJECTED", expected=("REQUESTED", "AWAITING_RETURN"),
                              extra={"merchant_note": note, "decided_by": merchant}, merchant=merchant)
    if outcome == "ignored":
        raise Conflict("这笔退款已处理过。", code="refund_not_pending", details={"status": refund["status"]})
    return orders.refund_view(refund)


# ---------------------------------------------------------------- WeChat Pay

# WeChat Pay's refund refusals that say "not now" rather than "never": the merchant's available
# balance is short (NOT_ENOUGH: routine for a small merchant whose takings are not yet settled), too
# many calls (FREQUENCY_LIMITED), or a fault on its side (SYSTEM_ERROR, a 5xx, unreachable). Such a
# refund stays PROCESSING and the order timers submit it again, with the same out_refund_no, after
# RETRY_DELAYS (then every hour) until REFUND_RETRY_HOURS have passed; then it is ABNORMAL for the
# merchant. Every other refusal is final at once: ABNORMAL, with the code, for the merchant to retry.
RETRYABLE_REFUSALS = frozenset({"NOT_ENOUGH", "FREQUENCY_LIMITED", "SYSTEM_ERROR"})
RETRY_DELAYS = (60, 120, 300, 600, 1800)
RETRY_EVERY = 3600
# A submitted refund that no notification settles within this long is asked about (query_refund).
CONFIRM_AFTER = 600
# A PROCESSING refund not yet submitted (the function stopped between deciding and calling WeChat
# Pay) is submitted by the timers this long after it was decided.
SUBMIT_GRACE = 120


def _due(refund_id: str, at: int) -> dict[str, Any]:
    return {":shard": {"S": orders.due_shard(refund_id)}, ":due": {"N": str(at)}}


def retry_delay(attempts: int) -> int:
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else RETRY_EVERY


def submit(order: dict[str, Any], refund: dict[str, Any], *, domain: str | None) -> dict[str, Any]:
    """Send the refund to WeChat Pay (the same out_refund_no every time) and note that it was; a
    refusal worth retrying schedules the next attempt, any other makes it ABNORMAL."""
    from shop.core.errors import ServiceUnavailable, UpstreamError
    from shop.adapters.wechat.pay import PayApiError, WeChatPay

    refund_id = refund["refund_id"]
    if refund["amount"] == 0:  # a 0-fen order (shop.buying.orders: settled without WeChat Pay): nothing to send
        return _settle(refund_id, to="SUCCEEDED", expected=("PROCESSING",), extra={"wechat_refund_id": None})[1]
    try:
        answer = WeChatPay().refund(
            out_trade_no=order["order_id"], out_refund_no=refund_id, refund=refund["amount"],
            total=refund.get("total", order["payable"]), reason=refund["reason"][:80],
            notify_url=orders.notify_url(domain), transaction_id=refund.get("transaction_id"),
        )
    except (PayApiError, ServiceUnavailable, UpstreamError) as exc:
        code = exc.code if isinstance(exc, PayApiError) else "SYSTEM_ERROR"
        return _refused(order, refund, code)
    now = now_epoch()
    # Conditional: WeChat Pay's notification may settle the refund between the call and this write,
    # and a settled refund must not get a timer back.
    db.update_if(
        Key=refund_key(order["order_id"], refund_id),
        UpdateExpression="SET submitted = :true, wechat_refund_id = :rid, submitted_at = :now, "
                         "due_shard = :shard, due_at = :due, recon_day = :rday, recon_sk = :rsk REMOVE next_attempt_at",
        ConditionExpression="#s = :processing",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":true": {"BOOL": True}, ":rid": db.to_value(answer.get("refund_id")),
                                   ":now": {"S": iso_from_epoch(now)}, ":processing": {"S": "PROCESSING"},
                                   **_due(refund_id, now + CONFIRM_AFTER), **_recon_day(refund_id)},
    )
    return {**refund, "submitted": True}


def _recon_day(refund_id: str) -> dict[str, Any]:
    """The day WeChat Pay accepted the refund, as its bill dates refunds (shop.buying.reconciliation)."""
    from shop.buying import reconciliation

    return reconciliation.refund_index_values(refund_id)


def _refused(order: dict[str, Any], refund: dict[str, Any], code: str) -> dict[str, Any]:
    refund_id = refund["refund_id"]
    attempts = int(refund.get("attempts", 0)) + 1
    first = int(refund.get("first_failed_at") or now_epoch())
    now = now_epoch()
    metrics.add_metric(name="RefundRefused", unit=MetricUnit.Count, value=1)
    if code in RETRYABLE_REFUSALS and now - first < setting_int("REFUND_RETRY_HOURS") * 3600:
        at = now + retry_delay(attempts)
        logger.warning("WeChat Pay refused a refund for now; retrying later",
                       extra={"refund_id": refund_id, "code": code, "attempts": attempts})
        db.update_if(
            Key=refund_key(order["order_id"], refund_id),
            UpdateExpression="SET failure = :code, attempts = :n, first_failed_at = :first, next_attempt_at = :at, "
                             "due_shard = :shard, due_at = :due",
            ConditionExpression="#s = :processing AND attribute_not_exists(submitted)",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":code": {"S": code}, ":n": {"N": str(attempts)}, ":first": {"N": str(first)},
                                       ":at": {"S": iso_from_epoch(at)}, ":processing": {"S": "PROCESSING"},
                                       **_due(refund_id, at)},
        )
        return {**refund, "failure": code, "attempts": attempts, "next_attempt_at": iso_from_epoch(at)}
    logger.error("WeChat Pay refused a refund", extra={"refund_id": refund_id, "code": code, "attempts": attempts})
    return _settle(refund_id, to="ABNORMAL", expected=("PROCESSING",),
                   extra={"failure": code, "attempts": attempts})[1]


def follow_up(refund: dict[str, Any], *, domain: str | None = None) -> str:
    """The timers' part: a PROCESSING refund whose timer is due is submitted (again), or, once
    submitted, asked about and settled from WeChat Pay's answer. Returns what was done."""
    from shop.adapters.wechat.pay import PayApiError, WeChatPay

    order, current = _load(refund["refund_id"])
    if current["status"] != "PROCESSING":
        return "settled"
    if not current.get("submitted"):
        after = submit(order, current, domain=domain)
        return "submitted" if after.get("submitted") else ("retrying" if after["status"] == "PROCESSING" else "refused")
    try:
        answer = WeChatPay().query_refund(current["refund_id"])
    except PayApiError as exc:
        if exc.code == "RESOURCE_NOT_EXISTS":  # the call that was noted never reached WeChat Pay
            db.update_if(Key=refund_key(order["order_id"], current["refund_id"]), UpdateExpression="REMOVE submitted",
                         ConditionExpression="#s = :processing", ExpressionAttributeNames={"#s": "status"},
                         ExpressionAttributeValues={":processing": {"S": "PROCESSING"}})
            return "resubmit"
        raise
    to = STATUS_OF.get(str(answer.get("status")))
    if to is None:  # still PROCESSING at WeChat Pay: ask again later
        db.update_if(Key=refund_key(order["order_id"], current["refund_id"]), UpdateExpression="SET due_at = :due",
                     ConditionExpression="#s = :processing", ExpressionAttributeNames={"#s": "status"},
                     ExpressionAttributeValues={":processing": {"S": "PROCESSING"},
                                                ":due": {"N": str(now_epoch() + CONFIRM_AFTER)}})
        return "waiting"
    outcome, _ = _settle(current["refund_id"], to=to, expected=("PROCESSING",),
                         extra={"wechat_refund_id": answer.get("refund_id")})
    return "queried"


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
        "created_at": now, "created_ns": (ns := time.time_ns()), **queue_keys(refund_id, "PROCESSING", ns),
        "due_shard": orders.due_shard(refund_id), "due_at": now_epoch() + SUBMIT_GRACE,
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


def refund_stray_payment(order: dict[str, Any], t: dict[str, Any], *, reason: str, domain: str | None) -> str:
    """Refund, in full and automatically, a payment the order cannot take: a second payment of a
    paid order, or one whose amount or app does not match. The refund names the transaction (not
    the order) and its id follows from the transaction's, so however often the payment is reported
    it is refunded once. It is kept apart from the order's own refunds (``stray``)."""
    import hashlib

    order_id, txn = order["order_id"], t["transaction_id"]
    refund_id = f"{order_id}-p{hashlib.sha256(txn.encode()).hexdigest()[:12]}"
    total = int((t.get("amount") or {}).get("total") or 0)
    refund = {
        "PK": f"ORDER#{order_id}", "SK": f"REFUND#{refund_id}", "type": "refund", "refund_id": refund_id,
        "order_id": order_id, "user_id": order["user_id"], "status": "PROCESSING", "amount": total, "total": total,
        "transaction_id": txn, "stray": True, "freight": 0, "lines": [], "reason": reason, "requested_by": "system",
        "restock": False, "created_at": iso_from_epoch(now_epoch()), "created_ns": (ns := time.time_ns()),
        **queue_keys(refund_id, "PROCESSING", ns),
        "due_shard": orders.due_shard(refund_id), "due_at": now_epoch() + SUBMIT_GRACE,
    }
    if total <= 0:
        return refund_id
    try:
        db.client().put_item(TableName=db.table(), Item=db.to_item(refund), ConditionExpression="attribute_not_exists(PK)")
        metrics.add_metric(name="StrayPaymentRefunded", unit=MetricUnit.Count, value=1)
        logger.warning("refunding a payment the order cannot take", extra={"order_id": order_id, "refund_id": refund_id})
    except Exception as exc:
        if not db.is_condition_failure(exc):
            raise
    order_now, refunds = orders.load_with_children(order_id)
    current = next((r for r in refunds if r["refund_id"] == refund_id), None)
    if order_now is not None and current is not None and current["status"] == "PROCESSING" and not current.get("submitted"):
        submit(order_now, current, domain=domain)
    return refund_id


STATUS_OF = {"SUCCESS": "SUCCEEDED", "ABNORMAL": "ABNORMAL", "CLOSED": "CLOSED"}


def apply_notification(r: dict[str, Any]) -> str:
    """Settle a refund from a REFUND.* notification's decrypted resource."""
    from shop.buying import payment_events

    refund_id = str(r.get("out_refund_no") or "")
    if r.get("mchid") != credential("wechatpay_mch_id"):
        payment_events.record(refund_id or "-", "refund_mismatch", {"mchid": r.get("mchid")})
        return payment_events.MISMATCH
    to = STATUS_OF.get(str(r.get("refund_status")))
    try:
        order, refund = _load(refund_id)
    except NotFound:
        payment_events.record(refund_id or "-", "unknown_refund", {"refund_status": r.get("refund_status")})
        return payment_events.UNKNOWN
    amount = r.get("amount") or {}
    if (to is None or amount.get("refund") != refund["amount"] or r.get("out_trade_no") != order["order_id"]
            or amount.get("total") != refund.get("total", order["payable"])):
        payment_events.record(refund_id, "refund_mismatch", {
            "refund_status": r.get("refund_status"), "amount": amount.get("refund"), "total": amount.get("total"),
            "out_trade_no": r.get("out_trade_no")})
        return payment_events.MISMATCH
    expected = ("PROCESSING",) if to == "ABNORMAL" else ("PROCESSING", "ABNORMAL")
    outcome, _ = _settle(refund_id, to=to, expected=expected, extra={"wechat_refund_id": r.get("refund_id")})
    if outcome == "applied":
        metrics.add_metric(name=f"Refund{to.title()}", unit=MetricUnit.Count, value=1)
    return outcome
