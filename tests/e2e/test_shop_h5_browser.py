"""The shop front end (miniprogram/, uni-app) as a shopper sees it: its H5 build in Debian's headless
Chromium at a phone's size, against the local stack's API (served on one origin, the API under
/api/: infra/local/edge.py). Screenshots of each page go to test-artifacts/browser/ (shop-*)."""

from __future__ import annotations

import base64
import json
import re
import secrets
import struct
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import ROOT
from tests.e2e.conftest import PATIENCE, REQUEST_TIMEOUT, Stack
from tests.e2e.console_browser_helpers import artifacts_dir

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=60_000)  # a busy machine: the API may queue behind cold starts

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
H5 = ROOT / "miniprogram" / "dist" / "build" / "h5"


def yuan(fen: int) -> str:
    """As miniprogram/src/utils/money.js prints it: 7900 -> "¥79.00"."""
    return f"¥{fen // 100}.{fen % 100:02d}"


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (browsers are never downloaded)")
    assert (H5 / "index.html").exists(), "build the shop first: make miniprogram"
    assert stack.shop_url, "the local stack does not serve the shop's H5 build"
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _phone(browser: Any) -> tuple[Any, Any]:
    """A new shopper: a fresh browser profile at a phone's size, its uncaught errors on ``page.errors``."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    context.set_default_timeout(PATIENCE * 1000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context, page = _phone(browser)
    yield page
    context.close()


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
    assert page.errors == []


def test_the_sku_picker_never_lets_an_out_of_stock_combination_be_chosen(stack: Stack, page: Any) -> None:
    product = stack.get("/products/p-tee-basic").json
    gone = next(s for s in product["skus"] if s["stock"] == 0)  # the seed's 雾蓝 / S
    (color, size), (color_value, size_value) = list(gone["specs"]), list(gone["specs"].values())
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id=p-tee-basic")
    expect(page.locator("[data-test=title]")).to_have_text(product["title"])
    # the gallery opens on the product's video (its cover until played), then the images
    video = page.locator("[data-test=video] video")
    expect(video).to_have_attribute("src", product["video"]["url"])
    expect(video).to_have_attribute("poster", product["video"]["cover_url"])
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
    assert page.errors == []


def test_a_product_that_does_not_exist_says_so_in_words(stack: Stack, page: Any) -> None:
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id=p-no-such-product")
    expect(page.locator("[data-test=error]")).to_contain_text("商品不存在或已下架")
    expect(page.locator("[data-test=error]")).to_contain_text("重试")
    shot(page, "04-detail-missing")


def _all_products(stack: Stack, **query: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        params = urllib.parse.urlencode({**query, "limit": "10", **({"cursor": cursor} if cursor else {})})
        page = stack.get(f"/products?{params}").json
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("[data-test=result] .title").all_inner_texts()]


def test_a_shopper_searches_from_the_home_page(stack: Stack, page: Any) -> None:
    wanted = [p["title"] for p in _all_products(stack, q="T恤")]
    assert wanted
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/")
    page.locator("[data-test=search-entry]").click()
    page.locator("[data-test=search-input] input").fill("T恤")
    page.locator("[data-test=search-go]").click()
    expect(page.locator("[data-test=result]")).to_have_count(len(wanted))
    assert _titles(page) == wanted
    page.locator("[data-test=search-input] input").fill("没有这种商品xyz")
    page.locator("[data-test=search-go]").click()
    expect(page.locator("[data-test=empty]")).to_have_text("没有找到相关商品")
    shot(page, "04b-search-nothing")


def test_a_category_from_the_home_page_lists_that_categorys_products(stack: Stack, page: Any) -> None:
    category = stack.get("/categories").json["items"][0]
    wanted = [p["title"] for p in _all_products(stack, category=category["id"])]
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/")
    page.locator("[data-test=category]", has_text=category["name"]).click()
    expect(page.locator("[data-test=result]")).to_have_count(len(wanted))
    assert _titles(page) == wanted


def test_the_whole_catalog_by_price_loads_page_after_page_as_the_shopper_scrolls(stack: Stack, page: Any) -> None:
    wanted = [p["title"] for p in _all_products(stack, sort="price_asc")]
    assert len(wanted) > 10  # more than one page (10 a page)
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/search/search")
    results = page.locator("[data-test=result]")
    expect(results.first).to_be_visible()
    page.locator("[data-test=sort]", has_text="价格").click()
    expect(results.first).to_contain_text(wanted[0])
    expect(results).to_have_count(10)
    for _ in range(5 * len(wanted)):
        if page.locator("[data-test=footer]", has_text="没有更多了").count():
            break
        page.mouse.wheel(0, 20000)  # to the bottom: onReachBottom loads the next page
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -200)  # and a little back up, as a thumb does, so the next arrival counts
        page.wait_for_timeout(100)
    expect(page.locator("[data-test=footer]")).to_have_text("没有更多了")
    assert _titles(page) == wanted
    shot(page, "05-catalog-by-price")
    page.locator("[data-test=sort]", has_text="价格").click()  # again: highest first
    expect(results.first).to_contain_text(stack.get("/products?sort=price_desc&limit=1").json["items"][0]["title"])


def test_a_shopper_adds_the_picked_sku_to_the_cart_and_a_lost_session_signs_in_again_silently(
        stack: Stack, page: Any) -> None:
    product = stack.get("/products/p-tee-basic").json
    sku = next(s for s in product["skus"] if s["stock"] > 5)
    page.goto("about:blank")
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id=p-tee-basic")
    values = page.locator("[data-test=spec-value]")
    for value in sku["specs"].values():
        values.filter(has_text=value).first.click()
    expect(page.locator("[data-test=price]")).to_have_text(yuan(sku["price"]))
    page.locator("[data-test=add-to-cart]").click()
    expect(page.get_by_text("已加入购物车")).to_be_visible()
    page.locator("[data-test=go-cart]").click()
    line = page.locator("[data-test=cart-line]")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(product["title"])
    expect(line.locator("[data-test=quantity]")).to_have_text("1")
    expect(page.locator("[data-test=total]")).to_have_text(yuan(sku["price"]))
    shot(page, "06-cart")
    # the session token goes bad (expired, keys rotated): the next request is answered 401 and the
    # page signs in again with no prompt, as the same shopper, and goes on
    token = page.evaluate("() => localStorage.getItem('minishop.token')")
    assert token and token.count(".") == 2, token  # uni.setStorageSync keeps a string as it is
    bad = token[:-4] + ("BBBB" if token.endswith("AAAA") else "AAAA")
    assert stack.get("/cart", token=bad).status == 401
    page.evaluate("(bad) => localStorage.setItem('minishop.token', bad)", bad)
    line.locator("[data-test=plus]").click()
    expect(line.locator("[data-test=quantity]")).to_have_text("2")
    expect(page.locator("[data-test=total]")).to_have_text(yuan(2 * sku["price"]))
    # signed in again: a good token (the same one, when the API issues it within the same second)
    assert page.evaluate("() => localStorage.getItem('minishop.token')") != bad
    line.locator("[data-test=remove]").click()
    expect(page.locator("[data-test=empty]")).to_contain_text("购物车还是空的")
    assert page.errors == []


def _shopper_token(page: Any) -> str:
    return page.evaluate("() => localStorage.getItem('minishop.token')")


def test_a_new_shopper_checks_out_with_a_parsed_address_and_the_best_coupons_and_pays(stack: Stack, browser: Any) -> None:
    # no order message templates enabled: nothing to ask the shopper for at 提交订单, nothing reported
    with _order_templates(stack, {"order_shipped": None, "refund_result": None}):
        context, page = _phone(browser)
        try:
            _checkout_journey(stack, page)
            assert page.errors == []
        finally:
            context.close()


def _add_to_cart_with_the_gift_pack(stack: Stack, page: Any, product_id: str, sku: dict[str, Any], times: int) -> str:
    """A new shopper picks ``sku`` on the product's page and taps 加入购物车 ``times`` times; returns
    their token once the new-user gift pack (which arrives from the table's stream) is theirs, so
    that the best coupons at checkout are settled."""
    page.goto(f"{stack.shop_url}/#/pages/product/detail?id={product_id}")
    values = page.locator("[data-test=spec-value]")
    for value in sku["specs"].values():
        values.filter(has_text=value).first.click()
    for _ in range(times):
        page.locator("[data-test=add-to-cart]").click()
        expect(page.get_by_text("已加入购物车")).to_be_visible()
    token = _shopper_token(page)
    deadline = time.monotonic() + PATIENCE
    while len(stack.get("/me/coupons", token=token).json["items"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    return token


def test_a_shopper_picks_up_at_a_store_and_the_order_shows_its_pickup_code(stack: Stack, browser: Any) -> None:
    stores = stack.get("/pickup-stores").json["items"]
    assert len(stores) >= 2, "the demo shop has pickup stores"
    store = stores[-1]  # not the one preselected
    product = stack.get("/products/p-hoodie").json
    sku = next(s for s in product["skus"] if s["stock"] > 3)
    context, page = _phone(browser)
    try:
        token = _add_to_cart_with_the_gift_pack(stack, page, "p-hoodie", sku, times=1)
        page.locator("[data-test=go-cart]").click()
        page.locator("[data-test=checkout]").click()
        page.locator("[data-test=delivery-pickup]").click()
        expect(page.locator("[data-test=store]")).to_have_count(len(stores))
        page.locator("[data-test=store]", has_text=store["name"]).click()
        expect(page.locator("[data-test=store].on")).to_contain_text(store["name"])
        quote = stack.post("/orders/preview", {"items": [{"sku_id": sku["id"], "quantity": 1}], "delivery": "pickup",
                                               "pickup_store_id": store["id"], "best_coupons": True}, token=token).json
        assert quote["freight"] == 0 and quote["orderable"], quote
        expect(page.locator("[data-test=freight]")).to_have_text(yuan(0))
        expect(page.locator("[data-test=payable]")).to_have_text(yuan(quote["payable"]))
        shot(page, "11b-checkout-pickup")
        page.locator("[data-test=submit]").click()
        expect(page.locator("[data-test=status]")).to_have_text("待取货")
        order = stack.get("/orders", token=token).json["items"][0]
        assert order["delivery"] == "pickup" and order["status"] == "PAID" and order["pickup_store"]["id"] == store["id"]
        code = stack.get(f"/orders/{order['id']}/pickup-code", token=token).json
        expect(page.locator("[data-test=pickup-store]")).to_contain_text(store["name"])
        expect(page.locator("[data-test=pickup-code]")).to_contain_text(code["display"])
        expect(page.locator("[data-test=pickup-code]")).to_contain_text("待取货")
        shot(page, "11c-order-pickup-code")
        assert page.errors == []
    finally:
        context.close()


ORDER_EVENTS = ("order_shipped", "refund_result")  # what 提交订单 asks for (miniprogram/src/api/subscribe.ts)
SAVED = ("template_id", "page", "keywords", "enabled")


def _merchant_token() -> str:
    """The operator's token the stack issued at start (dev-merchant, role owner)."""
    return (ROOT / ".dev" / "credentials" / "merchant_token.txt").read_text().strip()


@contextmanager
def _order_templates(stack: Stack, wanted: dict[str, dict[str, Any] | None]) -> Iterator[None]:
    """The merchant's subscribe-message templates of the events in ``wanted`` for the length of a test
    (the tests share one stack): a template (template_id, page, keywords) saved enabled, or None for
    none to ask for (a saved one is disabled). Afterwards each is put back as it was; one saved here
    where there was none is left disabled (a template cannot be deleted)."""
    token = _merchant_token()

    def configs() -> dict[str, dict[str, Any] | None]:
        reply = stack.get("/admin/subscribe-templates", token=token)
        assert reply.status == 200, reply.text
        return {e["event"]: e["config"] for e in reply.json["items"]}

    def put(event: str, body: dict[str, Any]) -> None:
        current = configs()[event]
        if current and {k: current[k] for k in SAVED} == body:
            return
        reply = stack.request("PUT", f"/admin/subscribe-templates/{event}", token=token,
                              json_body={**body, "version": current["version"] if current else 0})
        assert reply.status == 200, reply.text

    before = configs()
    try:
        for event, template in wanted.items():
            if template is not None:
                put(event, {"page": None, **template, "enabled": True})
            elif before[event] and before[event]["enabled"]:
                put(event, {**{k: before[event][k] for k in SAVED}, "enabled": False})
        yield
    finally:
        after = configs()
        for event in wanted:
            if before[event]:
                put(event, {k: before[event][k] for k in SAVED})
            elif after[event] and after[event]["enabled"]:
                put(event, {**{k: after[event][k] for k in SAVED}, "enabled": False})


def _subscription_reports(page: Any) -> list[Any]:
    """The page's POST /me/subscriptions (the answers to the subscribe popup), as they are answered."""
    sent: list[Any] = []
    page.on("response", lambda r: sent.append(r) if r.url.endswith("/api/me/subscriptions")
            and r.request.method == "POST" else None)
    return sent


def _simulator_subscribe_calls(page: Any) -> list[Any]:
    """The page's calls to the simulator's subscribe controls (the H5 build's stand-in for the popup)."""
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if "/sim/_sim/subscribe/" in r.url else None)
    return sent


