"""Delivery: the freight template (运费模板) for express delivery and the pickup stores (到店自提).

Items in the shop table:
  PK=SHOP  SK=FREIGHT          the freight template
  PK=SHOP  SK=PICKUP#<id>      a pickup store

Freight for an express order: free when the goods total reaches ``free_threshold``; otherwise the
fee of the address's province, else ``default_fee``; provinces in ``unreachable`` are not served.
Pickup orders pay no freight.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shop.adapters import db
from shop.buying.models.places import PickupStore
from shop.core.money import Fen

FREIGHT_KEY = {"PK": {"S": "SHOP"}, "SK": {"S": "FREIGHT"}}


class FreightTemplate(BaseModel):
    default_fee: Fen = Field(description="Fee where no province fee applies")
    free_threshold: Fen | None = Field(default=None, description="Goods total at which delivery is free (包邮)")
    province_fees: dict[str, Fen] = Field(default_factory=dict)
    unreachable: list[str] = Field(default_factory=list, description="Provinces not delivered to")

    def freight(self, province: str, goods_total: int) -> int | None:
        """The fee in fen, or None when the province is not delivered to."""
        if province in self.unreachable:
            return None
        if self.free_threshold is not None and goods_total >= self.free_threshold:
            return 0
        return self.province_fees.get(province, self.default_fee)


class PickupStoreList(BaseModel):
    items: list[PickupStore]


def pickup_key(store_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "SHOP"}, "SK": {"S": f"PICKUP#{store_id}"}}


def freight_from_item(item: dict[str, Any] | None) -> FreightTemplate | None:
    return FreightTemplate.model_validate(db.from_item(item)) if item else None


def store_from_item(item: dict[str, Any] | None) -> PickupStore | None:
    return PickupStore.model_validate(db.from_item(item)) if item else None


def list_pickup_stores() -> list[PickupStore]:
    resp = db.client().query(
        TableName=db.table(),
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": "SHOP"}, ":sk": {"S": "PICKUP#"}},
    )
    return sorted((PickupStore.model_validate(db.from_item(i)) for i in resp.get("Items", [])), key=lambda s: s.id)


def put_freight_template(template: FreightTemplate) -> None:
    db.client().put_item(TableName=db.table(), Item={**FREIGHT_KEY, **db.to_item(template.model_dump())})


def put_pickup_store(store: PickupStore) -> None:
    data = store.model_dump(exclude_none=True)
    for coordinate in ("latitude", "longitude"):  # numbers in DynamoDB are exact: store them as text
        if coordinate in data:
            data[coordinate] = str(data[coordinate])
    db.client().put_item(TableName=db.table(), Item={**pickup_key(store.id), **db.to_item(data)})
