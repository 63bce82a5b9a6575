"""What identifies a SKU and how its stock reads, without any model: carts, checkouts and orders
import this instead of the catalog's models."""

from __future__ import annotations

from typing import Literal

# A SKU id is "<product id>.<variant>", so the SKU's item key follows from its id alone (carts and
# orders hold SKU ids, and transactions need keys, not index lookups).
SKU_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,32}$"
StockState = Literal["in_stock", "low_stock", "out_of_stock"]
# At or below this many units a SKU shows as low_stock ("仅剩 N 件").
LOW_STOCK_THRESHOLD = 10


def sku_key(sku_id: str) -> dict[str, dict[str, str]]:
    product_id = sku_id.rsplit(".", 1)[0]
    return {"PK": {"S": f"PRODUCT#{product_id}"}, "SK": {"S": f"SKU#{sku_id}"}}


def stock_state(stock: int) -> StockState:
    if stock <= 0:
        return "out_of_stock"
    return "low_stock" if stock <= LOW_STOCK_THRESHOLD else "in_stock"
