"""Requests and answers of staff sign-in (shop.staff.signin) and of a staff member's own sign-ins
(shop.staff.devices). No answer model carries a password, a password hash, an enrolled TOTP secret
or a refresh token's hash; a refresh token appears once, in the answer that issues it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shop.core.models import RequestModel
from shop.staff.names import MERCHANT_NAME

TOTP_CODE = r"^[0-9]{6}$"
SID = r"^[A-Za-z0-9_-]{16}$"


class SignInRequest(BaseModel):
    # Not a RequestModel: a password is compared exactly as typed (no stripping of spaces, no
    # free-text rules: it is never shown or stored, only hashed); unknown fields are still refused.
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=MERCHANT_NAME, description="the staff account's name")
    password: str = Field(min_length=1, max_length=128, repr=False, description="the account's password")
    totp: str | None = Field(default=None, pattern=TOTP_CODE,
                             description="the 6-digit code of the authenticator app (owner and finance always; "
                                         "others when they enrolled one)")


class RefreshRequest(RequestModel):
    refresh_token: str | None = Field(default=None, min_length=20, max_length=200,
                                      description="the refresh token; the browser console sends none and the "
                                                  "HttpOnly cookie is used instead")


class WeChatSignInRequest(RequestModel):
    code: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$", description="the code from wx.login()")


class TotpConfirmRequest(RequestModel):
    code: str = Field(pattern=TOTP_CODE, description="a current code of the authenticator app")


class SignedIn(BaseModel):
    name: str
    role: str
    role_label: str = Field(description="the role's name in Chinese (店主, 运营, 客服, 财务, 核销员)")
    permissions: list[str] = Field(description="what this role may do (docs/staff.md); a console shows only these "
                                               "pages and buttons, the API still checks every request")
    session_id: str = Field(description="this sign-in (device); GET /admin/auth/sessions lists them")
    access_token: str = Field(description="for 'Authorization: Bearer'; keep it in memory only")
    token_type: str = "Bearer"
    expires_in: int = Field(description="seconds the access token lives (STAFF_ACCESS_TTL_SECONDS)")
    refresh_token: str = Field(description="for POST /admin/auth/refresh; single use: each refresh returns a new one "
                                           "(the browser also gets it as an HttpOnly cookie)")
    refresh_expires_at: datetime = Field(description="the sign-in ends at the latest then (absolute lifetime)")
    second_factor: bool = Field(description="whether this account signs in with a TOTP code")


class TotpSetup(BaseModel):
    otpauth_uri: str = Field(description="for the authenticator app's QR code; shown once")
    secret: str = Field(description="the same secret in base32, to type in by hand; shown once")
    expires_at: datetime = Field(description="confirm with a code before this time")


class TotpEnabled(BaseModel):
    second_factor: bool = True
    enrolled_at: datetime


class Device(BaseModel):
    session_id: str
    channel: str = Field(description="password (the web console) or wechat (the mini-program)")
    device: str = Field(description="a label from the user agent, e.g. Chrome on Windows")
    ip: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime = Field(description="when it ends unless used again (idle timeout or absolute lifetime)")
    current: bool = Field(description="the sign-in this request was made with")


class Devices(BaseModel):
    items: list[Device]


class SignedOut(BaseModel):
    signed_out: int = Field(description="how many sign-ins were ended")


class Unlocked(BaseModel):
    name: str
    locked: bool = False
    failed_attempts: int = 0
