"""Applying WeChat Pay's word about a payment to an order, exactly once, whoever brings it: a
notification (POST /pay/notify, possibly late, repeated or concurrent) or the buyer's
POST /orders/{id}/sync, which asks WeChat Pay directly.

The transition PENDING_PAYMENT -> PAID, the payment's record and the stock commitment (each SKU's
``sold`` count) are one transaction conditional on the order still being pending and on the amount
paid being the amount due, so however many times and however concurrently the same payment
arrives, it is applied once; every repeat finds it applied and changes nothing.

What is never silently accepted:
- a payment for an order we do not know: recorded, answered as a failure so WeChat keeps retrying;
- a payment whose merchant, app or amount does not match the order: recorded, a metric fires, the
  order is not marked paid;
- a payment for an order already cancelled (timed out, stock released): recorded, and a full refund
  of it starts automatically; the buyer sees ``late_payment`` on the order.

Records: PK=ORDER#<id> SK=PAYMENT#<transaction id> for applied payments; PK=PAYEVENT#<out_trade_no>
SK=<kind>#<time>#<nonce> for anything that needs a human's attention.
"""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.buying import orders, reconciliation
from shop.adapters.clock import iso_from_epoch, now_epoch
from shop.adapters.config import credential, setting
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.buying.payment_events import (  # the outcomes of applying a payment or a refund notification
    DUPLICATE,
    LATE,
    MISMATCH,
    NOT_PAID,
    PAID,
    UNKNOWN,
    record,
)



def _summary(t: dict[str, Any]) -> dict[str, Any]:
    amount = t.get("amount") or {}
    return {
        "transaction_id": t.get("transaction_id"), "trade_state": t.get("trade_state"),
        "mchid": t.get("mchid"), "appid": t.get("appid"), "total": amount.get("total"),
        "currency": amount.get("currency"), "success_time": t.get("success_time"),
    }


def mark_paid(order: dict[str, Any], t: dict[str, Any]) -> bool:
    order_id, txn = order["order_id"], t["transaction_id"]
    now = now_epoch()
    actions: list[dict[str, Any]] = [
        {"Update": {
            "TableName": db.table(), "Key": orders.order_key(order_id),
            "UpdateExpression": "SET #s = :paid, paid_at = :when, transaction_id = :txn, gsi2pk = :g2, "
                                "version = version + :one REMOVE due_shard, due_at",
            "ConditionExpression": "#s = :pending AND payable = :total",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {
                ":paid": {"S": "PAID"}, ":pending": {"S": orders.PENDING}, ":when": {"S": iso_from_epoch(now)},
                ":txn": {"S": txn}, ":total": {"N": str(t["amount"]["total"])}, ":one": {"N": "1"},
                ":g2": {"S": f"USER#{order['user_id']}#ORDERS#PAID"},
            },
        }},
        {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": db.to_item({
            "PK": f"ORDER#{order_id}", "SK": f"PAYMENT#{txn}", "type": "payment", "applied_at": iso_from_epoch(now),
            **_summary(t), **reconciliation.payment_index(t),  # the day's payments for reconciliation
        })}},
    ]
    # the buyer has paid for an order now: no longer a new customer, one unpaid order fewer
    counted = ", open_unpaid = open_unpaid - :one" if order.get("counts_open") else ""
    actions.append({"Update": {
        "TableName": db.table(), "Key": orders.profile_key(order["user_id"]),
        "UpdateExpression": "SET paid_orders = if_not_exists(paid_orders, :zero) + :one, "
                            "first_paid_at = if_not_exists(first_paid_at, :when)" + counted,
        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":when": {"S": iso_from_epoch(now)}},
    }})
    actions += orders.sku_adds(order["lines"], "sold") + orders.coupon_updates(order, to="used")
    if not db.transact(actions):
        return False
    metrics.add_metric(name="OrderPaid", unit=MetricUnit.Count, value=1)
    logger.info("order paid", extra={"order_id": order_id})
    return True


