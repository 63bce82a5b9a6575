"""The after-sales queue (售后): refunds by status, oldest request first, for the merchant to work
through. Each refund item carries the queue's index keys (GSI1: gsi1pk=REFUNDS#<status>,
gsi1sk=<requested, epoch ms>#<refund id>; shop.buying.refunds.queue_keys), set again by every status change
in the same write, so a page is one Query and a refund is in exactly one status's queue.

``older_than_hours`` keeps the requests waiting at least that long (the ones a buyer is chasing):
a bound on the sort key, not a filter, so pages stay full.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import now_utc
from shop.buying import orders
from shop.buying.models.after_sales import QueueEntry, QueuePage
from shop.core import pagination

_SORT_KEY = re.compile(r"\d{13}#o[0-9a-f]{25}-[0-9A-Za-z]{3,20}")


def queue(status: str, *, older_than_hours: int | None, cursor: str | None, limit: int) -> QueuePage:
    now = now_utc()
    key = "gsi1pk = :pk"
    values: dict[str, Any] = {":pk": {"S": f"REFUNDS#{status}"}}
    if older_than_hours:
        key += " AND gsi1sk < :before"
        values[":before"] = {"S": f"{int((now - timedelta(hours=older_than_hours)).timestamp() * 1000):013d}"}
    params: dict[str, Any] = {"TableName": db.table(), "IndexName": "GSI1", "ScanIndexForward": True,
                              "Limit": limit + 1, "KeyConditionExpression": key, "ExpressionAttributeValues": values}
    if cursor:
        payload = pagination.decode(cursor)
        sort_key = payload.get("k")
        if (set(payload) != {"s", "h", "k"} or payload["s"] != status or payload["h"] != (older_than_hours or 0)
                or not isinstance(sort_key, str) or not _SORT_KEY.fullmatch(sort_key)):
            raise pagination.invalid_cursor()
        refund_id = sort_key.split("#", 1)[1]
        params["ExclusiveStartKey"] = {"PK": {"S": f"ORDER#{refund_id.rsplit('-', 1)[0]}"},
                                       "SK": {"S": f"REFUND#{refund_id}"}, "gsi1pk": values[":pk"],
                                       "gsi1sk": {"S": sort_key}}
    items = [db.from_item(i) for i in db.client().query(**params).get("Items", [])]
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = pagination.encode({"s": status, "h": older_than_hours or 0, "k": items[-1]["gsi1sk"]})
    return QueuePage(items=[_entry(i, now) for i in items], next_cursor=next_cursor)


def _entry(item: dict[str, Any], now: datetime) -> QueueEntry:
    requested = datetime.strptime(item["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return QueueEntry(**orders.refund_view(item).model_dump(), order_id=item["order_id"], user_id=item["user_id"],
                      decided_by=item.get("decided_by"), waiting_hours=int((now - requested).total_seconds() // 3600))
