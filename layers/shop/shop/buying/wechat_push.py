"""What the shop does with WeChat's mini-program message pushes (verified by the push function,
shop.adapters.wechat.push).

- trade_manage_remind_shipping (an order unshipped for more than 48 h): recorded on the order
  (``shipping_reminder`` {at, msg, pay_time}, ``shipping_reminders`` counted) and, while the order is
  still unshipped, listed in GET /admin/shipping/issues (PK=ORDER#<id> SK=SHIP_REMINDER, due_shard
  SHIPREMIND) until it ships.
- trade_manage_order_settlement: WeChat sends it at shipment (with estimated_settlement_time) and at
  settlement (settlement_time, confirm_receive_time, confirm_receive_method); recorded as
  ``settlement_estimate`` and ``settlement`` on the order. confirm_receive_method is reported inverted
  by developers; the times are what count.
- anything else: logged and answered success (WeChat would retry a failure).

The order is found by merchant_trade_no (our order id is the out_trade_no) and must carry the same
transaction_id. Each push is applied once: a marker PK=WXPUSH#<sha256 of the message> SK=PUSH is put
(never overwritten, kept 7 days) in the same transaction as its effect, so a replay changes nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.buying import orders, shipments

KEEP_SECONDS = 7 * 86400


def _marker(digest: str, event: str, now: int, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": {
        "PK": {"S": f"WXPUSH#{digest}"}, "SK": {"S": "PUSH"}, **db.to_item({
            "type": "wechat_push", "event": event, "received_at": iso_from_epoch(now), "ttl": now + KEEP_SECONDS,
            **extra})}}}


def _time(value: Any) -> str | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return iso_from_epoch(seconds) if seconds > 0 else None


def apply(message: dict[str, Any], raw: bytes) -> str:
    """Apply one verified push; the outcome (applied, repeat, unknown_order, ignored) for the log."""
    event = str(message.get("Event") or message.get("MsgType") or "")
    digest = hashlib.sha256(raw).hexdigest()[:40]
    now = now_epoch()
    if event not in ("trade_manage_remind_shipping", "trade_manage_order_settlement"):
        logger.info("wechat push ignored", extra={"event": event})
        metrics.add_metric(name="WeChatPushIgnored", unit=MetricUnit.Count, value=1)
        return "ignored"
    order_id, txn = str(message.get("merchant_trade_no") or ""), str(message.get("transaction_id") or "")
    if not orders.ORDER_ID_RE.fullmatch(order_id):
        return _unmatched(digest, event, now, order_id)
    condition = "attribute_exists(PK) AND transaction_id = :txn"
    values: dict[str, Any] = {":txn": {"S": txn}}
    extra: list[dict[str, Any]] = []
    if event == "trade_manage_remind_shipping":
        reminder = {"at": iso_from_epoch(now), "msg": str(message.get("msg") or "")[:200],
                    "pay_time": _time(message.get("pay_time"))}
        update = "SET shipping_reminder = :r ADD shipping_reminders :one"
        values.update({":r": db.to_value(reminder), ":one": {"N": "1"}})
        extra = [{"Put": {"TableName": db.table(), "Item": {**shipments.reminder_key(order_id), **db.to_item({
            "type": "ship_reminder", "order_id": order_id, "due_shard": shipments.REMIND_SHARD, "due_at": now,
            "msg": reminder["msg"] or "微信提醒：订单超过 48 小时未发货"})}}}]
    else:
        settled = _time(message.get("settlement_time"))
        record = {"shipped_at": _time(message.get("shipped_time")), "received_at": iso_from_epoch(now)}
        if settled:
            record.update(settled_at=settled, confirm_receive_at=_time(message.get("confirm_receive_time")),
                          confirm_receive_method=message.get("confirm_receive_method"))
            update = "SET settlement = :s"
        else:
            record["estimated_settlement_at"] = _time(message.get("estimated_settlement_time"))
            update = "SET settlement_estimate = :s"
        values[":s"] = db.to_value(record)
    order_action = {"Update": {"TableName": db.table(), "Key": orders.order_key(order_id), "UpdateExpression": update,
                               "ConditionExpression": condition, "ExpressionAttributeValues": values}}
    marker = _marker(digest, event, now, order_id=order_id)
    if event == "trade_manage_remind_shipping":
        # listed for the merchant only while the order is still unshipped
        still_paid = {**order_action["Update"], "ConditionExpression": condition + " AND #s = :paid",
                      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {**values, ":paid": {"S": "PAID"}}}
        reasons = db.transact_reasons([marker, {"Update": still_paid}, *extra])
        if reasons is None:
            return _applied(event, order_id)
        if reasons[0] == "ConditionalCheckFailed":
            return "repeat"
    reasons = db.transact_reasons([marker, order_action])
    if reasons is None:
        return _applied(event, order_id)
    if reasons[0] == "ConditionalCheckFailed":
        return "repeat"
    return _unmatched(digest, event, now, order_id)


def _applied(event: str, order_id: str) -> str:
    logger.info("wechat push applied", extra={"event": event, "order_id": order_id})
    metrics.add_metric(name="WeChatPushApplied", unit=MetricUnit.Count, value=1)
    return "applied"


def _unmatched(digest: str, event: str, now: int, order_id: str) -> str:
    logger.warning("wechat push for an unknown order", extra={"event": event, "order_id": order_id})
    if db.transact_reasons([_marker(digest, event, now, order_id=order_id, unmatched=True)]) is not None:
        return "repeat"
    return "unknown_order"
