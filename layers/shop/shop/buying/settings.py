"""Shop settings (店铺设置): the shop's profile and the order rules a merchant edits under /admin
(docs/settings.md).

Item in the shop table:
  PK=SHOP  SK=SETTINGS  {profile {name, logo_url, service_phone}, orders {payment_timeout_minutes,
                         auto_complete_days, max_open_unpaid, max_per_sku}, version, updated_at,
                         updated_by}

An order rule the merchant has not set (absent or null) is the environment's value
(ORDER_PAYMENT_TIMEOUT_SECONDS, ORDER_AUTO_COMPLETE_DAYS, ORDER_MAX_OPEN_UNPAID, ORDER_MAX_PER_SKU;
docs/configuration.md), so a shop behaves as before until a merchant sets one.

How the shopper functions read it:
- placing an order and the preview read the item in the BatchGetItem they already make
  (shop.buying.checkout.load): always the current value, no extra round trip;
- anything else (shipping an order needs the auto-complete days) calls ``current()``: the value from
  this container's cache, read again with one GetItem when older than SHOP_SETTINGS_MAX_AGE seconds
  (60 by default) - a change counts there within that bound.

A change is one transaction: the item, conditional on the version the merchant read (409
``stale_version`` otherwise: someone saved in between), and its audit entry.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt, StringConstraints

from shop.adapters import db
from shop.adapters.config import setting_int
from shop.core.models import RequestModel

SETTINGS_KEY = {"PK": {"S": "SHOP"}, "SK": {"S": "SETTINGS"}}
PHONE = r"^\+?[0-9][0-9 -]{3,18}[0-9]$"


class ShopProfile(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=30)] | None = Field(
        default=None, description="店铺名称")
    logo_url: Annotated[str, StringConstraints(pattern=r"^https://[^\s<>\"]{1,490}$")] | None = Field(
        default=None, description="Logo (an https:// URL, e.g. an uploaded image's CDN URL)")
    service_phone: Annotated[str, StringConstraints(pattern=PHONE)] | None = Field(
        default=None, description="客服电话, e.g. 400-800-8888 or 0755-86013388")


class OrderRules(RequestModel):
    """null: the environment's default (the ``defaults`` of GET /admin/settings)."""

    payment_timeout_minutes: StrictInt | None = Field(default=None, ge=5, le=1440,
                                                description="Unpaid orders are cancelled after this (5-1440 minutes)")
    auto_complete_days: StrictInt | None = Field(default=None, ge=1, le=30,
                                           description="A shipped order completes by itself after this many days")
    max_open_unpaid: StrictInt | None = Field(default=None, ge=1, le=20,
                                        description="Unpaid orders one buyer may hold at once")
    max_per_sku: StrictInt | None = Field(default=None, ge=1, le=999,
                                    description="Units of one SKU per order, where the SKU sets no max_per_order")


class SettingsUpdate(RequestModel):
    version: StrictInt = Field(ge=0, description="The version this change replaces (from GET; 0 when never saved)")
    profile: ShopProfile
    orders: OrderRules


class EffectiveRules(BaseModel):
    payment_timeout_seconds: int
    auto_complete_days: int
    max_open_unpaid: int
    max_per_sku: int


class ShopSettings(BaseModel):
    version: int
    profile: ShopProfile
    orders: OrderRules
    effective: EffectiveRules = Field(description="What applies now: the merchant's value, else the default")
    defaults: EffectiveRules = Field(description="The environment's values, which apply where orders has null")
    updated_at: str | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class Rules:
    """The order rules in force (what checkout, order creation and shipping use)."""

    payment_timeout_seconds: int
    auto_complete_days: int
    max_open_unpaid: int
    max_per_sku: int


def defaults() -> Rules:
    return Rules(payment_timeout_seconds=setting_int("ORDER_PAYMENT_TIMEOUT_SECONDS"),
                 auto_complete_days=setting_int("ORDER_AUTO_COMPLETE_DAYS"),
                 max_open_unpaid=setting_int("ORDER_MAX_OPEN_UNPAID"),
                 max_per_sku=setting_int("ORDER_MAX_PER_SKU"))


