"""What the buyer and the merchant send about refunds and shipping."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shop.buying.models.checkout import MAX_ORDER_LINES, LineRequest
from shop.buying.models.orders import RefundView
from shop.core.models import MULTILINE, RequestModel


class RefundRequest(RequestModel):
    reason: Annotated[str, MULTILINE] = Field(min_length=1, max_length=200)
    kind: Literal["refund_only", "return"] = Field(
        default="refund_only", description="After shipping: refund_only (仅退款: keep the goods, nothing goes back "
        "on sale) or return (退货退款: send them back; the money follows when the merchant receives them). "
        "Before shipping a refund is always refund_only and the units go back on sale at once.")
    lines: list[LineRequest] | None = Field(default=None, max_length=MAX_ORDER_LINES,
                                            description="Units to refund; omit for everything still refundable")


class ShipRequest(RequestModel):
    carrier: str = Field(min_length=1, max_length=30, description="e.g. 顺丰速运")
    tracking_no: str = Field(min_length=4, max_length=40, pattern=r"^[A-Za-z0-9-]+$")


class RefundDecision(RequestModel):
    note: Annotated[str | None, MULTILINE] = Field(default=None, max_length=200, description="Shown to the buyer")


class MerchantRefundRequest(RefundRequest):
    note: Annotated[str | None, MULTILINE] = Field(default=None, max_length=200, description="Shown to the buyer")


QueueStatus = Literal["REQUESTED", "AWAITING_RETURN", "PROCESSING", "ABNORMAL", "SUCCEEDED", "REJECTED", "CLOSED"]


class QueueEntry(RefundView):
    order_id: str
    user_id: str
    decided_by: str | None = None
    waiting_hours: int = Field(description="Hours since the buyer (or the merchant) asked")


class QueuePage(BaseModel):
    items: list[QueueEntry]
    next_cursor: str | None
