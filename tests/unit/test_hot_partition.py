"""The local stack's hot-partition mode (infra/local/hotpartition.py): in front of moto, outside its
one lock, transactions on one item at once conflict and each item takes only so many write units a
second, as in DynamoDB; with the mode off, moto answers alone."""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.local import hotpartition
from infra.local.hotpartition import CONFLICT_REASON, HotPartition, Settings, parse_settings
from infra.local.motoserver import MotoServer

TABLE = f"hot-partition-{uuid.uuid4().hex[:8]}"


class Prepare:
    """The middleware's sleep during a transaction's prepare window: real time, unless a test holds
    the window open with ``gate`` (then the transaction stays in flight until the test says so)."""

    def __init__(self) -> None:
        self.gate: threading.Event | None = None

    def __call__(self, seconds: float) -> None:
        gate = self.gate
        if gate is not None:
            assert gate.wait(30), "the test never let the transaction go on"
        else:
            time.sleep(seconds)


class Local:
    def __init__(self, server: MotoServer, hot: HotPartition, prepare: Prepare) -> None:
        import boto3
        from botocore.config import Config

        self.server, self.hot, self.prepare = server, hot, prepare
        self.db = boto3.client("dynamodb", endpoint_url=server.url, region_name="us-east-1",
                               aws_access_key_id="testing", aws_secret_access_key="testing",
                               config=Config(retries={"total_max_attempts": 1}, max_pool_connections=32,
                                             read_timeout=30))

    def key(self, pk: str, sk: str = "item") -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    def add(self, pk: str, n: int = 1) -> dict[str, Any]:
        """The Update action of an ``ADD n :n`` on item ``pk`` (a stock counter, say)."""
        return {"TableName": TABLE, "Key": self.key(pk), "UpdateExpression": "ADD n :n",
                "ExpressionAttributeValues": {":n": {"N": str(n)}}}

    def transact(self, *actions: dict[str, Any]) -> list[dict[str, Any]] | None:
        """None when written; the CancellationReasons when cancelled."""
        try:
            self.db.transact_write_items(TransactItems=list(actions))
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "TransactionCanceledException", exc.response
            return exc.response["CancellationReasons"]
        return None

    def n(self, pk: str) -> int:
        item = self.db.get_item(TableName=TABLE, Key=self.key(pk), ConsistentRead=True).get("Item")
        return int(item["n"]["N"]) if item else 0

    def wait_in_flight(self, count: int = 1) -> None:
        deadline = time.monotonic() + 20
        while self.hot.status()["in_flight"] < count:
            assert time.monotonic() < deadline, "the transaction never got in flight"
            time.sleep(0.002)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[MotoServer, HotPartition, Prepare]]:
    prepare = Prepare()
    made: list[HotPartition] = []

    def outer(app: Any) -> HotPartition:
        made.append(HotPartition(app, Settings(), sleep=prepare))
        return made[0]

    moto = MotoServer(outer=outer).start()
    local = Local(moto, made[0], prepare)
    local.db.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": "S"}])
    yield moto, made[0], prepare
    local.db.delete_table(TableName=TABLE)
    moto.stop()


@pytest.fixture
def local(server: tuple[MotoServer, HotPartition, Prepare]) -> Iterator[Local]:
    moto, hot, prepare = server
    hot.configure(enabled=True, rate=1000, window_ms=15, reset=True)
    yield Local(moto, hot, prepare)
    prepare.gate = None
    hot.configure(enabled=False, reset=True)


