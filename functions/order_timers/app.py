"""Order timers, run every minute by an EventBridge schedule (available in every region the
template targets, China included): cancel unpaid orders whose payment deadline has passed
(releasing their stock, closing their WeChat Pay order) and complete shipped orders whose automatic
completion is due. Every action is conditional on the order still being in the state that made it
due, so a payment racing the timeout ends in one consistent state.

"Now" is the scheduled event's ``time``, so the local stack and tests move time forward by sending an
event from the future instead of waiting; a time further ahead of the clock than
TIMERS_MAX_EVENT_SKEW_SECONDS is not trusted.
"""

from datetime import datetime
from typing import Any

from shop import orders
from shop.clock import now_epoch
from shop.config import setting_int
from shop.observability import MetricUnit, logger, metrics


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
    from shop.wechat import pay

    pay.prefetch()
    now = _now(event)
    due = orders.due(now)
    cancelled = completed = failed = 0
    for item in due:
        try:
            if item["status"] == orders.PENDING and item["deadline_at"] <= now:
                cancelled += orders.expire(item, now)
            elif item["status"] == "SHIPPED" and item.get("auto_complete_at", now + 1) <= now:
                completed += orders.complete(item, now, reason="auto")
        except Exception:  # one order must not hold up the others; it is due again next minute
            failed += 1
            logger.exception("order timer failed", extra={"order_id": item.get("order_id")})
    metrics.add_metric(name="OrdersTimedOut", unit=MetricUnit.Count, value=cancelled)
    metrics.add_metric(name="OrdersAutoCompleted", unit=MetricUnit.Count, value=completed)
    metrics.add_metric(name="OrderTimerFailures", unit=MetricUnit.Count, value=failed)
    logger.info("order timers ran", extra={"due": len(due), "cancelled": cancelled, "completed": completed, "failed": failed})
    return {"due": len(due), "cancelled": cancelled, "completed": completed, "failed": failed}
