"""Consuming the shop table's DynamoDB stream (Lambda event source with ReportBatchItemFailures).

A batch is handled in stream order. When a record fails, it and every record after it are reported
as failed: Lambda then retries from that record (a stream is checkpointed at the lowest failed
sequence number), so nothing after a failure is handled twice more than needed and order is kept.
Handlers must be idempotent anyway - a stream delivers each record at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shop.adapters import db
from shop.adapters.observability import MetricUnit, logger, metrics


@dataclass(frozen=True)
class Change:
    event: str  # INSERT, MODIFY, REMOVE
    new: dict[str, Any]  # the item after the change ({} for REMOVE)
    old: dict[str, Any]  # the item before it ({} for INSERT)
    sequence_number: str
    recorded_at: float | None = None  # ApproximateCreationDateTime (epoch seconds): the same on a redelivery

    @property
    def item(self) -> dict[str, Any]:
        return self.new or self.old


def change_of(record: dict[str, Any]) -> Change:
    data = record.get("dynamodb") or {}
    return Change(
        event=record.get("eventName", ""),
        new=db.from_item(data.get("NewImage") or {}),
        old=db.from_item(data.get("OldImage") or {}),
        sequence_number=data.get("SequenceNumber", ""),
        recorded_at=float(data["ApproximateCreationDateTime"]) if data.get("ApproximateCreationDateTime") else None,
    )


def process(event: dict[str, Any], handle: Callable[[Change], None]) -> dict[str, list[dict[str, str]]]:
    """Run ``handle`` on each record; the partial batch response Lambda expects."""
    records = event.get("Records") or []
    for index, record in enumerate(records):
        change = change_of(record)
        try:
            handle(change)
        except Exception:
            logger.exception("stream record failed", extra={"sequence_number": change.sequence_number,
                                                            "event": change.event, "type": change.item.get("type")})
            metrics.add_metric(name="StreamRecordFailed", unit=MetricUnit.Count, value=1)
            return {"batchItemFailures": [{"itemIdentifier": r.get("dynamodb", {}).get("SequenceNumber", "")}
                                          for r in records[index:]]}
    return {"batchItemFailures": []}


def process_all(event: dict[str, Any], handle: Callable[[list[Change]], Any]) -> dict[str, list[dict[str, str]]]:
    """Run ``handle`` once on every record of the batch together (a consumer that writes a batch's
    effects in a few transactions, e.g. counters); when it fails the whole batch is reported failed
    and retried, so ``handle`` must be idempotent over records (shop.analytics.counters is)."""
    records = event.get("Records") or []
    changes = [change_of(record) for record in records]
    try:
        handle(changes)
    except Exception:
        logger.exception("stream batch failed", extra={"records": len(records), "first_sequence_number":
                                                         changes[0].sequence_number if changes else None})
        metrics.add_metric(name="StreamRecordFailed", unit=MetricUnit.Count, value=len(records))
        return {"batchItemFailures": [{"itemIdentifier": c.sequence_number} for c in changes]}
    return {"batchItemFailures": []}
