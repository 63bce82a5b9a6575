"""The order desk (订单管理): the shop's orders for its staff - the list with its filters, the
detail with its timeline, merchant remarks (docs/order-desk.md has the design and the numbers).

The shop-wide index, OrdersByDay:
  desk_pk = DESK#<Beijing day of placing>#<shard>   shard = crc32(order id) % ORDER_DESK_SHARDS
  desk_sk = <created ms, 13 digits>#<order id>       (the same sort key as a buyer's GSI1)
written once, when the order is placed (shop.buying.purchase puts ``index_attributes``), never
changed; the projection (INCLUDE) carries what a list row, a filter and an export row read, so a
list page is one Query per shard and no read of the orders themselves. A day's orders are spread
over ORDER_DESK_SHARDS partitions (1 unless the operator raises it before a flash sale); a page
queries every shard of a day and merges them by sort key. Raising the setting is safe at any time
(an order of an earlier, smaller count sits in a shard below it); lowering it hides shards.

Refunds are their own items (PK=ORDER#<id> SK=REFUND#<rid>); the desk keeps a compact summary of
each on the order (``refund_log``, ``has_refund``), written from the table's stream (``project``),
so the detail is one BatchGetItem (the staff account and the order).
"""

from __future__ import annotations

import re
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, now_epoch
from shop.core import audit, pagination
from shop.core.errors import Conflict, InvalidRequest, NotFound
from shop.buying.desk_keys import day_start_ms, index_attributes, shards  # noqa: F401 - re-exported

INDEX = "OrdersByDay"
MAX_REMARKS = 50
MAX_QUERIES = 40  # per list request: beyond it the page ends early with a cursor
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SK_RE = re.compile(r"\d{13}#o[0-9a-f]{25}")
ORDER_ID_RE = re.compile(r"o[0-9a-f]{25}")

# What the detail reads of the order (BatchGetItem takes one projection for every key of a table;
# the account's attributes are added to it).
DETAIL_ATTRIBUTES = (
    "order_id", "user_id", "status", "lines", "goods_total", "freight", "discount", "payable", "coupon_ids",
    "refunded_total", "delivery", "address", "pickup_store", "remark", "created_at", "deadline_at", "paid_at",
    "transaction_id", "shipped_at", "shipped_by", "shipment", "shipments", "shipping_upload", "completed_at",
    "auto_complete_at", "cancelled_at", "cancel_reason", "closed_at", "late_transaction_id", "late_paid_at",
    "refund_log", "merchant_remarks",
)


# ---------------------------------------------------------------- the list

