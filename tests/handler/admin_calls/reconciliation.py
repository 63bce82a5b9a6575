"""The /admin routes of reconciliation (对账)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    from shop.buying import reconciliation

    day = reconciliation.recent_days(2)[1]  # a finished day (the simulator has no bill for it)
    return {
        ("GET", "/admin/reconciliation"): ("/admin/reconciliation", None),
        ("GET", "/admin/reconciliation/{day}"): (f"/admin/reconciliation/{day}", None),
        ("POST", "/admin/reconciliation/{day}/run"): (f"/admin/reconciliation/{day}/run", None),
    }
