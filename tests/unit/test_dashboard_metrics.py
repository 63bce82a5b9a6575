"""The dashboard's figures from its counters, as a merchant reads them (生意参谋's definitions)."""

from __future__ import annotations

from shop.analytics import metrics


def test_a_days_figures_follow_the_definitions_merchants_know() -> None:
    day = metrics.derive({"visitors": 400, "product_visitors": 200, "cart_visitors": 50, "order_buyers": 30,
                          "pay_buyers": 24, "new_buyers": 18, "paid_orders": 26, "pay_amount": 251_800,
                          "refund_amount": 12_590})
    assert day["avg_order_value"] == 10_492  # 客单价: 251,800 fen / 24 buyers = 10,491.67 -> ¥104.92
    assert day["pay_conversion"] == 0.06  # 支付转化率: 24 / 400
    assert day["returning_buyers"] == 6 and day["repurchase_rate"] == 0.25  # 6 of 24 had paid before
    assert day["arpu"] == 630  # 251,800 / 400 = 629.5 -> half up to ¥6.30
    assert day["refund_rate"] == 0.05  # 12,590 / 251,800
    assert day["pay_amount"] == 251_800  # refunds are not taken off 支付金额


def test_the_funnel_gives_each_steps_rate_from_the_one_before_and_from_visitors() -> None:
    funnel = metrics.derive({"visitors": 400, "product_visitors": 200, "cart_visitors": 50, "order_buyers": 30,
                             "pay_buyers": 24})["funnel"]
    assert [s["label"] for s in funnel] == ["访客", "商品访客", "加购", "下单", "支付"]
    assert [s["people"] for s in funnel] == [400, 200, 50, 30, 24]
    assert [s["rate_from_previous"] for s in funnel] == [None, 0.5, 0.25, 0.6, 0.8]
    assert funnel[-1]["rate_from_visitors"] == 0.06


def test_a_quiet_day_shows_no_rates_rather_than_zero_or_an_error() -> None:
    day = metrics.derive({})
    assert day["pay_amount"] == 0 and day["visitors"] == 0
    assert day["avg_order_value"] is None and day["pay_conversion"] is None and day["arpu"] is None
    assert day["repurchase_rate"] is None and day["refund_rate"] is None
    assert all(step["rate_from_visitors"] is None for step in day["funnel"])


def test_rounding_is_half_up_in_integer_fen() -> None:
    assert metrics.fen_per(5, 2) == 3 and metrics.fen_per(4, 3) == 1 and metrics.fen_per(0, 7) == 0
    assert metrics.ratio(1, 3) == 0.3333 and metrics.ratio(2, 3) == 0.6667 and metrics.ratio(1, 8) == 0.125
    big = 10**15  # a year of a big shop in fen stays exact (no float in the division)
    assert metrics.fen_per(big + 1, 2) == big // 2 + 1
