"""The coupon rules checkout applies: table-driven, plus properties that must hold for any coupons
and any cart (the payable amount is never negative and never above goods total plus freight)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.growth import coupons
from shop.growth.coupons import PricedLine

NOW = 1_800_000_000
TEE = PricedLine("p-tee.1", "p-tee", "apparel", 7900 * 2)
MUG = PricedLine("p-mug.1", "p-mug", "home", 9900)
NUTS = PricedLine("p-nuts.1", "p-nuts", "food", 6900)


def coupon(**rule: Any) -> dict[str, Any]:
    base = {"coupon_id": f"c{len(rule)}", "template_id": rule.pop("template_id", "t"), "name": "券", "status": "available",
            "valid_from": NOW - 10, "valid_until": NOW + 86400, "threshold": 0, "stackable": False,
            "scope": {"type": "all", "ids": []}}
    return {**base, **rule}


@pytest.mark.parametrize(
    ("rule", "lines", "discount", "reason"),
    [
        ({"kind": "amount", "amount": 2000, "threshold": 10000}, [TEE], 2000, None),  # 满100减20 on 158
        ({"kind": "amount", "amount": 2000, "threshold": 20000}, [TEE], 0, "coupon_below_threshold"),
        ({"kind": "amount", "amount": 2000, "threshold": 15800}, [TEE], 2000, None),  # exactly the threshold
        ({"kind": "amount", "amount": 50000}, [NUTS], 6900, None),  # never more than the goods
        ({"kind": "percent", "percent": 80}, [MUG], 1980, None),  # 8折 on 99 = 19.80 off
        ({"kind": "percent", "percent": 80, "max_discount": 1000}, [MUG], 1000, None),  # capped
        ({"kind": "percent", "percent": 85}, [PricedLine("x.1", "x", None, 999)], 149, None),  # floor of 149.85
        ({"kind": "amount", "amount": 3000, "threshold": 10000, "scope": {"type": "categories", "ids": ["apparel"]}},
         [TEE, MUG], 3000, None),
        ({"kind": "amount", "amount": 3000, "threshold": 20000, "scope": {"type": "categories", "ids": ["apparel"]}},
         [TEE, MUG], 0, "coupon_below_threshold"),  # 158 in scope, although the cart is 257
        ({"kind": "amount", "amount": 500, "scope": {"type": "products", "ids": ["p-nuts"]}}, [TEE, MUG], 0,
         "coupon_not_in_scope"),
        ({"kind": "amount", "amount": 500, "status": "locked"}, [TEE], 0, "coupon_locked"),
        ({"kind": "amount", "amount": 500, "status": "used"}, [TEE], 0, "coupon_used"),
        ({"kind": "amount", "amount": 500, "valid_until": NOW}, [TEE], 0, "coupon_expired"),
        ({"kind": "amount", "amount": 500, "valid_from": NOW + 60}, [TEE], 0, "coupon_not_yet_valid"),
    ],
)
def test_evaluate(rule: dict[str, Any], lines: list[PricedLine], discount: int, reason: str | None) -> None:
    assert coupons.evaluate(coupon(**rule), lines, NOW) == (discount, reason)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ({"kind": "amount", "amount": 2000, "threshold": 10000}, "满100减20"),
        ({"kind": "amount", "amount": 5000, "threshold": 0}, "无门槛减50"),
        ({"kind": "percent", "percent": 80, "max_discount": 5000, "threshold": 0}, "8折 最多减50"),
        ({"kind": "percent", "percent": 85, "threshold": 20000}, "满200享8.5折"),
        ({"kind": "amount", "amount": 550, "threshold": 0}, "无门槛减5.5"),
    ],
)
def test_describe(rule: dict[str, Any], text: str) -> None:
    assert coupons.describe(rule) == text


def test_stacking_rules() -> None:
    exclusive = coupon(kind="amount", amount=100, template_id="a")
    s1 = coupon(kind="amount", amount=100, stackable=True, template_id="b")
    s2 = coupon(kind="amount", amount=100, stackable=True, template_id="c")
    s3 = coupon(kind="amount", amount=100, stackable=True, template_id="d")
    s4 = coupon(kind="amount", amount=100, stackable=True, template_id="e")
    assert coupons.combination_problem([exclusive]) is None
    assert coupons.combination_problem([exclusive, s1]) == "coupon_not_stackable"
    assert coupons.combination_problem([s1, s2, s3]) is None
    assert coupons.combination_problem([s1, s2, s3, s4]) == "too_many_coupons"
    assert coupons.combination_problem([s1, dict(s2, template_id="b")]) == "same_coupon_twice"


def test_best_picks_the_largest_allowed_discount() -> None:
    big_exclusive = coupon(kind="percent", percent=80, max_discount=5000, template_id="x", coupon_id="big")
    stack_a = coupon(kind="amount", amount=2500, stackable=True, template_id="a", coupon_id="sa")
    stack_b = coupon(kind="amount", amount=2000, stackable=True, template_id="b", coupon_id="sb")
    lines = [TEE, MUG]  # 257: 8折 takes 50 (capped); the two stackable ones take 45 together
    assert [c["coupon_id"] for c in coupons.best([big_exclusive, stack_a, stack_b], lines, NOW)] == ["big"]
    stack_c = coupon(kind="amount", amount=1000, stackable=True, template_id="c", coupon_id="sc")
    chosen = coupons.best([big_exclusive, stack_a, stack_b, stack_c], lines, NOW)
    assert sorted(c["coupon_id"] for c in chosen) == ["sa", "sb", "sc"]  # 55 > 50
    assert coupons.best([coupon(kind="amount", amount=100, threshold=10**6)], lines, NOW) == []


def test_allocation_adds_up_exactly_and_stays_in_scope() -> None:
    c = coupon(kind="amount", amount=1001, scope={"type": "categories", "ids": ["apparel", "home"]})
    shares = coupons.allocate([c], [TEE, MUG, NUTS], NOW)
    assert sum(shares) == 1001 and shares[2] == 0
    assert shares[0] > shares[1]  # in proportion to the amounts


@pytest.mark.parametrize(("order", "expected"), [((0, 1), [3000, 3000]), ((1, 0), [3000, 3000])])
def test_a_whole_shop_coupon_stacked_with_a_product_coupon_gives_both_in_full(order: tuple[int, int],
                                                                              expected: list[int]) -> None:
    a, b = PricedLine("a.1", "a", "x", 3000), PricedLine("b.1", "b", "x", 3000)
    whole = coupon(kind="amount", amount=5000, stackable=True, template_id="whole", coupon_id="whole")
    only_a = coupon(kind="amount", amount=3000, stackable=True, template_id="only-a", coupon_id="only-a",
                    scope={"type": "products", "ids": ["a"]})
    pair = [whole, only_a]
    assert coupons.allocate([pair[i] for i in order], [a, b], NOW) == expected  # 60 off, whichever is named first
    exclusive = coupon(kind="amount", amount=5800, template_id="ex", coupon_id="ex")
    chosen = coupons.best([whole, only_a, exclusive], [a, b], NOW)
    assert sorted(c["coupon_id"] for c in chosen) == ["only-a", "whole"]  # 60 beats the exclusive 58


def test_stacked_coupons_never_take_a_line_below_zero() -> None:
    lines = [PricedLine("a.1", "a", "x", 1000), PricedLine("b.1", "b", "y", 9000)]
    on_a = coupon(kind="amount", amount=800, stackable=True, template_id="on-a", coupon_id="on-a",
                  scope={"type": "products", "ids": ["a"]})
    also_a = coupon(kind="amount", amount=800, stackable=True, template_id="also-a", coupon_id="also-a",
                    scope={"type": "categories", "ids": ["x"]})
    assert coupons.allocate([on_a, also_a], lines, NOW) == [1000, 0]  # the second coupon is cut to what is left


lines_strategy = st.lists(
    st.builds(PricedLine, sku_id=st.sampled_from(["a.1", "b.1", "c.1"]), product_id=st.sampled_from(["a", "b", "c"]),
              category_id=st.sampled_from(["x", "y", None]), amount=st.integers(min_value=0, max_value=10**7)),
    min_size=1, max_size=5)
coupon_strategy = st.one_of(
    st.builds(lambda a, t, s, k: coupon(kind="amount", amount=a, threshold=t, stackable=s, template_id=k, coupon_id=k),
              st.integers(1, 10**7), st.integers(0, 10**7), st.booleans(), st.text("abcdefgh", min_size=1, max_size=3)),
    st.builds(lambda p, m, t, s, k: coupon(kind="percent", percent=p, max_discount=m, threshold=t, stackable=s,
                                           template_id=k, coupon_id=k),
              st.integers(1, 99), st.one_of(st.none(), st.integers(1, 10**7)), st.integers(0, 10**7), st.booleans(),
              st.text("abcdefgh", min_size=1, max_size=3)),
)


@settings(max_examples=300, deadline=None)
@given(lines=lines_strategy, held=st.lists(coupon_strategy, max_size=6), freight=st.integers(0, 5000))
def test_payable_is_never_negative_nor_above_goods_plus_freight(lines, held, freight: int) -> None:
    goods = sum(line.amount for line in lines)
    chosen = coupons.best(held, lines, NOW)
    assert coupons.combination_problem(chosen) is None
    shares = coupons.allocate(chosen, lines, NOW)
    discount = sum(shares)
    assert all(0 <= share <= line.amount for share, line in zip(shares, lines, strict=True))
    assert 0 <= discount <= goods
    payable = goods + freight - discount
    assert 0 <= payable <= goods + freight
    for c in held:  # the best combination is at least as good as any single coupon
        assert discount >= min(coupons.evaluate(c, lines, NOW)[0], goods) or coupons.evaluate(c, lines, NOW)[1]
