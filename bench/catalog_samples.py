"""State and bodies for the catalog management samples in bench/common.py (SAMPLES)."""

from __future__ import annotations

import uuid
from typing import Any


def category_ids() -> list[str]:
    from shop.catalog import manage

    return [c.id for c in reversed(manage.list_categories())]


def product_body(price: int = 5900) -> dict[str, Any]:
    colors, sizes = ("黑色", "白色"), ("S", "M", "L")
    return {"title": "基准测试T恤", "category_id": "apparel", "images": ["https://img.example.com/bench.jpg"],
            "specs": [{"name": "颜色", "values": list(colors)}, {"name": "尺码", "values": list(sizes)}],
            "skus": [{"specs": {"颜色": c, "尺码": z}, "price": price, "stock": 50} for c in colors for z in sizes]}


def bench_product(status: str = "off_shelf") -> str:
    """A fresh 2 x 3 product at version 1 (written the way the seed writes products)."""
    from shop.catalog import admin

    product_id = f"p-bench-{uuid.uuid4().hex[:8]}"
    body = product_body()
    skus = [{**sku, "id": f"{product_id}.{n}"} for n, sku in enumerate(body["skus"])]
    admin.put_product(admin.ProductInput.model_validate({**body, "id": product_id, "skus": skus, "status": status}), "服饰")
    return product_id


def import_csv() -> bytes:
    header = ("商品ID,标题,副标题,分类ID,状态,图片,视频,详情,标签,排序权重,规格轴,SKU ID,规格,售价(元),划线价(元),库存,"
              "SKU编码,每单限购,每人限购,SKU图片")
    row = (f"p-bench-csv-{uuid.uuid4().hex[:8]},导入的杯子,,home,下架,https://img.example.com/c.jpg,,,,0,颜色:白,,"
           "颜色=白,19.90,,10,,,,")
    return ("\ufeff" + header + "\r\n" + row + "\r\n").encode()


def _http(w: Any, method: str, path: str, body: Any = None, **kw: Any) -> dict[str, Any]:
    return w.http(method, path, body, auth="merchant", **kw)


def admin_list_categories(w: Any) -> dict[str, Any]:
    return _http(w, "GET", "/admin/categories")


def create_category(w: Any) -> dict[str, Any]:
    return _http(w, "POST", "/admin/categories", {"name": f"分类{uuid.uuid4().hex[:4]}"})


def update_category(w: Any) -> dict[str, Any]:
    return _http(w, "PATCH", "/admin/categories/food", {"name": f"食品{uuid.uuid4().hex[:2]}"})


def order_categories(w: Any) -> dict[str, Any]:
    return _http(w, "PUT", "/admin/categories/order", {"ids": category_ids()})


def admin_list_products(w: Any) -> dict[str, Any]:
    return _http(w, "GET", "/admin/products")


def admin_get_product(w: Any) -> dict[str, Any]:
    return _http(w, "GET", "/admin/products/p-tee-basic")


def create_product(w: Any) -> dict[str, Any]:
    return _http(w, "POST", "/admin/products", product_body())


def update_product(w: Any) -> dict[str, Any]:
    return _http(w, "PUT", f"/admin/products/{bench_product()}", {**product_body(price=6900), "version": 1})


def publish_product(w: Any) -> dict[str, Any]:
    return _http(w, "POST", f"/admin/products/{bench_product()}/publish", {})


def unpublish_product(w: Any) -> dict[str, Any]:
    return _http(w, "POST", f"/admin/products/{bench_product('on_sale')}/unpublish", {})


def delete_product(w: Any) -> dict[str, Any]:
    return _http(w, "DELETE", f"/admin/products/{bench_product()}")


def change_stock(w: Any) -> dict[str, Any]:
    return _http(w, "POST", "/admin/skus/p-mug.01/stock", {"mode": "adjust", "delta": 1, "reason": "到货"})


def stock_ledger(w: Any) -> dict[str, Any]:
    return _http(w, "GET", "/admin/skus/p-mug.01/stock-ledger")


def export_products(w: Any) -> dict[str, Any]:
    return _http(w, "GET", "/admin/products/export")


def import_products(w: Any) -> dict[str, Any]:
    return _http(w, "POST", "/admin/products/import", headers={"content-type": "text/csv"}, raw=import_csv())
