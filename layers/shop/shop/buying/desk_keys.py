"""The order desk's index keys of an order (OrdersByDay; shop.buying.desk has the design): kept
apart so that writing an order (shop.buying.orders.status_keys) needs nothing else of the desk."""

from __future__ import annotations

import os
import zlib
from datetime import UTC, date, datetime
from typing import Any

from shop.adapters.clock import SHANGHAI

INDEX = "OrdersByDay"


def shards() -> int:
    return max(1, int(os.environ.get("ORDER_DESK_SHARDS") or 1))


def day_of_ms(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(SHANGHAI).date()


def day_start_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).timestamp() * 1000)


def index_attributes(order_id: str, created_ms: int, address: dict[str, Any] | None) -> dict[str, Any]:
    """The desk's attributes of a new order (its index keys and the phone's last four digits)."""
    shard = zlib.crc32(order_id.encode()) % shards()
    found = {"desk_pk": f"DESK#{day_of_ms(created_ms).isoformat()}#{shard}", "desk_sk": f"{created_ms:013d}#{order_id}"}
    phone = (address or {}).get("phone") or ""
    if len(phone) >= 4:
        found["phone4"] = phone[-4:]
    return found
