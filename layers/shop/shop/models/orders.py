from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictInt, field_validator

from shop.catalog import SKU_ID_PATTERN
from shop.models.addresses import AddressSnapshot
from shop.models.catalog import StockState
from shop.models.common import RequestModel
from shop.money import Fen
from shop.shipping import PickupStore

# A TransactWriteItems holds at most 100 actions: the order, one stock reservation per line, and
# room for the coupons a later issue locks in the same transaction.
MAX_ORDER_LINES = 50
MAX_QUANTITY = 999
OrderStatus = Literal["PENDING_PAYMENT", "PAID", "SHIPPED", "COMPLETED", "CANCELLED", "CLOSED"]
RefundStatus = Literal["REQUESTED", "PROCESSING", "SUCCEEDED", "ABNORMAL", "CLOSED", "REJECTED"]
Delivery = Literal["express", "pickup"]
ID = r"^[A-Za-z0-9_-]{1,64}$"
REFUND_ID_PATTERN = r"^[A-Za-z0-9]{1,64}-[A-Za-z0-9]{1,16}$"


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
    coupon_ids: list[str] = Field(default_factory=list, max_length=5)
    remark: str | None = Field(default=None, max_length=100, description="Buyer's note to the merchant")

    @field_validator("items")
    @classmethod
    def _one_line_per_sku(cls, items: list[LineRequest]) -> list[LineRequest]:
        skus = [i.sku_id for i in items]
        if len(set(skus)) != len(skus):
            raise ValueError("each SKU may appear once; put the total quantity on one line")
        return items


class Problem(BaseModel):
    """Why something in a checkout cannot be had as asked."""

    code: str = Field(description="e.g. out_of_stock, insufficient_stock, off_shelf, sku_not_found, "
                      "address_required, address_not_found, unreachable_region, pickup_store_required, "
                      "pickup_store_not_found, coupon_not_applicable")
    message: str
    sku_id: str | None = None
    coupon_id: str | None = None
    available: int | None = Field(default=None, description="Units still in stock, for stock problems")


class QuoteLine(BaseModel):
    sku_id: str
    product_id: str | None
    title: str | None
    specs: dict[str, str] = {}
    image_url: str | None = None
    unit_price: Fen | None
    quantity: int
    amount: Fen = Field(description="unit_price x quantity; 0 when the line is unavailable")
    stock_state: StockState | None = None
    available: bool


class Quote(BaseModel):
    lines: list[QuoteLine]
    goods_total: Fen = Field(description="Sum of available lines")
    freight: Fen
    discount: Fen
    payable: Fen = Field(description="goods_total + freight - discount, never negative")
    delivery: Delivery
    address: AddressSnapshot | None = None
    pickup_store: PickupStore | None = None
    problems: list[Problem]
    orderable: bool = Field(description="True when there are no problems: POST /orders would succeed")


class PaymentParams(BaseModel):
    """Pass as-is to wx.requestPayment."""

    timeStamp: str  # noqa: N815 - WeChat's names
    nonceStr: str  # noqa: N815
    package: str
    signType: Literal["RSA"]  # noqa: N815
    paySign: str  # noqa: N815


class OrderLine(BaseModel):
    sku_id: str
    product_id: str
    title: str
    specs: dict[str, str]
    image_url: str | None = None
    unit_price: Fen
    quantity: int
    amount: Fen
    refundable_quantity: int = Field(description="Units not yet refunded or in a refund request")


class Shipment(BaseModel):
    carrier: str
    tracking_no: str


class RefundView(BaseModel):
    id: str
    status: RefundStatus
    amount: Fen
    reason: str
    lines: list[dict[str, int | str]]
    freight: Fen
    requested_by: Literal["user", "system"]
    created_at: datetime
    merchant_note: str | None = None
    settled_at: datetime | None = None


class Order(BaseModel):
    id: str
    status: OrderStatus
    lines: list[OrderLine]
    goods_total: Fen
    freight: Fen
    discount: Fen
    payable: Fen
    refunded_total: Fen = 0
    delivery: Delivery
    address: AddressSnapshot | None = None
    pickup_store: PickupStore | None = None
    remark: str | None = None
    created_at: datetime
    pay_deadline: datetime | None = Field(default=None, description="Unpaid orders are cancelled at this time")
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    shipment: Shipment | None = None
    completed_at: datetime | None = None
    auto_complete_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: Literal["user", "timeout"] | None = None
    late_payment: bool = Field(default=False, description="Paid after it was cancelled; refunded automatically")
    refunds: list[RefundView] = []


class CreatedOrder(BaseModel):
    order: Order
    payment: PaymentParams | None = Field(description="null if WeChat Pay could not be reached: retry "
                                          "POST /orders/{id}/pay")


class OrderPage(BaseModel):
    items: list[Order]
    next_cursor: str | None


class RefundRequest(RequestModel):
    reason: str = Field(min_length=1, max_length=200)
    lines: list[LineRequest] | None = Field(default=None, max_length=MAX_ORDER_LINES,
                                            description="Units to refund; omit for everything still refundable")


class ShipRequest(RequestModel):
    carrier: str = Field(min_length=1, max_length=30, description="e.g. 顺丰速运")
    tracking_no: str = Field(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9-]+$")


class RefundDecision(RequestModel):
    note: str | None = Field(default=None, max_length=200, description="Shown to the buyer")
