"""The /admin routes of shop settings and pickup codes (docs/settings.md)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call


def calls(api: Any) -> dict[tuple[str, str], Call]:
    store = {"version": 0, "name": "测试门店", "address": "广东省深圳市福田区深南大道1号", "phone": "0755-88880000",
             "hours": "10:00-21:00"}
    return {
        ("GET", "/admin/settings"): ("/admin/settings", None),
        ("PUT", "/admin/settings"): ("/admin/settings", {"version": 0, "profile": {"name": "小铺"}, "orders": {}}),
        ("GET", "/admin/settings/freight"): ("/admin/settings/freight", None),
        ("PUT", "/admin/settings/freight"): ("/admin/settings/freight", {"version": 0, "default_fee": 800}),
        ("GET", "/admin/pickup-stores"): ("/admin/pickup-stores", None),
        ("PUT", "/admin/pickup-stores/{id}"): ("/admin/pickup-stores/access-test", store),
        ("DELETE", "/admin/pickup-stores/{id}"): ("/admin/pickup-stores/access-test", None),
        ("POST", "/admin/pickup/verify"): ("/admin/pickup/verify", {"code": "000000000000", "store_id": "sz-nanshan"}),
    }
