"""What the merchant sees of a buyer (客户)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shop.buying.models.orders import OrderStatus
from shop.core.money import Fen
from shop.growth.models.coupons import MyCoupon


class CustomerSummary(BaseModel):
    id: str
    nickname: str
    avatar_url: str | None = None
    created_at: datetime
    blocked: bool = False


class CustomerPage(BaseModel):
    items: list[CustomerSummary]
    next_cursor: str | None = Field(description="Pass back as cursor for the next page; null on the last one")


class CustomerOrder(BaseModel):
    id: str
    status: OrderStatus
    payable: Fen
    refunded_total: Fen = 0
    created_at: datetime
    paid_at: datetime | None = None


class CustomerAddress(BaseModel):
    name: str
    phone: str = Field(description="Masked (138****8000) unless the role may see contact details")
    region: str
    detail: str = Field(description="Masked unless the role may see contact details")


class CustomerDetail(CustomerSummary):
    blocked_reason: str | None = None
    orders_count: int = Field(description="Orders placed, in any state")
    paid_orders: int = Field(description="Orders that were paid (whatever happened after)")
    spend: Fen = Field(description="Paid minus refunded, over every paid order")
    recent_orders: list[CustomerOrder] = Field(description="The 20 most recent orders")
    coupons: list[MyCoupon]
    addresses: list[CustomerAddress]
    contact_visible: bool = Field(description="Whether phone numbers and addresses are shown unmasked")
