"""Whether a merchant token may still act, and do this: the check every /admin call makes
(shop.edge.auth.staff_with): the account exists, the token is not revoked, the role has the route's
permission (shop.staff.roles).
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


def require_current(session: Session, permission: str) -> str:
    """The staff member's role when the token's account exists, the token was issued after the
    account's ``tokens_valid_after`` (else 401 token_revoked) and the role has ``permission`` (else
    403 permission_denied): one strongly consistent GetItem, so a revocation or a changed role counts
    from the next call."""
    from shop.staff import roles

    item: dict[str, Any] = db.client().get_item(
        TableName=db.table(), Key=account_key(session.user_id), ConsistentRead=True,
        ProjectionExpression="tokens_valid_after, #r", ExpressionAttributeNames={"#r": "role"},
    ).get("Item") or {}
    if not item or session.issued_at <= int(item["tokens_valid_after"]["N"]):
        err = invalid("This merchant token has been revoked; ask for a new one.")
        err.code = "token_revoked"
        raise err
    role = item.get("role", {}).get("S")
    if not roles.allows(role, permission):
        raise Forbidden(f"您的角色（{roles.LABELS.get(role or '', role or '无')}）没有这项权限。", code="permission_denied",
                        details={"permission": permission, "role": role})
    return role or ""
