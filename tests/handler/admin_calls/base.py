"""The /admin routes of the hardening issue: orders, refunds, coupons, growth, blocking."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    from tests.handler.test_buying import merchant_token

    order, refund, user = "o" + "0" * 25, "o" + "0" * 25 + "-abc123", "u_aaaaaaaaaaaaaaaaaaaaaaaaaa"
    growth = api.get("/admin/growth", token=merchant_token("reader")).json
    return {
        ("GET", "/admin/coupons"): ("/admin/coupons", None),
        ("GET", "/admin/growth"): ("/admin/growth", None),
        ("GET", "/admin/orders/{id}"): (f"/admin/orders/{order}", None),
        ("PATCH", "/admin/coupons/{id}"): ("/admin/coupons/c-100-20", {"total": 500}),
        ("POST", "/admin/coupons"): ("/admin/coupons", {"name": "券", "kind": "amount", "amount": 100, "valid_days": 7,
                                                        "total": 10}),
        ("POST", "/admin/orders/{id}/ship"): (f"/admin/orders/{order}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}),
        ("POST", "/admin/refunds/{refund_id}/approve"): (f"/admin/refunds/{refund}/approve", {}),
        ("POST", "/admin/refunds/{refund_id}/receive"): (f"/admin/refunds/{refund}/receive", {}),
        ("POST", "/admin/refunds/{refund_id}/reject"): (f"/admin/refunds/{refund}/reject", {}),
        ("POST", "/admin/users/{user_id}/block"): (f"/admin/users/{user}/block", {"reason": "x"}),
        ("POST", "/admin/users/{user_id}/unblock"): (f"/admin/users/{user}/unblock", None),
        ("PUT", "/admin/growth"): ("/admin/growth", growth),
    }


# read-only despite POST: a quote and a text parser change nothing; logging in is how a session starts
NOT_STATE_CHANGING = {("POST", "/orders/preview"), ("POST", "/addresses/parse"), ("POST", "/auth/login"),
                      ("POST", "/pay/notify")}
