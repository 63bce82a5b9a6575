"""The buyer's profile item as other contexts' transactions see it: its key and the condition that
the account may still act. The users context owns the item (shop.users.accounts) and sets
``blocked_at`` when the merchant blocks the account; placing an order and claiming a coupon hold
``ACTIVE`` in their own transaction (no extra read), every other state-changing shopper route asks
shop.users.blocking.require_active first (shop.edge.auth.active_user)."""

from __future__ import annotations

from shop.core.errors import Forbidden

BLOCKED_AT = "blocked_at"
ACTIVE = f"attribute_exists(PK) AND attribute_not_exists({BLOCKED_AT})"


def profile_key(user_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}}


CUSTOMER_SHARDS = 4


def customer_index(user_id: str, created_ms: int) -> dict[str, str]:
    """The merchant's customer list (GSI1 on the profile): newest first, spread over
    CUSTOMER_SHARDS partitions so a wave of first logins never writes one index partition past its
    limit (about 1,000 writes/s each); the list reads every shard (shop.buying.customers)."""
    import zlib

    return {"gsi1pk": f"CUSTOMERS#{zlib.crc32(user_id.encode()) % CUSTOMER_SHARDS}", "gsi1sk": f"{created_ms:013d}#{user_id}"}


def account_blocked() -> Forbidden:
    return Forbidden("您的账号已被限制使用，如有疑问请联系客服。", code="account_blocked")
