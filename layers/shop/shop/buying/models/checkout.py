"""What a checkout sends (POST /orders/preview, POST /orders) and what pricing it answers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, StringConstraints, field_validator

from shop.core.models import ID, MAX_QUANTITY, MULTILINE, Delivery, RequestModel
from shop.buying.models.places import AddressSnapshot, PickupStore
from shop.core.money import Fen
from shop.catalog.skus import SKU_ID_PATTERN, StockState

# A TransactWriteItems holds at most 100 actions: the order, one stock reservation per line, and
# room for the coupons a later issue locks in the same transaction.
MAX_ORDER_LINES = 50


class LineRequest(RequestModel):
    sku_id: str = Field(pattern=SKU_ID_PATTERN)
    quantity: StrictInt = Field(ge=1, le=MAX_QUANTITY)


class CheckoutRequest(RequestModel):
    """The body of POST /orders/preview and POST /orders. There is no price anywhere in it: the
    server prices every line from the catalog, and a body carrying other fields is refused."""

    items: list[LineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    delivery: Delivery = "express"
    address_id: str | None = Field(default=None, pattern=ID, description="For express delivery")
    pickup_store_id: str | None = Field(default=None, pattern=ID, description="For pickup (GET /pickup-stores)")
    coupon_ids: list[Annotated[str, StringConstraints(pattern=ID)]] = Field(
        default_factory=list, max_length=5, description="Coupons to use (GET /me/coupons)")
    best_coupons: bool = Field(default=False, description="Let the server pick the best allowed combination of "
                               "the caller's coupons (when coupon_ids is empty)")
    remark: Annotated[str | None, MULTILINE] = Field(default=None, max_length=100, description="Buyer's note to the merchant")

    @field_validator("coupon_ids")
    @classmethod
    def _each_coupon_once(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("each coupon may be named once")
        return ids

    @field_validator("items")
    @classmethod
    def _one_line_per_sku(cls, items: list[LineRequest]) -> list[LineRequest]:
        skus = [i.sku_id for i in items]
        if len(set(skus)) != len(skus):
            raise ValueError("each SKU may appear once; put the total quantity on one line")
        return items


class Problem(BaseModel):
    """Why something in a checkout cannot be had as asked."""

    code: str = Field(description="out_of_stock, insufficient_stock, off_shelf, sku_not_found, exceeds_max_per_order, "
                      "buyer_limit_reached, open_orders_limit (too many unpaid orders), "
                      "address_required, address_not_found, unreachable_region, pickup_store_required, "
                      "pickup_store_not_found; for a coupon named in coupon_ids: coupon_not_found, "
                      "coupon_below_threshold, coupon_not_in_scope, coupon_not_yet_valid, coupon_locked, coupon_used, "
                      "coupon_expired; for the combination: coupon_not_stackable, too_many_coupons, same_coupon_twice")
    message: str = Field(description="For the shopper, in Chinese, naming the product and its spec")
    sku_id: str | None = None
    coupon_id: str | None = None
    available: int | None = Field(default=None, description="Units still in stock, for stock problems; units the "
                                  "buyer may still buy, for buyer_limit_reached")
    limit: int | None = Field(default=None, description="The limit, for exceeds_max_per_order and buyer_limit_reached")


class QuoteLine(BaseModel):
    sku_id: str
    product_id: str | None
    title: str | None
    specs: dict[str, str] = {}
    image_url: str | None = None
    unit_price: Fen | None
    quantity: int
    amount: Fen = Field(description="unit_price x quantity; 0 when the line is unavailable")
    discount: Fen = Field(default=0, description="This line's share of the coupons' discount")
    stock_state: StockState | None = None
    available: bool


class CouponOption(BaseModel):
    """One of the caller's coupons that can still be used (available, or locked by another order), as
    it would apply to this checkout. Used and expired coupons are not listed."""

    id: str
    template_id: str
    name: str
    description: str
    discount: Fen = Field(description="What it alone takes off here")
    applicable: bool
    reason: str | None = Field(default=None, description="Why it does not apply: coupon_below_threshold, "
                               "coupon_not_in_scope, coupon_not_yet_valid, coupon_locked (held by another order)")
    selected: bool = Field(description="Applied in this quote")


class Quote(BaseModel):
    lines: list[QuoteLine]
    goods_total: Fen = Field(description="Sum of available lines")
    freight: Fen
    discount: Fen
    payable: Fen = Field(description="goods_total + freight - discount, never negative")
    delivery: Delivery
    address: AddressSnapshot | None = None
    pickup_store: PickupStore | None = None
    coupons: list[CouponOption] = Field(default_factory=list, description="The caller's coupons and how they apply")
    applied_coupon_ids: list[str] = Field(default_factory=list)
    problems: list[Problem]
    orderable: bool = Field(description="True when there are no problems: POST /orders would succeed")
