"""Inviting staff (docs/staff.md, "Inviting staff").

The owner (staff.manage) creates an invitation for a role; its code ``<id>.<160 random bits>`` is
shown once and only its SHA-256 is stored (the code is random, so a fast hash is enough: nothing
to brute-force). The person invited accepts with the code:

- channel ``console``: POST /admin/staff/accept {invite_code, name, password} creates the account
  with a password (scrypt, shop.staff.passwords);
- channel ``wechat`` (pickup verifiers only): POST /admin/staff/accept-wechat {invite_code, name,
  code} binds the WeChat identity (code2session) to the new account: PK=STAFF_WECHAT#<openid>
  SK=BINDING {name, bound_at, bound_by}. The openid is never returned or logged.

Accepting is ONE transaction: the invitation goes from pending to accepted (conditional on being
pending, unexpired and on the code's hash), the account is put (conditional on the name being
free), the binding is put (conditional on the WeChat identity being unbound), and the audit entry.
So an invitation makes at most one account however many accept it at once, and a refused accept
leaves nothing behind.

Item: PK=STAFF_INVITES SK=INVITE#<id> {type=staff_invite, invite_id, code_hash, role,
display_name, channel, created_by, created_at, expires_at, expires_epoch, status (pending,
accepted, withdrawn), accepted_name, accepted_at, withdrawn_by, withdrawn_at, ttl}. One small
partition: a shop has a handful of invitations at a time, and DynamoDB's TTL removes them 30 days
after they expire.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso, now_utc
from shop.adapters.observability import logger
from shop.core import audit
from shop.core.errors import Conflict, InvalidRequest, NotFound
from shop.staff.accounts import STAFF_INDEX
from shop.staff.models import StaffAccepted, StaffInvite, StaffInviteCreated, StaffInviteRequest

PARTITION = "STAFF_INVITES"
PENDING, ACCEPTED, WITHDRAWN, EXPIRED = "pending", "accepted", "withdrawn", "expired"
DEFAULT_TTL_SECONDS = 72 * 3600
KEEP_AFTER_EXPIRY = 30 * 86400


def lifetime() -> int:
    return int(os.environ.get("STAFF_INVITE_TTL_SECONDS") or DEFAULT_TTL_SECONDS)


def invite_key(invite_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": PARTITION}, "SK": {"S": f"INVITE#{invite_id}"}}


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _status(item: dict[str, Any], at: datetime) -> str:
    status = item["status"]
    return EXPIRED if status == PENDING and item["expires_epoch"] <= int(at.timestamp()) else status


def _view(item: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {"id": item["invite_id"], "role": item["role"], "display_name": item.get("display_name"),
            "channel": item["channel"], "created_by": item["created_by"], "created_at": item["created_at"],
            "expires_at": item["expires_at"], "status": _status(item, at)}


def create(request: StaffInviteRequest, *, merchant: str) -> StaffInviteCreated:
    if request.channel == "wechat" and request.role != "pickup_verifier":
        raise InvalidRequest("微信绑定邀请只用于核销员；其他角色请用后台账号（channel: console）。",
                             code="wechat_invite_for_verifiers_only")
    at = now_utc()
    invite_id = secrets.token_hex(8)
    code = f"{invite_id}.{secrets.token_urlsafe(20)}"
    expires = int(at.timestamp()) + lifetime()
    item = {
        "PK": PARTITION, "SK": f"INVITE#{invite_id}", "type": "staff_invite", "invite_id": invite_id,
        "code_hash": code_hash(code), "role": request.role, "display_name": request.display_name,
        "channel": request.channel, "created_by": merchant, "created_at": iso(at),
        "expires_at": iso(datetime.fromtimestamp(expires, UTC)), "expires_epoch": expires, "status": PENDING,
        "ttl": expires + KEEP_AFTER_EXPIRY,
    }
    written = db.transact([
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
        audit.entry(db.table(), actor=merchant, action="staff.invite.create", target_type="staff_invite",
                    target_id=invite_id, at=at, after={"role": request.role, "channel": request.channel,
                                                       "display_name": request.display_name,
                                                       "expires_at": item["expires_at"]}),
    ])
    if not written:  # pragma: no cover - a 64-bit random id collided
        raise RuntimeError("invite id collision")
    logger.info("staff invited", extra={"invite_id": invite_id, "role": request.role, "by": merchant})
    return StaffInviteCreated(**_view(item, at), invite_code=code)


def pending() -> list[StaffInvite]:
    """The invitations still waiting to be accepted (no codes, not even their hashes)."""
    at = now_utc()
    items = db.query_all(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :s)", ConsistentRead=True,
        ExpressionAttributeValues={":pk": {"S": PARTITION}, ":s": {"S": "INVITE#"}},
        ProjectionExpression="invite_id, #r, display_name, channel, created_by, created_at, expires_at, "
                             "expires_epoch, #st",
        ExpressionAttributeNames={"#r": "role", "#st": "status"},
    )
    views = [StaffInvite(**_view(i, at)) for i in items if _status(i, at) == PENDING]
    return sorted(views, key=lambda v: v.created_at, reverse=True)


def withdraw(invite_id: str, *, merchant: str) -> StaffInvite:
    at = now_utc()
    found = db.client().get_item(TableName=db.table(), Key=invite_key(invite_id), ConsistentRead=True).get("Item")
    if not found:
        raise NotFound("没有这个邀请。", code="invite_not_found")
    item = db.from_item(found)
    reasons = db.transact_reasons([
        {"Update": {"TableName": db.table(), "Key": invite_key(invite_id),
                    "UpdateExpression": "SET #st = :withdrawn, withdrawn_by = :by, withdrawn_at = :at",
                    "ConditionExpression": "#st = :pending AND expires_epoch > :now",
                    "ExpressionAttributeNames": {"#st": "status"},
                    "ExpressionAttributeValues": {":withdrawn": {"S": WITHDRAWN}, ":pending": {"S": PENDING},
                                                  ":by": {"S": merchant}, ":at": {"S": iso(at)},
                                                  ":now": {"N": str(int(at.timestamp()))}}}},
        audit.entry(db.table(), actor=merchant, action="staff.invite.withdraw", target_type="staff_invite",
                    target_id=invite_id, at=at, before={"status": PENDING}, after={"status": WITHDRAWN}),
    ])
    if reasons is not None:
        if reasons[0] != "ConditionalCheckFailed":
            raise db.TransactionFailed(reasons)
        raise Conflict("这个邀请已被接受、撤回或已过期。", code="invite_not_pending",
                       details={"status": _status(db.from_item(_read(invite_id) or found), at)})
    logger.info("staff invite withdrawn", extra={"invite_id": invite_id, "by": merchant})
    return StaffInvite(**{**_view(item, at), "status": WITHDRAWN})


def _read(invite_id: str) -> dict[str, Any] | None:
    return db.client().get_item(TableName=db.table(), Key=invite_key(invite_id), ConsistentRead=True).get("Item")


def _refusal(item: dict[str, Any] | None, at: datetime) -> Exception:
    if item is None:
        return NotFound("邀请码无效。", code="invite_not_found")
    status = _status(item, at)
    if status == ACCEPTED:
        return Conflict("这个邀请码已经使用过。", code="invite_used")
    if status == WITHDRAWN:
        return Conflict("这个邀请已被店主撤回。", code="invite_withdrawn")
    return Conflict("这个邀请已过期，请店主重新邀请。", code="invite_expired")


def _valid_invite(code: str, channel: str, at: datetime) -> dict[str, Any]:
    """The pending, unexpired invitation ``code`` opens, for ``channel``; refusals otherwise."""
    invite_id = code.split(".", 1)[0]
    raw = _read(invite_id)
    item = db.from_item(raw) if raw else None
    if item is None or not hmac.compare_digest(item["code_hash"], code_hash(code)):
        raise _refusal(None, at)
    if _status(item, at) != PENDING:
        raise _refusal(item, at)
    if item["channel"] != channel:
        other = "POST /admin/staff/accept-wechat（在小程序中）" if item["channel"] == "wechat" else "POST /admin/staff/accept"
        raise InvalidRequest(f"这个邀请需要通过 {other} 接受。", code="wrong_invite_channel",
                             details={"channel": item["channel"]})
    return item


def _accept(code: str, invite: dict[str, Any], name: str, at: datetime, account_extra: dict[str, Any],
            binding: dict[str, Any] | None) -> StaffAccepted:
    when = iso(at)
    account = db.to_item({
        "PK": f"MERCHANT#{name}", "SK": "ACCOUNT", "type": "merchant", "name": name, "role": invite["role"],
        "status": "active", "display_name": invite.get("display_name"), "created_at": when,
        "invited_by": invite["created_by"], "invite_id": invite["invite_id"], "tokens_valid_after": 0,
        "gsi1pk": STAFF_INDEX, "gsi1sk": name, **account_extra,
    })
    actions: list[dict[str, Any]] = [
        {"Update": {"TableName": db.table(), "Key": invite_key(invite["invite_id"]),
                    "UpdateExpression": "SET #st = :accepted, accepted_name = :name, accepted_at = :at",
                    "ConditionExpression": "#st = :pending AND code_hash = :hash AND expires_epoch > :now AND #r = :role",
                    "ExpressionAttributeNames": {"#st": "status", "#r": "role"},
                    "ExpressionAttributeValues": {":accepted": {"S": ACCEPTED}, ":pending": {"S": PENDING},
                                                  ":name": {"S": name}, ":at": {"S": when},
                                                  ":hash": {"S": code_hash(code)}, ":role": {"S": invite["role"]},
                                                  ":now": {"N": str(int(at.timestamp()))}}}},
        {"Put": {"TableName": db.table(), "Item": account, "ConditionExpression": "attribute_not_exists(PK)"}},
    ]
    if binding is not None:
        actions.append({"Put": {"TableName": db.table(), "Item": binding, "ConditionExpression": "attribute_not_exists(PK)"}})
    actions.append(audit.entry(
        db.table(), actor=name, action="staff.invite.accept", target_type="staff_member", target_id=name, at=at,
        after={"role": invite["role"], "channel": invite["channel"], "invite_id": invite["invite_id"],
               "invited_by": invite["created_by"], "display_name": invite.get("display_name")}))
    reasons = db.transact_reasons(actions)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            raw = _read(invite["invite_id"])
            raise _refusal(db.from_item(raw) if raw else None, at)
        if reasons[1] == "ConditionalCheckFailed":
            raise Conflict(f"名称 {name} 已被使用，请换一个。", code="name_taken")
        if binding is not None and reasons[2] == "ConditionalCheckFailed":
            raise Conflict("这个微信已绑定了另一个员工账号。", code="wechat_already_bound")
        raise db.TransactionFailed(reasons)
    logger.info("staff invite accepted", extra={"invite_id": invite["invite_id"], "staff": name,
                                                "role": invite["role"], "channel": invite["channel"]})
    return StaffAccepted(name=name, role=invite["role"], channel=invite["channel"], created_at=at)


def accept(code: str, name: str, password: str) -> StaffAccepted:
    """A console invitation: the account with a password."""
    from shop.staff import passwords

    at = now_utc()
    invite = _valid_invite(code, "console", at)  # before the (deliberately slow) hash
    if problem := passwords.strength_problem(password):
        raise InvalidRequest(problem, code="weak_password")
    hashed = passwords.hash(password)
    return _accept(code, invite, name, at, {"password_hash": hashed, "password_set_at": iso(at)}, None)


def accept_wechat(code: str, name: str, wx_code: str) -> StaffAccepted:
    """A WeChat invitation (pickup verifiers): the account and its WeChat binding."""
    from shop.adapters.wechat.miniprogram import code_to_session

    at = now_utc()
    invite = _valid_invite(code, "wechat", at)  # before spending a wx.login code
    wx = code_to_session(wx_code)
    binding = db.to_item({"PK": f"STAFF_WECHAT#{wx.openid}", "SK": "BINDING", "type": "staff_wechat_binding",
                          "name": name, "bound_at": iso(at), "bound_by": invite["created_by"],
                          "invite_id": invite["invite_id"]})
    return _accept(code, invite, name, at, {"wechat_bound_at": iso(at)}, binding)
