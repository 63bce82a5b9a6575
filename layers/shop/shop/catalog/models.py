from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shop.core.money import Fen
from shop.catalog.skus import LOW_STOCK_THRESHOLD, StockState, stock_state  # noqa: F401 - re-exported



class Category(BaseModel):
    id: str
    name: str
    icon_url: str | None = None
    sort: int = Field(description="Display order, ascending")


class CategoryList(BaseModel):
    items: list[Category]


class SpecDimension(BaseModel):
    """One axis of a multi-SKU product, e.g. 颜色 with values 黑色 / 白色."""

    name: str
    values: list[str]


class Sku(BaseModel):
    id: str
    specs: dict[str, str] = Field(description="Spec name -> value, e.g. {'颜色': '黑色', '尺码': 'M'}")
    price: Fen
    original_price: Fen | None = Field(default=None, description="Crossed-out price (划线价), if any")
    stock: int = Field(ge=0)
    stock_state: StockState
    image_url: str | None = None


class Video(BaseModel):
    url: str
    cover_url: str | None = None
    duration_seconds: int | None = None


class DetailBlock(BaseModel):
    """A block of the rich detail page (商品详情): text or an image, in order."""

    type: Literal["text", "image"]
    text: str | None = None
    url: str | None = None
    width: int | None = None
    height: int | None = None


class ProductSummary(BaseModel):
    id: str
    title: str
    subtitle: str | None = None
    category_id: str
    cover_url: str
    price_min: Fen = Field(description="Lowest SKU price")
    price_max: Fen = Field(description="Highest SKU price")
    original_price: Fen | None = None
    sales: int = Field(ge=0, description="Units sold (display)")
    tags: list[str] = []
    created_at: datetime


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end. A page may hold fewer "
        "than `limit` items (e.g. while searching) and still have a next page."
    )


class ProductDetail(ProductSummary):
    images: list[str]
    video: Video | None = None
    specs: list[SpecDimension]
    skus: list[Sku]
    detail: list[DetailBlock]
    stock_state: StockState = Field(description="Best state over all SKUs")
