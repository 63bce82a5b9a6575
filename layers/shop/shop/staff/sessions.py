"""Whether a merchant token may still act, and do this: the check every /admin call makes
(shop.edge.auth.staff_with): the account exists and is not disabled, the token was issued after the
account's ``tokens_valid_after`` and its sign-in (``sid``) is not in the account's ``revoked_sids``
(a device signed out, a refresh-token family revoked: shop.staff.devices), and the role has the
route's permission (shop.staff.roles).
Kept apart from accounts (issuing and revoking, which load the signer and the models) so the check
costs an /admin function one small module at import and one GetItem per call.
"""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.adapters.tokens import Session, invalid
from shop.core.errors import Forbidden


def account_key(name: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"MERCHANT#{name}"}, "SK": {"S": "ACCOUNT"}}


# What the check reads of the account item (also for callers that fetch it with their own data in
# one BatchGetItem, shop.edge.auth.PendingStaff).
PROJECTION = "tokens_valid_after, #r, #st, revoked_sids"
PROJECTION_NAMES = {"#r": "role", "#st": "status"}
DISABLED = "disabled"


def _refused(message: str, code: str) -> Exception:
    err = invalid(message)
    err.code = code
    return err


def check(session: Session, permission: str, item: dict[str, Any] | None) -> str:
    """The staff member's role when ``item`` (the account, read consistently) exists, the token was
    issued after the account's ``tokens_valid_after`` and its ``sid`` is not revoked (else 401
    token_revoked), the account is not disabled (else 401 account_disabled) and the role has
    ``permission`` (else 403 permission_denied)."""
    from shop.staff import roles

    item = item or {}
    if not item or session.issued_at <= int(item["tokens_valid_after"]["N"]):
        raise _refused("This merchant token has been revoked; ask for a new one.", "token_revoked")
    if item.get("status", {}).get("S") == DISABLED:
        raise _refused("该员工账号已停用。", "account_disabled")
    if session.session_id and session.session_id in item.get("revoked_sids", {}).get("M", {}):
        raise _refused("This sign-in has ended (signed out); sign in again.", "token_revoked")
    role = item.get("role", {}).get("S")
    if not roles.allows(role, permission):
        raise Forbidden(f"您的角色（{roles.LABELS.get(role or '', role or '无')}）没有这项权限。", code="permission_denied",
                        details={"permission": permission, "role": role})
    return role or ""


def require_current(session: Session, permission: str) -> str:
    """``check`` on the account read now: one strongly consistent GetItem, so a revocation or a
    changed role counts from the next call."""
    item: dict[str, Any] = db.client().get_item(
        TableName=db.table(), Key=account_key(session.user_id), ConsistentRead=True,
        ProjectionExpression=PROJECTION, ExpressionAttributeNames=PROJECTION_NAMES,
    ).get("Item") or {}
    return check(session, permission, item)
