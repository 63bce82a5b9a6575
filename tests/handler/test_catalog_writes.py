"""Merchant-side catalog writes as shoppers see them: unpublishing and re-categorising."""

from __future__ import annotations

import pytest

from infra.seed.demo_shop import PRODUCTS
from shop.catalog import admin
from tests.handler.test_catalog import BY_ID, _all_pages
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("seeded")


def test_off_shelf_product_is_neither_listed_nor_shown(api: Api) -> None:
    product = dict(BY_ID["p-jeans"], status="off_shelf")
    admin.put_product(admin.ProductInput.model_validate(product), "服饰")
    assert api.get("/products/p-jeans").status == 404
    listed = {p["id"] for p in _all_pages(api, "sort=new", limit=50)}
    assert "p-jeans" not in listed and len(listed) == len(PRODUCTS) - 1


def test_moving_a_product_to_another_category_moves_its_listing(api: Api) -> None:
    product = dict(BY_ID["p-mug"], category_id="food")
    admin.put_product(admin.ProductInput.model_validate(product), "食品")
    assert "p-mug" in {p["id"] for p in api.get("/products?category=food&limit=50").json["items"]}
    assert "p-mug" not in {p["id"] for p in api.get("/products?category=home&limit=50").json["items"]}
