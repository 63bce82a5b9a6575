"""The /admin routes of the data dashboard (数据看板), and POST /events (analytics, no shopper state)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call

# a visitor's analytics events change nothing a shopper owns; a blocked shopper's events are still counted
NOT_STATE_CHANGING = {("POST", "/events")}


def calls(api: Any) -> dict[tuple[str, str], Call]:
    return {("GET", "/admin/dashboard"): ("/admin/dashboard?day=2026-12-03", None)}