def rules_from(raw: dict[str, Any] | None) -> Rules:
    """The rules in force, from the raw SETTINGS item (None: never saved)."""
    base = defaults()
    orders = (db.from_item(raw).get("orders") or {}) if raw else {}
    minutes = orders.get("payment_timeout_minutes")
    return Rules(
        payment_timeout_seconds=int(minutes) * 60 if minutes else base.payment_timeout_seconds,
        auto_complete_days=int(orders.get("auto_complete_days") or base.auto_complete_days),
        max_open_unpaid=int(orders.get("max_open_unpaid") or base.max_open_unpaid),
        max_per_sku=int(orders.get("max_per_sku") or base.max_per_sku),
    )


# ---------------------------------------------------------------- the container's cache

_cache: dict[str, tuple[float, Rules]] = {}


def max_age() -> int:
    """Seconds a container keeps the rules (SHOP_SETTINGS_MAX_AGE, 60 when unset)."""
    return setting_int("SHOP_SETTINGS_MAX_AGE") if os.environ.get("SHOP_SETTINGS_MAX_AGE") else 60


def prime(raw: dict[str, Any] | None) -> Rules:
    """The rules from an item just read (e.g. in checkout's BatchGetItem); refreshes the cache."""
    rules = rules_from(raw)
    _cache["rules"] = (time.monotonic(), rules)
    return rules


def current() -> Rules:
    """The rules in force, at most ``max_age()`` seconds old (one GetItem when the cache is older)."""
    cached = _cache.get("rules")
    if cached and time.monotonic() - cached[0] < max_age():
        return cached[1]
    raw = db.client().get_item(TableName=db.table(), Key=SETTINGS_KEY).get("Item")
    return prime(raw)


def reset() -> None:
    """Forget the cached rules (tests)."""
    _cache.clear()


# ---------------------------------------------------------------- the merchant's side

def _view(item: dict[str, Any] | None) -> ShopSettings:
    data = db.from_item(item) if item else {}
    base = defaults()
    rules = rules_from(item)
    return ShopSettings(
        version=int(data.get("version", 0)),
        profile=ShopProfile.model_validate(data.get("profile") or {}),
        orders=OrderRules.model_validate(data.get("orders") or {}),
        effective=EffectiveRules(**rules.__dict__), defaults=EffectiveRules(**base.__dict__),
        updated_at=data.get("updated_at"), updated_by=data.get("updated_by"),
    )


def read_item() -> dict[str, Any] | None:
    return db.client().get_item(TableName=db.table(), Key=SETTINGS_KEY, ConsistentRead=True).get("Item")


def load() -> ShopSettings:
    return _view(read_item())


def version_condition(version: int) -> tuple[str, dict[str, Any]]:
    """A write's condition: the item is still at ``version`` (0: never saved, or saved before
    versions existed)."""
    if version == 0:
        return "attribute_not_exists(version)", {}
    return "version = :expected", {":expected": {"N": str(version)}}


def stale(current: int) -> Exception:
    from shop.core.errors import Conflict

    return Conflict("设置已被他人修改，请刷新后再保存。", code="stale_version", details={"current_version": current})


def save(update: SettingsUpdate, *, merchant: str) -> ShopSettings:
    from datetime import UTC, datetime

    from shop.core import audit

    before_item = read_item()
    before = _view(before_item)
    if update.version != before.version:
        raise stale(before.version)
    at = datetime.now(UTC)
    profile = update.profile.model_dump(exclude_none=True)
    orders = update.orders.model_dump(exclude_none=True)
    item = {"PK": "SHOP", "SK": "SETTINGS", "type": "shop_settings", "profile": profile, "orders": orders,
            "version": update.version + 1, "updated_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "updated_by": merchant}
    condition, values = version_condition(update.version)
    put: dict[str, Any] = {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": condition}
    if values:
        put["ExpressionAttributeValues"] = values
    entry = audit.entry(db.table(), actor=merchant, action="settings.shop.update", target_type="settings",
                        target_id="shop", at=at,
                        before={"profile": before.profile.model_dump(exclude_none=True),
                                "orders": before.orders.model_dump(exclude_none=True)},
                        after={"profile": profile, "orders": orders})
    if not db.transact([{"Put": put}, entry]):
        raise stale(_view(read_item()).version)
    raw = db.to_item(item)
    prime(raw)
    return _view(raw)
