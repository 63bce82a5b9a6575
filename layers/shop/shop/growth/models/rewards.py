"""Share rewards (社交裂变) and the new-user gift pack, as configured and as a buyer sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shop.core.models import RequestModel
from shop.growth.models.coupons import TEMPLATE_ID


QualifyOn = Literal["registration", "first_paid_order", "first_completed_order"]


class RewardTier(RequestModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    friends: int = Field(ge=1, le=1000, description="Qualified friends needed")
    template_id: str = Field(pattern=TEMPLATE_ID, description="The coupon granted (a template with claimable=false)")
    title: str = Field(max_length=40, description="e.g. 邀请3位好友 得8折券")


class GrowthConfig(RequestModel):
    """PUT /admin/growth: what a new user gets, and how sharing is rewarded."""

    gift_pack: list[str] = Field(default_factory=list, max_length=10, description="Coupon templates granted once, "
                                 "on a user's first login")
    qualify_on: QualifyOn = Field(
        default="first_completed_order", description="When an invited friend counts: on signing up; when their "
        "first order is paid; or (default, hardest to game) when their first order is completed (confirmed by them "
        "or completed automatically). A fully refunded order never counts, and a friend whose qualifying order is "
        "refunded in full stops counting: the rewards that this undoes are revoked while still unused")
    tiers: list[RewardTier] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _tiers_distinct(self) -> GrowthConfig:
        if len({t.id for t in self.tiers}) != len(self.tiers) or len({t.friends for t in self.tiers}) != len(self.tiers):
            raise ValueError("tier ids and friend counts must be distinct")
        self.tiers.sort(key=lambda t: t.friends)
        return self


class GrowthConfigUpdate(GrowthConfig):
    """The body of PUT /admin/growth: the whole configuration, every field named (an empty list
    empties it), so a body that forgets a field cannot wipe the gift pack or the tiers by accident."""

    gift_pack: list[str] = Field(max_length=10, description="Coupon templates granted once, on a user's first "
                                 "login ([] for none)")
    qualify_on: QualifyOn = Field(description="When an invited friend counts: registration, first_paid_order, or "
                                  "first_completed_order (the default of a new shop, hardest to game)")
    tiers: list[RewardTier] = Field(max_length=10, description="[] for no share rewards")


class TierProgress(BaseModel):
    id: str
    title: str
    friends: int
    template_id: str
    reached: bool
    remaining: int = Field(description="Qualified friends still needed")
    granted: bool = Field(description="The reward coupon is in the caller's coupons")
    owed: bool = Field(default=False, description="Reached, but the reward coupon had run out: it is granted "
                       "when the merchant adds more")


class EarnedReward(BaseModel):
    tier_id: str
    coupon_id: str
    granted_at: datetime


class ShareInfo(BaseModel):
    invite_code: str
    share_path: str = Field(description="For wx.shareAppMessage / onShareAppMessage: path")
    qualify_on: QualifyOn
    invited: int = Field(description="Friends bound to the caller")
    qualified: int = Field(description="Of them, those who count")
    tiers: list[TierProgress]
    rewards: list[EarnedReward]


class AcceptRequest(RequestModel):
    inviter: str = Field(description="The invite code from the share path; any text that is not a known code "
                         "answers bound=false, reason unknown_code")


class AcceptResult(BaseModel):
    bound: bool
    reason: str | None = Field(default=None, description="not_a_new_user, already_bound, self_invite, unknown_code")
