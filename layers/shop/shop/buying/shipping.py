"""Delivery: the freight template (运费模板) for express delivery and the pickup stores (到店自提).

Items in the shop table:
  PK=SHOP  SK=FREIGHT          the freight template
  PK=SHOP  SK=PICKUP#<id>      a pickup store (with its verifiers, active flag and version)

Freight for an express order: provinces in ``unreachable`` are not served; free when the goods total
reaches ``free_threshold`` (包邮); otherwise by the template's ``mode``:

- ``flat``: the fee of the address's province (``province_fees``), else ``default_fee``;
- ``weight`` (按重量): the order's weight in grams (each SKU's ``weight_grams`` x quantity; a SKU
  without one weighs 0) priced by the rule of the address's province (``region_rules``), else
  ``default_rule``: ``first_fee`` covers the first ``first`` grams (首重), each further ``step``
  grams or part of it adds ``step_fee`` (续重);
- ``count`` (按件数): the same with the number of units (首件 / 续件).

Pickup orders pay no freight. The merchant edits both under /admin (docs/settings.md): each change
is one transaction with its audit entry, conditional on the version the merchant read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, model_validator

from shop.adapters import db
from shop.buying.models.places import PickupStore
from shop.buying.regions import PROVINCES
from shop.core.errors import Conflict, NotFound
from shop.core.models import RequestModel
from shop.core.money import Fen

FREIGHT_KEY = {"PK": {"S": "SHOP"}, "SK": {"S": "FREIGHT"}}
MAX_STORES = 200


def _province(value: str) -> str:
    if value not in PROVINCES:
        raise ValueError(f"{value} is not the full name of a province-level division (e.g. 广东省)")
    return value


Province = Annotated[str, AfterValidator(_province)]


class FreightRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: StrictInt = Field(ge=1, le=1_000_000, description="Grams (weight) or units (count) the first fee covers")
    first_fee: Fen = Field(description="首重 / 首件 fee")
    step: StrictInt = Field(ge=1, le=1_000_000, description="Grams or units each further fee covers")
    step_fee: Fen = Field(description="续重 / 续件 fee per step or part of one")

    def fee(self, units: int) -> int:
        if units <= self.first:
            return self.first_fee
        steps = -(-(units - self.first) // self.step)  # ceiling
        return self.first_fee + steps * self.step_fee


class RegionRule(FreightRule):
    regions: list[Province] = Field(min_length=1, max_length=34, description="Provinces this rule prices")


class FreightTemplate(BaseModel):
    mode: Literal["flat", "weight", "count"] = Field(default="flat", description="flat, weight (按重量) or count (按件数)")
    default_fee: Fen = Field(default=0, description="flat: the fee where no province fee applies")
    province_fees: dict[Province, Fen] = Field(default_factory=dict, description="flat: fee by province")
    default_rule: FreightRule | None = Field(default=None, description="weight / count: the rule where no region rule applies")
    region_rules: list[RegionRule] = Field(default_factory=list, max_length=34)
    free_threshold: Fen | None = Field(default=None, description="Goods total at which delivery is free (包邮)")
    unreachable: list[Province] = Field(default_factory=list, description="Provinces not delivered to")

    @model_validator(mode="after")
    def _consistent(self) -> FreightTemplate:
        if self.mode != "flat" and self.default_rule is None:
            raise ValueError("default_rule is required for weight and count templates")
        seen: set[str] = set()
        for rule in self.region_rules:
            twice = seen & set(rule.regions)
            if twice:
                raise ValueError(f"{sorted(twice)[0]} is in more than one region rule")
            seen |= set(rule.regions)
        return self

    def freight(self, province: str, goods_total: int, *, weight_grams: int = 0, count: int = 0) -> int | None:
        """The fee in fen, or None when the province is not delivered to."""
        if province in self.unreachable:
            return None
        if self.free_threshold is not None and goods_total >= self.free_threshold:
            return 0
        if self.mode == "flat":
            return self.province_fees.get(province, self.default_fee)
        rule: FreightRule | None = next((r for r in self.region_rules if province in r.regions), self.default_rule)
        assert rule is not None  # the validator requires a default rule
        return rule.fee(weight_grams if self.mode == "weight" else count)


class FreightUpdate(FreightTemplate, RequestModel):
    version: StrictInt = Field(ge=0, description="The version this change replaces (from GET; 0 when never saved)")


class FreightSettings(FreightTemplate):
    version: int = 0
    updated_at: str | None = None
    updated_by: str | None = None


class PickupStoreList(BaseModel):
    items: list[PickupStore]


StaffName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,31}$")]


class PickupStoreInput(RequestModel):
    version: StrictInt = Field(ge=0, description="The version this change replaces (0: a new store)")
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    address: Annotated[str, StringConstraints(min_length=4, max_length=120)]
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{3,18}[0-9]$")]
    hours: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(description="e.g. 10:00-21:00")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    verifiers: list[StaffName] = Field(default_factory=list, max_length=50,
                                       description="Staff who may verify pickups here (owners and managers may anywhere)")
    active: StrictBool = Field(default=True, description="Offered at checkout; an inactive store still hands over its orders")


class AdminPickupStore(PickupStore):
    verifiers: list[str] = Field(default_factory=list)
    active: bool = True
    version: int = 0
    updated_at: str | None = None
    updated_by: str | None = None


class AdminPickupStoreList(BaseModel):
    items: list[AdminPickupStore]


def pickup_key(store_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": "SHOP"}, "SK": {"S": f"PICKUP#{store_id}"}}


def freight_from_item(item: dict[str, Any] | None) -> FreightTemplate | None:
    return FreightTemplate.model_validate(db.from_item(item)) if item else None


def store_from_item(item: dict[str, Any] | None) -> PickupStore | None:
    """The store as checkout offers it; None when absent or no longer active."""
    if not item or item.get("active", {}).get("BOOL") is False:
        return None
    return PickupStore.model_validate(_plain(db.from_item(item)))


def _all_store_items() -> list[dict[str, Any]]:
    return db.query_all(KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
                        ExpressionAttributeValues={":pk": {"S": "SHOP"}, ":sk": {"S": "PICKUP#"}})


def list_pickup_stores() -> list[PickupStore]:
    """The active stores, for shoppers (no verifiers, no internal fields)."""
    stores = [PickupStore.model_validate(_plain(i)) for i in _all_store_items() if i.get("active", True) is not False]
    return sorted(stores, key=lambda s: s.id)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for coordinate in ("latitude", "longitude"):
        if isinstance(out.get(coordinate), str):
            out[coordinate] = float(out[coordinate])
    return out


def list_admin_stores() -> AdminPickupStoreList:
    return AdminPickupStoreList(items=sorted((AdminPickupStore.model_validate(_plain(i)) for i in _all_store_items()),
                                             key=lambda s: s.id))


def put_freight_template(template: FreightTemplate) -> None:
    """Seeding: the template as given (no version, no audit)."""
    db.client().put_item(TableName=db.table(), Item={**FREIGHT_KEY, **db.to_item(template.model_dump(exclude_none=True))})


def _stored_store(store: PickupStore | PickupStoreInput, **extra: Any) -> dict[str, Any]:
    data = store.model_dump(exclude_none=True, exclude={"version"})
    for coordinate in ("latitude", "longitude"):  # numbers in DynamoDB are exact: store them as text
        if coordinate in data:
            data[coordinate] = str(data[coordinate])
    return {**data, **extra}


def put_pickup_store(store: PickupStore) -> None:
    """Seeding: the store as given (active, no verifiers, no audit)."""
    db.client().put_item(TableName=db.table(), Item={**pickup_key(store.id), **db.to_item(_stored_store(store))})


# ---------------------------------------------------------------- the merchant's side

def _now() -> tuple[datetime, str]:
    at = datetime.now(UTC)
    return at, at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _get(key: dict[str, dict[str, str]]) -> dict[str, Any] | None:
    raw = db.client().get_item(TableName=db.table(), Key=key, ConsistentRead=True).get("Item")
    return db.from_item(raw) if raw else None


def load_freight() -> FreightSettings:
    data = _get(FREIGHT_KEY)
    return FreightSettings.model_validate(data) if data else FreightSettings()


def _template_fields(data: dict[str, Any] | FreightTemplate | None) -> dict[str, Any]:
    if data is None:
        return {}
    if isinstance(data, dict):
        data = FreightTemplate.model_validate(data)
    return FreightTemplate.model_validate(data.model_dump()).model_dump(mode="json", exclude_none=True)


def save_freight(update: FreightUpdate, *, merchant: str) -> FreightSettings:
    from shop.buying.settings import stale, version_condition
    from shop.core import audit

    current = _get(FREIGHT_KEY)
    version = int((current or {}).get("version", 0))
    if update.version != version:
        raise stale(version)
    at, when = _now()
    fields = _template_fields(update)
    item = {**fields, "PK": "SHOP", "SK": "FREIGHT", "type": "freight_template", "version": version + 1,
            "updated_at": when, "updated_by": merchant}
    condition, values = version_condition(version)
    put: dict[str, Any] = {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": condition}
    if values:
        put["ExpressionAttributeValues"] = values
    entry = audit.entry(db.table(), actor=merchant, action="settings.freight.update", target_type="settings",
                        target_id="freight", at=at, before=_template_fields(current) or None, after=fields)
    if not db.transact([{"Put": put}, entry]):
        raise stale(int((_get(FREIGHT_KEY) or {}).get("version", 0)))
    return FreightSettings.model_validate(item)


def store_not_found() -> NotFound:
    return NotFound("自提门店不存在。", code="pickup_store_not_found")


def _audit_store(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: v for k, v in data.items()
            if k in ("name", "address", "phone", "hours", "latitude", "longitude", "verifiers", "active")}


def save_store(store_id: str, update: PickupStoreInput, *, merchant: str) -> AdminPickupStore:
    from shop.buying.settings import stale, version_condition
    from shop.core import audit

    current = _get(pickup_key(store_id))
    version = int(current.get("version", 0)) if current else 0
    if current is None and update.version != 0:
        raise store_not_found()
    if update.version != version:
        raise stale(version)
    if current is None and len(_all_store_items()) >= MAX_STORES:
        raise Conflict(f"最多可以设置 {MAX_STORES} 家自提门店。", code="too_many_stores", details={"limit": MAX_STORES})
    at, when = _now()
    update = update.model_copy(update={"verifiers": sorted(set(update.verifiers))})
    fields = _stored_store(update)
    item = {**fields, "PK": "SHOP", "SK": f"PICKUP#{store_id}", "type": "pickup_store", "id": store_id,
            "version": version + 1, "updated_at": when, "updated_by": merchant}
    if current is None:
        condition, values = "attribute_not_exists(PK)", {}
    else:
        condition, values = version_condition(version)
    put: dict[str, Any] = {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": condition}
    if values:
        put["ExpressionAttributeValues"] = values
    entry = audit.entry(db.table(), actor=merchant, action="settings.pickup_store." + ("update" if current else "create"),
                        target_type="pickup_store", target_id=store_id, at=at,
                        before=_audit_store(current), after=_audit_store(fields))
    if not db.transact([{"Put": put}, entry]):
        latest = _get(pickup_key(store_id))
        raise stale(int(latest.get("version", 0)) if latest else 0)
    return AdminPickupStore.model_validate(_plain(item))


def delete_store(store_id: str, version: int | None, *, merchant: str) -> None:
    """Remove a store (orders placed there keep their copy; verifying them then takes an owner or a
    manager). ``version``: the version the merchant read, when given (409 if it moved on)."""
    from shop.buying.settings import stale
    from shop.core import audit

    current = _get(pickup_key(store_id))
    if current is None:
        raise store_not_found()
    now_version = int(current.get("version", 0))
    if version is not None and version != now_version:
        raise stale(now_version)
    at, _ = _now()
    delete: dict[str, Any] = {"TableName": db.table(), "Key": pickup_key(store_id)}
    if "version" in current:
        delete.update(ConditionExpression="version = :expected", ExpressionAttributeValues={":expected": {"N": str(now_version)}})
    else:
        delete.update(ConditionExpression="attribute_exists(PK) AND attribute_not_exists(version)")
    entry = audit.entry(db.table(), actor=merchant, action="settings.pickup_store.delete", target_type="pickup_store",
                        target_id=store_id, at=at, before=_audit_store(current), after=None)
    if not db.transact([{"Delete": delete}, entry]):
        latest = _get(pickup_key(store_id))
        if latest is None:
            raise store_not_found()
        raise stale(int(latest.get("version", 0)))
