"""Coupons: templates the merchant defines, and the coupons buyers hold."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from shop.adapters.clock import SHANGHAI

from shop.core.models import RequestModel
from shop.core.money import Fen

CouponKind = Literal["amount", "percent"]
CouponStatus = Literal["available", "locked", "used", "expired"]
TEMPLATE_ID = r"^[A-Za-z0-9_-]{1,40}$"
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


class CouponScope(BaseModel):
    type: Literal["all", "categories", "products"] = "all"
    ids: list[str] = Field(default_factory=list, max_length=100, description="Category or product ids")

    @model_validator(mode="after")
    def _ids_match_type(self) -> CouponScope:
        if (self.type == "all") != (not self.ids):
            raise ValueError("ids are needed for categories/products scopes and only for them")
        return self


class CouponRule(BaseModel):
    """What a coupon takes off, where, and when."""

    name: str = Field(min_length=1, max_length=30)
    kind: CouponKind = Field(description="amount: a fixed sum off; percent: pay `percent`% (80 = 8折)")
    amount: Fen | None = Field(default=None, description="For kind=amount: fen off")
    percent: int | None = Field(default=None, ge=1, le=99, description="For kind=percent: the share paid")
    max_discount: Fen | None = Field(default=None, description="For kind=percent: the most it takes off")
    threshold: Fen = Field(default=0, description="Spend at least this much in scope (满); 0 = no threshold")
    scope: CouponScope = Field(default_factory=CouponScope)
    stackable: bool = Field(default=False, description="Combinable with other stackable coupons; else exclusive")

    @model_validator(mode="after")
    def _kind_fields(self) -> CouponRule:
        if self.kind == "amount" and (not self.amount or self.percent is not None):
            raise ValueError("an amount coupon needs amount > 0 and no percent")
        if self.kind == "percent" and (self.percent is None or self.amount is not None):
            raise ValueError("a percent coupon needs percent and no amount")
        if self.kind == "amount" and self.threshold and self.amount and self.amount > self.threshold:
            raise ValueError("an amount coupon cannot take off more than its threshold (满 threshold 减 amount)")
        if self.max_discount is not None and (self.kind != "percent" or self.max_discount <= 0):
            raise ValueError("max_discount caps a percent coupon and must be above 0 (leave it out for no cap)")
        return self


class CouponTemplateInput(CouponRule, RequestModel):
    """POST /admin/coupons."""

    id: str | None = Field(default=None, pattern=TEMPLATE_ID, description="Chosen id; generated when absent")
    valid_from: datetime | None = Field(default=None, description="Fixed validity window start (ISO 8601; "
                                        "without an offset it is Beijing time)")
    valid_until: datetime | None = Field(default=None, description="Fixed validity window end (same form)")
    valid_days: int | None = Field(default=None, ge=1, le=365, description="Or: valid this many days from claiming")
    claim_from: datetime | None = Field(default=None, description="Claimable in the coupon center from (same form)")
    claim_until: datetime | None = Field(default=None, description="Claimable until (same form)")
    total: int = Field(ge=1, le=10_000_000, description="How many can ever be issued")
    per_user_limit: int = Field(default=1, ge=1, le=100, description="How many times one buyer may claim it, ever "
                                "(using a coupon does not free a claim)")
    new_user_only: bool = Field(default=False, description="Only for buyers without a paid order")
    claimable: bool = Field(default=True, description="Shown in GET /coupons; false for gift-pack and reward coupons")

    @field_validator("valid_from", "valid_until", "claim_from", "claim_until")
    @classmethod
    def _shop_time(cls, value: datetime | None) -> datetime | None:
        return shop_time(value)

    @model_validator(mode="after")
    def _validity(self) -> CouponTemplateInput:
        fixed = self.valid_until is not None
        if fixed == (self.valid_days is not None):
            raise ValueError("give either valid_until (with optional valid_from) or valid_days")
        if self.valid_days is not None and self.valid_from is not None:
            raise ValueError("valid_from belongs to a fixed window; with valid_days a coupon is valid from its claim")
        if self.valid_from and self.valid_until and self.valid_from >= self.valid_until:
            raise ValueError("valid_from must be before valid_until")
        if self.claim_from and self.claim_until and self.claim_from >= self.claim_until:
            raise ValueError("claim_from must be before claim_until")
        return self


def shop_time(value: datetime | None) -> datetime | None:
    """A time the merchant wrote: without an offset it is Beijing time, not UTC; 2000-2100 only."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    if not EARLIEST <= value < LATEST:
        raise ValueError("must be between 2000 and 2100")
    return value.astimezone(UTC)


class CouponTemplateChange(RequestModel):
    """PATCH /admin/coupons/{id}: what a running campaign may change. The rule, the validity and the
    limits of coupons already held never change (each held coupon carries its own copy)."""

    total: int | None = Field(default=None, ge=1, le=10_000_000,
                              description="The new total: more to extend a campaign (a share reward that found its "
                              "coupon used up is then granted), or fewer, never below how many were issued")
    claim_from: datetime | None = Field(default=None, description="Claimable from (ISO 8601; without an offset, "
                                        "Beijing time)")
    claim_until: datetime | None = Field(default=None, description="Claimable until: now to stop a campaign")

    @field_validator("claim_from", "claim_until")
    @classmethod
    def _shop_time(cls, value: datetime | None) -> datetime | None:
        return shop_time(value)

    @model_validator(mode="after")
    def _something(self) -> CouponTemplateChange:
        if self.total is None and self.claim_from is None and self.claim_until is None:
            raise ValueError("give total, claim_from or claim_until")
        if self.claim_from and self.claim_until and self.claim_from >= self.claim_until:
            raise ValueError("claim_from must be before claim_until")
        return self


class CouponTemplate(CouponRule):
    id: str
    description: str = Field(description="e.g. 满100减20, 8折 最多减50, 无门槛减50")
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    claim_from: datetime | None = None
    claim_until: datetime | None = None
    total: int
    issued: int = Field(description="How many have been claimed or granted")
    remaining: int
    per_user_limit: int
    new_user_only: bool
    claimable: bool = Field(description="false: only granted (gift pack, share rewards), never in GET /coupons")


class ClaimableCoupon(CouponTemplate):
    claimed: int = Field(description="How many times the caller has claimed it (0 when not logged in)")
    can_claim: bool
    reason: str | None = Field(default=None, description="sold_out, limit_reached, new_users_only, claim_closed")


class CouponCenter(BaseModel):
    items: list[ClaimableCoupon]


class MyCoupon(CouponRule):
    id: str
    template_id: str
    description: str
    valid_from: datetime
    valid_until: datetime
    status: CouponStatus
    order_id: str | None = None
    source: Literal["claim", "gift", "share_reward"] = Field(
        default="claim", description="claimed in the coupon center, the new-user gift pack, or a share reward")
    claimed_at: datetime = Field(description="When it was claimed or granted")
    used_at: datetime | None = None


class MyCouponList(BaseModel):
    items: list[MyCoupon]