class Filters:
    def __init__(self, *, status: str | None = None, placed_from: date | None = None, placed_to: date | None = None,
                 paid_from: date | None = None, paid_to: date | None = None, order_id: str | None = None,
                 buyer: str | None = None, phone4: str | None = None, delivery: str | None = None,
                 has_refund: bool | None = None, today: date | None = None) -> None:
        self.status, self.order_id, self.buyer, self.phone4 = status, order_id, buyer, phone4
        self.delivery, self.has_refund = delivery, has_refund
        self.paid_from, self.paid_to = paid_from, paid_to
        today = today or datetime.fromtimestamp(now_epoch(), UTC).astimezone(SHANGHAI).date()
        # Placed days to look at, newest first. Paid dates narrow them: an order is paid before
        # its payment deadline (minutes, under a day), so one paid on day D was placed on D or D-1.
        last = placed_to or (paid_to if paid_to else today)
        # without dates: the last 30 days, but one order's or one buyer's list covers all time
        # (their lookups are one GetItem or the buyer's own index, whatever the span)
        default_first = EARLIEST if (order_id or buyer) else last - timedelta(days=29)
        first = placed_from or ((paid_from - timedelta(days=1)) if paid_from else default_first)
        if paid_from and (paid_from - timedelta(days=1)) > first:
            first = paid_from - timedelta(days=1)
        if paid_to and paid_to < last:
            last = paid_to
        if placed_from and placed_to and placed_to < placed_from or paid_from and paid_to and paid_to < paid_from:
            raise InvalidRequest("结束日期不能早于开始日期。", code="invalid_range")
        if (last - first).days >= 92 and not (buyer or order_id):
            raise InvalidRequest("查询范围最多 92 天。", code="range_too_long", details={"max_days": 92})
        self.first, self.last = first, last

    def fingerprint(self) -> str:
        parts = [self.status, self.first, self.last, self.paid_from, self.paid_to, self.order_id, self.buyer,
                 self.phone4, self.delivery, self.has_refund]
        return format(zlib.crc32("|".join("" if p is None else str(p) for p in parts).encode()), "08x")

    def expression(self) -> tuple[str | None, dict[str, str], dict[str, Any]]:
        """A FilterExpression for what the key does not select."""
        terms, names, values = [], {}, {}
        if self.status:
            terms.append("#st = :st")
            names["#st"] = "status"
            values[":st"] = {"S": self.status}
        if self.delivery:
            terms.append("delivery = :dl")
            values[":dl"] = {"S": self.delivery}
        if self.phone4:
            terms.append("phone4 = :p4")
            values[":p4"] = {"S": self.phone4}
        if self.has_refund is True:
            terms.append("has_refund = :yes")
            values[":yes"] = {"BOOL": True}
        elif self.has_refund is False:
            terms.append("attribute_not_exists(has_refund)")
        if self.paid_from:
            terms.append("paid_at >= :pf")
            values[":pf"] = {"S": _utc_iso(day_start_ms(self.paid_from))}
        if self.paid_to:
            terms.append("paid_at < :pt")
            values[":pt"] = {"S": _utc_iso(day_start_ms(self.paid_to + timedelta(days=1)))}
        if self.buyer and not self.order_id:
            pass  # the buyer's own index selects them
        elif self.buyer:
            terms.append("user_id = :u")
            values[":u"] = {"S": self.buyer}
        return (" AND ".join(terms) or None), names, values


def _utc_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


EARLIEST = date(2020, 1, 1)  # before any shop on this backend


def _matches(item: dict[str, Any], f: Filters) -> bool:
    created = item.get("created_at") or ""
    day = datetime.fromisoformat(str(created).replace("Z", "+00:00")).astimezone(SHANGHAI).date() if created else None
    paid = str(item.get("paid_at") or "")
    return bool(
        day and f.first <= day <= f.last
        and (not f.status or item.get("status") == f.status)
        and (not f.delivery or item.get("delivery") == f.delivery)
        and (not f.buyer or item.get("user_id") == f.buyer)
        and (not f.phone4 or ((item.get("address") or {}).get("phone") or "").endswith(f.phone4))
        and (f.has_refund is None or bool(item.get("has_refund")) == f.has_refund)
        and (not f.paid_from or (paid and paid >= _utc_iso(day_start_ms(f.paid_from))))
        and (not f.paid_to or (paid and paid < _utc_iso(day_start_ms(f.paid_to + timedelta(days=1)))))
    )


def _cursor(f: Filters, day: date, sort_key: str) -> str:
    return pagination.encode({"f": f.fingerprint(), "d": day.isoformat(), "k": sort_key})


def _read_cursor(f: Filters, cursor: str) -> tuple[date, str]:
    payload = pagination.decode(cursor)
    day, key = payload.get("d"), payload.get("k")
    if (set(payload) != {"f", "d", "k"} or payload["f"] != f.fingerprint() or not isinstance(day, str)
            or not DAY_RE.fullmatch(day) or not isinstance(key, str) or not SK_RE.fullmatch(key)):
        raise pagination.invalid_cursor()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise pagination.invalid_cursor() from None
    if not f.first <= parsed <= f.last:
        raise pagination.invalid_cursor()
    return parsed, key


