"""An order as its buyer (and the merchant) sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shop.core.models import ID, Delivery  # noqa: F401 - ID re-exported for the routes
from shop.buying.models.places import AddressSnapshot, PickupStore
from shop.buying.models.shipping import Settlement, ShipmentView, ShippingReminder, ShippingUpload
from shop.core.money import Fen

OrderStatus = Literal["PENDING_PAYMENT", "PAID", "SHIPPED", "COMPLETED", "CANCELLED", "CLOSED", "PAYMENT_EXCEPTION"]
RefundStatus = Literal["REQUESTED", "AWAITING_RETURN", "PROCESSING", "SUCCEEDED", "ABNORMAL", "CLOSED", "REJECTED"]
RefundKind = Literal["refund_only", "return"]
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
    requested_by: Literal["user", "merchant", "system"]
    kind: RefundKind = Field(default="refund_only", description="refund_only (仅退款) or return (退货退款: the money "
                             "goes back once the merchant has received the goods, which go back on sale)")
    restock: bool = Field(default=False, description="Whether the units go back on sale: before shipping at once, "
                          "for a return when the merchant receives it, never for refund_only after shipping")
    created_at: datetime
    merchant_note: str | None = None
    returned_at: datetime | None = Field(default=None, description="When the merchant received the returned goods")
    failure: str | None = Field(default=None, description="WeChat Pay's last refusal (e.g. NOT_ENOUGH: the merchant's "
                                "balance is short); retried automatically while status is PROCESSING")
    attempts: int = Field(default=0, description="Submissions WeChat Pay refused so far")
    next_attempt_at: datetime | None = Field(default=None, description="When the refund is submitted again")
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
    shipment: Shipment | None = Field(default=None, description="The first parcel (older clients); see shipments")
    shipments: list[ShipmentView] = Field(default=[], description="Every parcel, in the order shipped")
    shipping_upload: ShippingUpload | None = Field(default=None, description="Reporting the shipping to WeChat")
    shipping_reminder: ShippingReminder | None = Field(default=None, description="WeChat reminded the shop to ship")
    settlement: Settlement | None = Field(default=None, description="WeChat's settlement of the payment")
    completed_at: datetime | None = None
    auto_complete_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: Literal["user", "timeout", "payment_mismatch", "payment_not_applicable"] | None = Field(
        default=None, description="CANCELLED: user, timeout; PAYMENT_EXCEPTION: payment_mismatch (a payment whose "
        "amount or app did not match the order, refunded automatically), payment_not_applicable (WeChat Pay reports "
        "the order paid but the payment is not there to apply, e.g. already refunded in WeChat Pay)")
    late_payment: bool = Field(default=False, description="Paid after it was cancelled; refunded automatically")
    refunds: list[RefundView] = []


class CreatedOrder(BaseModel):
    order: Order
    payment: PaymentParams | None = Field(description="null if WeChat Pay could not be reached: retry "
                                          "POST /orders/{id}/pay")


class OrderPage(BaseModel):
    items: list[Order]
    next_cursor: str | None
