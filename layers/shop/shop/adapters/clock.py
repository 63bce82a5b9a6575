"""Time. Storage is UTC (ISO 8601 with ``Z``, or epoch seconds where DynamoDB needs a number);
business days (check-in, daily limits) are Asia/Shanghai, which has had no DST since 1991, so a
fixed +08:00 offset is exact and needs no tz database in the Lambda image."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

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
