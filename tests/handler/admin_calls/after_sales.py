"""The after-sales queue, the merchant's own partial refunds, and customers."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    order, user = "o" + "0" * 25, "u_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    return {
        ("GET", "/admin/refunds"): ("/admin/refunds?status=REQUESTED", None),
        ("POST", "/admin/orders/{id}/refunds"): (f"/admin/orders/{order}/refunds", {"reason": "缺货"}),
        ("GET", "/admin/customers"): ("/admin/customers", None),
        ("GET", "/admin/customers/{user_id}"): (f"/admin/customers/{user}", None),
    }
