"""Bench samples of the analytics path (bench/common.py SAMPLES names them): a mini-program's event
batch, a payment's stream record for the dashboard's counters, a day of the dashboard."""

from __future__ import annotations

import uuid
from typing import Any

BATCH_EVENTS = 20  # what a mini-program typically sends at once (every few seconds, or on hide)


def event_batch(visitor: int = 1, events: int = BATCH_EVENTS) -> dict[str, Any]:
    """A typical batch: an opening from a share card, page and product views, a cart add, a share."""
    kinds = ["visit"] + ["page_view", "product_view", "product_view", "add_to_cart", "share"] * 4
    out = []
    for n, kind in enumerate(kinds[:events]):
        item: dict[str, Any] = {"type": kind, "at": 1_796_000_000_000 + n * 1000}
        if kind in ("product_view", "add_to_cart"):
            item["product_id"] = f"p-{n % 7}"
        if kind == "page_view":
            item["page"] = "pages/goods/detail"
        out.append(item)
    return {"batch_id": uuid.uuid4().hex, "anonymous_id": f"anon-bench-{visitor:06d}",
            "launch": {"scene": 1007, "path": "pages/index/index", "query": {"inviter": "AB12CD34"}}, "events": out}


def send_events(w: Any) -> dict[str, Any]:
    return w.http("POST", "/events", event_batch(), auth=None)


def paid_record(w: Any) -> dict[str, Any]:
    """An order turning PAID, as the stream hands it to AggregateStats."""
    from shop.adapters import db

    order = db.to_item(w.paid_order())
    before = {k: v for k, v in order.items() if k not in ("paid_at", "transaction_id")}
    before["status"] = {"S": "PENDING_PAYMENT"}
    return {"Records": [{
        "eventID": uuid.uuid4().hex, "eventName": "MODIFY", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/shop/stream/x",
        "dynamodb": {"Keys": {"PK": order["PK"], "SK": order["SK"]}, "NewImage": order, "OldImage": before,
                     "SequenceNumber": "100", "SizeBytes": 900, "StreamViewType": "NEW_AND_OLD_IMAGES",
                     "ApproximateCreationDateTime": 1795600000},
    }]}


def dashboard_today(w: Any) -> dict[str, Any]:
    return w.http("GET", "/admin/dashboard", auth="merchant")
