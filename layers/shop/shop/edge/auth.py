"""Who is calling: route dependencies that turn the bearer token into the caller (shop.adapters.tokens
verifies it), and ask the context whether that caller may still act.

- ``current_user``: a shopper's user id, for routes that read the caller's own data.
- ``active_user``: the same, for routes that change state; a blocked account's tokens stop here
  with 403 ``account_blocked`` (shop.users.blocking). Routes whose own write holds that condition
  in its transaction (placing an order, claiming a coupon) use ``current_user`` and spend no extra
  read.
- ``optional_user``: None without an Authorization header.
- ``lenient_user``: None without a valid shopper token (analytics events: anonymous then).
- ``staff_with(permission)``: /admin routes; the token must be a merchant token issued after the
  account's ``tokens_valid_after`` (revocation, shop.staff.sessions), checked on every call, and
  the account's role must have the route's permission (shop.staff.roles).

A shopper's token never opens /admin and a merchant's never acts as a shopper: different key pairs
and audiences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler.request import Request

from shop.adapters.tokens import CHALLENGE, MERCHANT, SHOPPER, Session, invalid, verify
from shop.core.errors import Unauthorized


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized(
            "Send 'Authorization: Bearer <token>' with the token from POST /auth/login.",
            headers={"WWW-Authenticate": CHALLENGE},
        )
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise invalid("The Authorization header must be 'Bearer <token>'.")
    return token.strip()


def current_user(request: Request) -> str:
    """Route dependency: the caller's user id, from a valid shopper token, else 401."""
    return verify(bearer_token(request.headers.get("authorization")), audience=SHOPPER).user_id


def active_user(request: Request) -> str:
    """Route dependency for routes that change state: the caller's user id, 403 when the account is
    blocked (one GetItem of the profile)."""
    from shop.users import blocking

    user_id = current_user(request)
    blocking.require_active(user_id)
    return user_id


def optional_user(request: Request) -> str | None:
    """Route dependency for pages that anyone may see and a logged-in caller sees more of: None
    without an Authorization header; a bad or expired token is still a 401 (log in again)."""
    header = request.headers.get("authorization")
    return verify(bearer_token(header), audience=SHOPPER).user_id if header else None


def lenient_user(request: Request) -> str | None:
    """Route dependency for what a visitor sends whether or not they are logged in (analytics
    events): the user id of a valid shopper token, else None - an expired or bad token makes the
    caller anonymous rather than losing what they sent."""
    from shop.core.errors import ShopError

    header = request.headers.get("authorization")
    if not header:
        return None
    try:
        return verify(bearer_token(header), audience=SHOPPER).user_id
    except ShopError:
        return None


def staff_with(permission: str) -> Callable[[Request], str]:
    """Route dependency for /admin routes: the staff member's name, from a valid merchant token that
    has not been revoked, whose role has ``permission`` (shop.staff.roles); 401 or 403 otherwise.
    One consistent GetItem of the account per call."""

    def current_staff(request: Request) -> str:
        from shop.staff import sessions

        session = verify(bearer_token(request.headers.get("authorization")), audience=MERCHANT)
        sessions.require_current(session, permission)
        return session.user_id

    current_staff.__name__ = f"staff_with_{permission.replace('.', '_')}"
    return current_staff


class StaffMember:
    """Who is calling an /admin route and with which role (for routes whose answer depends on the
    role beyond the route's permission, e.g. masked contact details)."""

    def __init__(self, name: str, role: str) -> None:
        self.name, self.role = name, role

    def may(self, permission: str) -> bool:
        from shop.staff import roles

        return roles.allows(self.role, permission)


def staff_member_with(permission: str) -> Callable[[Request], StaffMember]:
    """staff_with, giving the role too (the same one GetItem)."""

    def current_member(request: Request) -> StaffMember:
        from shop.staff import sessions

        session = verify(bearer_token(request.headers.get("authorization")), audience=MERCHANT)
        return StaffMember(session.user_id, sessions.require_current(session, permission))

    current_member.__name__ = f"staff_member_with_{permission.replace('.', '_')}"
    return current_member


class PendingStaff:
    """A verified merchant token whose account check is still to come: for read routes that fetch
    the account together with their own items in one BatchGetItem (``key`` is the account's key;
    ``confirm(item)`` runs the same check as staff_with on what came back, before anything is shown).
    """

    def __init__(self, session: Session, permission: str) -> None:
        self.session, self.permission, self.name = session, permission, session.user_id
        self.confirmed = False

    @property
    def key(self) -> dict[str, dict[str, str]]:
        from shop.staff import sessions

        return sessions.account_key(self.name)

    def confirm(self, item: dict[str, Any] | None) -> str:
        from shop.staff import sessions

        role = sessions.check(self.session, self.permission, item)
        self.confirmed = True
        return role


def staff_pending(permission: str) -> Callable[[Request], PendingStaff]:
    """Route dependency for /admin read routes that fold the account check into their own read
    (one round trip): the token is verified here, the account in the handler (PendingStaff.confirm).
    """

    def pending_staff(request: Request) -> PendingStaff:
        session = verify(bearer_token(request.headers.get("authorization")), audience=MERCHANT)
        return PendingStaff(session, permission)

    pending_staff.__name__ = f"staff_pending_{permission.replace('.', '_')}"
    return pending_staff


# OpenAPI security requirement for routes that depend on current_user or staff_with.
BEARER = [{"bearerAuth": []}]
# ... and for routes that take a token when there is one (lenient_user) and serve anonymous callers too.
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]
