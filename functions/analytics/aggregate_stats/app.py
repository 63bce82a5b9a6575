"""AggregateStats - reads the shop table's stream (filtered in the template to orders, refunds,
profiles and event batches) and counts the dashboard's facts into the hour, day and product
counters, each fact exactly once however often the stream delivers it."""

from typing import Any

from shop.adapters import streams
from shop.adapters.observability import logger, metrics
from shop.analytics import aggregate, counters


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return streams.process_all(event, lambda changes: counters.apply(
        [fact for change in changes for fact in aggregate.contributions_of(change)]))
