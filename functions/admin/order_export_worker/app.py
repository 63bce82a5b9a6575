"""OrderExportWorker - reads the shop table's stream (filtered in the template to new export items)
and produces each export: the CSV into the exports bucket, the export marked done or failed. It
stops before its own timeout (shop.buying.exports.run), so an export never dies with the function."""

from typing import Any

from shop.adapters import streams
from shop.adapters.observability import logger, metrics
from shop.buying import exports


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    def handle(change: streams.Change) -> None:
        if change.event == "INSERT" and change.new.get("type") == "order_export":
            exports.run(change.new, context.get_remaining_time_in_millis)

    return streams.process(event, handle)
