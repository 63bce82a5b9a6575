"""Shipping: what the merchant sends to ship (one parcel or several) and change a tracking number,
and how shipments, WeChat's shipping-upload state and the carrier list are shown."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shop.core.models import RequestModel

Logistics = Literal["express", "same_city", "virtual", "pickup"]
LOGISTICS_TYPE = {"express": 1, "same_city": 2, "virtual": 3, "pickup": 4}  # WeChat's logistics_type
MAX_PARCELS = 15  # WeChat: a split shipment has at most 15 parcels
TRACKING = r"^[A-Za-z0-9-]+$"


class ParcelLine(RequestModel):
    sku_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=999)


class Parcel(RequestModel):
    carrier: str | None = Field(default=None, min_length=1, max_length=30,
                                description="A delivery_id from GET /admin/delivery-companies (e.g. SF) or its name (顺丰速运)")
    tracking_no: str | None = Field(default=None, min_length=4, max_length=40, pattern=TRACKING)
    lines: list[ParcelLine] | None = Field(default=None, min_length=1, max_length=50,
                                           description="Units in this parcel; omit for every unit not yet shipped")


class ShipRequest(RequestModel):
    """One parcel (carrier, tracking_no, lines) or several (parcels). Express parcels need a carrier and
    a tracking number; same-city, virtual and pickup ship the whole order at once with neither."""

    logistics: Logistics | None = Field(default=None, description="express (实体物流), same_city (同城配送), virtual "
                                        "(虚拟商品), pickup (用户自提); default: express, or pickup for a pickup order")
    carrier: str | None = Field(default=None, min_length=1, max_length=30, description="e.g. SF or 顺丰速运")
    tracking_no: str | None = Field(default=None, min_length=4, max_length=40, pattern=TRACKING)
    lines: list[ParcelLine] | None = Field(default=None, min_length=1, max_length=50)
    parcels: list[Parcel] | None = Field(default=None, min_length=1, max_length=MAX_PARCELS)

    @model_validator(mode="after")
    def _one_form(self) -> ShipRequest:
        if self.parcels and (self.carrier or self.tracking_no or self.lines):
            raise ValueError("give either parcels or carrier/tracking_no/lines, not both")
        return self

    def parcel_list(self) -> list[Parcel]:
        return self.parcels or [Parcel(carrier=self.carrier, tracking_no=self.tracking_no, lines=self.lines)]


class TrackingChange(RequestModel):
    carrier: str | None = Field(default=None, min_length=1, max_length=30, description="Keep the carrier if omitted")
    tracking_no: str = Field(min_length=4, max_length=40, pattern=TRACKING)


class ShipmentView(BaseModel):
    id: str
    logistics: Logistics
    carrier: str | None = Field(default=None, description="WeChat's delivery_id, e.g. SF")
    carrier_name: str | None = None
    tracking_no: str | None = None
    lines: list[dict[str, int | str]]
    shipped_at: datetime
    shipped_by: str
    changed_at: datetime | None = None


class ShippingUpload(BaseModel):
    """Reporting the shipments to WeChat (upload_shipping_info): pending (queued or being retried),
    uploaded, failed (WeChat refused it or kept refusing: the merchant must look), not_required
    (not paid through WeChat Pay)."""

    state: Literal["pending", "uploaded", "failed", "not_required"]
    attempts: int = 0
    last_error_code: int | None = None
    last_error_message: str | None = Field(default=None, description="In Chinese, for the merchant")
    next_attempt_at: datetime | None = None
    uploaded_at: datetime | None = None
    finished: bool = Field(default=False, description="WeChat has the complete shipping (is_all_delivered)")
    reship_used: bool = Field(default=False, description="The one change WeChat allows after shipping is used")


class ShippingReminder(BaseModel):
    """WeChat's trade_manage_remind_shipping: the order has been unshipped for more than 48 hours."""

    at: datetime
    msg: str | None = None
    pay_time: datetime | None = None


class Settlement(BaseModel):
    """WeChat's trade_manage_order_settlement pushes: at shipment (estimated_settlement_at) and at
    settlement (settled_at, confirm_receive_at)."""

    shipped_at: datetime | None = None
    estimated_settlement_at: datetime | None = None
    settled_at: datetime | None = None
    confirm_receive_at: datetime | None = None
    confirm_receive_method: int | None = Field(default=None, description="1 auto, 2 manual (reported inverted by "
                                               "some developers: read the times)")
    received_at: datetime | None = Field(default=None, description="When the shop received the push")


class Carrier(BaseModel):
    id: str = Field(description="delivery_id")
    name: str


class CarrierList(BaseModel):
    items: list[Carrier]
    fetched_at: datetime


class ShippingIssue(BaseModel):
    order_id: str
    kind: Literal["upload_failed", "remind_shipping"]
    at: datetime
    error_code: int | None = None
    message: str | None = None
    attempts: int | None = None


class ShippingIssues(BaseModel):
    items: list[ShippingIssue]
    next_cursor: str | None = Field(default=None, description="Pass as cursor for the next page; null on the last")
