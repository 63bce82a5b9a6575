"""The DynamoDB unit arithmetic of bench/cost.py: item sizes and read/write request units by
DynamoDB's documented rules (each assertion would fail if a rule were applied wrongly)."""

from __future__ import annotations

from bench.cost import (PRICES, index_writes, item_size, number_size, query_units, read_units, stored_bytes,
                        write_units)


def test_item_size_counts_names_and_values_by_type() -> None:
    assert item_size({"PK": {"S": "USER#1"}}) == 2 + 6
    assert item_size({"name": {"S": "张三"}}) == 4 + 6  # UTF-8 bytes, not characters
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == (2 + 1) * 2
    # a map: 3 bytes, plus 1 per element, plus each element's name and value
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + 1 + 1 + 2
    assert item_size({"l": {"L": [{"S": "x"}, {"S": "yz"}]}}) == 1 + 3 + (1 + 1) + (1 + 2)


def test_numbers_take_a_byte_per_two_significant_digits_plus_one() -> None:
    assert number_size("9900") == 2  # "99" after trailing zeros: 1 + 1
    assert number_size("12345") == 4
    assert number_size("-0.00125") == 3  # "125"
    assert item_size({"price": {"N": "9900"}}) == 5 + 2


def test_reads_round_up_to_4_kb_and_eventually_consistent_costs_half() -> None:
    assert read_units(100) == 0.5
    assert read_units(100, consistent=True) == 1
    assert read_units(0) == 0.5  # a missing item still costs the minimum
    assert read_units(4096, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(5000) == 1
    assert read_units(100, transactional=True) == 2
    assert read_units(8193, transactional=True) == 6


def test_a_query_sums_its_items_before_rounding() -> None:
    # ten 1 KB items: 10 KB -> 3 units (strong) / 1.5 (eventual), not 10 separate rounded reads
    assert query_units([1024] * 10, consistent=True) == 3
    assert query_units([1024] * 10) == 1.5
    assert query_units([]) == 0.5  # an empty page still costs the minimum


def test_writes_round_up_to_1_kb_of_the_larger_image_and_transactions_double() -> None:
    assert write_units(0, 100) == 1
    assert write_units(0, 1024) == 1
    assert write_units(0, 1025) == 2
    assert write_units(3000, 500) == 3  # an update that shrinks an item pays for the old size
    assert write_units(0, 1025, transactional=True) == 4
    assert write_units(0, 0) == 1  # deleting a missing item, a failed condition: still one unit


def test_index_writes_follow_the_index_keys() -> None:
    keys = ("gsi2pk", "gsi2sk")
    old = {"PK": {"S": "O#1"}, "gsi2pk": {"S": "U#1#PENDING"}, "gsi2sk": {"S": "1"}, "status": {"S": "PENDING"}}
    moved = {**old, "gsi2pk": {"S": "U#1#PAID"}, "status": {"S": "PAID"}}
    touched = {**old, "note": {"S": "x"}}
    plain = {"PK": {"S": "O#1"}}
    assert index_writes(old, moved, keys) == [item_size(old), item_size(moved)]  # key changed: delete + put
    assert index_writes(old, touched, keys) == [item_size(touched)]  # projected attribute changed
    assert index_writes(old, dict(old), keys) == []  # nothing changed
    assert index_writes(None, old, keys) == [item_size(old)]  # entry appears
    assert index_writes(old, None, keys) == [item_size(old)]  # entry goes
    assert index_writes(None, plain, keys) == []  # sparse: no key attributes, not in the index


def test_storage_counts_100_bytes_per_item_and_per_index_entry() -> None:
    item = {"PK": {"S": "a"}, "gsi1pk": {"S": "b"}, "gsi1sk": {"S": "c"}}
    size = item_size(item) + 100
    assert stored_bytes(item, {"GSI1": ("gsi1pk", "gsi1sk"), "GSI2": ("gsi2pk", "gsi2sk")}) == 2 * size


def test_every_price_has_both_regions_and_a_source() -> None:
    for name, (unit, usd, cny, source) in PRICES.items():
        assert unit and source, name
        assert usd >= 0 and cny >= 0, name
        assert (usd == 0) == (cny == 0), name
