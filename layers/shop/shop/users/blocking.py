"""Blocking a shopper's account (the merchant: POST /admin/users/{id}/block and /unblock) and the
check the state-changing routes make (shop.edge.auth.active_user). Kept apart from accounts (login)
so that the check costs a route no login code at import: it needs the table and the profile's key.

The flag is the profile's ``blocked_at`` (shop.core.profile); placing an order and claiming a coupon
hold it as a condition of their own transactions instead of calling require_active.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shop.adapters import db
from shop.adapters.clock import iso
from shop.adapters.observability import logger
from shop.core.errors import NotFound, Unauthorized
from shop.core.profile import BLOCKED_AT, account_blocked, profile_key

if TYPE_CHECKING:
    from shop.users.models import AccountStatus


def _gone() -> Unauthorized:
    return Unauthorized("The account no longer exists; log in again.", code="invalid_token")


def require_active(user_id: str) -> None:
    """403 account_blocked when the merchant has blocked the account, 401 when it is gone: one
    GetItem of the profile, for the state-changing routes that do not hold the condition in their own
    transaction (shop.core.profile). Eventually consistent: a block takes effect within a second."""
    item = db.client().get_item(TableName=db.table(), Key=profile_key(user_id),
                                ProjectionExpression=f"PK, {BLOCKED_AT}").get("Item")
    if item is None:
        raise _gone()
    if BLOCKED_AT in item:
        raise account_blocked()


def _status(user_id: str, item: dict[str, Any]) -> AccountStatus:
    from shop.users.models import AccountStatus

    return AccountStatus(user_id=user_id, blocked=BLOCKED_AT in item, blocked_at=item.get(BLOCKED_AT),
                         blocked_reason=item.get("blocked_reason"), blocked_by=item.get("blocked_by"))


def _change_status(user_id: str, update: str, values: dict[str, Any], *, merchant: str, verb: str) -> AccountStatus:
    """One conditional update of an existing profile with its audit entry (shop.core.audit), in one
    transaction; 404 user_not_found when there is no such profile."""
    from shop.core import audit

    now = datetime.now(UTC)
    before = db.client().get_item(TableName=db.table(), Key=profile_key(user_id), ConsistentRead=True,
                                  ProjectionExpression=f"PK, {BLOCKED_AT}, blocked_reason, blocked_by").get("Item")
    if not before:
        raise NotFound("用户不存在。", code="user_not_found")
    old = _status(user_id, db.from_item(before))
    after_fields = {":now": {"S": iso(now)}, **values}
    new = {"blocked": verb == "block", "blocked_reason": values.get(":reason", {}).get("S")}
    entry = audit.entry(db.table(), actor=merchant, action=f"users.account.{verb}", target_type="user", target_id=user_id,
                        at=now, before={"blocked": old.blocked, "blocked_reason": old.blocked_reason}, after=new)
    if not db.update_with(entry, Key=profile_key(user_id), UpdateExpression=update,
                          ConditionExpression="attribute_exists(PK)", ExpressionAttributeValues=after_fields):
        raise NotFound("用户不存在。", code="user_not_found")
    if verb == "block":
        return _status(user_id, {BLOCKED_AT: old.blocked_at or iso(now), "blocked_reason": new["blocked_reason"],
                                 "blocked_by": merchant})
    return _status(user_id, {})


def block(user_id: str, reason: str, *, merchant: str) -> AccountStatus:
    """Block an account: from the next request its tokens stop working on every route that changes
    state (ordering, paying, the cart, addresses, coupons, shares, after-sales); reading its own
    orders still works. Blocking a blocked account keeps the first time and updates the reason."""
    status = _change_status(
        user_id,
        f"SET {BLOCKED_AT} = if_not_exists({BLOCKED_AT}, :now), blocked_reason = :reason, blocked_by = :by",
        {":reason": {"S": reason}, ":by": {"S": merchant}}, merchant=merchant, verb="block",
    )
    logger.warning("account blocked", extra={"user_id": user_id, "merchant": merchant})
    return status


def unblock(user_id: str, *, merchant: str) -> AccountStatus:
    status = _change_status(
        user_id, f"REMOVE {BLOCKED_AT}, blocked_reason, blocked_by SET unblocked_at = :now, unblocked_by = :by",
        {":by": {"S": merchant}}, merchant=merchant, verb="unblock",
    )
    logger.info("account unblocked", extra={"user_id": user_id, "merchant": merchant})
    return status
