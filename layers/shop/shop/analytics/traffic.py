"""Client events (POST /events): a mini-program's batch of visits, views, cart adds, checkouts and
shares, kept raw for later analysis and summarized for the dashboard.

Accepting a batch (three requests, no read):
1. the visitor's rate window: one UpdateItem that adds the batch to the visitor's current minute
   only while fewer than ``RATE_LIMIT`` batches are there (``EVRATE#<visitor>#<minute>``, expires);
   a flood gets 429 ``too_many_events``;
2. the raw batch, as one JSON line, to the Firehose delivery stream (S3, gzip, Athena; a record is
   delivered at least once: queries de-duplicate by ``batch_id``, docs/analytics.md);
3. the batch's summary (``EVENTBATCH#<visitor>#<batch id>``: counts by kind, per-product views and
   cart adds, the source), put only if absent - a resend of the same batch is accepted and not
   counted again. The table's stream hands the summary to the aggregation (shop.analytics.aggregate),
   which counts it into the hour's counters once.

Openings that are never a shopper (crawler, tests, remote debugging, load tests) are accepted and
not kept at all. A visitor is the logged-in user when the token is valid, else the anonymous id
the mini-program keeps in its storage (``anon:<id>``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from shop.adapters import aws, db
from shop.adapters.clock import iso, now_utc
from shop.analytics import events as ev
from shop.analytics.scenes import source_of
from shop.core.errors import TooManyRequests

RATE_LIMIT = 30  # batches per visitor per minute: a mini-program sends one every few seconds at most
RATE_WINDOW = 60
BATCH_TTL = 3 * 86400  # the stream hands a summary on within a day; it is not needed after that

_KINDS = {ev.VISIT: "visits", ev.PAGE_VIEW: "page_views", ev.PRODUCT_VIEW: "product_views",
          ev.ADD_TO_CART: "cart_adds", ev.CHECKOUT: "checkout_starts", ev.SHARE: "shares"}


@dataclass(frozen=True)
class Accepted:
    accepted: int  # events taken
    counted: bool  # False for a resend of a batch already taken, or an opening that is not a shopper
    source: str


def visitor_of(user_id: str | None, anonymous_id: str) -> str:
    return user_id or f"anon:{anonymous_id}"


def summary(batch: ev.EventBatch) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Counts by kind, and per product its views and cart adds."""
    kinds = Counter(_KINDS[e.type] for e in batch.events)
    products: dict[str, dict[str, int]] = {}
    for event in batch.events:
        if event.product_id and event.type in (ev.PRODUCT_VIEW, ev.ADD_TO_CART):
            deltas = products.setdefault(event.product_id, {"views": 0, "cart_adds": 0})
            deltas["views" if event.type == ev.PRODUCT_VIEW else "cart_adds"] += 1
    return dict(kinds), products


def raw_record(batch: ev.EventBatch, visitor: str, source: str, received: datetime) -> bytes:
    """The batch as one line of the raw event files (no IP address, no token)."""
    return (json.dumps({
        "batch_id": batch.batch_id, "visitor": visitor, "logged_in": not visitor.startswith("anon:"),
        "received_at": iso(received), "scene": batch.launch.scene, "source": source, "path": batch.launch.path,
        "query": batch.launch.query, "events": [e.model_dump(exclude_none=True) for e in batch.events],
    }, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _within_rate(visitor: str, now: datetime) -> bool:
    minute = int(now.timestamp()) // RATE_WINDOW
    return db.update_if(
        Key={"PK": {"S": f"EVRATE#{visitor}#{minute}"}, "SK": {"S": "RATE"}},
        UpdateExpression="ADD batches :one SET #ttl = :ttl",
        ConditionExpression="attribute_not_exists(batches) OR batches < :limit",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":limit": {"N": str(RATE_LIMIT)},
                                   ":ttl": {"N": str((minute + 2) * RATE_WINDOW)}})


def _deliver(record: bytes) -> None:
    aws.client("firehose").put_record(DeliveryStreamName=os.environ["EVENTS_DELIVERY_STREAM"],
                                      Record={"Data": record})


def accept(batch: ev.EventBatch, user_id: str | None) -> Accepted:
    """Take a batch: rate-limited per visitor, kept raw, summarized once."""
    source = source_of(batch.launch.scene)
    if not source.counted:
        return Accepted(accepted=0, counted=False, source=source.key)
    visitor = visitor_of(user_id, batch.anonymous_id)
    received = now_utc()
    if not _within_rate(visitor, received):
        raise TooManyRequests("This visitor sent too many event batches this minute; send them together, later.",
                              code="too_many_events", headers={"Retry-After": str(RATE_WINDOW)})
    _deliver(raw_record(batch, visitor, source.key, received))
    counts, products = summary(batch)
    item = {"PK": f"EVENTBATCH#{visitor}#{batch.batch_id}", "SK": "BATCH", "type": "event_batch",
            "batch_id": batch.batch_id, "visitor": visitor, "source": source.key, "received_at": iso(received),
            "counts": counts, "products": products, "ttl": int(received.timestamp()) + BATCH_TTL}
    try:
        db.client().put_item(TableName=db.table(), Item=db.to_item(item),
                             ConditionExpression="attribute_not_exists(PK)")
    except Exception as exc:
        if db.is_condition_failure(exc):  # the same batch again (a retry after a timeout)
            return Accepted(accepted=len(batch.events), counted=False, source=source.key)
        raise
    return Accepted(accepted=len(batch.events), counted=True, source=source.key)

