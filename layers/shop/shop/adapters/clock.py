"""Time. Storage is UTC (ISO 8601 with ``Z``, or epoch seconds where DynamoDB needs a number);
business days (check-in, daily limits) are Asia/Shanghai, which has had no DST since 1991, so a
fixed +08:00 offset is exact and needs no tz database in the Lambda image."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_epoch() -> int:
    return int(time.time())


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with a Z suffix and second precision, e.g. 2026-11-25T09:42:52Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_from_epoch(epoch: int) -> str:
    return iso(datetime.fromtimestamp(epoch, UTC))


def business_day(at: datetime | None = None) -> date:
    return (at or now_utc()).astimezone(SHANGHAI).date()


def scheduled_time(event: dict[str, Any], max_ahead_seconds: int) -> datetime:
    """"Now" for a scheduled (EventBridge) invocation: the event's ``time``, so a late or repeated
    delivery does the work of its own slot; at most ``max_ahead_seconds`` ahead of the clock is
    trusted, and an event without a readable time is now."""
    real = now_epoch()
    try:
        scheduled = int(datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00")).timestamp())
    except (KeyError, ValueError, TypeError):
        scheduled = real
    return datetime.fromtimestamp(min(scheduled, real + max_ahead_seconds), UTC)
