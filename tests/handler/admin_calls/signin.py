"""The /admin routes of staff sign-in: a staff member's own sign-ins and second factor (every role,
account.self), unlocking (staff.manage); signing in itself is public."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    # sign-out-everywhere ends the very token the access tests call with: it comes last here
    return {
        ("POST", "/admin/auth/totp/setup"): ("/admin/auth/totp/setup", None),
        ("POST", "/admin/auth/totp/confirm"): ("/admin/auth/totp/confirm", {"code": "000000"}),
        ("GET", "/admin/auth/sessions"): ("/admin/auth/sessions", None),
        ("DELETE", "/admin/auth/sessions/{sid}"): ("/admin/auth/sessions/AAAAAAAAAAAAAAAA", None),
        ("POST", "/admin/auth/sign-out"): ("/admin/auth/sign-out", None),
        ("POST", "/admin/staff/{name}/unlock"): ("/admin/staff/nobody-here/unlock", None),
        ("POST", "/admin/auth/sign-out-everywhere"): ("/admin/auth/sign-out-everywhere", None),
    }


# no staff token: these are how a staff member gets one
PUBLIC = {("POST", "/admin/auth/sign-in"), ("POST", "/admin/auth/refresh"), ("POST", "/admin/auth/wechat")}
