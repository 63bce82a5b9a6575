"""DynamoDB adapter: one low-level client per process, item (de)serialization, and the error
vocabulary the domain needs (condition failures, transaction cancellations, transient faults).

The client is botocore's, not boto3's: importing boto3 also loads s3transfer and boto3's session
and resource layers, about 35 ms of every cold start that a low-level DynamoDB client never uses.
The attribute-value (de)serialization below is the little of boto3.dynamodb.types the shop needs.

The endpoint is configuration, not code: botocore honours ``AWS_ENDPOINT_URL_DYNAMODB`` /
``AWS_ENDPOINT_URL``, which the local stack and tests point at moto.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from shop.adapters import aws
from shop.adapters.config import setting

# Errors that mean "try again later", not "the request is wrong": answered as 503.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "TransactionConflictException",  # a single write to an item a transaction is changing
    }
)
# Why a transaction may be cancelled without anything being wrong with the request.
RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
TRANSACTION_ATTEMPTS = 5


class TransactionFailed(Exception):
    """A transaction was cancelled for a reason other than a condition (a validation error, an
    item too large): a bug, not a state the caller can act on."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons


def client() -> Any:
    return aws.client("dynamodb")


def table() -> str:
    return setting("SHOP_TABLE_NAME")


def to_value(value: Any) -> dict[str, Any]:
    """A Python value as a DynamoDB attribute value. Floats are refused: amounts are integers."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, float):
        raise TypeError("floats are not stored; use integers (amounts are in fen)")
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, dict):
        return {"M": {str(k): to_value(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_value(v) for v in value]}
    if isinstance(value, set | frozenset):
        if value and all(isinstance(v, str) for v in value):
            return {"SS": sorted(value)}
        if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return {"NS": [str(v) for v in sorted(value)]}
        raise TypeError("sets must be non-empty and all strings or all integers")
    raise TypeError(f"cannot store a {type(value).__name__}")


def _number(text: str) -> int | Decimal:
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else number


def from_value(av: dict[str, Any]) -> Any:
    (kind, raw), = av.items()
    if kind == "S":
        return raw
    if kind == "N":
        return _number(raw)
    if kind == "BOOL":
        return raw
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: from_value(v) for k, v in raw.items()}
    if kind == "L":
        return [from_value(v) for v in raw]
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {_number(v) for v in raw}
    if kind == "B":
        return raw
    if kind == "BS":
        return set(raw)
    raise TypeError(f"unknown attribute type {kind}")


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A Python dict as a DynamoDB item; top-level ``None`` values are left out."""
    return {k: to_value(v) for k, v in data.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as plain Python: integral numbers become ``int``."""
    return {k: from_value(v) for k, v in item.items()}


def query_all(**params: Any) -> list[dict[str, Any]]:
    """Every item a Query matches, following its pages (DynamoDB stops a page at 1 MB), as plain
    Python. For partitions that stay small in practice; one page is one round trip."""
    items: list[dict[str, Any]] = []
    while True:
        resp = client().query(TableName=table(), **params)
        items += [from_item(i) for i in resp.get("Items", [])]
        if "LastEvaluatedKey" not in resp:
            return items
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def key_of(item: dict[str, Any]) -> tuple[str, str]:
    return item["PK"]["S"], item["SK"]["S"]


def batch_get(keys: list[dict[str, dict[str, str]]]) -> dict[tuple[str, str], dict[str, Any]]:
    """BatchGetItem (consistent reads) of any number of keys, 100 per call, following
    UnprocessedKeys; the raw items found, by (PK, SK)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    unique = list({key_of(k): k for k in keys}.values())
    for start in range(0, len(unique), 100):
        request: dict[str, Any] = {table(): {"Keys": unique[start:start + 100], "ConsistentRead": True}}
        while request:
            resp = client().batch_get_item(RequestItems=request)
            for item in resp.get("Responses", {}).get(table(), []):
                found[key_of(item)] = item
            request = resp.get("UnprocessedKeys") or {}
    return found


def error_code(exc: BaseException) -> str | None:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def is_condition_failure(exc: BaseException) -> bool:
    return error_code(exc) == "ConditionalCheckFailedException"


def cancellation_reasons(exc: BaseException) -> list[str]:
    """For a cancelled TransactWriteItems, the reason code of each item in request order
    ('None' where that item was fine)."""
    if error_code(exc) != "TransactionCanceledException":
        return []
    reasons = exc.response.get("CancellationReasons")  # type: ignore[attr-defined]
    if reasons:
        return [r.get("Code", "None") for r in reasons]
    # Some clients only put the reasons in the message: "... [ConditionalCheckFailed, None]".
    message = exc.response.get("Error", {}).get("Message", "")  # type: ignore[attr-defined]
    if "[" in message:
        return [part.strip() for part in message[message.rindex("[") + 1 : message.rindex("]")].split(",")]
    return []


def transact_reasons(actions: list[dict[str, Any]]) -> list[str] | None:
    """TransactWriteItems: None when it was written; when a condition cancelled it, each action's
    reason code in order ('None' for actions that were fine), for callers that say which condition
    failed. A cancellation caused only by another request changing one of the items at the same
    moment (TransactionConflict: a hot SKU, a coupon template many buyers claim at once, an
    inviter's counters) is retried; when the conflicts outlast the retries the error is raised, and
    ``is_transient`` calls it transient, so callers answer 503 (or a stream retries the record)."""
    import random
    import time

    for attempt in range(TRANSACTION_ATTEMPTS):
        try:
            client().transact_write_items(TransactItems=actions)
        except Exception as exc:
            reasons = cancellation_reasons(exc)
            if not reasons:
                raise
            if not _only_conflicts(reasons):
                return reasons
            if attempt == TRANSACTION_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 - jitter, not a secret
        else:
            return None
    raise AssertionError("unreachable")  # pragma: no cover


def _only_conflicts(reasons: list[str]) -> bool:
    """A cancellation that nothing but concurrent activity caused: worth trying again."""
    return any(r in RETRYABLE_REASONS for r in reasons) and all(r in RETRYABLE_REASONS or r == "None" for r in reasons)


def transact(actions: list[dict[str, Any]]) -> bool:
    """TransactWriteItems: True when it was written, False when a condition stopped it (then
    nothing was written). Other failures raise."""
    reasons = transact_reasons(actions)
    if reasons is None:
        return True
    if "ConditionalCheckFailed" in reasons:
        return False
    raise TransactionFailed(reasons)


def update_if(**update_item: Any) -> bool:
    """UpdateItem with a ConditionExpression: True when it was written, False when the condition
    did not hold."""
    try:
        client().update_item(TableName=table(), **update_item)
    except Exception as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def update_with(entry: dict[str, Any], **update_item: Any) -> bool:
    """``update_if`` and one more action (an audit entry, shop.core.audit) in a single transaction:
    True when both were written, False when the update's condition did not hold (then neither was)."""
    update = {"TableName": table(), **update_item}
    return transact([{"Update": update}, entry])


def is_transient(exc: BaseException) -> bool:
    if error_code(exc) in TRANSIENT_CODES:
        return True
    reasons = cancellation_reasons(exc)
    if reasons and _only_conflicts(reasons):
        return True
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(exc, (BotoConnectionError, HTTPClientError))