def list_orders(f: Filters, *, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """One page of orders, newest first, and the cursor of the next page (None at the end)."""
    if f.order_id:
        if cursor:
            raise pagination.invalid_cursor()
        resp = db.client().get_item(TableName=db.table(), Key={"PK": {"S": f"ORDER#{f.order_id}"}, "SK": {"S": "ORDER"}})
        item = db.from_item(resp["Item"]) if "Item" in resp else None
        return ([item] if item and _matches(item, f) else []), None
    if f.buyer:
        return _list_buyer(f, cursor=cursor, limit=limit)
    return _list_days(f, cursor=cursor, limit=limit)


def _list_buyer(f: Filters, *, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A buyer's orders: their own index (GSI1) between the placed days."""
    upper = f"{day_start_ms(f.last + timedelta(days=1)):013d}"
    lower = f"{day_start_ms(f.first):013d}"
    day = f.last
    if cursor:
        day, upper = _read_cursor(f, cursor)
    expression, names, values = f.expression()
    params: dict[str, Any] = {
        "TableName": db.table(), "IndexName": "GSI1", "ScanIndexForward": False,
        "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": {":pk": {"S": f"USER#{f.buyer}#ORDERS"}, ":lo": {"S": lower},
                                      ":hi": {"S": upper}, **values},
    }
    if expression:
        params["FilterExpression"] = expression
    if names:
        params["ExpressionAttributeNames"] = names
    found: list[dict[str, Any]] = []
    for _ in range(MAX_QUERIES):
        params["Limit"] = 100 if expression else limit + 1
        resp = db.client().query(**params)
        found += [i for i in (db.from_item(r) for r in resp.get("Items", [])) if i["gsi1sk"] != upper]
        last = resp.get("LastEvaluatedKey")
        if len(found) > limit:
            page = found[:limit]
            return page, _cursor(f, day, page[-1]["gsi1sk"])
        if not last:
            return found, None
        params["ExclusiveStartKey"] = last
    page = found[:limit]
    frontier = params["ExclusiveStartKey"]["gsi1sk"]["S"]
    return page, _cursor(f, day, page[-1]["gsi1sk"] if page else frontier)


def _list_days(f: Filters, *, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Every order of the placed days, newest first: per day, each shard's Query, merged."""
    expression, names, values = f.expression()
    day, below = f.last, None
    if cursor:
        day, below = _read_cursor(f, cursor)
    budget = MAX_QUERIES
    found: list[dict[str, Any]] = []
    while day >= f.first:
        need = limit + 1 - len(found)
        items, frontier, budget = _day(day, below, need, expression, names, values, budget)
        found += items
        if len(found) > limit:
            page = found[:limit]
            return page, _cursor(f, day, page[-1]["desk_sk"])
        if frontier is not None:  # the query budget ran out inside this day
            return found, _cursor(f, day, frontier)
        day, below = day - timedelta(days=1), None
        if budget <= 0 and day >= f.first:
            return found, _cursor(f, day, f"{day_start_ms(day + timedelta(days=1)):013d}#o{'f' * 25}")
    return found, None


def _day(day: date, below: str | None, need: int, expression: str | None, names: dict[str, str],
         values: dict[str, Any], budget: int) -> tuple[list[dict[str, Any]], str | None, int]:
    """The newest ``need`` matching orders of one day below sort key ``below`` (all shards merged),
    the frontier when the budget ran out first (items at or above it are complete), the budget left."""
    per_shard: list[list[dict[str, Any]]] = []
    open_keys: list[str] = []
    for shard in range(shards()):
        cond = "desk_pk = :pk" + (" AND desk_sk < :below" if below else "")
        params: dict[str, Any] = {
            "TableName": db.table(), "IndexName": INDEX, "ScanIndexForward": False,
            "KeyConditionExpression": cond,
            "ExpressionAttributeValues": {":pk": {"S": f"DESK#{day.isoformat()}#{shard}"}, **values,
                                          **({":below": {"S": below}} if below else {})},
            "Limit": min(100, need) if not expression else 100,
        }
        if expression:
            params["FilterExpression"] = expression
        if names:
            params["ExpressionAttributeNames"] = names
        got: list[dict[str, Any]] = []
        while True:
            budget -= 1
            resp = db.client().query(**params)
            got += [db.from_item(r) for r in resp.get("Items", [])]
            last = resp.get("LastEvaluatedKey")
            if not last or len(got) >= need:
                break
            if budget <= 0:
                open_keys.append(last["desk_sk"]["S"])
                break
            params["ExclusiveStartKey"] = last
        per_shard.append(got)
    merged = sorted((i for got in per_shard for i in got), key=lambda i: i["desk_sk"], reverse=True)
    if open_keys:
        frontier = max(open_keys)
        return [i for i in merged if i["desk_sk"] > frontier][:need], frontier, budget
    return merged[:need], None, budget


def row(item: dict[str, Any]) -> dict[str, Any]:
    lines = item.get("lines") or []
    title = lines[0]["title"] if lines else ""
    if len(lines) > 1:
        title += f" 等{len(lines)}种商品"
    address = item.get("address") or {}
    phone = address.get("phone")
    return {
        "id": item["order_id"], "status": item["status"], "created_at": item["created_at"],
        "paid_at": item.get("paid_at"), "buyer": item["user_id"], "receiver": address.get("name"),
        "phone": mask_phone(phone) if phone else None, "delivery": item["delivery"], "title": title,
        "quantity": sum(int(line["quantity"]) for line in lines), "payable": item["payable"],
        "refunded_total": item.get("refunded_total", 0), "has_refund": bool(item.get("has_refund")),
    }


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****" + phone[-4:]


# ---------------------------------------------------------------- the detail

def fetch_with_account(account_key: dict[str, Any], order_id: str, *, account_projection: str,
                       account_names: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The staff account (raw, for PendingStaff.confirm; ``account_projection`` is what the check
    reads of it, shop.staff.sessions.PROJECTION) and the order, in one BatchGetItem."""
    names = {f"#d{n}": a for n, a in enumerate(DETAIL_ATTRIBUTES)}
    projection = ", ".join(names) + ", PK, SK, " + account_projection
    key = {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
    request = {db.table(): {"Keys": [account_key, key], "ConsistentRead": True, "ProjectionExpression": projection,
                            "ExpressionAttributeNames": {**names, **account_names}}}
    account, order = None, None
    for _ in range(5):  # UnprocessedKeys: throttling; read again what was not read
        resp = db.client().batch_get_item(RequestItems=request)
        for raw in resp.get("Responses", {}).get(db.table(), []):
            if raw["PK"]["S"].startswith("MERCHANT#"):
                account = raw
            else:
                order = db.from_item(raw)
        request = resp.get("UnprocessedKeys") or {}
        if not request:
            break
    return account, order


def _at(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (hasattr(value, "is_integer") and not isinstance(value, str)):
        return datetime.fromtimestamp(int(value), UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def parcels(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's parcels: ``shipments`` (split shipping) or the single ``shipment``."""
    if item.get("shipments"):
        return [{"id": p.get("id"), "carrier": p.get("carrier_name") or p.get("carrier") or "",
                 "carrier_code": p.get("carrier"), "tracking_no": p.get("tracking_no", ""),
                 "lines": p.get("lines") or [], "shipped_at": p.get("shipped_at"), "shipped_by": p.get("shipped_by"),
                 "changed_at": p.get("changed_at")} for p in item["shipments"]]
    if item.get("shipment"):
        return [{"id": None, "carrier": item["shipment"].get("carrier", ""), "tracking_no": item["shipment"].get("tracking_no", ""),
                 "shipped_at": item.get("shipped_at"), "shipped_by": item.get("shipped_by")}]
    return []


def refund_summaries(item: dict[str, Any]) -> list[dict[str, Any]]:
    log = item.get("refund_log") or {}
    return sorted(log.values(), key=lambda r: (str(r.get("created_at") or ""), r["id"]))


CANCEL_REASONS = {"user": "买家取消", "timeout": "超时未支付，自动取消", "payment_mismatch": "支付金额与订单不符",
                  "payment_not_applicable": "微信支付的结果无法应用"}
REFUND_END = {"SUCCEEDED": ("refund_succeeded", "退款成功"), "ABNORMAL": ("refund_failed", "退款异常"),
              "CLOSED": ("refund_closed", "退款关闭"), "REJECTED": ("refund_rejected", "拒绝退款")}


def timeline(item: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    def add(at: Any, kind: str, text: str, by: str | None = None, ref: str | None = None) -> None:
        moment = _at(at)
        if moment is not None:
            events.append({"at": moment, "kind": kind, "text": text, "by": by, "ref": ref})

    add(item.get("created_at"), "placed", f"下单，应付 {item['payable'] / 100:.2f} 元", "buyer")
    add(item.get("paid_at"), "paid", "已支付" + (f"（微信支付单号 {item['transaction_id']}）" if item.get("transaction_id") else ""),
        "buyer")
    for parcel in parcels(item):
        add(parcel["shipped_at"], "shipped", f"发货：{parcel['carrier']} {parcel['tracking_no']}",
            parcel.get("shipped_by"), parcel["id"])
        add(parcel.get("changed_at"), "tracking_changed", f"修改运单号：{parcel['carrier']} {parcel['tracking_no']}",
            None, parcel["id"])
    for r in refund_summaries(item):
        amount = f"{int(r['amount']) / 100:.2f} 元"
        add(r.get("created_at"), "refund_requested", f"申请退款 {amount}：{r.get('reason') or ''}",
            "buyer" if r.get("requested_by") == "user" else "system", r["id"])
        if r.get("decided_at") and r.get("status") != "REJECTED":
            note = f"（{r['merchant_note']}）" if r.get("merchant_note") else ""
            add(r["decided_at"], "refund_approved", ("同意退货" if r.get("kind") == "return" else "同意退款") + note,
                r.get("decided_by"), r["id"])
        add(r.get("returned_at"), "refund_returned", "收到退货", None, r["id"])
        if r.get("status") in REFUND_END:
            kind, text = REFUND_END[r["status"]]
            if r["status"] == "REJECTED" and r.get("merchant_note"):
                text += f"（{r['merchant_note']}）"
            if r["status"] == "ABNORMAL" and r.get("failure"):
                text += f"（{r['failure']}）"
            by = r.get("decided_by") if r["status"] == "REJECTED" else "system"
            add(r.get("settled_at") or r.get("decided_at"), kind, f"{text} {amount}", by, r["id"])
    add(item.get("completed_at"), "completed", "交易完成")
    add(item.get("cancelled_at"), "cancelled", CANCEL_REASONS.get(item.get("cancel_reason") or "", "已取消"), "system")
    add(item.get("late_paid_at"), "late_payment", "订单取消后收到付款，已自动退款", "system")
    add(item.get("closed_at"), "closed", "全部退款，交易关闭", "system")
    for remark in item.get("merchant_remarks") or []:
        add(remark["at"], "remark", remark["text"], remark["by"])
    order = {"placed": 0, "paid": 1, "shipped": 2}
    events.sort(key=lambda e: (e["at"], order.get(e["kind"], 3)))
    return events


def detail(item: dict[str, Any]) -> dict[str, Any]:
    from shop.buying import orders

    refunds = [{**orders.refund_view({"refund_id": r["id"], "reason": "", "requested_by": "system", **r}).model_dump(),
                "decided_at": r.get("decided_at"), "decided_by": r.get("decided_by")} for r in refund_summaries(item)]
    return {
        **orders.view(item).model_dump(), "buyer": item["user_id"], "parcels": parcels(item),
        "shipping_upload": item.get("shipping_upload"), "refunds": refunds,
        "remarks": item.get("merchant_remarks") or [], "timeline": timeline(item),
    }


# ---------------------------------------------------------------- remarks

def add_remark(order_id: str, text: str, *, merchant: str) -> list[dict[str, Any]]:
    """Append a remark (the newest MAX_REMARKS are kept) with its audit entry, in one transaction
    conditional on the remarks being as read: two staff writing at once both land (one retries)."""
    key = {"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}}
    for _ in range(8):
        resp = db.client().get_item(TableName=db.table(), Key=key, ConsistentRead=True,
                                    ProjectionExpression="order_id, merchant_remarks, remark_seq")
        if "Item" not in resp:
            raise NotFound("订单不存在。", code="order_not_found")
        current = db.from_item(resp["Item"])
        seq = int(current.get("remark_seq", 0))
        at = datetime.fromtimestamp(time.time(), UTC)
        remark = {"at": at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", "by": merchant, "text": text}
        remarks = [*(current.get("merchant_remarks") or []), remark][-MAX_REMARKS:]
        condition = "attribute_not_exists(remark_seq)" if seq == 0 else "remark_seq = :seq"
        values = {":r": db.to_value(remarks), ":next": {"N": str(seq + 1)}}
        if seq:
            values[":seq"] = {"N": str(seq)}
        actions = [
            {"Update": {"TableName": db.table(), "Key": key, "UpdateExpression": "SET merchant_remarks = :r, remark_seq = :next",
                        "ConditionExpression": f"attribute_exists(PK) AND {condition}", "ExpressionAttributeValues": values}},
            audit.entry(db.table(), actor=merchant, action="orders.remark.add", target_type="order", target_id=order_id,
                        at=at, after={"remark": text}),
        ]
        if db.transact(actions):
            return remarks
    raise Conflict("备注正在被同时修改，请重试。", code="order_changed")


# ---------------------------------------------------------------- the refund summaries, from the stream

SUMMARY_FIELDS = ("status", "amount", "kind", "reason", "requested_by", "created_at", "decided_at", "decided_by",
                  "merchant_note", "returned_at", "settled_at", "failure", "lines", "freight", "restock", "attempts",
                  "next_attempt_at")


def summary_of(refund: dict[str, Any]) -> dict[str, Any]:
    found = {"id": refund["refund_id"], **{k: refund[k] for k in SUMMARY_FIELDS if refund.get(k) is not None}}
    if refund.get("stray"):
        found["stray"] = True
    return found


def project(refund: dict[str, Any]) -> bool:
    """Put a refund's summary on its order (``refund_log.<id>``) and mark the order ``has_refund``.
    The stream gives a key's changes in order, so the newest image wins. False: no such order.
    (The map is created by the second write when absent; a concurrent creator makes the first one
    succeed on the next round.)"""
    key = {"PK": {"S": f"ORDER#{refund['order_id']}"}, "SK": {"S": "ORDER"}}
    summary = db.to_value(summary_of(refund))
    for _ in range(3):
        if db.update_if(Key=key, UpdateExpression="SET refund_log.#id = :s, has_refund = :yes",
                        ConditionExpression="attribute_exists(refund_log)",
                        ExpressionAttributeNames={"#id": refund["refund_id"]},
                        ExpressionAttributeValues={":s": summary, ":yes": {"BOOL": True}}):
            return True
        if db.update_if(Key=key, UpdateExpression="SET refund_log = :log, has_refund = :yes",
                        ConditionExpression="attribute_exists(PK) AND attribute_not_exists(refund_log)",
                        ExpressionAttributeValues={":log": {"M": {refund["refund_id"]: summary}}, ":yes": {"BOOL": True}}):
            return True
    # Both conditions failing again and again: no such order (a refund is written with its order, so
    # only a deleted order gets here)
    return False
