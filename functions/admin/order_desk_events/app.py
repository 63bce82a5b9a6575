"""OrderDeskEvents - reads the shop table's stream (filtered in the template to refund items) and
keeps each refund's summary on its order, so the desk's order detail is one read."""

from typing import Any

from shop.adapters import streams
from shop.adapters.observability import logger, metrics
from shop.buying import desk


def _handle(change: streams.Change) -> None:
    if change.new and change.new.get("type") == "refund":
        desk.project(change.new)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return streams.process(event, _handle)
