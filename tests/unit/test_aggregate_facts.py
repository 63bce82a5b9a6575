"""Which dashboard facts a change of the shop's table brings, and in which Beijing day and hour."""

from __future__ import annotations

from typing import Any

from shop.adapters.streams import Change
from shop.analytics.aggregate import contributions_of

ORDER = {"type": "order", "order_id": "o1", "user_id": "u1", "status": "PENDING_PAYMENT", "payable": 16800,
         "freight": 1000, "created_at": "2026-12-02T16:30:00Z",  # 00:30 on Dec 3 in Beijing
         "lines": [{"product_id": "p-mug", "quantity": 2, "amount": 19800, "discount": 4000},
                   {"product_id": "p-tee", "quantity": 1, "amount": 0, "discount": 0}]}


def change(event: str, new: dict[str, Any], old: dict[str, Any] | None = None) -> Change:
    return Change(event=event, new=new, old=old or {}, sequence_number="1")


def test_a_placed_order_counts_in_the_beijing_day_and_hour_it_was_placed() -> None:
    [placed] = contributions_of(change("INSERT", ORDER))
    assert placed.key == "order#o1#placed" and (placed.day, placed.hour) == ("2026-12-03", 0)
    assert placed.counts == {"orders": 1, "order_amount": 16800}
    assert [(u.who, u.counter) for u in placed.uniques] == [("u1", "order_buyers")]


def test_payment_counts_payable_with_freight_and_each_products_units_once() -> None:
    paid = {**ORDER, "status": "PAID", "paid_at": "2026-12-03T02:05:00Z"}
    [fact] = contributions_of(change("MODIFY", paid, ORDER))
    assert fact.key == "order#o1#paid" and (fact.day, fact.hour) == ("2026-12-03", 10)
    assert fact.counts == {"paid_orders": 1, "pay_amount": 16800}  # 支付金额 includes the freight
    assert fact.products == {"p-mug": {"units": 2, "amount": 15800}, "p-tee": {"units": 1, "amount": 0}}
    shipped = {**paid, "status": "SHIPPED"}
    assert contributions_of(change("MODIFY", shipped, paid)) == []  # later changes pay nothing again


def test_a_succeeded_refund_counts_refunds_not_gmv_and_only_on_the_transition() -> None:
    processing = {"type": "refund", "refund_id": "o1-r1", "status": "PROCESSING", "amount": 5000}
    done = {**processing, "status": "SUCCEEDED", "settled_at": "2026-12-03T05:00:00Z"}
    [fact] = contributions_of(change("MODIFY", done, processing))
    assert fact.key == "refund#o1-r1#succeeded" and fact.counts == {"refunds": 1, "refund_amount": 5000}
    assert "pay_amount" not in fact.counts
    assert contributions_of(change("MODIFY", {**done, "merchant_note": "ok"}, done)) == []


def test_a_new_user_and_a_first_payment_are_facts_of_the_profile() -> None:
    profile = {"type": "user", "user_id": "u1", "created_at": "2026-12-03T01:00:00Z", "paid_orders": 0}
    [joined] = contributions_of(change("INSERT", profile))
    assert joined.key == "user#u1#joined" and joined.counts == {"new_users": 1}
    first = {**profile, "paid_orders": 1, "first_paid_at": "2026-12-03T02:05:00Z"}
    [new_buyer] = contributions_of(change("MODIFY", first, profile))
    assert new_buyer.key == "user#u1#first_paid" and new_buyer.counts == {"new_buyers": 1}
    second = {**first, "paid_orders": 2}
    assert contributions_of(change("MODIFY", second, first)) == []  # a returning buyer is not new again


def test_removals_and_other_items_bring_nothing() -> None:
    assert contributions_of(change("REMOVE", {}, ORDER)) == []
    assert contributions_of(change("INSERT", {"type": "sku", "stock": 3})) == []


def test_an_event_batchs_product_views_wait_for_the_roll_up_on_its_marker() -> None:
    summary = {"type": "event_batch", "visitor": "anon:v1", "batch_id": "b1", "source": "share",
               "received_at": "2026-12-03T02:00:00Z", "counts": {"visits": 1, "product_views": 2, "cart_adds": 1},
               "products": {"p-mug": {"views": 2, "cart_adds": 1}, "p-tee": {"views": 0, "cart_adds": 0}}}
    [fact] = contributions_of(change("INSERT", summary))
    assert fact.viewed == {"p-mug": {"views": 2, "cart_adds": 1}} and fact.products == {}
    assert fact.counts == {"visits": 1, "product_views": 2, "cart_adds": 1, "visits_src_share": 1}


def test_a_fact_without_a_time_takes_the_records_time_on_every_delivery() -> None:
    record = Change(event="INSERT", new={**ORDER, "created_at": ""}, old={}, sequence_number="1",
                    recorded_at=1796349600)  # 2026-12-04T02:00:00Z
    first, again = contributions_of(record)[0], contributions_of(record)[0]
    assert first.at == again.at and (first.day, first.hour) == ("2026-12-04", 10)
