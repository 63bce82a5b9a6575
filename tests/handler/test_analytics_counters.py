"""The dashboard's counters count each fact once: a stream that delivers twice, two consumers at
once, a buyer who pays twice in a day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from shop.analytics.aggregate import Contribution, Unique


def paid(order: str, user: str, amount: int, at: str = "2026-12-03T02:05:00Z", product: str = "p-mug") -> Contribution:
    return Contribution(key=f"order#{order}#paid", at=datetime.fromisoformat(at.replace("Z", "+00:00")),
                        counts={"paid_orders": 1, "pay_amount": amount},
                        products={product: {"units": 1, "amount": amount}},
                        uniques=(Unique(user, "paid", "pay_buyers"),))


def day_totals(day: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    from shop.analytics.counters import day_items

    hours: dict[str, int] = {}
    products: dict[str, dict[str, int]] = {}
    for item in day_items(day):
        counters = {k: int(v) for k, v in item.items() if k not in ("PK", "SK")}
        if item["SK"].startswith("H#"):
            for name, value in counters.items():
                hours[name] = hours.get(name, 0) + value
        else:
            products[item["SK"].removeprefix("P#")] = counters
    return hours, products


def test_a_fact_delivered_again_counts_once(aws: Any) -> None:
    from shop.analytics import counters

    assert counters.apply([paid("o1", "u1", 16800), paid("o1", "u1", 16800)]) == 1  # twice in one batch
    assert counters.apply([paid("o1", "u1", 16800), paid("o2", "u2", 5000)]) == 1  # again in the next
    totals, products = day_totals("2026-12-03")
    assert totals == {"paid_orders": 2, "pay_amount": 21800, "pay_buyers": 2}
    assert products == {"p-mug": {"units": 2, "amount": 21800}}


def test_a_buyer_paying_twice_a_day_is_one_paying_buyer_but_counts_again_the_next_day(aws: Any) -> None:
    from shop.analytics import counters

    counters.apply([paid("o1", "u1", 100)])
    counters.apply([paid("o2", "u1", 200, at="2026-12-03T09:00:00Z")])  # same Beijing day, another batch
    counters.apply([paid("o3", "u1", 300, at="2026-12-03T17:00:00Z")])  # 01:00 on Dec 4 in Beijing
    assert day_totals("2026-12-03")[0] == {"paid_orders": 2, "pay_amount": 300, "pay_buyers": 1}
    assert day_totals("2026-12-04")[0] == {"paid_orders": 1, "pay_amount": 300, "pay_buyers": 1}


def test_facts_hours_land_in_beijing_hours_across_shards(aws: Any) -> None:
    from shop.analytics import counters

    counters.apply([paid(f"o{n}", f"u{n}", 100, at=f"2026-12-03T{n:02d}:10:00Z") for n in range(6)])
    hours = sorted({item["SK"][2:4] for item in counters.day_items("2026-12-03") if item["SK"].startswith("H#")})
    assert hours == ["08", "09", "10", "11", "12", "13"]


def test_a_large_batch_is_split_into_transactions_within_the_limit(aws: Any) -> None:
    from shop.analytics import counters

    batch = [paid(f"o{n}", f"u{n}", 10, product=f"p{n % 30}") for n in range(150)]
    assert counters.apply(batch) == 150
    totals, products = day_totals("2026-12-03")
    assert totals == {"paid_orders": 150, "pay_amount": 1500, "pay_buyers": 150}
    assert len(products) == 30 and sum(p["units"] for p in products.values()) == 150


def test_a_returning_buyer_across_transactions_of_one_batch_costs_no_refused_transaction(aws: Any) -> None:
    """A stream batch bigger than one transaction, with the same buyers all through it: what the first
    transaction counted is known to the next ones, so none is refused (a refused transaction still
    pays its writes)."""
    from shop.adapters import aws as adapters
    from shop.analytics import counters

    calls: list[str] = []
    adapters.client("dynamodb").meta.events.register("before-send.dynamodb.TransactWriteItems",
                                                     lambda **kw: calls.append("transaction"))
    batch = [paid(f"o{n}", f"u{n % 5}", 10, product=f"p{n % 3}") for n in range(120)]
    assert counters.apply(batch) == 120
    assert day_totals("2026-12-03")[0] == {"paid_orders": 120, "pay_amount": 1200, "pay_buyers": 5}
    assert len(calls) == 2  # 120 facts in two transactions, neither refused and rebuilt


@pytest.mark.usefixtures("serialized_dynamodb")
def test_two_consumers_with_the_same_and_overlapping_facts_at_once_count_each_once(aws: Any) -> None:
    from shop.analytics import counters

    facts = [paid(f"o{n}", f"u{n % 7}", 100) for n in range(40)]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def consume(part: list[Contribution]) -> None:
        try:
            barrier.wait()
            counters.apply(part)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    parts = [facts, facts[:25], facts[15:], list(reversed(facts))]
    threads = [threading.Thread(target=consume, args=(p,)) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert day_totals("2026-12-03")[0] == {"paid_orders": 40, "pay_amount": 4000, "pay_buyers": 7}


def test_nothing_is_counted_for_no_facts(aws: Any) -> None:
    from shop.analytics import counters

    assert counters.apply([]) == 0
    assert counters.day_items(datetime.now(UTC).date().isoformat()) == []
