from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from infra.seed.demo_shop import PRODUCTS
from shop.catalog import products, admin
from shop.core import pagination
from shop.core.errors import InvalidRequest
from shop.catalog.models import stock_state

TEE = next(p for p in PRODUCTS if p["id"] == "p-tee-basic")


def test_seed_products_are_valid_and_multi_sku() -> None:
    models = [admin.ProductInput.model_validate(p) for p in PRODUCTS]
    assert len(models) >= 12
    assert sum(1 for m in models if len(m.specs) >= 2) >= 8
    assert all(isinstance(s.price, int) and s.price > 0 for m in models for s in m.skus)


def test_sku_specs_must_match_the_product_axes() -> None:
    bad = copy.deepcopy(TEE)
    bad["skus"][0]["specs"] = {"颜色": "紫色", "尺码": "S"}
    with pytest.raises(ValidationError, match="not a value"):
        admin.ProductInput.model_validate(bad)
    bad = copy.deepcopy(TEE)
    bad["skus"][1]["specs"] = dict(bad["skus"][0]["specs"])
    with pytest.raises(ValidationError, match="share the specs"):
        admin.ProductInput.model_validate(bad)
    bad = copy.deepcopy(TEE)
    bad["skus"][0]["specs"] = {"尺码": "S", "颜色": "白色"}
    with pytest.raises(ValidationError, match="in order"):
        admin.ProductInput.model_validate(bad)


def test_prices_must_be_integer_fen() -> None:
    bad = copy.deepcopy(TEE)
    bad["skus"][0]["price"] = 79.0
    with pytest.raises(ValidationError):
        admin.ProductInput.model_validate(bad)


def test_listing_items_carry_ranks_for_every_sort() -> None:
    items = admin.product_items(admin.ProductInput.model_validate(TEE), "服饰")
    listings = [i for i in items if i["SK"].startswith("LISTING#")]
    assert {i["listing"] for i in listings} == {"ALL", "CAT#apparel"}
    for item in listings:
        assert {attr for _, attr, _ in products.SORTS.values()} <= set(item)
        assert item["rank_price"] == 7900
        assert "服饰" in item["search"] and "t恤" in item["search"]


def test_off_shelf_products_have_no_listing_items() -> None:
    off = dict(TEE, status="off_shelf")
    items = admin.product_items(admin.ProductInput.model_validate(off), "服饰")
    assert not [i for i in items if i["SK"].startswith("LISTING#")]


def test_search_text_is_normalized() -> None:
    assert products.normalize_search("  Spf50+   防晒\t乳 ") == "spf50+ 防晒 乳"


@pytest.mark.parametrize(("stock", "state"), [(-1, "out_of_stock"), (0, "out_of_stock"), (1, "low_stock"),
                                              (10, "low_stock"), (11, "in_stock")])
def test_stock_state(stock: int, state: str) -> None:
    assert stock_state(stock) == state


def test_cursor_round_trip_and_garbage() -> None:
    payload = {"s": "sales", "c": "", "q": "", "p": "p-1", "r": 5}
    assert pagination.decode(pagination.encode(payload)) == payload
    for junk in ("!!", "e30", "W10", "x" * 1000):
        with pytest.raises(InvalidRequest):
            decoded = pagination.decode(junk)
            if not decoded:
                raise InvalidRequest("empty")
