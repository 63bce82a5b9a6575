"""What the reconciliation routes answer (shop.buying.reconciliation)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shop.core.money import Fen

DAY = r"^\d{4}-\d{2}-\d{2}$"
Status = Literal["clean", "differences", "error", "pending"]
Kind = Literal["payment_missing_in_shop", "payment_missing_at_wechat", "payment_amount_mismatch",
               "refund_missing_in_shop", "refund_missing_at_wechat", "refund_amount_mismatch", "refund_not_settled",
               "unexpected_row"]


class Difference(BaseModel):
    kind: Kind
    order_id: str | None = Field(None, description="the shop's order (WeChat Pay's out_trade_no)")
    transaction_id: str | None = None
    refund_id: str | None = Field(None, description="out_refund_no, for refunds")
    shop_amount: Fen | None = Field(None, description="fen, as the shop has it (absent: the shop has nothing)")
    wechat_amount: Fen | None = Field(None, description="fen, as WeChat Pay's bill has it (absent: not in the bill)")
    shop_status: str | None = None
    wechat_status: str | None = Field(None, description="the bill's refund state (SUCCESS, PROCESSING, REFUNDCLOSE, CHANGE)")


class Side(BaseModel):
    payments: int
    payment_total: Fen
    refunds: int
    refund_total: Fen
    fee_total: Fen | None = Field(None, description="WeChat Pay's fees of the day (bill only)")


class Totals(BaseModel):
    shop: Side
    wechat: Side


class DaySummary(BaseModel):
    day: str = Field(description="Beijing day, YYYY-MM-DD")
    status: Status = Field(description="pending: not run yet, or WeChat Pay has not published the bill")
    version: int = Field(0, description="how many times the day was reconciled")
    run_at: str | None = None
    run_by: str | None = None
    differences_count: int = 0
    error_code: str | None = None


class ReconciliationList(BaseModel):
    days: list[DaySummary]


class Report(DaySummary):
    error_message: str | None = None
    totals: Totals | None = None
    differences: list[Difference] = Field(default_factory=list, description="at most 1000 (differences_count is exact)")
    bill_sha1: str | None = None
