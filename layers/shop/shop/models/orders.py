"""An order as its buyer (and the merchant) sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shop.models.common import ID, Delivery  # noqa: F401 - ID re-exported for the routes
from shop.models.places import AddressSnapshot, PickupStore
from shop.money import Fen

OrderStatus = Literal["PENDING_PAYMENT", "PAID", "SHIPPED", "COMPLETED", "CANCELLED", "CLOSED"]
RefundStatus = Literal["REQUESTED", "PROCESSING", "SUCCEEDED", "ABNORMAL", "CLOSED", "REJECTED"]
REFUND_ID_PATTERN = r"^[A-Za-z0-9]{1,64}-[A-Za-z0-9]{1,16}$"


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
    discount: Fen = 0
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
    coupon_ids: list[str] = []
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
