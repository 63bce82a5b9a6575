"""Shipping uploads, run every minute by an EventBridge schedule: every due upload task (DueByTime,
due_shard SHIPUP#<n>) is claimed and its order's shipping sent to WeChat with upload_shipping_info,
retried with backoff or marked failed (shop.buying.shipping_upload). The first run also sets the
page WeChat's shipping messages open (set_msg_jump_path), once per configured path.

"Now" is the scheduled event's ``time`` (as in OrderTimers), so tests and the local stack move time
forward by sending an event from the future; at most TIMERS_MAX_EVENT_SKEW_SECONDS ahead is trusted.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from shop.adapters.clock import now_epoch
from shop.adapters.config import setting_float, setting_int
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.buying import shipping_upload

WORKERS = 8
RESERVE_SECONDS = 2.0


def _now(event: dict[str, Any]) -> int:
    real = now_epoch()
    try:
        scheduled = int(datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00")).timestamp())
    except (KeyError, ValueError, TypeError):
        return real
    return min(scheduled, real + setting_int("TIMERS_MAX_EVENT_SKEW_SECONDS"))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    now = _now(event)
    due = shipping_upload.due(now)
    counts: dict[str, int] = {}
    if due:
        shipping_upload.ensure_jump_path()
    started = time.monotonic()
    budget = context.get_remaining_time_in_millis() / 1000 - RESERVE_SECONDS - 3 * setting_float(
        "WECHAT_HTTP_TIMEOUT_SECONDS")

    def run(task: dict[str, Any]) -> str:
        if time.monotonic() - started > budget:
            return "deferred"
        try:
            return shipping_upload.run(task, now)
        except Exception:  # one task must not hold up the others; its lease runs out, it is due again
            logger.exception("shipping upload failed", extra={"order_id": task.get("order_id")})
            return "error"

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for outcome in pool.map(run, due):
            counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("error"):
        metrics.add_metric(name="ShippingUploadErrors", unit=MetricUnit.Count, value=counts["error"])
    result = {"due": len(due), **counts}
    logger.info("shipping uploads ran", extra=result)
    return result
