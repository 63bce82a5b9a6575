"""Order timers, run every minute by an EventBridge schedule (available in every region the
template targets, China included). What is due, from the DueByTime index:

- unpaid orders whose payment deadline has passed: cancelled (stock released, WeChat Pay's order
  closed); one WeChat Pay reports paid is settled instead, or, when that payment cannot be applied,
  moved to PAYMENT_EXCEPTION so it does not come back every minute with its stock held;
- shipped orders whose automatic completion is due: completed;
- refunds: submitted again after a refusal worth retrying, submitted when the function that decided
  them stopped before calling WeChat Pay, or asked about when no notification has settled them.

Every action is conditional on the item still being in the state that made it due, so a payment
racing the timeout ends in one consistent state. Due items are worked on concurrently (WeChat Pay
calls take most of the time) within the invocation's remaining time: what cannot be started with
enough time left is left for the next minute, never cut off half-way.

"Now" is the scheduled event's ``time``, so the local stack and tests move time forward by sending an
event from the future instead of waiting; a time further ahead of the clock than
TIMERS_MAX_EVENT_SKEW_SECONDS is not trusted.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from shop.buying import orders, purchase
from shop.adapters.clock import now_epoch
from shop.adapters.config import setting_float, setting_int
from shop.adapters.observability import MetricUnit, logger, metrics

WORKERS = 16
# Do not start an item with less time left than this: one item makes at most three WeChat Pay calls.
RESERVE_SECONDS = 2.0


def _now(event: dict[str, Any]) -> int:
    real = now_epoch()
    try:
        scheduled = int(datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00")).timestamp())
    except (KeyError, ValueError, TypeError):
        return real
    return min(scheduled, real + setting_int("TIMERS_MAX_EVENT_SKEW_SECONDS"))


def _work(item: dict[str, Any], now: int) -> str:
    if item.get("type") == "refund":
        from shop.buying import refunds

        return "refund_" + refunds.follow_up(item)
    if item["status"] == orders.PENDING and item["deadline_at"] <= now:
        return "cancelled" if purchase.expire(item, now) else "settled"
    if item["status"] == "SHIPPED" and item.get("auto_complete_at", now + 1) <= now:
        return "completed" if orders.complete(item, now, reason="auto") else "skipped"
    return "skipped"


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    from shop.adapters.wechat import pay

    pay.prefetch()
    now = _now(event)
    due = orders.due(now)
    started = time.monotonic()
    budget = context.get_remaining_time_in_millis() / 1000 - RESERVE_SECONDS - 2 * setting_float(
        "WECHAT_HTTP_TIMEOUT_SECONDS")
    counts: dict[str, int] = {}

    def run(item: dict[str, Any]) -> str:
        if time.monotonic() - started > budget:  # too little time left to finish it: next minute
            return "deferred"
        try:
            return _work(item, now)
        except Exception:  # one item must not hold up the others; it is due again next minute
            logger.exception("order timer failed", extra={"order_id": item.get("order_id"),
                                                          "refund_id": item.get("refund_id")})
            return "failed"

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for outcome in pool.map(run, due):
            counts[outcome] = counts.get(outcome, 0) + 1
    # Only counts that happened: a metric published every minute with 0 is billed as a custom metric
    # all month (bench/cost.py: most of an idle month's bill); an absent datapoint reads as 0.
    for name, outcome in (("OrdersTimedOut", "cancelled"), ("OrdersAutoCompleted", "completed"),
                          ("OrderTimerFailures", "failed"), ("OrderTimerDeferred", "deferred")):
        if counts.get(outcome):
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=counts[outcome])
    result = {"due": len(due), "cancelled": counts.get("cancelled", 0), "completed": counts.get("completed", 0),
              "failed": counts.get("failed", 0), "deferred": counts.get("deferred", 0),
              "refunds": sum(v for k, v in counts.items() if k.startswith("refund_"))}
    logger.info("order timers ran", extra={**result, "outcomes": counts})
    return result
