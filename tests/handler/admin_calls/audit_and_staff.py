"""The /admin routes of staff management and the audit log (shop.staff.invites, .members, .audit).
Named to sort before signin.py: its sign-out-everywhere call ends the token the access tests use."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    return {
        ("POST", "/admin/staff/invites"): ("/admin/staff/invites", {"role": "customer_service", "channel": "console"}),
        ("GET", "/admin/staff/invites"): ("/admin/staff/invites", None),
        ("DELETE", "/admin/staff/invites/{id}"): ("/admin/staff/invites/0123456789abcdef", None),
        ("GET", "/admin/staff"): ("/admin/staff", None),
        ("PATCH", "/admin/staff/{name}"): ("/admin/staff/nobody-here", {"role": "finance"}),
        ("GET", "/admin/audit"): ("/admin/audit", None),
    }


# accepting an invitation takes no staff token: the invite code is the credential
PUBLIC = {("POST", "/admin/staff/accept"), ("POST", "/admin/staff/accept-wechat")}
