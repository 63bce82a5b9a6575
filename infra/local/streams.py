"""DynamoDB streams for the local stack: what a Lambda event source mapping does in AWS, against moto.

For each ``Type: DynamoDB`` event of a function in template.yaml, a reader polls the table's stream
through the DynamoDB Streams API (moto's), drops the records the event's FilterCriteria do not match,
and hands the rest to lanes that invoke the function in batches of at most BatchSize, waiting up to
MaximumBatchingWindowInSeconds to fill one.

Records are spread over lanes by their key, as DynamoDB spreads items over shards: the changes of one
item arrive in order, changes of different items may be handled at the same time by concurrent
invocations - the races a stream consumer meets in AWS. A failed invocation is retried; with
ReportBatchItemFailures the retry starts at the first failed record (those before it are done). A
record still failing after MaximumRetryAttempts is set aside (``failed``, and a line on stderr) where
AWS would send it to the OnFailure destination, and the lane moves on.

``drain()`` waits until every change made so far has been handled: the tests and the benchmarks use it
(POST /_local/streams/drain on the gateway) instead of sleeping.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from infra.local.template import StreamSource

LANES = 4
IDLE_POLL_SECONDS = 0.05


# ---------------------------------------------------------------- filter patterns

_OPERATORS = {"exists", "prefix", "anything-but"}


def _check(pattern: Any, where: str = "pattern") -> None:
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            _check(value, f"{where}.{key}")
        return
    if not isinstance(pattern, list):
        raise ValueError(f"{where}: a filter pattern's leaves are lists of values")
    for rule in pattern:
        if isinstance(rule, dict) and (len(rule) != 1 or next(iter(rule)) not in _OPERATORS):
            raise ValueError(f"{where}: the local stack supports values and {sorted(_OPERATORS)} in filters")


def _leaf_matches(rules: list[Any], present: bool, value: Any) -> bool:
    for rule in rules:
        if isinstance(rule, dict):
            (op, arg), = rule.items()
            if op == "exists" and bool(arg) == present:
                return True
            if op == "prefix" and present and isinstance(value, str) and value.startswith(arg):
                return True
            if op == "anything-but" and present and value not in (arg if isinstance(arg, list) else [arg]):
                return True
        elif present and value == rule:
            return True
    return False


def matches(pattern: dict[str, Any], record: Any) -> bool:
    """EventBridge-style content filtering, the subset Lambda event filtering documents for DynamoDB:
    every key of the pattern must match; a leaf lists the accepted values or operators."""
    for key, sub in pattern.items():
        present = isinstance(record, dict) and key in record
        value = record.get(key) if present else None
        if isinstance(sub, dict):
            if not present or not matches(sub, value):
                return False
        elif not _leaf_matches(sub, present, value):
            return False
    return True


class RecordFilter:
    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = [json.loads(p) for p in patterns]
        for p in self.patterns:
            _check(p)

    def __call__(self, record: dict[str, Any]) -> bool:
        return not self.patterns or any(matches(p, record) for p in self.patterns)


# ---------------------------------------------------------------- reading a stream

def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record from GetRecords as Lambda delivers it (times as epoch seconds, the stream's ARN)."""
    data = dict(record.get("dynamodb") or {})
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        data["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": data, "eventSourceARN": stream_arn}


class StreamReader:
    """Reads one table's stream from where it last stopped. Each read positions a fresh iterator
    after the last sequence number seen, so it does not depend on an iterator staying valid."""

    def __init__(self, dynamodb: Any, streams: Any, table_name: str, starting_position: str = "TRIM_HORIZON") -> None:
        self.streams = streams
        self.arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        shards = streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.shard_id = shards[0]["ShardId"]
        self.last: str | None = None
        if starting_position == "LATEST":
            while self.read():  # skip what is already there
                pass

    def _read_from(self, iterator: str, limit: int) -> list[dict[str, Any]]:
        return self.streams.get_records(ShardIterator=iterator, Limit=min(limit, 1000))["Records"]

    def read(self, limit: int = 1000) -> list[dict[str, Any]]:
        if self.last is None:
            kind = {"ShardIteratorType": "TRIM_HORIZON"}
        else:
            kind = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self.last}
        iterator = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=self.shard_id, **kind)["ShardIterator"]
        records = self._read_from(iterator, limit)
        if records:
            self.last = records[-1]["dynamodb"]["SequenceNumber"]
        return [lambda_record(r, self.arn) for r in records]


# ---------------------------------------------------------------- the event source mapping

class FunctionFailure(Exception):
    """The invocation itself failed (the handler raised)."""


