from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from shop.adapters.clock import SHANGHAI, business_day, iso
from shop.core.ids import is_id, new_id
from shop.core.money import Fen, yuan_text


class Priced(BaseModel):
    price: Fen


@pytest.mark.parametrize(("fen", "text"), [(0, "0.00"), (5, "0.05"), (100, "1.00"), (12990, "129.90"), (-250, "-2.50")])
def test_yuan_text(fen: int, text: str) -> None:
    assert yuan_text(fen) == text


def test_yuan_text_refuses_floats() -> None:
    with pytest.raises(TypeError):
        yuan_text(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.0, "100", -1, True, 10**13])
def test_fen_is_a_strict_non_negative_integer(bad: object) -> None:
    with pytest.raises(ValidationError):
        Priced(price=bad)


@given(st.integers(min_value=0, max_value=10**10))
def test_yuan_text_round_trips_to_the_same_fen(fen: int) -> None:
    whole, cents = yuan_text(fen).split(".")
    assert int(whole) * 100 + int(cents) == fen


def test_ids_are_prefixed_random_and_valid() -> None:
    ids = {new_id("u") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(i.startswith("u_") and is_id(i) for i in ids)


def test_business_day_is_shanghai() -> None:
    from datetime import UTC, datetime

    late_utc = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 01:30 on the 26th in Shanghai
    assert business_day(late_utc).isoformat() == "2026-11-26"
    assert late_utc.astimezone(SHANGHAI).utcoffset().total_seconds() == 8 * 3600
    assert iso(late_utc) == "2026-11-25T17:30:00Z"
