"""Every hour (EventBridge schedule) - reconcile yesterday (Beijing) once WeChat Pay has published its
bill (10:00 Beijing): runs until a run gives clean or differences, an error is tried again a few
times, "not generated yet" waits for the next hour. "Now" is the scheduled event's ``time`` (as for
the order timers), bounded by TIMERS_MAX_EVENT_SKEW_SECONDS."""

from typing import Any

from shop.adapters.clock import scheduled_time
from shop.adapters.config import setting_int
from shop.adapters.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    from shop.adapters.wechat import pay
    from shop.buying import reconciliation

    pay.prefetch()
    outcome = reconciliation.run_scheduled(scheduled_time(event, setting_int("TIMERS_MAX_EVENT_SKEW_SECONDS")))
    logger.info("reconciliation worker ran", extra={"outcome": outcome})
    return {"outcome": outcome}
