"""The MerchantTokens function's event and answers (an operator invokes it; it has no route), and
the requests and answers of staff management (shop.staff.invites, shop.staff.members) and of the
audit log reader (shop.staff.audit). No answer carries a password, a hash, a TOTP secret, an
invite code's hash or a WeChat openid; an invite code appears once, in the answer that creates it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shop.core.models import RequestModel
from shop.staff.names import INVITE_CODE, INVITE_ID, MERCHANT_NAME, ROLE  # noqa: F401 - also imported from here

MAX_HOURS = 12
Role = Literal["owner", "manager", "customer_service", "finance", "pickup_verifier"]


class MerchantTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["issue", "revoke", "create_owner"] = Field(
        default="issue", description="issue: a new token; revoke: every token issued so far stops working; "
                                     "create_owner: the shop's owner account with a password (once per shop)")
    merchant: str = Field(pattern=MERCHANT_NAME, description="the merchant account, e.g. owner")
    hours: int | None = Field(default=None, ge=1, le=MAX_HOURS,
                              description="lifetime of the new token; default MERCHANT_TOKEN_TTL_SECONDS")
    role: str | None = Field(default=None, pattern=ROLE,
                             description="issue: the account's role (shop.staff.roles), set when given; a new "
                                         "account without one is the owner")
    password: str | None = Field(default=None, min_length=1, max_length=128, repr=False,
                                 description="create_owner: the owner's password (stored as a scrypt hash)")
    display_name: str | None = Field(default=None, min_length=1, max_length=32, description="create_owner: e.g. 王老板")
    by: str = Field(default="operator", pattern=r"^[A-Za-z0-9@._ -]{1,64}$", description="who asks (kept on the account)")

    @model_validator(mode="after")
    def _owner_fields(self) -> MerchantTokenRequest:
        if self.action != "create_owner" and (self.password is not None or self.display_name is not None):
            raise ValueError("password and display_name are for create_owner only")
        if self.action == "create_owner" and (self.password is None or self.role or self.hours):
            raise ValueError("create_owner takes merchant, password, display_name and by")
        return self


class IssuedToken(BaseModel):
    merchant: str
    role: str
    token: str
    expires_at: int = Field(description="epoch seconds")


class Revoked(BaseModel):
    merchant: str
    tokens_valid_after: int = Field(description="epoch seconds: tokens issued at or before it are refused")


class OwnerCreated(BaseModel):
    merchant: str
    role: str = "owner"
    created_at: str
    next_step: str = Field(default="POST /admin/auth/sign-in with this name and password; the first sign-in sets up "
                                   "the second factor (TOTP)")


# ---------------------------------------------------------------- invitations

class StaffInviteRequest(RequestModel):
    role: Role = Field(description="the role the new member gets (docs/staff.md, Roles)")
    display_name: str | None = Field(default=None, min_length=1, max_length=32, description="e.g. 小李 (客服)")
    channel: Literal["console", "wechat"] = Field(
        default="console", description="console: the member sets a password (POST /admin/staff/accept); wechat: a "
                                       "pickup verifier binds their WeChat in the mini-program (POST /admin/staff/accept-wechat)")


class StaffInvite(BaseModel):
    id: str
    role: str
    display_name: str | None = None
    channel: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    status: str = Field(description="pending, accepted, withdrawn or expired")


class StaffInviteCreated(StaffInvite):
    invite_code: str = Field(description="give it to the person invited; shown once (only its hash is stored)")


class StaffInvites(BaseModel):
    items: list[StaffInvite]


class StaffAcceptRequest(BaseModel):
    # Not a RequestModel: the password is taken exactly as typed (never shown, only hashed).
    model_config = ConfigDict(extra="forbid", frozen=True)

    invite_code: str = Field(pattern=INVITE_CODE)
    name: str = Field(pattern=MERCHANT_NAME, description="the sign-in name chosen (lower case letters, digits, - and _)")
    password: str = Field(min_length=1, max_length=128, repr=False)


class StaffAcceptWeChatRequest(RequestModel):
    invite_code: str = Field(pattern=INVITE_CODE)
    name: str = Field(pattern=MERCHANT_NAME)
    code: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$", description="the code from wx.login()")


class StaffAccepted(BaseModel):
    name: str
    role: str
    channel: str
    created_at: datetime


# ---------------------------------------------------------------- members

class StaffMember(BaseModel):
    name: str
    role: str
    role_label: str
    display_name: str | None = None
    status: str = Field(description="active or disabled")
    has_password: bool
    second_factor: bool = Field(description="a TOTP authenticator is enrolled")
    wechat_bound: bool = Field(description="signs in from the mini-program (pickup verifiers)")
    locked: bool = Field(description="locked after failed sign-ins (POST /admin/staff/{name}/unlock)")
    failed_attempts: int = 0
    last_sign_in_at: datetime | None = None
    created_at: datetime | None = None
    invited_by: str | None = None


class StaffMembers(BaseModel):
    items: list[StaffMember]


class StaffMemberPatch(RequestModel):
    role: Role | None = None
    status: Literal["active", "disabled"] | None = Field(default=None, description="disabled: every token and sign-in "
                                                                                    "of the member stops at once")
    display_name: str | None = Field(default=None, min_length=1, max_length=32)


# ---------------------------------------------------------------- the audit log

class AuditEntry(BaseModel):
    at: datetime
    actor: str
    action: str = Field(description="<context>.<thing>.<verb>, e.g. staff.member.role")
    target_type: str
    target_id: str
    before: Any = None
    after: Any = None
    changed: list[str] = Field(default_factory=list, description="the fields whose values differ")
    note: str | None = None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None = Field(default=None, description="more entries (older); a page may hold fewer than limit")
    from_day: str = Field(description="the first Beijing day searched")
    to_day: str = Field(description="the last Beijing day searched")
