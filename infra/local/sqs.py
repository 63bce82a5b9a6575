"""SQS for the local stack: the template's queues in moto, and what a Lambda event source mapping
does with a queue in AWS.

``create_queues`` makes every ``AWS::SQS::Queue`` of template.yaml (its visibility timeout,
retention, delay, FIFO settings and redrive policy to its dead-letter queue), and ``refs`` gives the
template's ``!Ref <Queue>`` (the URL) and ``!GetAtt <Queue>.Arn`` / ``.QueueName`` their local values.

For each ``Type: SQS`` event of a function, pollers (ScalingConfig.MaximumConcurrency of them, as
Lambda runs that many invocations of the mapping at once) receive up to BatchSize messages and
invoke the function with them. A message is deleted once handled: the whole batch when the
invocation succeeds, all but the reported ones with ReportBatchItemFailures. A message that failed
(the invocation raised, or it was reported) stays in the queue and comes back, with its receive
count one higher; after the queue's maxReceiveCount moto moves it to the dead-letter queue, as SQS
does. One local liberty: a failed message is made visible again after a short backoff (0.05 s,
doubling, at most 2 s) instead of the queue's whole visibility timeout, so retries happen in test
time; the order of events is the same.

``drain()`` waits until every queue with a consumer is empty and nothing is being handled: the tests
use it (POST /_local/queues/drain) instead of sleeping.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from infra.local.streams import EventSources, FunctionFailure
from infra.local.template import SqsSource

IDLE_POLL_SECONDS = 0.05
REGION = "us-east-1"
ACCOUNT = "123456789012"
ATTRIBUTES = {  # template property -> SQS attribute (the ones the local stack honours)
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "MaximumMessageSize": "MaximumMessageSize",
    "FifoQueue": "FifoQueue",
    "ContentBasedDeduplication": "ContentBasedDeduplication",
}


def local_queue_names(template: Any, prefix: str = "minishop-local") -> dict[str, str]:
    names = {}
    for logical_id, props in template.queues().items():
        fifo = str(props.get("FifoQueue", "")).lower() == "true"
        names[logical_id] = f"{prefix}-{logical_id}" + (".fifo" if fifo else "")
    return names


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def refs(names: dict[str, str], urls: dict[str, str]) -> dict[str, str]:
    """The template's Ref / GetAtt of each queue, locally."""
    out: dict[str, str] = {}
    for logical_id, name in names.items():
        out[logical_id] = urls.get(logical_id, "")
        out[f"{logical_id}.Arn"] = queue_arn(name)
        out[f"{logical_id}.QueueName"] = name
        out[f"{logical_id}.QueueUrl"] = urls.get(logical_id, "")
    return out


