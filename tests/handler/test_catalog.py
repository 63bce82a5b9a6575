"""GET /categories, GET /products, GET /products/{id} against the seeded demo shop."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.seed.demo_shop import CATEGORIES, PRODUCTS
from shop.catalog import products
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("seeded_module")

BY_ID = {p["id"]: p for p in PRODUCTS}


def _all_pages(api: Api, query: str, limit: int) -> list[dict]:
    items, cursor, pages = [], None, 0
    while True:
        url = f"/products?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        reply = api.get(url)
        assert reply.status == 200, reply.text
        page = reply.json
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        pages += 1
        assert pages < 100
        if not cursor:
            return items


def _min_price(p: dict) -> int:
    return min(s["price"] for s in p["skus"])


def test_categories_in_display_order_and_cacheable(api: Api) -> None:
    reply = api.get("/categories")
    assert reply.status == 200
    assert [c["id"] for c in reply.json["items"]] == [c["id"] for c in sorted(CATEGORIES, key=lambda c: c["sort"])]
    assert reply.headers["cache-control"].startswith("public, max-age=")


def test_first_page_is_the_merchants_default_order(api: Api) -> None:
    reply = api.get("/products")
    assert reply.status == 200
    assert reply.headers["cache-control"].startswith("public, max-age=")
    ids = [p["id"] for p in reply.json["items"]]
    expected = sorted(PRODUCTS, key=lambda p: (p["sort_weight"], p["created_at"]), reverse=True)
    assert ids == [p["id"] for p in expected][: len(ids)]
    assert len(ids) == min(len(PRODUCTS), products.DEFAULT_LIMIT)
    first = reply.json["items"][0]
    assert isinstance(first["price_min"], int) and first["price_min"] <= first["price_max"]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("sales", lambda p: p["sales"], True),
        ("price_asc", _min_price, False),
        ("price_desc", _min_price, True),
        ("new", lambda p: p["created_at"], True),
    ],
)
def test_every_sort_orders_the_whole_catalog_across_pages(api: Api, sort: str, key, reverse: bool) -> None:
    items = _all_pages(api, f"sort={sort}", limit=4)
    assert sorted(p["id"] for p in items) == sorted(BY_ID)
    values = [key(BY_ID[p["id"]]) for p in items]
    assert values == sorted(values, reverse=reverse)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sort=st.sampled_from(list(products.SORTS)),
    limit=st.integers(min_value=1, max_value=7),
    category=st.sampled_from([None] + [c["id"] for c in CATEGORIES]),
)
def test_pagination_returns_each_product_exactly_once(api: Api, sort: str, limit: int, category: str | None) -> None:
    query = f"sort={sort}" + (f"&category={category}" if category else "")
    ids = [p["id"] for p in _all_pages(api, query, limit)]
    expected = [p["id"] for p in PRODUCTS if category in (None, p["category_id"])]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(expected)


def test_category_filter(api: Api) -> None:
    items = api.get("/products?category=food").json["items"]
    assert {p["id"] for p in items} == {p["id"] for p in PRODUCTS if p["category_id"] == "food"}
    assert api.get("/products?category=no-such-category").json == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("T恤", {"p-tee-basic"}),
        ("保温杯", {"p-mug"}),
        ("送礼", {p["id"] for p in PRODUCTS if "送礼" in p["tags"]}),
        ("食品", {p["id"] for p in PRODUCTS if p["category_id"] == "food"}),
        ("羽绒 马甲", {"p-down-vest"}),
        ("spf50", {"p-sunscreen"}),
        ("没有这种商品", set()),
    ],
)
def test_search(api: Api, q: str, expected: set[str]) -> None:
    items = _all_pages(api, f"q={quote(q)}", limit=3)
    assert {p["id"] for p in items} == expected


def test_search_within_a_category(api: Api) -> None:
    items = _all_pages(api, f"q={quote('送礼')}&category=home", limit=10)
    assert {p["id"] for p in items} == {"p-mug", "p-candle"}


def test_cursor_is_bound_to_its_query(api: Api) -> None:
    cursor = api.get("/products?sort=sales&limit=2").json["next_cursor"]
    assert cursor
    assert api.get(f"/products?sort=sales&limit=2&cursor={cursor}").status == 200
    for other in ("sort=new", "sort=sales&category=food", "sort=sales&q=T"):
        reply = api.get(f"/products?{other}&limit=2&cursor={cursor}")
        assert reply.status == 400
        assert reply.error_code == "invalid_cursor"


def _forge(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _forge([1, 2]),
        _forge({"s": "default", "c": "", "q": "", "p": "../x", "r": 1}),
        _forge({"s": "default", "c": "", "q": "", "p": "p-tee-basic", "r": "1"}),
        _forge({"s": "default", "c": "", "q": "", "p": "p-tee-basic", "r": -5}),
        _forge({"s": "default", "c": "", "q": "", "p": "p-tee-basic", "r": 10**40}),
        "x" * 600,
    ],
)
def test_bad_cursors_are_400_never_500(api: Api, cursor: str) -> None:
    reply = api.get(f"/products?cursor={quote(cursor)}")
    assert reply.status == 400
    assert reply.error_code in ("invalid_cursor", "invalid_request")


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=51", "limit=abc", "sort=cheapest", "category=bad%20id", "q=" + "x" * 51, "limit=1.5"],
)
def test_bad_query_parameters_are_400(api: Api, query: str) -> None:
    reply = api.get(f"/products?{query}")
    assert reply.status == 400
    assert reply.error_code == "invalid_request"
    assert reply.json["error"]["details"][0]["location"] == "query"


def test_product_detail_has_skus_specs_media_and_detail(api: Api) -> None:
    reply = api.get("/products/p-tee-basic")
    assert reply.status == 200
    assert "max-age" in reply.headers["cache-control"]
    p = reply.json
    assert [d["name"] for d in p["specs"]] == ["颜色", "尺码"]
    assert len(p["skus"]) == 3 * 4
    sold_out = [s for s in p["skus"] if s["specs"] == {"颜色": "雾蓝", "尺码": "S"}]
    assert sold_out[0]["stock_state"] == "out_of_stock" and sold_out[0]["stock"] == 0
    xl = [s for s in p["skus"] if s["specs"]["尺码"] == "XL"]
    assert {s["price"] for s in xl} == {8900}
    assert p["price_min"] == 7900 and p["price_max"] == 8900 and p["original_price"] == 12900
    assert p["video"]["url"].endswith(".mp4")
    assert len(p["images"]) == 3
    assert [b["type"] for b in p["detail"]].count("image") >= 1
    assert p["stock_state"] == "in_stock"


def test_low_stock_is_visible(api: Api) -> None:
    skus = api.get("/products/p-hoodie").json["skus"]
    assert {s["stock_state"] for s in skus if s["specs"]["颜色"] == "燕麦"} == {"low_stock"}


def test_product_without_video_has_null_video(api: Api) -> None:
    assert api.get("/products/p-jeans").json["video"] is None


def test_unknown_product_is_404(api: Api) -> None:
    reply = api.get("/products/p-does-not-exist")
    assert reply.status == 404
    assert reply.error_code == "product_not_found"


def test_malformed_product_id_is_400(api: Api) -> None:
    reply = api.get("/products/" + quote("bad id!"))
    assert reply.status == 400
