from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shop.core.models import RequestModel, text_problem


USER_ID_PATTERN = r"^u_[a-z2-7]{1,40}$"  # shop.users.accounts: new_id("u")


class LoginRequest(RequestModel):
    code: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="The code from wx.login(); single use, valid for 5 minutes",
    )
    inviter: str | None = Field(
        default=None,
        description="The invite code the mini-program was opened with (share path ?inviter=, or the "
        "scene of a share QR code). Binds a new user to the friend who shared; ignored for returning "
        "users and when it is not a known code - whatever it holds, it never makes a login fail",
    )

    @field_validator("inviter", mode="before")
    @classmethod
    def _ignore_malformed_inviter(cls, value: object) -> str | None:
        # a share path is user-controlled text: anything that cannot be a code is as good as none
        return value if isinstance(value, str) and len(value) <= 64 and text_problem(value.strip()) is None else None


class LoginResponse(BaseModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: datetime = Field(description="UTC expiry of the token")
    expires_in: int = Field(description="Seconds until the token expires")
    user_id: str
    is_new_user: bool = Field(description="True when this login created the account")


class Profile(BaseModel):
    """The caller's own profile. Never carries openid, unionid or session_key."""

    id: str
    nickname: str
    avatar_url: str | None = None
    created_at: datetime
    blocked: bool = Field(default=False, description="True when the merchant has blocked the account: "
                          "state-changing requests answer 403 account_blocked (show a notice and the service contact)")


class BlockRequest(RequestModel):
    reason: str = Field(min_length=1, max_length=200, description="Why (kept on the account, shown to staff)")


class AccountStatus(BaseModel):
    """An account as the merchant sees it after blocking or unblocking it."""

    user_id: str
    blocked: bool
    blocked_at: datetime | None = None
    blocked_reason: str | None = None
    blocked_by: str | None = None
