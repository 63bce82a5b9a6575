"""The dashboard's metrics: the counters the aggregation keeps, and the figures derived from them.

Definitions follow what merchants know from 生意参谋 where it has one (docs/analytics.md when the
dashboard ships lists them all):
- 支付金额 (pay_amount): what buyers paid for orders paid in the period, freight included, coupons
  taken off, NOT net of later refunds (refunds are their own figures).
- 客单价 = 支付金额 ÷ 支付买家数; 支付转化率 = 支付买家数 ÷ 访客数.
- 复购率: of the period's paying buyers, the share who had paid for an order before (老买家 ÷ 支付买家).
- ARPU (访客价值, UV 价值 in 生意参谋) = 支付金额 ÷ 访客数.
- 退款率 = 成功退款金额 ÷ 支付金额 (both of the period; a refund counts on the day it succeeds).
Money stays integer fen: a per-person amount is rounded half up to the fen. Rates are fractions
rounded to 4 decimals (0.0123 is 1.23%); a rate or average over nothing is None, never 0.
"""

from __future__ import annotations

from typing import Any

from shop.analytics.scenes import SOURCES

TRAFFIC = ("visits", "visitors", "product_views", "product_visitors", "cart_adds", "cart_visitors",
           "checkout_starts", "checkout_visitors", "shares")
ORDERS = ("orders", "order_amount", "order_buyers", "paid_orders", "pay_amount", "pay_buyers", "new_buyers",
          "refunds", "refund_amount", "new_users")
# per traffic source (shop.analytics.scenes): openings, and unique visitors who came that way that day
SOURCE_COUNTERS = tuple(f"{kind}_src_{source}" for source in SOURCES for kind in ("visits", "visitors"))
COUNTERS = TRAFFIC + ORDERS + SOURCE_COUNTERS
PRODUCT_COUNTERS = ("units", "amount", "views", "cart_adds")

# 访客 -> 商品访客 -> 加购 -> 下单 -> 支付: unique people at each step
FUNNEL = (("visitors", "访客"), ("product_visitors", "商品访客"), ("cart_visitors", "加购"),
          ("order_buyers", "下单"), ("pay_buyers", "支付"))


def ratio(part: int, whole: int) -> float | None:
    """part / whole to 4 decimals (half up); None when whole is 0."""
    if whole <= 0:
        return None
    return ((part * 20000 + whole) // (2 * whole)) / 10000


def fen_per(amount: int, people: int) -> int | None:
    """amount (fen) / people, rounded half up to the fen; None when there is nobody."""
    if people <= 0:
        return None
    return (2 * amount + people) // (2 * people)


def plain(counters: dict[str, Any]) -> dict[str, int]:
    """The counters a chart plots for one bucket (an hour, a day): every count, no source split."""
    return {name: int(counters.get(name) or 0) for name in TRAFFIC + ORDERS}


def sum_into(total: dict[str, int], counters: dict[str, Any], names: tuple[str, ...] = COUNTERS) -> None:
    for name in names:
        total[name] = total.get(name, 0) + int(counters.get(name) or 0)


def sources(counters: dict[str, Any]) -> list[dict[str, Any]]:
    """Visits and visitors by traffic source, in the dashboard's order."""
    return [{"source": key, "label": label, "visits": int(counters.get(f"visits_src_{key}") or 0),
             "visitors": int(counters.get(f"visitors_src_{key}") or 0)} for key, label in SOURCES.items()]


def derive(counters: dict[str, Any]) -> dict[str, Any]:
    """The figures a dashboard shows for one period, from its summed counters."""
    t = plain(counters)
    returning = max(0, t["pay_buyers"] - t["new_buyers"])
    funnel = []
    previous = None
    for name, label in FUNNEL:
        funnel.append({"step": name, "label": label, "people": t[name],
                       "rate_from_previous": None if previous is None else ratio(t[name], t[previous]),
                       "rate_from_visitors": ratio(t[name], t["visitors"])})
        previous = name
    return {
        **t,
        "returning_buyers": returning,
        "avg_order_value": fen_per(t["pay_amount"], t["pay_buyers"]),
        "pay_conversion": ratio(t["pay_buyers"], t["visitors"]),
        "repurchase_rate": ratio(returning, t["pay_buyers"]),
        "arpu": fen_per(t["pay_amount"], t["visitors"]),
        "refund_rate": ratio(t["refund_amount"], t["pay_amount"]),
        "funnel": funnel,
    }
