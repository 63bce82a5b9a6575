"""GrowthEvents - reads the shop table's stream (filtered in the template to new users, new
referrals, orders becoming PAID and coupon templates whose total the merchant changed): grants the
new-user gift pack, binds invited users, rewards their inviters and settles rewards owed while a
coupon was used up. Kept out of login and the pay notification, so neither waits for it or fails
with it."""

from typing import Any

from shop.growth import rewards
from shop.adapters import streams
from shop.adapters.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return streams.process(event, rewards.ChangeHandler())
