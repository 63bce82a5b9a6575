"""GrowthEvents - reads the shop table's stream (filtered in the template to new users, new
referrals and orders becoming PAID): grants the new-user gift pack, binds invited users and rewards
their inviters. Kept out of login and the pay notification, so neither waits for it or fails with it."""

from typing import Any

from shop import growth, streams
from shop.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return streams.process(event, growth.ChangeHandler())
