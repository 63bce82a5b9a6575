"""What a mini-program's event batch may hold: a bad batch is refused whole, with the field named."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shop.analytics.events import MAX_EVENTS, EventBatch


def batch(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"batch_id": "b-20261203-0001", "anonymous_id": "anon-7f3a9c21",
                            "launch": {"scene": 1007, "path": "pages/product/index", "query": {"id": "p-mug"}},
                            "events": [{"type": "visit", "at": 1796281365000},
                                       {"type": "product_view", "at": 1796281366000, "product_id": "p-mug"},
                                       {"type": "add_to_cart", "at": 1796281367000, "product_id": "p-mug",
                                        "sku_id": "p-mug.01", "quantity": 2}]}
    body.update(overrides)
    return body


def refused(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as info:
        EventBatch.model_validate(body)
    return [e["loc"] for e in info.value.errors()]


def test_a_well_formed_batch_is_taken() -> None:
    parsed = EventBatch.model_validate(batch())
    assert parsed.launch.scene == 1007 and [e.type for e in parsed.events] == ["visit", "product_view", "add_to_cart"]


def test_a_batch_with_too_many_events_unknown_types_or_fields_is_refused() -> None:
    assert refused(batch(events=[{"type": "visit", "at": 1}] * (MAX_EVENTS + 1))) == [("events",)]
    assert refused(batch(events=[])) == [("events",)]
    assert ("events", 0, "type") in refused(batch(events=[{"type": "purchase", "at": 1}]))
    assert ("events", 0, "price") in refused(batch(events=[{"type": "visit", "at": 1, "price": 1}]))


def test_a_product_event_names_its_product_and_ids_are_plain() -> None:
    assert refused(batch(events=[{"type": "product_view", "at": 1}])) == [("events", 0)]
    assert refused(batch(anonymous_id="x")) == [("anonymous_id",)]
    assert refused(batch(batch_id="../../etc")) == [("batch_id",)]
    assert refused(batch(launch={"scene": 12})) == [("launch", "scene")]
