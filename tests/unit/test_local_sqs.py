"""The local stack's SQS event sources (infra/local/sqs.py) against moto: queues made from a
template with their dead-letter redrive, messages handed to the function in batches, deleted once
handled, the failed ones (a raised invocation, or ReportBatchItemFailures) delivered again and, past
maxReceiveCount, moved to the dead-letter queue - what a consumer meets in AWS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local import sqs
from infra.local.motoserver import MotoServer
from infra.local.template import Template

TEMPLATE = """
Resources:
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt WorkFailures.Arn
        maxReceiveCount: 3
  WorkFailures:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/
      Handler: app.lambda_handler
      Environment:
        Variables:
          WORK_QUEUE_URL: !Ref Work
      Events:
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Work.Arn
            BatchSize: 4
            FunctionResponseTypes: [ReportBatchItemFailures]
            ScalingConfig:
              MaximumConcurrency: 2
"""


@pytest.fixture()
def client() -> Iterator[Any]:
    server = MotoServer().start()
    try:
        yield boto3.client("sqs", endpoint_url=server.url, region_name=sqs.REGION,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    finally:
        server.stop()


@pytest.fixture()
def template(tmp_path: Path) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, "utf-8")
    return Template(path)


def _mapping(template: Template, client: Any, invoke: Any) -> tuple[sqs.Queues, dict[str, str]]:
    names = sqs.local_queue_names(template)
    urls = sqs.create_queues(client, template, names)
    queues = sqs.Queues.for_functions(template.functions(), names=names, urls=urls, client=client,
                                      invoke=lambda _fn, event: invoke(event))
    return queues.start(), urls


def test_the_template_reads_the_event_source_and_the_queues_get_their_redrive(template: Template, client: Any) -> None:
    (spec,) = template.functions()
    assert spec.sqs == [sqs.SqsSource(queue="Work", batch_size=4, report_item_failures=True, max_concurrency=2)]
    names = sqs.local_queue_names(template)
    urls = sqs.create_queues(client, template, names)
    attrs = client.get_queue_attributes(QueueUrl=urls["Work"], AttributeNames=["All"])["Attributes"]
    assert json.loads(attrs["RedrivePolicy"]) == {"deadLetterTargetArn": sqs.queue_arn(names["WorkFailures"]),
                                                  "maxReceiveCount": 3}
    assert attrs["VisibilityTimeout"] == "30"
    env = template.resolve(spec.environment, sqs.refs(names, urls))
    assert env["WORK_QUEUE_URL"] == urls["Work"]


def test_messages_arrive_in_batches_and_are_deleted_once_handled(template: Template, client: Any) -> None:
    seen: list[str] = []
    sizes: list[int] = []
    lock = threading.Lock()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        with lock:
            sizes.append(len(event["Records"]))
            seen.extend(r["body"] for r in event["Records"])
        assert all(r["eventSource"] == "aws:sqs" and r["eventSourceARN"].endswith("Work") for r in event["Records"])
        return {"batchItemFailures": []}

    queues, urls = _mapping(template, client, invoke)
    try:
        for i in range(0, 20, 10):
            client.send_message_batch(QueueUrl=urls["Work"], Entries=[
                {"Id": str(n), "MessageBody": f"m{n}"} for n in range(i, i + 10)])
        assert queues.drain(20)
        assert sorted(seen) == sorted(f"m{n}" for n in range(20))  # each once
        assert max(sizes) <= 4
        assert queues.status()[0]["pending"] == 0
    finally:
        queues.stop()


def test_a_reported_failure_comes_back_and_the_others_do_not(template: Template, client: Any) -> None:
    attempts: dict[str, int] = {}
    lock = threading.Lock()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        failed = []
        with lock:
            for r in event["Records"]:
                attempts[r["body"]] = attempts.get(r["body"], 0) + 1
                if r["body"] == "flaky" and attempts["flaky"] < 2:
                    failed.append({"itemIdentifier": r["messageId"]})
        return {"batchItemFailures": failed}

    queues, urls = _mapping(template, client, invoke)
    try:
        client.send_message_batch(QueueUrl=urls["Work"], Entries=[
            {"Id": "1", "MessageBody": "flaky"}, {"Id": "2", "MessageBody": "fine"}])
        assert queues.drain(20)
        assert attempts == {"flaky": 2, "fine": 1}
    finally:
        queues.stop()


def test_a_message_that_keeps_failing_goes_to_the_dead_letter_queue(template: Template, client: Any) -> None:
    calls: list[int] = []

    def invoke(event: dict[str, Any]) -> Any:
        calls.append(len(event["Records"]))
        raise sqs.FunctionFailure("boom")

    queues, urls = _mapping(template, client, invoke)
    try:
        client.send_message(QueueUrl=urls["Work"], MessageBody="poison")
        deadline = time.monotonic() + 20
        dead: list[dict[str, Any]] = []
        while not dead and time.monotonic() < deadline:
            dead = client.receive_message(QueueUrl=urls["WorkFailures"], WaitTimeSeconds=0).get("Messages", [])
            time.sleep(0.1)
        assert [m["Body"] for m in dead] == ["poison"]
        assert len(calls) == 3  # maxReceiveCount deliveries, then the dead-letter queue
        assert queues.drain(5)
    finally:
        queues.stop()
