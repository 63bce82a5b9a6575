"""Shoppers: WeChat login and profiles.

Items in the shop table:
  PK=OPENID#<openid>   SK=IDENTITY   the WeChat identity: user_id, unionid, first and last login
                                     (WeChat's session_key is never stored)
  PK=USER#<user_id>    SK=PROFILE    the profile; openid is kept here for WeChat Pay (payer.openid)
                                     but no response model carries it

A first login writes both items in one transaction, each conditional on not existing, so concurrent
first logins with the same openid create exactly one user; the same transaction gives the user an
invite code (shop.growth.invites). A returning user costs one conditional UpdateItem; a new one an
UpdateItem that fails plus the transaction.

A first login that arrives with an invite code (``inviter``) records it on the new profile as
``invited_by_code``; the gift pack and the binding to the inviter follow from the profile's insert
in the table's stream (GrowthEvents), outside the login.
"""

from __future__ import annotations

import time

from datetime import UTC, datetime

from shop.adapters import db, signer
from shop.growth import invites
from shop.adapters.clock import iso, now_epoch
from shop.core.errors import Unauthorized
from shop.core.ids import new_id
from shop.core.profile import BLOCKED_AT, customer_index, profile_key
from shop.users.models import LoginResponse, Profile
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.adapters.wechat.miniprogram import WxSession, code_to_session

DEFAULT_NICKNAME = "微信用户"


def _identity_key(openid: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"OPENID#{openid}"}, "SK": {"S": "IDENTITY"}}


def _touch_identity(wx: WxSession, now: str) -> str | None:
    """Record the login on an existing identity; its user id, or None when the openid is new."""
    # WeChat's session_key is not stored: nothing reads it (no encrypted user data is decrypted),
    # and a key that is not kept cannot leak. Identities written before keep none after their next login.
    names = {"#sk": "session_key", "#at": "last_login_at"}
    values = {":at": {"S": now}}
    update = "SET #at = :at"
    if wx.unionid:
        names["#u"] = "unionid"
        values[":u"] = {"S": wx.unionid}
        update += ", #u = :u"
    update += " REMOVE #sk"
    try:
        resp = db.client().update_item(
            TableName=db.table(),
            Key=_identity_key(wx.openid),
            UpdateExpression=update,
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    except Exception as exc:
        if db.is_condition_failure(exc):
            return None
        raise
    return resp["Attributes"]["user_id"]["S"]


def _create_user(wx: WxSession, now: str, inviter: str | None) -> str | None:
    """Create identity, profile and invite code together; None when a concurrent login created the
    identity first."""
    user_id = new_id("u")
    identity = {
        "PK": f"OPENID#{wx.openid}",
        "SK": "IDENTITY",
        "type": "identity",
        "user_id": user_id,
        "unionid": wx.unionid,
        "created_at": now,
        "last_login_at": now,
    }
    profile = {
        "PK": f"USER#{user_id}",
        "SK": "PROFILE",
        "type": "user",
        "user_id": user_id,
        "openid": wx.openid,
        "nickname": DEFAULT_NICKNAME,
        "created_at": now,
        # an unknown or malformed code is dropped here, so it can never block a login
        "invited_by_code": inviter if invites.is_code(inviter) else None,
        **customer_index(user_id, time.time_ns() // 1_000_000),
    }
    condition = "attribute_not_exists(PK)"
    for _ in range(3):
        reasons = db.transact_reasons([
            {"Put": {"TableName": db.table(), "Item": db.to_item(identity), "ConditionExpression": condition}},
            {"Put": {"TableName": db.table(), "Item": db.to_item(profile), "ConditionExpression": condition}},
            *invites.code_actions(user_id, invites.new_code(), now),
        ])
        if reasons is None:
            return user_id
        if reasons[0] == "ConditionalCheckFailed":
            return None
        # the random invite code was taken (1 in 2^40 per existing code): draw another
    raise RuntimeError("could not create the user")  # pragma: no cover


def find_or_create_user(wx: WxSession, inviter: str | None = None) -> tuple[str, bool]:
    now = iso(datetime.now(UTC))
    user_id = _touch_identity(wx, now)
    if user_id:
        return user_id, False
    user_id = _create_user(wx, now, inviter)
    if user_id:
        return user_id, True
    # Lost a race with a concurrent first login of the same openid: that one created the user.
    user_id = _touch_identity(wx, now)
    if user_id is None:  # pragma: no cover - the identity exists, the transaction said so
        raise RuntimeError("identity vanished during login")
    return user_id, False


def login(js_code: str, inviter: str | None = None) -> LoginResponse:
    # A deployment without a usable key pair fails here, before WeChat or the table is touched.
    signer.signing_key()
    wx = code_to_session(js_code)
    user_id, is_new = find_or_create_user(wx, inviter)
    token, expires_at = signer.issue(user_id)
    if is_new:
        metrics.add_metric(name="UserRegistered", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="Login", unit=MetricUnit.Count, value=1)
    logger.info("login", extra={"user_id": user_id, "new_user": is_new})
    return LoginResponse(
        token=token,
        expires_at=datetime.fromtimestamp(expires_at, UTC),
        expires_in=expires_at - now_epoch(),
        user_id=user_id,
        is_new_user=is_new,
    )


def get_profile(user_id: str) -> Profile:
    resp = db.client().get_item(
        TableName=db.table(),
        Key=profile_key(user_id),
        ProjectionExpression="user_id, nickname, avatar_url, created_at, blocked_at",
    )
    if "Item" not in resp:
        # A valid token for a user that no longer exists: the session is void.
        raise Unauthorized("The account no longer exists; log in again.", code="invalid_token")
    item = db.from_item(resp["Item"])
    return Profile(
        id=item["user_id"],
        nickname=item.get("nickname", DEFAULT_NICKNAME),
        avatar_url=item.get("avatar_url"),
        created_at=item["created_at"],
        blocked=BLOCKED_AT in item,
    )
