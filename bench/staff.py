"""State for the staff-management samples of bench/common.py (SAMPLES, "back office: staff"): fresh
invitations and a member to change, made through the domain code."""

from __future__ import annotations

import uuid
from typing import Any


def invite(channel: str = "console") -> str:
    """A new pending invitation's code."""
    from shop.staff import invites
    from shop.staff.models import StaffInviteRequest

    role = "pickup_verifier" if channel == "wechat" else "customer_service"
    return invites.create(StaffInviteRequest(role=role, channel=channel), merchant="bench-merchant").invite_code  # type: ignore[arg-type]


def invite_id() -> str:
    return invite().split(".", 1)[0]


def new_name() -> str:
    return f"b-{uuid.uuid4().hex[:20]}"


def member() -> str:
    """A customer-service account to change (created once)."""
    from shop.staff import accounts
    from shop.staff.models import MerchantTokenRequest

    accounts.issue(MerchantTokenRequest(merchant="bench-member", role="customer_service", by="bench"))
    return "bench-member"


def accept_body() -> dict[str, Any]:
    return {"invite_code": invite(), "name": new_name(), "password": "bench password 1"}


def accept_wechat_body() -> dict[str, Any]:
    return {"invite_code": invite("wechat"), "name": new_name(), "code": f"bench-staff-{uuid.uuid4().hex[:12]}"}
