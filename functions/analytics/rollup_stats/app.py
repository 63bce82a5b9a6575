"""RollupStats - every hour (EventBridge schedule): products' views and cart adds from the day's
fact markers, and finished days' totals for date ranges (shop.analytics.rollup). "Now" is the
scheduled event's ``time``, bounded by TIMERS_MAX_EVENT_SKEW_SECONDS."""

from typing import Any

from shop.adapters.clock import scheduled_time
from shop.adapters.config import setting_int
from shop.adapters.observability import logger, metrics
from shop.analytics import rollup


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    written = rollup.run(scheduled_time(event, setting_int("TIMERS_MAX_EVENT_SKEW_SECONDS")))
    logger.info("dashboard counters rolled up", extra=written)
    return written
