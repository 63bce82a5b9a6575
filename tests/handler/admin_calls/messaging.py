"""The /admin routes of subscribe messages (docs/messages.md)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    body = {"template_id": "access-test-template", "keywords": {"character_string1": "order_id"}, "enabled": True,
            "version": 0}
    return {
        ("GET", "/admin/subscribe-templates"): ("/admin/subscribe-templates", None),
        ("PUT", "/admin/subscribe-templates/{event}"): ("/admin/subscribe-templates/order_shipped", body),
    }
