"""The order desk (订单管理) as the merchant sees it: list rows, the detail with its timeline,
remarks and exports (docs/order-desk.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from shop.buying.models.orders import Order, OrderStatus, RefundView
from shop.core.models import MULTILINE, Delivery, RequestModel
from shop.core.money import Fen

MAX_RANGE_DAYS = 92  # a list or export covers at most about a quarter


class OrderRow(BaseModel):
    """One order in the desk's list."""

    id: str
    status: OrderStatus
    created_at: datetime
    paid_at: datetime | None = None
    buyer: str = Field(description="The buyer's user id")
    receiver: str | None = Field(default=None, description="收货人 (express orders)")
    phone: str | None = Field(default=None, description="The delivery phone, masked (138****8000)")
    delivery: Delivery
    title: str = Field(description="The first line's title (and how many more lines)")
    quantity: int = Field(description="Units in the order")
    payable: Fen
    refunded_total: Fen = 0
    has_refund: bool = False


class OrderDeskPage(BaseModel):
    items: list[OrderRow]
    next_cursor: str | None


class OrderRemark(BaseModel):
    at: datetime
    by: str
    text: str


class OrderRemarks(BaseModel):
    remarks: list[OrderRemark] = Field(description="The order's merchant remarks, oldest first (the newest 50 are kept)")


class OrderTimelineEvent(BaseModel):
    at: datetime
    kind: Literal["placed", "paid", "shipped", "refund_requested", "refund_approved", "refund_rejected",
                  "refund_returned", "refund_succeeded", "refund_failed", "refund_closed", "completed",
                  "cancelled", "closed", "late_payment", "remark", "tracking_changed"]
    by: str | None = Field(default=None, description="Who did it: buyer, system or the staff member's name")
    text: str = Field(description="What happened, for the merchant (Chinese)")
    ref: str | None = Field(default=None, description="The refund id or parcel id it concerns")


class DeskParcel(BaseModel):
    id: str | None = None
    carrier: str = Field(description="The carrier's name (or WeChat's delivery_id when no name is kept)")
    carrier_code: str | None = Field(default=None, description="WeChat's delivery_id")
    tracking_no: str
    lines: list[dict[str, Any]] = []
    shipped_at: datetime | None = None
    shipped_by: str | None = None
    changed_at: datetime | None = Field(default=None, description="When its tracking number was last changed")


class DeskRefund(RefundView):
    """A refund as the order keeps its summary (``refund_log``, from the table's stream), with the
    merchant's decision."""

    decided_at: datetime | None = None
    decided_by: str | None = None


class OrderDetail(Order):
    """An order for the merchant: everything the buyer sees, plus the buyer, the parcels, the
    shipping-upload state, the refunds with their decisions, the merchant's remarks and the timeline."""

    buyer: str = Field(description="The buyer's user id")
    parcels: list[DeskParcel] = []
    shipping_upload: dict[str, Any] | None = Field(default=None, description="WeChat shipping-info upload state")
    refunds: list[DeskRefund] = Field(default=[], description="As of the last change the desk has seen (kept on "
                                        "the order from the table's stream, typically under a second behind; "
                                        "docs/order-desk.md)")
    remarks: list[OrderRemark] = Field(default=[], description="Merchant remarks (never shown to the buyer), oldest first")
    timeline: list[OrderTimelineEvent]


class OrderRemarkRequest(RequestModel):
    text: Annotated[str, MULTILINE] = Field(min_length=1, max_length=500)


class OrderExportRequest(RequestModel):
    """Orders placed from ``from`` to ``to`` (Beijing dates, both included)."""

    from_: date = Field(alias="from")
    to: date
    status: OrderStatus | None = None
    delivery: Delivery | None = None

    model_config = {**RequestModel.model_config, "populate_by_name": True}

    @model_validator(mode="after")
    def _range(self) -> OrderExportRequest:
        if self.to < self.from_:
            raise ValueError("'to' must not be before 'from'")
        if (self.to - self.from_).days >= MAX_RANGE_DAYS:
            raise ValueError(f"a range covers at most {MAX_RANGE_DAYS} days")
        return self


class OrderExportView(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    date_from: date
    date_to: date
    filters: dict[str, str] = {}
    requested_by: str
    created_at: datetime
    finished_at: datetime | None = None
    rows: int | None = None
    download_url: str | None = Field(default=None, description="When done: a link valid for 5 minutes")
    error: str | None = None
