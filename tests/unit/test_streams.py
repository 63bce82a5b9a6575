"""The local stack's stream event source: FilterCriteria as Lambda applies them, and batches retried
from the first failed record, as the template configures GrowthEvents."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from infra.local.streams import RecordFilter, StreamMapping
from infra.local.template import StreamSource, Template


def record(seq: int, event: str, new: dict[str, str] | None = None, old: dict[str, str] | None = None,
           pk: str = "X") -> dict[str, Any]:
    data: dict[str, Any] = {"SequenceNumber": str(seq), "Keys": {"PK": {"S": pk}, "SK": {"S": "S"}}}
    if new is not None:
        data["NewImage"] = {k: {"S": v} for k, v in new.items()}
    if old is not None:
        data["OldImage"] = {k: {"S": v} for k, v in old.items()}
    return {"eventName": event, "dynamodb": data}


@pytest.fixture(scope="module")
def growth_filter() -> RecordFilter:
    spec = next(f for f in Template().functions() if f.logical_id == "GrowthEventsFunction")
    (source,) = spec.streams
    assert (source.table, source.report_item_failures, source.starting_position) == ("ShopTable", True, "TRIM_HORIZON")
    return RecordFilter(source.filters)


@pytest.mark.parametrize(("rec", "wanted"), [
    (record(1, "INSERT", {"type": "user"}), True),
    (record(2, "INSERT", {"type": "referral"}), True),
    (record(3, "MODIFY", {"type": "order", "status": "PAID"}, {"type": "order", "status": "PENDING_PAYMENT"}), True),
    (record(4, "MODIFY", {"type": "order", "status": "SHIPPED"}, {"type": "order", "status": "PAID"}), False),
    (record(5, "MODIFY", {"type": "order", "status": "CANCELLED"}, {"type": "order", "status": "PENDING_PAYMENT"}), False),
    (record(6, "MODIFY", {"type": "user"}, {"type": "user"}), False),  # a profile edit
    (record(7, "INSERT", {"type": "order", "status": "PENDING_PAYMENT"}), False),
    (record(8, "INSERT", {"type": "coupon"}), False),
    (record(9, "REMOVE", None, {"type": "user"}), False),
])
def test_growth_events_get_only_the_changes_they_act_on(growth_filter: RecordFilter, rec: dict[str, Any], wanted: bool) -> None:
    assert growth_filter(rec) is wanted


def test_filter_operators() -> None:
    f = RecordFilter(('{"dynamodb": {"NewImage": {"a": {"S": [{"prefix": "ab"}]}, "b": [{"exists": false}]}}}',))
    assert f(record(1, "INSERT", {"a": "abc"}))
    assert not f(record(1, "INSERT", {"a": "xbc"}))
    assert not f(record(1, "INSERT", {"a": "abc", "b": "1"}))
    with pytest.raises(ValueError, match="supports"):
        RecordFilter(('{"eventName": [{"numeric": [">", 1]}]}',))


class FakeReader:
    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records, self.lock = list(records), threading.Lock()

    def read(self) -> list[dict[str, Any]]:
        with self.lock:
            out, self.records = self.records, []
        return out


def test_a_failed_record_is_retried_from_where_it_failed_and_set_aside_after_the_retries() -> None:
    records = [record(i, "INSERT", {"type": "user"}) for i in range(1, 6)]
    seen: list[list[str]] = []
    lock = threading.Lock()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        seqs = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        with lock:
            seen.append(seqs)
        failed = [s for s in seqs if s == "3"]  # record 3 always fails, and the handler reports it and what follows
        return {"batchItemFailures": [{"itemIdentifier": s} for s in seqs[seqs.index(failed[0]):]] if failed else []}

    source = StreamSource(table="ShopTable", batch_size=10, max_retries=2, report_item_failures=True)
    mapping = StreamMapping("Fn", source, FakeReader(records), invoke, lanes=1, retry_delay=0.001).start()
    try:
        assert mapping.drain(timeout=10)
    finally:
        mapping.stop()
    assert seen[0] == ["1", "2", "3", "4", "5"]
    assert seen[1:3] == [["3", "4", "5"]] * 2  # 1 and 2 were done; 3 retried twice (MaximumRetryAttempts)...
    assert seen[3:] == [["4", "5"]]  # ...then set aside, and the rest goes on
    assert [r["dynamodb"]["SequenceNumber"] for r in mapping.failed] == ["3"]
    assert mapping.delivered == 4
