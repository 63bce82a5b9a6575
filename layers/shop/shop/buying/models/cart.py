from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictInt

from shop.core.models import MAX_QUANTITY, RequestModel
from shop.core.money import Fen
from shop.catalog.skus import StockState

MAX_CART_LINES = 50


class CartItemRequest(RequestModel):
    quantity: StrictInt = Field(ge=1, le=MAX_QUANTITY)


class CartLine(BaseModel):
    sku_id: str
    product_id: str | None
    title: str | None
    specs: dict[str, str] = {}
    image_url: str | None = None
    quantity: int
    unit_price: Fen | None = Field(description="Today's price")
    added_price: Fen = Field(description="The price when it was put in the cart")
    price_changed: bool
    stock: int
    stock_state: StockState
    available: bool = Field(description="On sale with enough stock for the quantity")
    problem: str | None = Field(default=None, description="sku_not_found, off_shelf, out_of_stock, insufficient_stock")
    added_at: datetime


class Cart(BaseModel):
    items: list[CartLine]
    total_quantity: int
    available_total: Fen = Field(description="Today's price of the available lines")
