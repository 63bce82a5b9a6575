"""Bench samples of the order desk (bench/common.py SAMPLES names them): the state each request
needs is prepared here and not counted."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from shop.adapters.clock import SHANGHAI


def today() -> date:
    return datetime.now(UTC).astimezone(SHANGHAI).date()


def list_today(w: Any) -> dict[str, Any]:
    """An unfiltered page of today's orders (the bench places orders today, more than a page)."""
    while len(_orders_today()) < 21:
        w.paid_order()
    return w.http("GET", f"/admin/orders?placed_from={today()}&placed_to={today()}&limit=20", auth="merchant")


def _orders_today() -> list[dict[str, Any]]:
    from shop.adapters import db

    return db.client().query(TableName=db.table(), IndexName="OrdersByDay", Limit=21,
                             KeyConditionExpression="desk_pk = :pk",
                             ExpressionAttributeValues={":pk": {"S": f"DESK#{today()}#0"}}).get("Items", [])


def _bucket(w: Any) -> None:
    """This process runs every sample with one environment: give it the exports bucket."""
    import os

    os.environ.setdefault("EXPORTS_BUCKET", w.stack.bucket_names["ExportsBucket"])


def export_id(w: Any) -> str:
    from shop.buying import exports

    _bucket(w)
    return exports.create(first=today(), last=today(), status=None, delivery=None, merchant="bench")["export_id"]


def create_export(w: Any) -> dict[str, Any]:
    return w.http("POST", "/admin/orders/exports", {"from": str(today()), "to": str(today())}, auth="merchant")


def get_export(w: Any) -> dict[str, Any]:
    return w.http("GET", f"/admin/orders/exports/{export_id(w)}", auth="merchant")


def _record(item: dict[str, Any], event: str = "INSERT") -> dict[str, Any]:
    return {"Records": [{
        "eventID": uuid.uuid4().hex, "eventName": event, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1", "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/shop/stream/x",
        "dynamodb": {"Keys": {"PK": item["PK"], "SK": item["SK"]}, "NewImage": item, "SequenceNumber": "100",
                     "SizeBytes": 300, "StreamViewType": "NEW_AND_OLD_IMAGES", "ApproximateCreationDateTime": 1795600000},
    }]}


def export_record(w: Any) -> dict[str, Any]:
    """A new export of today's orders (the worker's stream record)."""
    from shop.adapters import db

    _bucket(w)
    key = {"PK": {"S": f"EXPORT#{export_id(w)}"}, "SK": {"S": "EXPORT"}}
    return _record(db.client().get_item(TableName=db.table(), Key=key)["Item"])


def refund_record(w: Any) -> dict[str, Any]:
    """A refund request's stream record (the desk keeps its summary on the order)."""
    from shop.adapters import db
    from shop.buying import refunds

    refund_id = w.refund_request()
    return _record(db.client().get_item(TableName=db.table(), Key=refunds.refund_key(refunds.order_id_of(refund_id), refund_id))["Item"])
