"""Whether a merchant token may still act: the check every /admin call makes (shop.edge.auth).
Kept apart from accounts (issuing and revoking, which load the signer and the models) so the check
costs an /admin function one small module at import and one GetItem per call.
"""

from __future__ import annotations

from typing import Any

from shop.adapters import db
from shop.adapters.tokens import Session, invalid


def account_key(name: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"MERCHANT#{name}"}, "SK": {"S": "ACCOUNT"}}


def require_current(session: Session) -> None:
    """401 unless the token's merchant account exists and the token was issued after its
    ``tokens_valid_after`` (one strongly consistent GetItem: a revocation counts from the next call)."""
    item: dict[str, Any] = db.client().get_item(
        TableName=db.table(), Key=account_key(session.user_id), ConsistentRead=True,
        ProjectionExpression="tokens_valid_after",
    ).get("Item") or {}
    if not item or session.issued_at <= int(item["tokens_valid_after"]["N"]):
        err = invalid("This merchant token has been revoked; ask for a new one.")
        err.code = "token_revoked"
        raise err
