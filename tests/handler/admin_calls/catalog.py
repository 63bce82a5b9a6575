"""The /admin routes of catalog management (docs/catalog.md)."""

from __future__ import annotations

from typing import Any

from tests.handler.admin_calls import Call

PRODUCT = {"title": "访问测试商品", "category_id": "home", "images": ["https://img.example.com/a.jpg"],
           "specs": [{"name": "颜色", "values": ["白"]}], "skus": [{"specs": {"颜色": "白"}, "price": 100, "stock": 1}]}


def calls(api: Any) -> dict[tuple[str, str], Call]:
    return {
        ("GET", "/admin/categories"): ("/admin/categories", None),
        ("POST", "/admin/categories"): ("/admin/categories", {"name": "访问测试"}),
        ("PATCH", "/admin/categories/{id}"): ("/admin/categories/home", {"name": "家居"}),
        ("PUT", "/admin/categories/order"): ("/admin/categories/order", {"ids": ["apparel"]}),
        ("GET", "/admin/products"): ("/admin/products", None),
        ("GET", "/admin/products/{id}"): ("/admin/products/p-tee-basic", None),
        ("POST", "/admin/products"): ("/admin/products", PRODUCT),
        ("PUT", "/admin/products/{id}"): ("/admin/products/p-tee-basic", {**PRODUCT, "version": 99}),
        ("POST", "/admin/products/{id}/publish"): ("/admin/products/p-tee-basic/publish", {}),
        ("POST", "/admin/products/{id}/unpublish"): ("/admin/products/p-none/unpublish", {}),
        ("DELETE", "/admin/products/{id}"): ("/admin/products/p-none", None),
        ("POST", "/admin/skus/{sku_id}/stock"): ("/admin/skus/p-tee-basic.02/stock",
                                                  {"mode": "adjust", "delta": 1, "reason": "访问测试"}),
        ("GET", "/admin/skus/{sku_id}/stock-ledger"): ("/admin/skus/p-tee-basic.02/stock-ledger", None),
        ("GET", "/admin/products/export"): ("/admin/products/export", None),
        ("POST", "/admin/products/import"): ("/admin/products/import", None)  # not text/csv: 415 once allowed,
    }
