"""DynamoDB adapter: one low-level client per process, item (de)serialization, and the error
vocabulary the domain needs (condition failures, transaction cancellations, transient faults).

The endpoint is configuration, not code: botocore honours ``AWS_ENDPOINT_URL_DYNAMODB`` /
``AWS_ENDPOINT_URL``, which the local stack and tests point at moto.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shop.config import setting

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Errors that mean "try again later", not "the request is wrong": answered as 503.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)


@cache
def client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodb",
        config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}),
    )


def table() -> str:
    return setting("SHOP_TABLE_NAME")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    return value


def to_item(data: dict[str, Any]) -> dict[str, Any]:
    """A Python dict as a DynamoDB item; ``None`` values are left out. Floats are refused by the
    serializer, which is what we want: amounts are integers."""
    return {k: _serializer.serialize(v) for k, v in data.items() if v is not None}


def to_value(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as plain Python: integral numbers become ``int``."""
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


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


def is_transient(exc: BaseException) -> bool:
    if error_code(exc) in TRANSIENT_CODES:
        return True
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(exc, (BotoConnectionError, HTTPClientError))
