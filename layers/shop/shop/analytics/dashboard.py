"""The dashboard's answers, read from the counters shop.analytics.counters keeps.

- A day: one Query of ``STATS#<day>`` (its 24 hours x 4 shards, its products and when their views
  were last rolled up), summed here. With the staff check that is 2 round trips whatever the
  traffic (a catalog of more than ~8,000 products seen in one day spills into a further 1 MB page).
- A range of days (at most 366): one Query of ``STATSDAY#<year>`` per calendar year it touches (at
  most 2, each at most 2 pages) for the days the hourly roll-up has totalled, and for yesterday and
  today, which it has not (or not finally), their day Query - at most 4 queries. Unique people over
  a range are the sum of each day's uniques (a visitor on two days counts twice), as the dashboard
  says next to them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import business_day, iso, now_utc
from shop.analytics import metrics
from shop.core.errors import InvalidRequest

MAX_RANGE_DAYS = 366
TOP_PRODUCTS = 10
TIMEZONE = "Asia/Shanghai"


def _sum(items: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for item in items:
        metrics.sum_into(total, item)
    return total


def day_view(day: date) -> dict[str, Any]:
    items = _day_items(day)
    hours_items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    products = []
    rolled_at = None
    for item in items:
        sk = str(item["SK"])
        if sk.startswith("H#"):
            hours_items[int(sk.split("#")[1])].append(item)
        elif sk == "ROLLUP":
            rolled_at = item.get("at")
        elif sk.startswith("P#"):
            products.append({"product_id": sk[2:], "title": item.get("title"),
                             **{name: int(item.get(name) or 0) for name in metrics.PRODUCT_COUNTERS}})
    counters = _sum([i for group in hours_items.values() for i in group])
    products.sort(key=lambda p: (-p["amount"], -p["units"], -p["views"], p["product_id"]))
    return {
        "day": day.isoformat(), "timezone": TIMEZONE, "generated_at": iso(now_utc()),
        "totals": metrics.derive(counters),
        "hours": [{"hour": hour, **metrics.plain(_sum(hours_items.get(hour, [])))} for hour in range(24)],
        "sources": metrics.sources(counters),
        "top_products": products[:TOP_PRODUCTS],
        "product_traffic_as_of": rolled_at,
    }


def _day_items(day: date) -> list[dict[str, Any]]:
    return db.query_all(KeyConditionExpression="PK = :pk",
                        ExpressionAttributeValues={":pk": {"S": f"STATS#{day.isoformat()}"}})


def check_range(first: date, last: date) -> None:
    if last < first:
        raise InvalidRequest("结束日期不能早于开始日期。", code="bad_range")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidRequest(f"日期范围最多 {MAX_RANGE_DAYS} 天。", code="range_too_long",
                             details={"max_days": MAX_RANGE_DAYS})


def range_view(first: date, last: date) -> dict[str, Any]:
    check_range(first, last)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    recent = business_day() - timedelta(days=1)  # yesterday and today: from their hours
    for day in (recent, recent + timedelta(days=1)):
        if first <= day <= last:
            by_day[day.isoformat()] = [i for i in _day_items(day) if str(i["SK"]).startswith("H#")]
    for year in range(first.year, min(last, recent - timedelta(days=1)).year + 1):
        lo, hi = max(first, date(year, 1, 1)), min(last, date(year, 12, 31), recent - timedelta(days=1))
        if hi < lo:
            continue
        for item in db.query_all(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
                ExpressionAttributeValues={":pk": {"S": f"STATSDAY#{year}"}, ":lo": {"S": lo.isoformat()},
                                           ":hi": {"S": hi.isoformat()}}):
            by_day[str(item["SK"])].append(item)
    days = []
    counters: dict[str, int] = {}
    current = first
    while current <= last:
        summed = _sum(by_day.get(current.isoformat(), []))
        metrics.sum_into(counters, summed)
        days.append({"day": current.isoformat(), **metrics.plain(summed)})
        current += timedelta(days=1)
    return {"from": first.isoformat(), "to": last.isoformat(), "timezone": TIMEZONE, "generated_at": iso(now_utc()),
            "totals": metrics.derive(counters), "days": days, "sources": metrics.sources(counters)}
