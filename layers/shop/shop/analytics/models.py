"""What the analytics routes answer (the dashboard, POST /events), for the OpenAPI document."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shop.core.money import Fen


class Counters(BaseModel):
    """One period's (or one bucket's) counts; amounts in fen."""

    visits: int = Field(description="openings of the mini-program (onShow), crawler/test scenes excluded")
    visitors: int = Field(description="访客数: unique visitors (a logged-in user, else the app's anonymous id)")
    product_views: int
    product_visitors: int = Field(description="商品访客数: unique visitors who opened a product")
    cart_adds: int
    cart_visitors: int = Field(description="加购人数")
    checkout_starts: int
    checkout_visitors: int
    shares: int
    orders: int = Field(description="下单笔数")
    order_amount: Fen = Field(description="下单金额")
    order_buyers: int = Field(description="下单买家数")
    paid_orders: int = Field(description="支付订单数")
    pay_amount: Fen = Field(description="支付金额 (GMV): freight included, coupons off, NOT net of refunds")
    pay_buyers: int = Field(description="支付买家数")
    new_buyers: int = Field(description="新买家: paid for the first time ever")
    refunds: int = Field(description="成功退款笔数, on the day the refund succeeded")
    refund_amount: Fen = Field(description="成功退款金额")
    new_users: int = Field(description="新用户: shoppers who logged in for the first time")


class FunnelStep(BaseModel):
    step: str
    label: str
    people: int
    rate_from_previous: float | None = Field(description="fraction of the step before (4 decimals); null for the first")
    rate_from_visitors: float | None


class DashboardTotals(Counters):
    returning_buyers: int = Field(description="老买家: paying buyers who had paid before")
    avg_order_value: Fen | None = Field(description="客单价 = 支付金额 ÷ 支付买家数 (fen, half up); null without buyers")
    pay_conversion: float | None = Field(description="支付转化率 = 支付买家数 ÷ 访客数")
    repurchase_rate: float | None = Field(description="复购率 = 老买家 ÷ 支付买家数")
    arpu: Fen | None = Field(description="ARPU (访客价值) = 支付金额 ÷ 访客数 (fen, half up)")
    refund_rate: float | None = Field(description="退款率 = 成功退款金额 ÷ 支付金额")
    funnel: list[FunnelStep]


class Hour(Counters):
    hour: int = Field(ge=0, le=23, description="Beijing hour")


class Day(Counters):
    day: str


class Source(BaseModel):
    source: str
    label: str
    visits: int
    visitors: int = Field(description="unique visitors who came this way that day (summed over a range)")


class TopProduct(BaseModel):
    product_id: str
    title: str | None = Field(description="as its latest paid order line named it; null if only viewed")
    units: int
    amount: Fen = Field(description="paid for this product's lines, discounts off")
    views: int = Field(description="counted by the hourly roll-up: as of product_traffic_as_of")
    cart_adds: int = Field(description="counted by the hourly roll-up: as of product_traffic_as_of")


class DashboardDay(BaseModel):
    day: str = Field(description="the Beijing day")
    timezone: str
    generated_at: str
    totals: DashboardTotals
    hours: list[Hour] = Field(description="24 Beijing hours, 0-23")
    sources: list[Source]
    top_products: list[TopProduct] = Field(description="up to 10, by amount paid")
    product_traffic_as_of: str | None = Field(
        description="when products' views and cart adds were last rolled up (hourly; UTC); null before the first "
                    "roll-up of the day. Units and amount paid, and every total, are counted as payments arrive")


class DashboardRange(BaseModel):
    from_: str = Field(alias="from")
    to: str
    timezone: str
    generated_at: str
    totals: DashboardTotals = Field(description="unique people summed over the days")
    days: list[Day]
    sources: list[Source]


class EventsAccepted(BaseModel):
    accepted: int = Field(description="events taken from the batch")
    counted: bool = Field(description="false when the batch was a resend already taken, or the scene is never a "
                          "shopper (crawler 1129, tests 1030, remote debug 1101, load test 1203)")
    source: str = Field(description="the traffic source of the batch's launch scene")
