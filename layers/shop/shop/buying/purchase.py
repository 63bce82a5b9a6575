"""Placing, paying for, cancelling and expiring orders: the order actions that call WeChat Pay.

Placing an order (create) prices the request (buying.checkout), then writes the order, the stock
it reserves, the coupons it locks and the buyer's counters in one transaction (the rules are in
buying.orders' docstring and docs/orders.md), then prepays it. A 0-fen order is settled at once
through buying.payments, the same PAID transition a payment takes. Cancelling (the buyer) and
expiring (the payment deadline, buying's timers) close WeChat Pay's order first, so a payment that
arrives in the meantime is applied instead of lost.

This module sits above orders and payments (payments never calls back into it), which keeps the
buying package free of import cycles.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, iso_from_epoch, now_epoch
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.buying.models.orders import CreatedOrder, Order, PaymentParams
from shop.buying.orders import (
    PENDING,
    cancel_pending,
    due_shard,
    load,
    not_found,
    notify_url,
    order_id_for,
    owned,
    status_keys,
    view,
)
from shop.catalog.skus import sku_key
from shop.core.errors import Conflict, InvalidRequest, ServiceUnavailable, Unauthorized
from shop.core.profile import ACTIVE, BLOCKED_AT, account_blocked, profile_key

if TYPE_CHECKING:  # placing an order imports it when it runs; the other order functions never need it
    from shop.buying.models.checkout import CheckoutRequest


def request_hash(request: CheckoutRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _wechat_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(SHANGHAI).isoformat()


def create(user_id: str, request: CheckoutRequest, idempotency_key: str, *, domain: str | None) -> tuple[CreatedOrder, bool]:
    """Place an order; returns it with its payment parameters, and whether it was created now (False
    for a replay of the same Idempotency-Key)."""
    from shop.buying import checkout  # pricing: only placing an order needs it
    from shop.adapters.wechat import pay

    pay.prefetch()
    order_id = order_id_for(user_id, idempotency_key)
    digest = request_hash(request)
    data = checkout.load(user_id, request, with_profile=True, with_held=request.best_coupons)
    quote = checkout.quote(request, data)
    if not quote.orderable:
        existing = load(order_id)  # a replay after the stock ran out still returns the order it made
        if existing is not None:
            return _replay(user_id, existing, digest, domain), False
        stock = [p for p in quote.problems if p.code in ("out_of_stock", "insufficient_stock")]
        first = (stock or quote.problems)[0]  # the code of the first problem, stock first; all in details
        raise Conflict(first.message, code=first.code,
                       details={"problems": [p.model_dump(exclude_none=True) for p in quote.problems]})
    if data.profile is None or not data.profile.get("openid"):
        raise Unauthorized("The account no longer exists; log in again.", code="invalid_token")
    if data.profile.get(BLOCKED_AT):
        raise account_blocked()
    rules = data.rules or checkout.shop_settings.defaults()  # the shop's settings, read with the checkout's items
    cap = rules.max_open_unpaid
    if int(data.profile.get("open_unpaid", 0)) >= cap:
        existing = load(order_id)
        if existing is not None:
            return _replay(user_id, existing, digest, domain), False
        raise _open_orders_limit(cap)

    now = now_epoch()
    created_at = iso_from_epoch(now)
    deadline = now + rules.payment_timeout_seconds
    lines = [
        {
            "sku_id": line.sku_id, "product_id": line.product_id, "title": line.title, "specs": line.specs,
            "image_url": line.image_url, "unit_price": line.unit_price, "quantity": line.quantity,
            "amount": line.amount, "discount": line.discount, "refundable": line.quantity,
            "refundable_amount": line.amount - line.discount,
        }
        for line in quote.lines
    ]
    item = {
        "PK": f"ORDER#{order_id}", "SK": "ORDER", "type": "order",
        "order_id": order_id, "user_id": user_id, "openid": data.profile["openid"],
        "status": PENDING, "lines": lines,
        "goods_total": quote.goods_total, "freight": quote.freight, "discount": quote.discount,
        "payable": quote.payable, "coupon_ids": quote.applied_coupon_ids or None, "refunded_total": 0,
        "delivery": request.delivery,
        "address": quote.address.model_dump() if quote.address else None,
        "pickup_store": quote.pickup_store.model_dump(mode="json", exclude_none=True) if quote.pickup_store else None,
        "remark": request.remark, "created_at": created_at, "deadline_at": deadline,
        "request_hash": digest, "version": 1, "counts_open": True,
        **status_keys(user_id, PENDING, time.time_ns() // 1_000_000, order_id,
                      address=quote.address.model_dump() if quote.address else None),
        "due_shard": due_shard(order_id), "due_at": deadline,
    }
    if item["pickup_store"]:
        for coordinate in ("latitude", "longitude"):
            if coordinate in item["pickup_store"]:
                item["pickup_store"][coordinate] = str(item["pickup_store"][coordinate])
    actions: list[dict[str, Any]] = [
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}}
    ]
    for line in quote.lines:
        actions.append({"Update": {
            "TableName": db.table(), "Key": sku_key(line.sku_id),
            "UpdateExpression": "SET stock = stock - :q",
            "ConditionExpression": "stock >= :q AND product_status = :on_sale AND price = :price",
            "ExpressionAttributeValues": {":q": {"N": str(line.quantity)}, ":on_sale": {"S": "on_sale"},
                                          ":price": {"N": str(line.unit_price)}},
        }})
    from shop.growth import coupons

    for coupon_id in quote.applied_coupon_ids:  # a coupon is in at most one live order
        actions.append({"Update": {
            "TableName": db.table(), "Key": coupons.coupon_key(user_id, coupon_id),
            "UpdateExpression": "SET #s = :locked, order_id = :order REMOVE gsi1pk, gsi1sk",
            "ConditionExpression": "#s = :available AND valid_until > :now",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":locked": {"S": "locked"}, ":available": {"S": "available"},
                                          ":order": {"S": order_id}, ":now": {"N": str(now)}},
        }})
    # The buyer's open unpaid orders, held by the transaction (a count read beforehand could be
    # beaten by concurrent orders): at most ORDER_MAX_OPEN_UNPAID at once; and the account not
    # blocked meanwhile.
    actions.append({"Update": {
        "TableName": db.table(), "Key": profile_key(user_id),
        "UpdateExpression": "SET open_unpaid = if_not_exists(open_unpaid, :zero) + :one",
        "ConditionExpression": f"{ACTIVE} AND (attribute_not_exists(open_unpaid) OR open_unpaid < :cap)",
        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":cap": {"N": str(cap)}},
    }})
    limited = [(line, int(data.skus[line.sku_id]["limit_per_buyer"])) for line in quote.lines
               if (data.skus.get(line.sku_id) or {}).get("limit_per_buyer") is not None]
    for line, limit in limited:  # 限购: the units the buyer holds in orders, per SKU
        actions.append({"Update": {
            "TableName": db.table(), "Key": checkout.bought_key(user_id, line.sku_id),
            "UpdateExpression": "ADD units :q",
            "ConditionExpression": "attribute_not_exists(units) OR units <= :room",
            "ExpressionAttributeValues": {":q": {"N": str(line.quantity)}, ":room": {"N": str(limit - line.quantity)}},
        }})
    if limited:
        item["limited_skus"] = [line.sku_id for line, _ in limited]
        actions[0]["Put"]["Item"] = db.to_item(item)
    in_cart = [line.sku_id for line in quote.lines if line.sku_id in (data.cart_skus or set())]
    if in_cart and len(actions) < 100:  # what was ordered leaves the cart, with the order
        actions.append({"Update": {
            "TableName": db.table(), "Key": checkout.cart_key(user_id),
            "UpdateExpression": "REMOVE " + ", ".join(f"#l.#s{n}" for n in range(len(in_cart))),
            "ExpressionAttributeNames": {"#l": "lines", **{f"#s{n}": sku for n, sku in enumerate(in_cart)}},
        }})
    from shop.catalog import ledger  # the stock ledger records each reservation (docs/catalog.md)

    actions += ledger.line_entries(lines, -1, "order", order_id)
    if len(actions) > 100:  # DynamoDB's limit on one transaction
        raise Conflict("这一单的限购商品太多，请分开下单。", code="order_too_large")
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            existing = load(order_id)
            if existing is not None:
                return _replay(user_id, existing, digest, domain), False
        lines_end = 1 + len(request.items)
        coupons_end = lines_end + len(quote.applied_coupon_ids)
        failed_at = [i for i, r in enumerate(reasons) if r == "ConditionalCheckFailed"]
        lost = [quote.applied_coupon_ids[i - lines_end] for i in failed_at if lines_end <= i < coupons_end]
        if lost:
            raise Conflict("优惠券已不可用（被另一笔订单占用或已过期），本单未预留任何库存。",
                           code="coupon_unavailable", details={"coupon_ids": lost})
        failed = [request.items[i - 1].sku_id for i in failed_at if 0 < i < lines_end]
        if failed:
            metrics.add_metric(name="OrderStockConflict", unit=MetricUnit.Count, value=1)
            sku = data.skus.get(failed[0])
            name = checkout.sku_label(sku) if sku else failed[0]
            raise Conflict(f"{name}库存不足或已变更，本单未预留任何库存。", code="out_of_stock", details={"sku_ids": failed})
        if coupons_end in failed_at:
            if (load_profile(user_id) or {}).get(BLOCKED_AT):
                raise account_blocked()
            raise _open_orders_limit(cap)
        over = [limited[i - coupons_end - 1][0].sku_id for i in failed_at if i > coupons_end]
        if over:
            raise Conflict("超出每人限购数量，本单未预留任何库存。", code="buyer_limit_reached", details={"sku_ids": over})
        raise db.TransactionFailed(reasons)
    metrics.add_metric(name="OrderCreated", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="OrderValue", unit=MetricUnit.Count, value=quote.payable)
    logger.info("order created", extra={"order_id": order_id, "payable": quote.payable, "lines": len(lines)})
    if quote.payable == 0:
        return CreatedOrder(order=view(settle_free(item)), payment=None), True
    return CreatedOrder(order=view(item), payment=_payment_or_none(item, domain)), True


def settle_free(item: dict[str, Any]) -> dict[str, Any]:
    """A 0-fen order (coupons cover everything, no freight): WeChat Pay takes no payment of 0, so
    it is PAID at once through the same transition a payment takes (stock committed, coupons used,
    the buyer's paid orders counted), with a payment record of 0 that names no WeChat transaction."""
    from shop.buying import payments

    payments.mark_paid(item, {"transaction_id": f"free-{item['order_id']}", "trade_state": "SUCCESS",
                              "amount": {"total": 0, "currency": "CNY"}})
    return load(item["order_id"]) or item


def load_profile(user_id: str) -> dict[str, Any] | None:
    """The buyer's profile, read consistently (only to explain a refused order transaction)."""
    raw = db.client().get_item(TableName=db.table(), Key=profile_key(user_id), ConsistentRead=True).get("Item")
    return db.from_item(raw) if raw else None


def _open_orders_limit(cap: int) -> Conflict:
    return Conflict(f"您有 {cap} 笔待支付订单，请先支付或取消后再下单。", code="open_orders_limit", details={"limit": cap})


def _replay(user_id: str, existing: dict[str, Any], digest: str, domain: str | None) -> CreatedOrder:
    if existing["user_id"] != user_id:  # cannot happen: the id includes the buyer  # pragma: no cover
        raise not_found()
    if existing["request_hash"] != digest:
        raise Conflict("这个 Idempotency-Key 已用于另一笔订单，请换一个新的。",
                       code="idempotency_key_reused")
    if existing["status"] == PENDING and existing["payable"] == 0:  # a 0-fen order whose settling stopped half-way
        return CreatedOrder(order=view(settle_free(existing)), payment=None)
    payment = _payment_or_none(existing, domain) if existing["status"] == PENDING else None
    return CreatedOrder(order=view(existing), payment=payment)


def _description(item: dict[str, Any]) -> str:
    first = item["lines"][0]["title"]
    count = sum(line["quantity"] for line in item["lines"])
    text = first if count == 1 else f"{first} 等{count}件"
    return text[:120]


def payment_params(item: dict[str, Any], domain: str | None) -> PaymentParams:
    """Prepay (again: WeChat Pay answers the same prepay for the same order) and sign for
    wx.requestPayment."""
    from shop.adapters.wechat.pay import WeChatPay

    pay = WeChatPay()
    prepay_id = pay.jsapi_prepay(
        out_trade_no=item["order_id"], description=_description(item), total=item["payable"],
        openid=item["openid"], notify_url=notify_url(domain), time_expire=_wechat_time(item["deadline_at"]),
    )
    return PaymentParams(**pay.payment_params(prepay_id))


def _payment_or_none(item: dict[str, Any], domain: str | None) -> PaymentParams | None:
    """Prepay for a just-created order. The order and its reservation are written: whatever goes
    wrong here (WeChat Pay down or refusing, a value it would not take) must not turn that into a
    500; the order waits for POST /orders/{id}/pay, and its timer releases it if nobody pays."""
    try:
        return payment_params(item, domain)
    except Exception as exc:  # noqa: BLE001 - see above; logged and counted
        logger.warning("prepay failed; the order waits for POST /orders/{id}/pay",
                       extra={"order_id": item["order_id"], "error": getattr(exc, "code", type(exc).__name__)})
        metrics.add_metric(name="PrepayFailed", unit=MetricUnit.Count, value=1)
        return None


def pay(user_id: str, order_id: str, domain: str | None) -> PaymentParams:
    from shop.adapters.wechat import pay as wechatpay

    wechatpay.prefetch()
    item = owned(user_id, order_id)
    if item["status"] != PENDING:
        raise Conflict("该订单不是待支付状态。", code="order_not_payable",
                       details={"status": item["status"]})
    if item["deadline_at"] <= now_epoch():
        raise Conflict("订单已超过支付时限。", code="order_not_payable", details={"status": "EXPIRED"})
    from shop.adapters.wechat.pay import PayApiError

    try:
        return payment_params(item, domain)
    except PayApiError as exc:
        if exc.code == "ORDERPAID":
            raise Conflict("该订单已支付。", code="order_already_paid") from None
        raise Conflict("微信支付拒绝了这次支付请求。", code="prepay_refused",
                       details={"wechatpay_code": exc.code}) from None


def _close_wechat_order(order_id: str, *, strict: bool = True) -> str:
    """Close the WeChat Pay order: 'closed', 'paid' (too late: it was paid) or 'unknown'. Not
    ``strict``: WeChat Pay being unreachable is 'unknown' instead of a 503."""
    from shop.adapters.wechat.pay import PayApiError, WeChatPay

    try:
        WeChatPay().close(order_id)
    except ServiceUnavailable:
        if strict:
            raise
        return "unknown"
    except PayApiError as exc:
        if exc.code == "ORDERPAID":
            return "paid"
        if exc.code in ("ORDER_NOT_EXIST", "ORDER_CLOSED"):
            return "closed"
        logger.warning("closing the WeChat Pay order failed", extra={"order_id": order_id, "code": exc.code})
        return "unknown"
    return "closed"


def cancel(user_id: str, order_id: str) -> Order:
    """The buyer cancels an unpaid order: WeChat Pay's order is closed first (so it can no longer be
    paid), then the order is cancelled and its stock released."""
    from shop.adapters.wechat import pay

    pay.prefetch()
    item = owned(user_id, order_id)
    if item["status"] != PENDING:
        raise Conflict("只有待支付的订单可以取消。", code="order_not_cancellable",
                       details={"status": item["status"]})
    if _close_wechat_order(order_id) == "paid":
        from shop.buying import payments

        payments.sync(item)
        raise Conflict("该订单刚刚已支付。", code="order_already_paid")
    now = now_epoch()
    if cancel_pending(item, reason="user", at=now):
        # a pending order has no refunds: what it is now follows from what was written
        return view({**item, "status": "CANCELLED", "cancelled_at": iso_from_epoch(now), "cancel_reason": "user"})
    current = owned(user_id, order_id)
    if current["status"] != "CANCELLED":
        raise Conflict("该订单刚刚已支付。", code="order_already_paid")
    return view(current)


def expire(item: dict[str, Any], now: int) -> bool:
    """Timeout: close WeChat Pay's order, then cancel ours and release its stock. If WeChat Pay says
    it was paid after all (its notification is late), the payment is applied instead. If WeChat Pay
    cannot be reached the order is cancelled anyway: it was prepaid with time_expire = the deadline,
    so it cannot be paid any more, and a payment made just before that would still be refunded."""
    if _close_wechat_order(item["order_id"], strict=False) == "paid":
        from shop.buying import payments

        payments.settle_paid_at_close(item, now)
        return False
    return cancel_pending(item, reason="timeout", at=now)


def check_idempotency_key(key: str | None) -> str:
    if not key:
        raise InvalidRequest("Send an Idempotency-Key header (a new random value per order, e.g. a UUID).",
                             code="idempotency_key_required")
    if not 8 <= len(key) <= 64 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        raise InvalidRequest("Idempotency-Key must be 8-64 letters, digits, '-' or '_'.",
                             code="invalid_idempotency_key")
    return key
