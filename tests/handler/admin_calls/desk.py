"""The /admin routes of the order desk (订单管理): list, remarks, exports. GET /admin/orders/{id}
stays in base.py."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    order, export = "o" + "0" * 25, "x" + "0" * 25
    return {
        ("GET", "/admin/orders"): ("/admin/orders?status=PAID", None),
        ("POST", "/admin/orders/{id}/remarks"): (f"/admin/orders/{order}/remarks", {"text": "客户要求周末送货"}),
        ("POST", "/admin/orders/exports"): ("/admin/orders/exports", {"from": "2026-11-01", "to": "2026-11-30"}),
        ("GET", "/admin/orders/exports/{id}"): (f"/admin/orders/exports/{export}", None),
    }
