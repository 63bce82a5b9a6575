"""The hourly roll-up (RollupStatsFunction, on an EventBridge schedule): the sums the stream's
transactions leave to be made once an hour rather than written once per fact.

- A product's views and cart adds on a Beijing day: the sum of the ``viewed`` deltas on the day's
  fact markers (shop.analytics.counters files them under the day), set on the product's day item
  where it differs. A quiet shop's stream hands the aggregation one event batch at a time, and a
  batch that viewed seven products would otherwise cost seven items written twice in its
  transaction; here each product a day costs one write per hour in which it changed.
- A day's totals for date ranges (``STATSDAY#<year>`` / ``<day>``): the sum of the day's hour items,
  put where it differs, for yesterday - and the day before while today is younger than LATE_HOURS,
  because the stream may deliver a fact up to a day late.

Markers and counters only grow (a counted fact is never uncounted), so every sum only grows: each
write is conditioned on that (``traffic`` = views + cart adds; ``total`` = every counter summed),
and a run that finishes after a newer one cannot put back an older figure. Reads are eventually
consistent - a marker not yet visible is summed by the next run - and a run writes only what
changed: running it twice, or two at once, changes nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, iso
from shop.analytics import metrics
from shop.analytics.counters import FACT_SHARDS, day_items, fact_partition, stats_key

LATE_HOURS = 3  # a fact of 23:59 can arrive until 23:59 the next day; the day after, a few runs catch it
ROLLUP_SK = "ROLLUP"  # STATS#<day> / ROLLUP: when the day's products were last rolled up


def days_to_roll(now: datetime) -> tuple[list[date], list[date]]:
    """The days whose products to roll up, and the days whose totals to put, at ``now``."""
    local = now.astimezone(SHANGHAI)
    today = local.date()
    late = [today - timedelta(days=2)] if local.hour < LATE_HOURS else []
    return [*late, today - timedelta(days=1), today], [*late, today - timedelta(days=1)]


def viewed_on(day: date) -> dict[str, dict[str, int]]:
    """Views and cart adds per product counted so far for ``day``: its markers' ``viewed`` summed."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"views": 0, "cart_adds": 0})
    for shard in range(FACT_SHARDS):
        for marker in db.query_all(KeyConditionExpression="PK = :pk", FilterExpression="attribute_exists(viewed)",
                                   ProjectionExpression="viewed",
                                   ExpressionAttributeValues={":pk": {"S": fact_partition(day.isoformat(), shard)}}):
            for product, deltas in (marker.get("viewed") or {}).items():
                for name in ("views", "cart_adds"):
                    totals[product][name] += int(deltas.get(name) or 0)
    return dict(totals)


def _set_products(day: date, counted: dict[str, dict[str, int]], items: list[dict[str, Any]]) -> int:
    shown = {str(i["SK"])[2:]: (int(i.get("views") or 0), int(i.get("cart_adds") or 0))
             for i in items if str(i["SK"]).startswith("P#")}
    written = 0
    for product, sums in sorted(counted.items()):
        views, cart_adds = sums["views"], sums["cart_adds"]
        if shown.get(product, (0, 0)) == (views, cart_adds):
            continue
        written += db.update_if(
            Key=stats_key(day.isoformat(), f"P#{product}"),
            UpdateExpression="SET #views = :views, #cart = :cart, #traffic = :traffic",
            ConditionExpression="attribute_not_exists(#traffic) OR #traffic < :traffic",
            ExpressionAttributeNames={"#views": "views", "#cart": "cart_adds", "#traffic": "traffic"},
            ExpressionAttributeValues={":views": {"N": str(views)}, ":cart": {"N": str(cart_adds)},
                                       ":traffic": {"N": str(views + cart_adds)}})
    return written


def _put_total(day: date, items: list[dict[str, Any]]) -> bool:
    total: dict[str, int] = {}
    for item in items:
        if str(item["SK"]).startswith("H#"):
            metrics.sum_into(total, item)
    counters = {name: value for name, value in total.items() if value}
    key = {"PK": {"S": f"STATSDAY#{day.year}"}, "SK": {"S": day.isoformat()}}
    found = db.client().get_item(TableName=db.table(), Key=key).get("Item") or {}
    if {name: int(v["N"]) for name, v in found.items() if name in metrics.COUNTERS} == counters:
        return False
    try:
        db.client().put_item(
            TableName=db.table(), Item={**key, "type": {"S": "stats_day"}, "total": {"N": str(sum(counters.values()))},
                                        **{name: {"N": str(value)} for name, value in counters.items()}},
            ConditionExpression="attribute_not_exists(#total) OR #total < :total",
            ExpressionAttributeNames={"#total": "total"},
            ExpressionAttributeValues={":total": {"N": str(sum(counters.values()))}})
    except Exception as exc:
        if db.is_condition_failure(exc):  # a newer run put a larger total already
            return False
        raise
    return True


def run(now: datetime) -> dict[str, int]:
    """Roll up what is due at ``now``; how many product items and day totals it wrote."""
    product_days, total_days = days_to_roll(now)
    written = {"products": 0, "days": 0}
    for day in sorted(set(product_days) | set(total_days)):
        items = day_items(day.isoformat())
        if day in product_days:
            written["products"] += _set_products(day, viewed_on(day), items)
            db.update_if(Key=stats_key(day.isoformat(), ROLLUP_SK), UpdateExpression="SET #at = :at",
                         ConditionExpression="attribute_not_exists(#at) OR #at < :at",
                         ExpressionAttributeNames={"#at": "at"}, ExpressionAttributeValues={":at": {"S": iso(now)}})
        if day in total_days:
            written["days"] += _put_total(day, items)
    return written
