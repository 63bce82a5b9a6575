"""The shop front end (miniprogram/, uni-app) as a shopper sees it: its H5 build in Debian's headless
Chromium at a phone's size, against the local stack's API (served on one origin, the API under
/api/: infra/local/edge.py). Screenshots of each page go to test-artifacts/browser/ (shop-*)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import ROOT
from tests.e2e.conftest import PATIENCE, Stack
from tests.e2e.console_browser_helpers import artifacts_dir

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
H5 = ROOT / "miniprogram" / "dist" / "build" / "h5"


def yuan(fen: int) -> str:
    """As miniprogram/src/utils/money.js prints it: 7900 -> "¥79.00"."""
    return f"¥{fen // 100}.{fen % 100:02d}"


@pytest.fixture(scope="module")
def page(stack: Stack) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (browsers are never downloaded)")
    assert (H5 / "index.html").exists(), "build the shop first: make miniprogram"
    assert stack.shop_url, "the local stack does not serve the shop's H5 build"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
        context.set_default_timeout(PATIENCE * 1000)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"shop-{name}.png"), full_page=True)


def test_the_home_page_shows_the_shops_categories_and_best_sellers(stack: Stack, page: Any) -> None:
    categories = [c["name"] for c in stack.get("/categories").json["items"]]
    best = stack.get("/products?sort=sales&limit=6").json["items"]
    page.goto(f"{stack.shop_url}/")
    expect(page.locator("[data-test=product]").first).to_be_visible()
    expect(page.locator("[data-test=category]")).to_have_count(len(categories))
    for name in categories:
        expect(page.locator("[data-test=category]", has_text=name)).to_be_visible()
    first = page.locator(".section").first.locator("[data-test=product]").first
    expect(first).to_contain_text(best[0]["title"])
    low, high = best[0]["price_min"], best[0]["price_max"]
    expect(first).to_contain_text(yuan(low) if low == high else f"{yuan(low)} - {yuan(high)[1:]}")
    shot(page, "01-home")
    first.click()
    expect(page.locator("[data-test=title]")).to_have_text(best[0]["title"])
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_sku_picker_never_lets_an_out_of_stock_combination_be_chosen(stack: Stack, page: Any) -> None:
    product = stack.get("/products/p-tee-basic").json
    gone = next(s for s in product["skus"] if s["stock"] == 0)  # the seed's 雾蓝 / S
    (color, size), (color_value, size_value) = list(gone["specs"]), list(gone["specs"].values())
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id=p-tee-basic")
    expect(page.locator("[data-test=title]")).to_have_text(product["title"])
    values = page.locator("[data-test=spec-value]")
    values.filter(has_text=color_value).first.click()
    blocked = values.filter(has_text=size_value).first
    expect(blocked).to_have_attribute("aria-disabled", "true")
    blocked.click()  # refused: nothing is chosen, the price stays the range
    expect(page.locator("[data-test=stock]")).to_have_text(f"请选择{size}")
    shot(page, "02-detail-out-of-stock")
    other = next(s for s in product["skus"] if s["specs"][color] == color_value and s["stock"] > 0)
    values.filter(has_text=other["specs"][size]).first.click()
    expect(page.locator("[data-test=price]")).to_have_text(yuan(other["price"]))
    expect(page.locator("[data-test=stock]")).to_contain_text(f"已选：{color_value} / {other['specs'][size]}")
    shot(page, "03-detail-chosen")
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_product_that_does_not_exist_says_so_in_words(stack: Stack, page: Any) -> None:
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id=p-no-such-product")
    expect(page.locator("[data-test=error]")).to_contain_text("商品不存在或已下架")
    expect(page.locator("[data-test=error]")).to_contain_text("重试")
    shot(page, "04-detail-missing")