def create_queues(client: Any, template: Any, names: dict[str, str]) -> dict[str, str]:
    """Every queue of the template; the redrive policies once all of them exist. Returns the URLs."""
    urls: dict[str, str] = {}
    queues = template.queues()
    for logical_id, props in queues.items():
        attributes = {attr: str(props[key]).lower() if isinstance(props[key], bool) else str(props[key])
                      for key, attr in ATTRIBUTES.items() if key in props}
        urls[logical_id] = client.create_queue(QueueName=names[logical_id], Attributes=attributes)["QueueUrl"]
    for logical_id, props in queues.items():
        policy = props.get("RedrivePolicy")
        if not policy:
            continue
        target = policy.get("deadLetterTargetArn")
        if not (isinstance(target, dict) and "Fn::GetAtt" in target):
            raise ValueError(f"{logical_id}: the local stack reads a deadLetterTargetArn given as !GetAtt <Queue>.Arn")
        dlq = target["Fn::GetAtt"][0]
        client.set_queue_attributes(QueueUrl=urls[logical_id], Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": queue_arn(names[dlq]), "maxReceiveCount": int(policy.get("maxReceiveCount", 10))})})
    return urls


def lambda_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    """A message from ReceiveMessage as Lambda delivers it."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes") or {},
        "messageAttributes": {k: {**v, "stringListValues": [], "binaryListValues": []}
                              for k, v in (message.get("MessageAttributes") or {}).items()},
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


class QueueMapping:
    def __init__(self, function: str, source: SqsSource, client: Any, url: str, arn: str,
                 invoke: Callable[[dict[str, Any]], Any]) -> None:
        self.function, self.source, self.client, self.url, self.arn, self.invoke = function, source, client, url, arn, invoke
        self.delivered = 0
        self.failures = 0
        self._busy = 0
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._poll, name=f"sqs-{function}-{i}", daemon=True)
                         for i in range(max(1, source.max_concurrency))]

    def start(self) -> QueueMapping:
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stopping.set()

    def _receive(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + self.source.batching_window
        while len(messages) < self.source.batch_size:
            got = self.client.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=min(10, self.source.batch_size - len(messages)),
                AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0).get("Messages", [])
            messages += got
            if not got and (not messages or time.monotonic() >= deadline):
                break
            if not got:
                self._stopping.wait(IDLE_POLL_SECONDS)
        return messages

    def _poll(self) -> None:
        while not self._stopping.is_set():
            with self._cond:
                self._busy += 1
            try:
                try:
                    messages = self._receive()
                except Exception as exc:  # noqa: BLE001 - moto going away at shutdown, or a hiccup
                    if not self._stopping.is_set():
                        sys.stderr.write(f"[sqs] receiving for {self.function} failed: {exc}\n")
                    messages = []
                if messages:
                    self._handle(messages)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()
            if not messages:
                self._stopping.wait(IDLE_POLL_SECONDS)

    def _handle(self, messages: list[dict[str, Any]]) -> None:
        records = [lambda_record(m, self.arn) for m in messages]
        try:
            result = self.invoke({"Records": records})
            failed = self._reported(records, result)
        except FunctionFailure:
            failed = {r["messageId"] for r in records}
        done = [r for r in records if r["messageId"] not in failed]
        for start in range(0, len(done), 10):
            self.client.delete_message_batch(QueueUrl=self.url, Entries=[
                {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done[start:start + 10])])
        self.delivered += len(done)
        for r in records:
            if r["messageId"] in failed:
                self.failures += 1
                n = int(r["attributes"].get("ApproximateReceiveCount", 1))
                backoff = min(0.05 * 2 ** (n - 1), 2.0)
                try:  # visible again soon (AWS: after the visibility timeout)
                    self.client.change_message_visibility(QueueUrl=self.url, ReceiptHandle=r["receiptHandle"],
                                                          VisibilityTimeout=max(0, round(backoff)))
                except Exception:  # noqa: BLE001 - moved to the dead-letter queue meanwhile
                    pass

    def _reported(self, records: list[dict[str, Any]], result: Any) -> set[str]:
        if not self.source.report_item_failures or not isinstance(result, dict):
            return set()
        ids = {f.get("itemIdentifier") for f in (result.get("batchItemFailures") or []) if isinstance(f, dict)}
        mine = {r["messageId"] for r in records}
        return mine if ids - mine else ids  # an unknown identifier: Lambda retries the whole batch

    def pending(self) -> int:
        attrs = self.client.get_queue_attributes(QueueUrl=self.url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return sum(int(v) for v in attrs.values())

    def drain(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pending() == 0:
                with self._cond:
                    idle = self._busy == 0 or self._cond.wait_for(lambda: self._busy == 0, 0.2)
                if idle and self.pending() == 0:
                    return True
            time.sleep(IDLE_POLL_SECONDS)
        return False

    def status(self) -> dict[str, Any]:
        return {"function": self.function, "queue": self.source.queue, "delivered": self.delivered,
                "failures": self.failures, "pending": self.pending()}


class Queues(EventSources):
    """Every SQS event source of the template's functions."""

    @classmethod
    def for_functions(cls, functions: list[Any], *, names: dict[str, str], urls: dict[str, str], client: Any,
                      invoke: Callable[[str, dict[str, Any]], Any]) -> Queues:
        mappings = []
        for spec in functions:
            for source in spec.sqs:
                mappings.append(QueueMapping(spec.logical_id, source, client, urls[source.queue],
                                             queue_arn(names[source.queue]),
                                             lambda event, fn=spec.logical_id: invoke(fn, event)))
        return cls(mappings)
