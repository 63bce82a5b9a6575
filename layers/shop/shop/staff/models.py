"""The MerchantTokens function's event and answers (an operator invokes it; it has no route)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MERCHANT_NAME = r"^[a-z0-9][a-z0-9_-]{1,31}$"
MAX_HOURS = 12


class MerchantTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["issue", "revoke"] = Field(
        default="issue", description="issue: a new token; revoke: every token issued so far stops working")
    merchant: str = Field(pattern=MERCHANT_NAME, description="the merchant account, e.g. owner")
    hours: int | None = Field(default=None, ge=1, le=MAX_HOURS,
                              description="lifetime of the new token; default MERCHANT_TOKEN_TTL_SECONDS")
    role: str | None = Field(default=None, pattern=r"^(owner|manager|customer_service|finance|pickup_verifier)$",
                             description="issue: the account's role (shop.staff.roles), set when given; a new "
                                         "account without one is the owner")
    by: str = Field(default="operator", pattern=r"^[A-Za-z0-9@._ -]{1,64}$", description="who asks (kept on the account)")


class IssuedToken(BaseModel):
    merchant: str
    role: str
    token: str
    expires_at: int = Field(description="epoch seconds")


class Revoked(BaseModel):
    merchant: str
    tokens_valid_after: int = Field(description="epoch seconds: tokens issued at or before it are refused")