def apply_transaction(t: dict[str, Any], *, domain: str | None) -> str:
    """Apply a WeChat Pay transaction (decrypted notification resource or query answer)."""
    out_trade_no = str(t.get("out_trade_no") or "")
    if t.get("trade_state") != "SUCCESS":
        return NOT_PAID
    order = orders.load(out_trade_no) if out_trade_no.isalnum() else None
    if order is None:
        record(out_trade_no or "-", UNKNOWN, _summary(t))
        return UNKNOWN
    problems = []
    if t.get("mchid") != credential("wechatpay_mch_id"):
        problems.append("mchid")
    if t.get("appid") != setting("WECHAT_APP_ID"):
        problems.append("appid")
    amount = t.get("amount") or {}
    if amount.get("total") != order["payable"] or amount.get("currency", "CNY") != "CNY":
        problems.append("amount")
    if problems or not t.get("transaction_id"):
        record(out_trade_no, MISMATCH, {**_summary(t), "problems": problems or ["transaction_id"],
                                        "expected_total": order["payable"]})
        logger.error("payment does not match its order", extra={"order_id": out_trade_no, "problems": problems})
        if "mchid" not in problems and t.get("transaction_id"):  # our merchant account took it: give it back
            _refuse_payment(order, t, domain=domain)
        return MISMATCH
    txn = t["transaction_id"]
    if order["status"] == orders.PENDING:
        if mark_paid(order, t):
            return PAID
        order = orders.load(out_trade_no) or order  # lost a race (another copy, or the timeout): look again
    if txn in (order.get("transaction_id"), order.get("late_transaction_id")):
        if order.get("late_transaction_id") == txn:
            from shop.buying import refunds

            refunds.ensure_submitted(out_trade_no, domain=domain)
        return DUPLICATE
    if order["status"] == "CANCELLED" and not order.get("late_transaction_id"):
        from shop.buying import refunds

        refunds.refund_late_payment(order, t, domain=domain)
        return LATE
    record(out_trade_no, "second_payment", {**_summary(t), "order_status": order["status"]})
    from shop.buying import refunds

    refunds.refund_stray_payment(order, t, reason="重复支付，自动退款", domain=domain)
    return MISMATCH


def _refuse_payment(order: dict[str, Any], t: dict[str, Any], *, domain: str | None) -> None:
    """A payment of ours that the order cannot take (amount or app differ). The order's
    out_trade_no is spent at WeChat Pay, so it can never be paid as it is: a pending order becomes
    PAYMENT_EXCEPTION (stock and coupons released), and the payment is refunded in full."""
    from shop.buying import refunds

    if order["status"] == orders.PENDING:
        orders.cancel_pending(order, reason="payment_mismatch", at=now_epoch(), to=orders.EXCEPTION)
    refunds.refund_stray_payment(order, t, reason="支付金额与订单不符，自动退款", domain=domain)


def settle_paid_at_close(order: dict[str, Any], now: int) -> None:
    """The timeout found WeChat Pay's order paid (it refused to close it). Apply the payment as a
    notification would; if WeChat Pay's answer cannot be applied at all (already refunded there, or
    in a state that is not a payment), the order leaves the timers as PAYMENT_EXCEPTION instead of
    coming back every minute with its stock held."""
    from shop.adapters.wechat.pay import WeChatPay

    t = WeChatPay().query(order["order_id"])
    if apply_transaction(t, domain=None) == NOT_PAID:
        record(order["order_id"], "payment_not_applicable", _summary(t))
        orders.cancel_pending(order, reason="payment_not_applicable", at=now, to=orders.EXCEPTION)


def sync(order: dict[str, Any], *, domain: str | None = None) -> str:
    """Ask WeChat Pay about a pending order and apply the answer as a notification would be."""
    from shop.adapters.wechat.pay import PayApiError, WeChatPay

    try:
        t = WeChatPay().query(order["order_id"])
    except PayApiError as exc:
        if exc.code == "ORDER_NOT_EXIST":
            return NOT_PAID
        from shop.core.errors import UpstreamError

        logger.warning("WeChat Pay refused the order query", extra={"order_id": order["order_id"], "code": exc.code})
        raise UpstreamError("WeChat Pay refused the order query.", code="wechatpay_error",
                            details={"wechatpay_code": exc.code}) from None
    return apply_transaction(t, domain=domain)