class StreamMapping:
    def __init__(
        self, function: str, source: StreamSource, reader: StreamReader,
        invoke: Callable[[dict[str, Any]], Any], *, lanes: int = LANES, retry_delay: float = 0.05,
    ) -> None:
        self.function, self.source, self.reader, self.invoke = function, source, reader, invoke
        self.accept = RecordFilter(source.filters)
        self.retry_delay = retry_delay
        self.failed: list[dict[str, Any]] = []  # records given up on (AWS: the OnFailure destination)
        self.delivered = 0
        self._lanes: list[queue.Queue[dict[str, Any]]] = [queue.Queue() for _ in range(lanes)]
        self._pending = 0  # records read and not yet handled or given up on
        self._last_poll_started = 0.0  # when the latest finished read began
        self._last_done = 0.0  # when a record was last handled (its handling may have written more)
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._poll, name=f"stream-{function}", daemon=True)]
        self._threads += [threading.Thread(target=self._lane, args=(q,), name=f"stream-{function}-{i}", daemon=True)
                          for i, q in enumerate(self._lanes)]

    def start(self) -> StreamMapping:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stopping.set()

    # ------------------------------------------------------------ reading
    def _lane_of(self, record: dict[str, Any]) -> queue.Queue[dict[str, Any]]:
        key = json.dumps(record["dynamodb"].get("Keys", {}), sort_keys=True).encode("utf-8")
        return self._lanes[zlib.crc32(key) % len(self._lanes)]

    def _poll(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                records = self.reader.read()
            except Exception as exc:  # noqa: BLE001 - moto going away at shutdown, or a hiccup
                if not self._stopping.is_set():
                    sys.stderr.write(f"[streams] reading the stream for {self.function} failed: {exc}\n")
                records = []
            wanted = [r for r in records if self.accept(r)]
            with self._cond:
                self._pending += len(wanted)
                self._last_poll_started = started
                self._cond.notify_all()
            for record in wanted:
                self._lane_of(record).put(record)
            if not records:
                self._stopping.wait(IDLE_POLL_SECONDS)

    # ------------------------------------------------------------ invoking
    def _next_batch(self, lane: queue.Queue[dict[str, Any]]) -> list[dict[str, Any]]:
        batch = [lane.get()]
        deadline = time.monotonic() + self.source.batching_window
        while len(batch) < self.source.batch_size:
            try:
                batch.append(lane.get(timeout=max(deadline - time.monotonic(), 0)) if self.source.batching_window
                             else lane.get_nowait())
            except queue.Empty:
                break
        return batch

    def _done(self, count: int) -> None:
        with self._cond:
            self._pending -= count
            self._last_done = time.monotonic()
            self._cond.notify_all()

    def _first_failed(self, batch: list[dict[str, Any]], result: Any) -> int | None:
        """Index of the first record to retry, None when the whole batch succeeded."""
        if not self.source.report_item_failures or not isinstance(result, dict):
            return None
        failures = result.get("batchItemFailures") or []
        if not failures:
            return None
        seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
        ids = [f.get("itemIdentifier") if isinstance(f, dict) else None for f in failures]
        if any(i not in seqs for i in ids):
            return 0  # an identifier that is not in the batch: Lambda retries the whole batch
        return min(seqs.index(i) for i in ids)

    def _lane(self, lane: queue.Queue[dict[str, Any]]) -> None:
        while not self._stopping.is_set():
            batch = self._next_batch(lane)
            attempts = 0
            while batch and not self._stopping.is_set():
                try:
                    result = self.invoke({"Records": batch})
                    first_failed = self._first_failed(batch, result)
                except FunctionFailure:
                    first_failed = 0
                if first_failed is None:
                    self.delivered += len(batch)
                    self._done(len(batch))
                    break
                self.delivered += first_failed
                self._done(first_failed)
                batch = batch[first_failed:]
                attempts += 1
                if 0 <= self.source.max_retries < attempts:
                    record = batch.pop(0)
                    self.failed.append(record)
                    self._done(1)
                    sys.stderr.write(f"[streams] {self.function}: record {record['dynamodb']['SequenceNumber']} "
                                     f"still failing after {attempts} attempts; set aside\n")
                    attempts = 0
                    continue
                self._stopping.wait(min(self.retry_delay * 2 ** attempts, 2.0))

    # ------------------------------------------------------------ observing
    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every change made before the call has been handled (or given up on)."""
        called = time.monotonic()
        deadline = called + timeout
        with self._cond:
            # idle, and the stream read again after the call and after the last record was handled
            while self._pending or self._last_poll_started <= max(called, self._last_done):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def status(self) -> dict[str, Any]:
        return {"function": self.function, "table": self.source.table, "pending": self._pending,
                "delivered": self.delivered, "failed": [r["dynamodb"]["SequenceNumber"] for r in self.failed]}


class EventSources:
    """The event source mappings of one kind (streams, queues): started, stopped, drained and
    reported on together."""

    def __init__(self, mappings: list[Any]) -> None:
        self.mappings = mappings

    def start(self) -> Any:
        for m in self.mappings:
            m.start()
        return self

    def stop(self) -> None:
        for m in self.mappings:
            m.stop()

    def drain(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        return all(m.drain(max(deadline - time.monotonic(), 0.0)) for m in self.mappings)

    def status(self) -> list[dict[str, Any]]:
        return [m.status() for m in self.mappings]


class Streams(EventSources):
    """Every stream event source of the template's functions."""

    @classmethod
    def for_functions(
        cls, functions: list[Any], *, table_names: dict[str, str], dynamodb: Any, streams: Any,
        invoke: Callable[[str, dict[str, Any]], Any],
    ) -> Streams:
        mappings = []
        for spec in functions:
            for source in spec.streams:
                reader = StreamReader(dynamodb, streams, table_names[source.table], source.starting_position)
                mappings.append(StreamMapping(spec.logical_id, source, reader,
                                              lambda event, fn=spec.logical_id: invoke(fn, event)))
        return cls(mappings)
