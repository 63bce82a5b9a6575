"""Orders: creation with stock reservation, the order's life cycle, and how it is shown.

Items in the shop table:
  PK=ORDER#<id>  SK=ORDER               the order (lines, amounts, status, addresses, timers)
  PK=ORDER#<id>  SK=REFUND#<refund id>  its refunds (shop.refunds)
  PK=ORDER#<id>  SK=PAYMENT#<txn id>    its payments as WeChat Pay reported them (shop.payments)

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
import json
import os
import re
import time
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shop import db, pagination
from shop.skus import sku_key
from shop.clock import SHANGHAI, iso_from_epoch, now_epoch
from shop.config import setting_int
from shop.errors import Conflict, InvalidRequest, NotFound, ServiceUnavailable, Unauthorized
from shop.models.orders import (
    CreatedOrder,
    Order,
    OrderLine,
    OrderPage,
    PaymentParams,
    RefundView,
    Shipment,
)
from shop.observability import MetricUnit, logger, metrics

if TYPE_CHECKING:  # placing an order imports it when it runs; the other order functions never need it
    from shop.models.checkout import CheckoutRequest

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


def status_keys(user_id: str, status: str, created_ms: int, order_id: str) -> dict[str, Any]:
    """Index keys of an order: newest first by creation time in milliseconds (two orders placed in
    the same second still list in the order they were placed)."""
    sort_key = f"{created_ms:013d}#{order_id}"
    return {
        "gsi1pk": f"USER#{user_id}#ORDERS",
        "gsi1sk": sort_key,
        "gsi2pk": f"USER#{user_id}#ORDERS#{status}",
        "gsi2sk": sort_key,
    }


def request_hash(request: CheckoutRequest) -> str:
    canonical = json.dumps(request.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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


def _not_found() -> NotFound:
    return NotFound("订单不存在。", code="order_not_found")


def owned(user_id: str, order_id: str) -> dict[str, Any]:
    """The caller's order; another buyer's order is exactly as absent as one that never existed."""
    item = load(order_id)
    if item is None or item["user_id"] != user_id:
        raise _not_found()
    return item


def get(user_id: str, order_id: str) -> Order:
    item, refunds = load_with_children(order_id)
    if item is None or item["user_id"] != user_id:
        raise _not_found()
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


# ---------------------------------------------------------------- create

def notify_url(domain: str | None) -> str:
    """Where WeChat Pay sends notifications: PAY_NOTIFY_URL, else this API's own /pay/notify."""
    configured = os.environ.get("PAY_NOTIFY_URL")
    if configured:
        return configured
    if not domain:
        raise ServiceUnavailable("The payment callback address is not known.", code="configuration")
    return f"https://{domain}/pay/notify"


def _wechat_time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).astimezone(SHANGHAI).isoformat()