def test_a_shopper_who_places_an_order_is_asked_for_its_messages_and_the_accept_is_counted(
        stack: Stack, browser: Any) -> None:
    """提交订单 asks for the shop's order message templates (the H5 build's stand-in for the popup
    accepts every one in the simulator, as a shopper tapping 允许 would) and reports the answer: the
    API counts one send for the shopper, and the simulator (WeChat) holds the accept too."""
    template_id = f"e2e-shipped-{secrets.token_hex(6)}"
    keys = {"character_string1": "order_id", "thing2": "product_title"}
    registered = stack.sim("/_sim/subscribe/templates", {"template_id": template_id, "keys": list(keys)})
    assert registered.status == 200, registered.text  # the template in 微信公众平台
    product = stack.get("/products/p-hoodie").json
    sku = next(s for s in product["skus"] if s["stock"] > 3)
    shipped = {"template_id": template_id, "page": "pages/order/detail?id={order_id}", "keywords": keys}
    with _order_templates(stack, {"order_shipped": shipped, "refund_result": None}):
        offered = [t for t in stack.get("/subscribe-templates").json["items"] if t["event"] in ORDER_EVENTS]
        assert offered == [{"event": "order_shipped", "template_id": template_id}], offered
        context, page = _phone(browser)
        try:
            reports, popups = _subscription_reports(page), _simulator_subscribe_calls(page)
            token = _add_to_cart_with_the_gift_pack(stack, page, "p-hoodie", sku, times=1)
            page.locator("[data-test=go-cart]").click()
            page.locator("[data-test=checkout]").click()
            page.locator("[data-test=delivery-pickup]").click()
            expect(page.locator("[data-test=store].on")).to_have_count(1)
            expect(page.locator("[data-test=submit]")).not_to_have_class(re.compile(r"\boff\b"))  # priced: orderable
            assert popups == [] and reports == []  # nothing before the tap
            page.locator("[data-test=submit]").click()
            expect(page.locator("[data-test=status]")).to_have_text("待取货")  # the checkout went on and paid
            order = stack.get("/orders", token=token).json["items"][0]
            assert order["status"] == "PAID", order

            deadline = time.monotonic() + PATIENCE
            while not reports and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            assert len(reports) == 1, reports
            assert reports[0].request.post_data_json == {"results": {template_id: "accept"}}
            assert reports[0].status == 200
            assert reports[0].json() == {"remaining": {template_id: 1}, "ignored": []}
            accepted = [r.post_data_json for r in popups]
            code = page.evaluate("() => localStorage.getItem('minishop.h5-login-code')")
            assert accepted == [{"code": code, "template_id": template_id, "times": 1}], accepted

            from shop.adapters import db
            from shop.messaging import quota

            user_id = stack.get("/me", token=token).json["id"]
            with stack.domain():
                profile = db.from_item(db.client().get_item(
                    TableName=db.table(), Key={"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "PROFILE"}},
                    ConsistentRead=True)["Item"])
                assert quota.remaining(user_id, template_id) == 1  # the shop's count: one send
            query = urllib.parse.urlencode({"openid": profile["openid"], "template_id": template_id})
            with urllib.request.urlopen(f"{stack.wechat_url}/_sim/subscribe/quota?{query}",
                                        timeout=REQUEST_TIMEOUT) as reply:
                assert json.loads(reply.read()) == {"remaining": 1}  # WeChat's: the shopper accepted it once
            shot(page, "11d-order-after-subscribe")
            assert page.errors == []
        finally:
            context.close()
    assert template_id not in {t["template_id"] for t in stack.get("/subscribe-templates").json["items"]}


def _event_batches(page: Any) -> list[dict[str, Any]]:
    """What the page sends to POST /events, with the API's answer, as it happens."""
    sent: list[dict[str, Any]] = []

    def answered(response: Any) -> None:
        if response.url.endswith("/api/events") and response.request.method == "POST":
            sent.append({**response.request.post_data_json, "status": response.status})

    page.on("response", answered)
    return sent


def _checkout_journey(stack: Stack, page: Any) -> None:
    batches = _event_batches(page)
    reports, popups = _subscription_reports(page), _simulator_subscribe_calls(page)
    assert not [t for t in stack.get("/subscribe-templates").json["items"] if t["event"] in ORDER_EVENTS]
    product = stack.get("/products/p-tee-basic").json
    sku = next(s for s in product["skus"] if s["stock"] > 5)
    token = _add_to_cart_with_the_gift_pack(stack, page, "p-tee-basic", sku, times=2)
    page.locator("[data-test=go-cart]").click()
    expect(page.locator("[data-test=quantity]")).to_have_text("2")
    page.locator("[data-test=checkout]").click()

    page.locator("[data-test=paste] textarea").fill("张三 13800138000 广东省深圳市南山区粤海街道科技园路1号")
    page.locator("[data-test=parse]").click()
    expect(page.locator("[data-test=field-district] input")).to_have_value("南山区")
    expect(page.locator("[data-test=field-phone] input")).to_have_value("13800138000")
    shot(page, "07-checkout-parsed-address")
    page.locator("[data-test=save-address]").click()
    expect(page.locator("[data-test=address]")).to_have_count(1)
    expect(page.locator("[data-test=address]")).to_contain_text("张三")

    address_id = stack.get("/addresses", token=token).json["items"][0]["id"]
    best = stack.post("/orders/preview", {"items": [{"sku_id": sku["id"], "quantity": 2}], "delivery": "express",
                                          "address_id": address_id, "best_coupons": True}, token=token).json
    assert best["applied_coupon_ids"], best  # the gift pack applies to ¥158 of T-shirts
    expect(page.locator("[data-test=payable]")).to_have_text(yuan(best["payable"]))
    chosen = page.locator("[data-test=coupon].on")
    expect(chosen).to_have_count(len(best["applied_coupon_ids"]))
    names = {c["id"]: c["name"] for c in best["coupons"]}
    for coupon_id in best["applied_coupon_ids"]:
        expect(page.locator("[data-test=coupon].on", has_text=names[coupon_id])).to_be_visible()
    expect(page.locator("[data-test=discount]")).to_have_text(f"-{yuan(best['discount'])[1:]}")
    shot(page, "08-checkout-best-coupons")

    page.locator("[data-test=submit]").dblclick()  # a double tap places one order
    expect(page.locator("[data-test=status]")).to_have_text("待发货")
    orders = stack.get("/orders", token=token).json["items"]
    assert len(orders) == 1 and orders[0]["status"] == "PAID" and orders[0]["payable"] == best["payable"]
    expect(page.locator("[data-test=payable]")).to_have_text(yuan(best["payable"]))
    expect(page.locator("[data-test=timeline]", has_text="支付")).to_be_visible()
    shot(page, "09-order-paid")

    page.locator("[data-test=refund]").click()  # 申请退款, with a reason
    modal = page.locator(".uni-modal")
    modal.locator("textarea, input").first.fill("尺码拍错了")
    modal.locator(".uni-modal__btn_primary").click()
    row = page.locator("[data-test=refund-row]")
    expect(row).to_contain_text("尺码拍错了")
    refund = stack.get(f"/orders/{orders[0]['id']}", token=token).json["refunds"][0]
    assert refund["reason"] == "尺码拍错了" and refund["amount"] == best["payable"]
    words = {"REQUESTED": "待商家处理", "PROCESSING": "退款中", "SUCCEEDED": "已退款"}
    expect(row).to_contain_text(yuan(refund["amount"]))
    assert refund["status"] in words, refund
    expect(row).to_contain_text(words[refund["status"]])
    expect(page.locator("[data-test=refund]")).to_have_count(0)  # not twice while one is open, or once it paid out
    shot(page, "10-order-refund-requested")

    page.goto(f"{stack.shop_url}/#/pages/me/me")
    expect(page.locator("[data-test=nickname]")).not_to_have_text("加载中…")
    page.locator("[data-test=all-orders]").click()
    card = page.locator("[data-test=order-card]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(yuan(best["payable"]))
    shot(page, "11-my-orders")

    # the dashboard's events went out batched as it happened, and the API took them (202)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not any(e["type"] == "checkout_started" for b in batches for e in b["events"]):
        page.wait_for_timeout(500)
    kinds = [e["type"] for b in batches for e in b["events"]]
    assert {"visit", "product_view", "add_to_cart", "checkout_started"} <= set(kinds), kinds
    assert kinds.count("add_to_cart") == 2 and all(b["status"] == 202 for b in batches), batches
    assert all(b["launch"]["scene"] == 1001 and len(b["events"]) <= 20 for b in batches)
    assert len({b["anonymous_id"] for b in batches}) == 1 and len({b["batch_id"] for b in batches}) == len(batches)
    viewed = [e for b in batches for e in b["events"] if e["type"] == "product_view"]
    assert {e["product_id"] for e in viewed} == {"p-tee-basic"}
    assert reports == [] and popups == []  # no template: 提交订单 asked nothing and reported nothing


def test_a_friend_who_opens_a_shoppers_share_is_bound_to_them(stack: Stack, browser: Any) -> None:
    sharer_context, sharer = _phone(browser)
    friend_context, friend = _phone(browser)
    try:
        sharer.goto(f"{stack.shop_url}/#/pages/share/share")
        code = sharer.locator("[data-test=invite-code]")
        expect(code).not_to_be_empty()
        token = _shopper_token(sharer)
        mine = stack.get("/me/share", token=token).json
        expect(code).to_have_text(mine["invite_code"])
        poster = sharer.locator("[data-test=poster] img")
        expect(poster).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
        with sharer.expect_download() as saved:  # 保存到相册: in the H5 build, a download of the same image
            sharer.locator("[data-test=save-poster]").click()
        assert saved.value.suggested_filename == f"邀请海报-{mine['invite_code']}.png"
        image = Path(saved.value.path()).read_bytes()
        assert image.startswith(b"\x89PNG") and base64.b64encode(image).decode() == poster.get_attribute("src").split(",")[1]
        width, height = struct.unpack(">II", image[16:24])  # the PNG's IHDR
        assert width >= 300 and width * 8 == height * 5, (width, height)  # the 5:8 poster, not the square code alone
        shot(sharer, "12-share")
        assert mine["invited"] == 0

        friend.goto(f"{stack.shop_url}/#/pages/index/index?inviter={mine['invite_code']}")  # the share card's path
        expect(friend.locator("[data-test=product]").first).to_be_visible()
        friend.goto(f"{stack.shop_url}/#/pages/me/me")  # the friend's first sign-in carries the invitation
        expect(friend.locator("[data-test=nickname]")).not_to_have_text("加载中…")
        deadline = time.monotonic() + PATIENCE
        while stack.get("/me/share", token=token).json["invited"] < 1 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert stack.get("/me/share", token=token).json["invited"] == 1
        assert friend.evaluate("() => localStorage.getItem('minishop.inviter')") in (None, "")
        assert sharer.errors == [] and friend.errors == []
    finally:
        sharer_context.close()
        friend_context.close()


def test_a_shopper_claims_a_coupon_in_the_coupon_centre_and_finds_it_in_my_coupons(stack: Stack, browser: Any) -> None:
    context, page = _phone(browser)
    try:
        page.goto(f"{stack.shop_url}/#/pages/me/me")
        expect(page.locator("[data-test=nickname]")).not_to_have_text("加载中…")
        token = _shopper_token(page)
        deadline = time.monotonic() + PATIENCE  # the new-user gift pack (two coupons) comes from the stream
        while len(stack.get("/me/coupons", token=token).json["items"]) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        centre = stack.get("/coupons", token=token).json["items"]
        pick = next(c for c in centre if c["can_claim"])
        page.locator("[data-test=coupon-center]").click()
        card = page.locator("[data-test=center-coupon]", has_text=pick["name"])
        expect(card).to_be_visible()
        card.locator("[data-test=claim]").click()
        expect(page.get_by_text("领取成功")).to_be_visible()
        mine = stack.get("/me/coupons?status=available", token=token).json["items"]
        assert pick["id"] in {c["template_id"] for c in mine}
        shot(page, "13-coupon-centre")
        page.goto(f"{stack.shop_url}/#/pages/coupons/mine")
        expect(page.locator("[data-test=my-coupon]")).to_have_count(len(mine))
        expect(page.locator("[data-test=my-coupon]", has_text=pick["name"])).to_be_visible()
        page.locator("[data-test=coupon-tab]", has_text="已使用").click()
        expect(page.locator("[data-test=empty]")).to_contain_text("没有已使用的优惠券")
        assert page.errors == []
    finally:
        context.close()
