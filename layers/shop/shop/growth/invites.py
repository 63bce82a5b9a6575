"""Invite codes: eight base32 characters, random, each owned by one user.

  PK=INVITE#<code>  SK=INVITE        the code's owner (user_id)
  PK=USER#<id>      SK=SHARE#CODE    the user's own code

A code is random rather than derived from the user id so that it reveals nothing; both items are
written only if absent, so a code can never change hands. Kept apart from shop.growth (coupons,
pydantic models) because login, which creates every code, needs nothing else of it.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from shop.adapters import db
from shop.adapters.clock import iso

INVITE_CODE = r"^[A-Z2-7]{8}$"
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SHARE_PAGE = "pages/index/index"
_CODE_RE = re.compile(INVITE_CODE)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def is_code(value: str | None) -> bool:
    return bool(value and _CODE_RE.match(value))


def invite_key(code: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"INVITE#{code}"}, "SK": {"S": "INVITE"}}


def marker_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "SHARE#CODE"}}


def share_path(code: str) -> str:
    """The path for onShareAppMessage: the shop's home page, carrying the code."""
    return f"{SHARE_PAGE}?inviter={code}"


def qrcode_scene(code: str) -> str:
    """The wxacode scene (at most 32 visible characters); the page gets it as options.scene."""
    return f"inviter={code}"


def code_actions(user_id: str, code: str, now: str) -> list[dict[str, Any]]:
    """The writes that give ``user_id`` the code ``code``, each only if absent (used inside the
    first-login transaction, and by ``ensure_code``)."""
    return [
        {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": db.to_item({
            "PK": f"INVITE#{code}", "SK": "INVITE", "type": "invite", "user_id": user_id, "created_at": now})}},
        {"Put": {"TableName": db.table(), "ConditionExpression": "attribute_not_exists(PK)", "Item": db.to_item({
            "PK": f"USER#{user_id}", "SK": "SHARE#CODE", "type": "invite_code", "invite_code": code,
            "created_at": now})}},
    ]


def ensure_code(user_id: str) -> str:
    """The user's code, created if they have none (accounts from before sharing existed)."""
    for _ in range(5):
        resp = db.client().get_item(TableName=db.table(), Key=marker_key(user_id), ConsistentRead=True)
        if "Item" in resp:
            return resp["Item"]["invite_code"]["S"]
        code = new_code()
        if db.transact_reasons(code_actions(user_id, code, iso(datetime.now(UTC)))) is None:
            return code
        # the code belonged to someone else (draw another), or a concurrent call wrote our marker (read it)
    raise RuntimeError("could not allocate an invite code")  # pragma: no cover - 40-bit random codes


def code_owner(code: str) -> str | None:
    """The user who owns ``code``; None for a malformed or unknown code."""
    if not is_code(code):
        return None
    resp = db.client().get_item(TableName=db.table(), Key=invite_key(code))
    return resp["Item"]["user_id"]["S"] if "Item" in resp else None