def at_once(count: int, work: Any) -> list[Any]:
    """``work(i)`` in ``count`` threads, let go together."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        barrier.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def order(local: Local, i: int) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {**local.key(f"order-{uuid.uuid4().hex}"), "i": {"N": str(i)}}}}


# ---------------------------------------------------------------- transaction conflicts
def test_two_transactions_on_one_item_at_once_one_is_cancelled_for_the_conflict(local: Local) -> None:
    # a long prepare window, so the two overlap however loaded the machine is
    local.hot.configure(window_ms=600)
    sku = f"sku-{uuid.uuid4().hex}"
    results = at_once(2, lambda i: local.transact(order(local, i), {"Update": local.add(sku, -1)}))

    assert results.count(None) == 1, results
    (reasons,) = [r for r in results if r is not None]
    # in the order of TransactItems: the order was fine, the SKU is another transaction's
    assert reasons == [{"Code": "None"}, {"Code": "TransactionConflict", "Message": CONFLICT_REASON}]
    assert local.n(sku) == -1  # the cancelled one wrote nothing
    counters = local.hot.status()["counters"]
    assert (counters["transactions"], counters["conflicts"], counters["transactions_cancelled"]) == (2, 1, 1)
    assert local.hot.status()["in_flight"] == 0


def test_an_item_in_flight_refuses_other_transactions_and_single_writes_until_it_is_written(
        local: Local, monkeypatch: pytest.MonkeyPatch) -> None:
    sku, other = f"sku-{uuid.uuid4().hex}", f"sku-{uuid.uuid4().hex}"
    local.db.put_item(TableName=TABLE, Item={**local.key(sku), "n": {"N": "10"}})
    local.prepare.gate = threading.Event()  # the first transaction stays in its prepare window
    first: list[Any] = []
    holder = threading.Thread(target=lambda: first.append(local.transact({"Update": local.add(sku, -1)})))
    holder.start()
    try:
        local.wait_in_flight()

        # another transaction on the item: cancelled, the other items' reasons None
        assert local.transact({"Update": local.add(other)}, {"ConditionCheck": {
            "TableName": TABLE, "Key": local.key(sku), "ConditionExpression": "attribute_exists(pk)"}}) == [
            {"Code": "None"}, {"Code": "TransactionConflict", "Message": CONFLICT_REASON}]
        # single writes to it: TransactionConflictException, whether named by Key or by Item
        with pytest.raises(ClientError) as refused:
            local.db.update_item(**local.add(sku))
        assert refused.value.response["Error"] == {"Code": "TransactionConflictException", "Message": CONFLICT_REASON}
        with pytest.raises(ClientError) as refused:
            local.db.put_item(TableName=TABLE, Item={**local.key(sku), "n": {"N": "0"}})
        assert refused.value.response["Error"]["Code"] == "TransactionConflictException"
        # ...even when the key schema has to come from DescribeTable
        monkeypatch.setattr(hotpartition, "_schema_from_moto", lambda region, table: None)
        local.hot._schemas.clear()
        with pytest.raises(ClientError) as refused:
            local.db.put_item(TableName=TABLE, Item={**local.key(sku), "n": {"N": "0"}})
        assert refused.value.response["Error"]["Code"] == "TransactionConflictException"
        with pytest.raises(ClientError) as refused:
            local.db.delete_item(TableName=TABLE, Key=local.key(sku))
        assert refused.value.response["Error"]["Code"] == "TransactionConflictException"
        # reads are not limited; another item (same partition key, other sort key) is free
        assert local.n(sku) == 10
        local.db.update_item(**{**local.add(sku), "Key": local.key(sku, "other")})
        local.db.update_item(**local.add(other))
    finally:
        local.prepare.gate.set()
        holder.join(30)
    assert first == [None]  # the transaction in flight went through
    assert local.n(sku) == 9 and local.n(other) == 1
    local.db.update_item(**local.add(sku))  # and the item takes writes again
    assert local.n(sku) == 10
    assert local.hot.status()["counters"]["conflicts"] == 5


def test_transactions_on_different_items_never_conflict(local: Local) -> None:
    local.hot.configure(window_ms=200)
    skus = [f"sku-{uuid.uuid4().hex}" for _ in range(8)]
    results = at_once(8, lambda i: local.transact(order(local, i), {"Update": local.add(skus[i], -1)}))
    assert results == [None] * 8
    assert [local.n(sku) for sku in skus] == [-1] * 8
    assert local.hot.status()["counters"]["conflicts"] == 0


# ---------------------------------------------------------------- per-item write rate
def test_a_burst_of_writes_to_one_item_beyond_its_rate_is_throttled_and_it_recovers(local: Local) -> None:
    rate, writers, each = 10, 6, 10
    local.hot.configure(rate=rate)
    sku = f"sku-{uuid.uuid4().hex}"
    errors: list[dict[str, Any]] = []

    def write(_: int) -> int:
        ok = 0
        for _ in range(each):
            try:
                local.db.update_item(**local.add(sku))
                ok += 1
            except ClientError as exc:
                errors.append(exc.response)
        return ok

    started = time.monotonic()
    ok = sum(at_once(writers, write))
    elapsed = time.monotonic() - started

    # the bucket holds one second's worth; it refills at the rate while the burst goes on
    assert rate <= ok <= rate + math.ceil(rate * elapsed) + 1, (ok, elapsed)
    assert len(errors) == writers * each - ok > 0
    assert {e["Error"]["Code"] for e in errors} == {"ProvisionedThroughputExceededException"}
    assert "KeyRangeThroughputExceeded" in errors[0]["Error"]["Message"]
    assert errors[0]["ThrottlingReasons"] == [{"reason": "TableWriteKeyRangeThroughputExceeded",
                                               "resource": f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}"}]
    assert local.n(sku) == ok  # refused writes never reached moto
    assert local.hot.status()["counters"]["throttles"] == len(errors)
    # other items are not affected; and the item takes writes again a moment later
    local.db.update_item(**local.add(f"sku-{uuid.uuid4().hex}"))
    time.sleep(3 / rate)
    local.db.update_item(**local.add(sku))
    assert local.n(sku) == ok + 1


def test_a_transaction_costs_two_units_per_item_and_is_cancelled_with_throttling_error(local: Local) -> None:
    # 0.2 units a second: a bucket of 2 (one transactional write) that takes 5 s to refill one unit
    local.hot.configure(rate=0.2, window_ms=0)
    sku, other = f"sku-{uuid.uuid4().hex}", f"sku-{uuid.uuid4().hex}"
    check = {"ConditionCheck": {"TableName": TABLE, "Key": local.key(sku),
                                "ConditionExpression": "attribute_exists(n)"}}
    assert local.transact({"Update": local.add(sku)}) is None  # 2 units: the bucket is empty
    assert local.transact({"Update": local.add(other)}, {"Update": local.add(sku)}) == [
        {"Code": "None"}, {"Code": "ThrottlingError", "Message": hotpartition.THROTTLED_REASON}]
    assert local.transact({"Update": local.add(other)}, check) is None  # a ConditionCheck writes nothing
    assert local.n(sku) == 1 and local.n(other) == 1
    with pytest.raises(ClientError) as refused:
        local.db.update_item(**local.add(sku))
    assert refused.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"


def test_a_batch_hands_back_the_throttled_items_and_is_refused_when_all_are(local: Local) -> None:
    local.hot.configure(rate=0.2)
    sku, other = f"sku-{uuid.uuid4().hex}", f"sku-{uuid.uuid4().hex}"
    for _ in range(2):
        local.db.update_item(**local.add(sku))  # the bucket (2 units) is empty
    put = {"PutRequest": {"Item": {**local.key(sku), "n": {"N": "100"}}}}
    also = {"PutRequest": {"Item": {**local.key(other), "n": {"N": "7"}}}}
    answer = local.db.batch_write_item(RequestItems={TABLE: [put, also]})
    assert answer["UnprocessedItems"] == {TABLE: [put]}
    assert local.n(sku) == 2 and local.n(other) == 7
    with pytest.raises(ClientError) as refused:
        local.db.batch_write_item(RequestItems={TABLE: [put]})
    assert refused.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert local.hot.status()["counters"]["throttles"] == 2


# ---------------------------------------------------------------- off
def test_with_the_mode_off_moto_answers_alone(local: Local) -> None:
    local.hot.configure(enabled=False, rate=1, window_ms=600, reset=True)
    sku = f"sku-{uuid.uuid4().hex}"
    local.prepare.gate = threading.Event()  # would hold any transaction forever, were the mode on
    results = at_once(4, lambda i: local.transact(order(local, i), {"Update": local.add(sku, -1)}))
    assert results == [None] * 4
    for _ in range(20):
        local.db.update_item(**local.add(sku))
    assert local.n(sku) == 16
    status = local.hot.status()
    assert status["enabled"] is False and set(status["counters"].values()) == {0}


# ---------------------------------------------------------------- settings and control
def test_settings_as_text() -> None:
    assert parse_settings(None) == parse_settings("") == Settings(enabled=False)
    assert parse_settings("on") == parse_settings("1") == Settings(enabled=True, rate=1000, window_ms=15)
    assert parse_settings("rate=50,window_ms=15") == Settings(enabled=True, rate=50, window_ms=15)
    assert parse_settings(" rate = 50 ") == Settings(enabled=True, rate=50)
    assert parse_settings("off,rate=50") == Settings(enabled=False, rate=50)
    assert parse_settings("rate=0").rate == 0
    for bad in ("rate", "rate=fast", "rate=-1", "speed=3", "window_ms=inf"):
        with pytest.raises(ValueError):
            parse_settings(bad)


def test_the_control_endpoint_turns_it_on_and_off_and_changes_the_numbers() -> None:
    hot = HotPartition(lambda environ, start_response: [b""])
    assert hot.control(b"")[1]["enabled"] is False
    status, body = hot.control(b'{"enabled": true, "rate": 50, "window_ms": 5}')
    assert status == 200 and (body["enabled"], body["rate"], body["window_ms"]) == (True, 50, 5)
    assert set(body["counters"]) >= {"transactions", "conflicts", "throttles"}
    status, body = hot.control(b"rate=7")
    assert status == 200 and (body["enabled"], body["rate"], body["window_ms"]) == (True, 7, 5)
    status, body = hot.control(b'{"enabled": false, "reset": true}')
    assert status == 200 and body["enabled"] is False and body["rate"] == 7
    for bad in (b'{"rate": -1}', b'{"enabled": "yes"}', b'{"speed": 1}', b"rate=fast", b'{"rate": true}'):
        status, body = hot.control(bad)
        assert status == 400 and body["error"], bad
    assert hot.status()["rate"] == 7


def test_the_cancellation_body_is_dynamodbs() -> None:
    assert hotpartition.cancellation([None, "TransactionConflict"]) == {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": ("Transaction cancelled, please refer cancellation reasons for specific reasons "
                    "[None, TransactionConflict]"),
        "CancellationReasons": [{"Code": "None"},
                                {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}],
    }