def create(user_id: str, request: CheckoutRequest, idempotency_key: str, *, domain: str | None) -> tuple[CreatedOrder, bool]:
    """Place an order; returns it with its payment parameters, and whether it was created now (False
    for a replay of the same Idempotency-Key)."""
    from shop import checkout  # pricing: only placing an order needs it
    from shop.wechat import pay

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
    cap = setting_int("ORDER_MAX_OPEN_UNPAID")
    if int(data.profile.get("open_unpaid", 0)) >= cap:
        existing = load(order_id)
        if existing is not None:
            return _replay(user_id, existing, digest, domain), False
        raise _open_orders_limit(cap)

    now = now_epoch()
    created_at = iso_from_epoch(now)
    deadline = now + setting_int("ORDER_PAYMENT_TIMEOUT_SECONDS")
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
        **status_keys(user_id, PENDING, time.time_ns() // 1_000_000, order_id),
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
    from shop import coupons

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
    # beaten by concurrent orders): at most ORDER_MAX_OPEN_UNPAID at once.
    actions.append({"Update": {
        "TableName": db.table(), "Key": profile_key(user_id),
        "UpdateExpression": "SET open_unpaid = if_not_exists(open_unpaid, :zero) + :one",
        "ConditionExpression": "attribute_exists(PK) AND (attribute_not_exists(open_unpaid) OR open_unpaid < :cap)",
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
    from shop import payments

    payments.mark_paid(item, {"transaction_id": f"free-{item['order_id']}", "trade_state": "SUCCESS",
                              "amount": {"total": 0, "currency": "CNY"}})
    return load(item["order_id"]) or item


def _open_orders_limit(cap: int) -> Conflict:
    return Conflict(f"您有 {cap} 笔待支付订单，请先支付或取消后再下单。", code="open_orders_limit", details={"limit": cap})


def profile_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}}


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
        from shop import checkout

        for line in item["lines"]:
            if line["sku_id"] in (item.get("limited_skus") or []):
                actions.append({"Update": {"TableName": db.table(), "Key": checkout.bought_key(item["user_id"], line["sku_id"]),
                                           "UpdateExpression": "ADD units :minus",
                                           "ExpressionAttributeValues": {":minus": {"N": str(-int(line["quantity"]))}}}})
    return actions


def _replay(user_id: str, existing: dict[str, Any], digest: str, domain: str | None) -> CreatedOrder:
    if existing["user_id"] != user_id:  # cannot happen: the id includes the buyer  # pragma: no cover
        raise _not_found()
    if existing["request_hash"] != digest:
        raise Conflict("这个 Idempotency-Key 已用于另一笔订单，请换一个新的。",
                       code="idempotency_key_reused")
    if existing["status"] == PENDING and existing["payable"] == 0:  # a 0-fen order whose settling stopped half-way
        return CreatedOrder(order=view(settle_free(existing)), payment=None)
    payment = _payment_or_none(existing, domain) if existing["status"] == PENDING else None
    return CreatedOrder(order=view(existing), payment=payment)


# ---------------------------------------------------------------- payment parameters

def _description(item: dict[str, Any]) -> str:
    first = item["lines"][0]["title"]
    count = sum(line["quantity"] for line in item["lines"])
    text = first if count == 1 else f"{first} 等{count}件"
    return text[:120]


def payment_params(item: dict[str, Any], domain: str | None) -> PaymentParams:
    """Prepay (again: WeChat Pay answers the same prepay for the same order) and sign for
    wx.requestPayment."""
    from shop.wechat.pay import WeChatPay

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
    from shop.wechat import pay as wechatpay

    wechatpay.prefetch()
    item = owned(user_id, order_id)
    if item["status"] != PENDING:
        raise Conflict("该订单不是待支付状态。", code="order_not_payable",
                       details={"status": item["status"]})
    if item["deadline_at"] <= now_epoch():
        raise Conflict("订单已超过支付时限。", code="order_not_payable", details={"status": "EXPIRED"})
    from shop.wechat.pay import PayApiError

    try:
        return payment_params(item, domain)
    except PayApiError as exc:
        if exc.code == "ORDERPAID":
            raise Conflict("该订单已支付。", code="order_already_paid") from None
        raise Conflict("微信支付拒绝了这次支付请求。", code="prepay_refused",
                       details={"wechatpay_code": exc.code}) from None


# ---------------------------------------------------------------- transitions

def coupon_updates(item: dict[str, Any], *, to: str) -> list[dict[str, Any]]:
    """Transaction actions for the coupons an order holds: ``used`` when it is paid, ``available``
    again (back in the expiry index) when it is cancelled; each conditional on this order holding it."""
    from shop import coupons

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
    if not db.transact(actions):
        return False
    metrics.add_metric(name="OrderCancelled" if to == "CANCELLED" else "OrderPaymentException", unit=MetricUnit.Count, value=1)
    logger.info("order cancelled", extra={"order_id": order_id, "reason": reason, "status": to})
    return True


def _close_wechat_order(order_id: str, *, strict: bool = True) -> str:
    """Close the WeChat Pay order: 'closed', 'paid' (too late: it was paid) or 'unknown'. Not
    ``strict``: WeChat Pay being unreachable is 'unknown' instead of a 503."""
    from shop.wechat.pay import PayApiError, WeChatPay

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
    from shop.wechat import pay

    pay.prefetch()
    item = owned(user_id, order_id)
    if item["status"] != PENDING:
        raise Conflict("只有待支付的订单可以取消。", code="order_not_cancellable",
                       details={"status": item["status"]})
    if _close_wechat_order(order_id) == "paid":
        from shop import payments

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
        from shop import payments

        payments.settle_paid_at_close(item, now)
        return False
    return cancel_pending(item, reason="timeout", at=now)


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


def ship(order_id: str, carrier: str, tracking_no: str, *, merchant: str) -> Order:
    """The merchant ships a paid order: PAID -> SHIPPED; it completes by itself after
    ORDER_AUTO_COMPLETE_DAYS unless the buyer confirms first."""
    item = load(order_id)
    if item is None:
        raise _not_found()
    now = now_epoch()
    auto = now + setting_int("ORDER_AUTO_COMPLETE_DAYS") * 86400
    shipped = db.update_if(
        Key=order_key(order_id),
        UpdateExpression="SET #s = :shipped, shipped_at = :when, shipment = :shipment, auto_complete_at = :auto, "
                         "due_shard = :shard, due_at = :auto, gsi2pk = :g2, shipped_by = :merchant, "
                         "version = version + :one",
        ConditionExpression="#s = :paid",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={
            ":shipped": {"S": "SHIPPED"}, ":paid": {"S": "PAID"}, ":when": {"S": iso_from_epoch(now)},
            ":shipment": db.to_value({"carrier": carrier, "tracking_no": tracking_no}),
            ":auto": {"N": str(auto)}, ":shard": {"S": due_shard(order_id)},
            ":g2": {"S": f"USER#{item['user_id']}#ORDERS#SHIPPED"}, ":merchant": {"S": merchant},
            ":one": {"N": "1"},
        },
    )
    if not shipped:
        raise Conflict("只有已支付的订单可以发货。", code="order_not_shippable",
                       details={"status": (load(order_id) or {}).get("status")})
    order, refunds = load_with_children(order_id)
    assert order is not None
    return view(order, refunds)


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


def check_idempotency_key(key: str | None) -> str:
    if not key:
        raise InvalidRequest("Send an Idempotency-Key header (a new random value per order, e.g. a UUID).",
                             code="idempotency_key_required")
    if not 8 <= len(key) <= 64 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        raise InvalidRequest("Idempotency-Key must be 8-64 letters, digits, '-' or '_'.",
                             code="invalid_idempotency_key")
    return key

