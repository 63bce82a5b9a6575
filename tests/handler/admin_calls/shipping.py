"""The shipping routes of issue 9 (the ship route itself is in base.py)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    order = "o" + "0" * 25
    return {
        ("PATCH", "/admin/orders/{id}/shipments/{shipment_id}"): (f"/admin/orders/{order}/shipments/s1",
                                                                   {"tracking_no": "SF0000000001"}),
        ("GET", "/admin/delivery-companies"): ("/admin/delivery-companies", None),
        ("GET", "/admin/shipping/issues"): ("/admin/shipping/issues", None),
    }


# WeChat's message push: verified by its signature, changes no shopper's state
NOT_STATE_CHANGING = {("POST", "/wechat/push")}
