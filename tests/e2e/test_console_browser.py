"""The merchant console (console/, served by the local stack as CloudFront serves it: the built files,
/admin/* passed to the API on the same origin, the template's strict CSP) driven in a real browser:
Debian's Chromium through Playwright, at 1366 x 768, zh-CN, in New York's time zone (so every time
on screen proves it is shown in Beijing time, whatever the browser's zone).

What a merchant sees: the owner signs in and enrolls the second factor, creates and publishes a
product with a 2 x 2 SKU matrix and an uploaded image, ships a paid order, sees the dashboard move
by that order, maps the order-shipped subscribe message to a template (a wrong mapping refused next to
its row, a concurrent save refused and reloaded); customer service does not see the finance pages;
every page renders without a console error. One screenshot per page under $MINISHOP_ARTIFACTS
(default test-artifacts/browser/).

Accounts: the owner is *invited* as an owner with the stack's operator token (dev-merchant, role
owner) rather than made by `create_owner` (infra.tools.owner): that works once per shop, and the
README walkthrough (tests/e2e/test_readme.py, same session stack) creates its own owner with it.
Staff sign-ins from 127.0.0.1 are limited per address (30 per 10 minutes, shared with the other
tests), so each role signs in once and its browser context is reused by every test.
"""

from __future__ import annotations

import io
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import ROOT
from tests.e2e.conftest import PATIENCE, REQUEST_TIMEOUT, Stack
from tests.e2e.console_browser_helpers import Watch, artifacts_dir, beijing_time, count_of, fen_of, yuan

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=60_000)  # a busy machine: the API may queue behind cold starts

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
WAIT = PATIENCE * 1000  # ms: what the stack does on its own (uploads' thumbnails, lists) on a busy machine
PASSWORD = "river-stone-lantern-88"
RUN = uuid.uuid4().hex[:6]
OWNER = f"laoban-{RUN}"
KEFU = f"kefu-{RUN}"
# Images not on the shop's media CDN: the demo catalog's (infra/seed/demo_shop.py: picsum.photos) and
# those the other end-to-end tests give the products they create on this same stack
# (https://img.example.com/...). The template's Content-Security-Policy shows only the shop's own
# media (img-src: the console, data:, blob: and the media CDN), so Chromium logs each blocked load -
# the policy working, not a page failing. The host and the directive are both checked: an image of
# the shop's own media that failed would not match. A merchant's uploads show (test 2 checks it).
# Open: the API accepts any https image URL (catalog/admin_models.py); the console shows only its own.
SEED_IMAGES = r"^Loading the image 'https://(picsum\.photos/seed/minishop-[a-z0-9-]+/800/800|img\.example\.com/[^']+)' " \
              r"violates the following Content Security Policy directive: \"img-src 'self' data: blob: http://127\.0\.0\.1"


@dataclass
class Role:
    name: str
    context: Any
    page: Any
    watch: Watch
    token: str
    shots: list[str] = field(default_factory=list)
    totp_secret: str = ""
    totp_step: int = 0  # the step of the code the owner enrolled with


# --- the browser and the accounts ------------------------------------------------------------

@pytest.fixture(scope="module")
def artifacts() -> Path:
    return artifacts_dir()


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (browsers are never downloaded)")
    assert stack.console_url, "the local stack does not serve the console"
    assert (ROOT / "console" / "dist" / "index.html").exists(), "build the console first: make console"
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def merchant_token() -> str:
    """The operator's token the stack issued at start (dev-merchant, role owner)."""
    return (ROOT / ".dev" / "credentials" / "merchant_token.txt").read_text().strip()


def invite(stack: Stack, token: str, role: str, name: str, display_name: str) -> None:
    body = {"role": role, "display_name": display_name, "channel": "console"}
    made = stack.post("/admin/staff/invites", body, token=token)
    assert made.status == 201, made.text
    code = made.json["invite_code"]
    accepted = stack.post("/admin/staff/accept", {"invite_code": code, "name": name, "password": PASSWORD})
    assert accepted.status in (200, 201), accepted.text
    assert accepted.json["role"] == role


def new_role_context(browser: Any, role: str) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="America/New_York")
    context.set_default_timeout(WAIT)
    page = context.new_page()
    watch = Watch(role)
    watch.expect_message(SEED_IMAGES, "images not on the shop's media CDN (the demo seed's, other tests'), "
                                      "blocked by the template's CSP")
    watch.attach(page)
    return context, page, watch


def shot(role: Role, artifacts: Path, name: str) -> Path:
    path = artifacts / f"{role.watch.role}-{len(role.shots) + 1:02d}-{name}.png"
    role.page.screenshot(path=str(path))
    role.shots.append(path.name)
    return path


def open_sign_in(page: Any, watch: Watch, console_url: str) -> None:
    # a fresh visit has no refresh cookie: the console's POST /admin/auth/refresh is answered 204
    # (nothing to refresh), so nothing is logged; any error here is a problem
    watch.at = "sign-in"
    page.goto(console_url + "/")
    expect(page).to_have_url(re.compile(r"#/sign-in"))
    expect(page.get_by_role("heading", name="微店后台")).to_be_visible()


def signed_in_token(page: Any, click: Any) -> str:
    with page.expect_response(lambda r: r.url.endswith("/admin/auth/sign-in") and r.request.method == "POST") as answer:
        click()
    assert answer.value.status == 200, answer.value.text()
    return answer.value.json()["access_token"]


@pytest.fixture(scope="module")
def owner(browser: Any, stack: Stack, artifacts: Path) -> Iterator[Role]:
    """The owner, invited with the operator's token, signs in for the first time in the UI: the
    password, then the enrollment of an authenticator app (the secret read from the page)."""
    from shop.staff import totp

    invite(stack, merchant_token(), "owner", OWNER, "王老板")
    context, page, watch = new_role_context(browser, "owner")
    role = Role(OWNER, context, page, watch, token="")
    open_sign_in(page, watch, stack.console_url)
    shot(role, artifacts, "sign-in")
    page.get_by_placeholder("员工账号名").fill(OWNER)
    page.get_by_placeholder("密码", exact=True).fill(PASSWORD)
    watch.expect("/admin/auth/sign-in", 401, "the API asks the owner to enroll a second factor "
                                             "(second_factor_setup_required)")
    page.get_by_role("button", name="登录", exact=True).click()
    # the enrollment: a QR code for the app, and the secret to type in by hand
    expect(page.get_by_text("店主和财务账号必须启用动态口令")).to_be_visible()
    expect(page.get_by_role("img", name="动态口令二维码")).to_be_visible()
    secret = page.locator("[data-test=totp-secret]").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    watch.at = "sign-in-enroll"
    shot(role, artifacts, "sign-in-enroll-totp")
    step = int(time.time()) // totp.STEP
    page.get_by_placeholder("6 位数字").fill(totp.code_at(secret, step))
    role.token = signed_in_token(page, lambda: page.get_by_role("button", name="启用动态口令并登录").click())
    role.totp_secret, role.totp_step = secret, step
    expect(page).to_have_url(re.compile(r"#/dashboard$"))
    watch.at = "dashboard"
    yield role
    watch.write(artifacts)
    context.close()


def sign_in_plain(browser: Any, stack: Stack, role_name: str, name: str) -> Role:
    context, page, watch = new_role_context(browser, role_name)
    role = Role(name, context, page, watch, token="")
    open_sign_in(page, watch, stack.console_url)
    page.get_by_placeholder("员工账号名").fill(name)
    page.get_by_placeholder("密码", exact=True).fill(PASSWORD)
    role.token = signed_in_token(page, lambda: page.get_by_role("button", name="登录", exact=True).click())
    expect(page.locator(".el-main")).to_be_visible()
    return role


@pytest.fixture(scope="module")
def kefu(browser: Any, stack: Stack, owner: Role, artifacts: Path) -> Iterator[Role]:
    """A customer-service member (客服), invited by the owner (the owner's token, from the UI's sign-in)."""
    invite(stack, owner.token, "customer_service", KEFU, "客服小美")
    role = sign_in_plain(browser, stack, "kefu", KEFU)
    yield role
    role.watch.write(artifacts)
    role.context.close()


# --- what the tests share: the product, the paid order, the dashboard's figures ----------------------

def tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (480, 480), (30, 110, 200)).save(out, format="PNG")
    return out.getvalue()


def form_item(page: Any, label: str) -> Any:
    label_el = page.locator(".el-form-item__label", has_text=re.compile(f"^{label}$"))
    return page.locator(".el-form-item").filter(has=label_el)


# the 2 x 2 matrix in the order the console lists it (颜色 first): price (yuan as typed), stock
MATRIX = [({"颜色": "红", "尺码": "M"}, "99", 9900, 10), ({"颜色": "红", "尺码": "L"}, "109.5", 10950, 20),
          ({"颜色": "蓝", "尺码": "M"}, "99.90", 9990, 30), ({"颜色": "蓝", "尺码": "L"}, "119.9", 11990, 40)]


@pytest.fixture(scope="module")
def product(owner: Role, stack: Stack, artifacts: Path) -> dict[str, Any]:
    """The owner creates a product in the console: title, category, an uploaded image, 颜色 × 尺码,
    a price and a stock per SKU; 保存并上架."""
    page, watch = owner.page, owner.watch
    watch.at = "products"
    page.goto(stack.console_url + "/#/products")
    page.get_by_role("button", name="新建商品").click()
    expect(page).to_have_url(re.compile(r"#/products/new$"))
    watch.at = "product-new"
    title = f"浏览器测试帆布包 {RUN}"
    form_item(page, "商品标题").locator("input").fill(title)
    form_item(page, "分类").locator(".el-select").click()
    option = page.get_by_role("option").filter(visible=True).first
    category = option.inner_text().strip()
    option.click()
    # the image: the file chooser's input, as if the merchant picked a file
    # the console probes the thumbnail until the S3-triggered thumbnails function has made it (media.js
    # waitForThumbnail: the API has no upload status); a probe before that is a 403/404 from S3
    for status in (403, 404):
        watch.expect("/thumbs/", status, "the thumbnail probed before the thumbnails function made it",
                     times=10, prefix=True)
    png = tiny_png()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "canvas-bag.png", "mimeType": "image/png", "buffer": png}])
    expect(page.get_by_role("img", name="图片 1")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("主图", exact=True)).to_be_visible()
    # 颜色 (the first spec, named already) 红 蓝; 添加规格 尺码 M L
    values = page.get_by_placeholder("输入后回车添加，可用空格或逗号分隔")
    values.first.fill("红 蓝")
    values.first.press("Enter")
    page.get_by_role("button", name="添加规格").click()
    page.get_by_placeholder("如 颜色").nth(1).fill("尺码")
    values.nth(1).fill("M L")
    values.nth(1).press("Enter")
    rows = page.locator(".el-table__body tbody tr")
    expect(rows).to_have_count(4)
    expect(page.get_by_text("当前 4 个组合")).to_be_visible()
    for i, (_specs, price_text, _fen, stock) in enumerate(MATRIX):
        inputs = rows.nth(i).locator("input")
        inputs.nth(0).fill(price_text)  # 售价 (元)
        inputs.nth(0).press("Tab")
        inputs.nth(2).fill(str(stock))  # 库存
        inputs.nth(2).press("Tab")
    shot(owner, artifacts, "product-new-filled")
    page.get_by_role("button", name="保存并上架").click()
    expect(page.get_by_text("已保存并上架")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/products/[A-Za-z0-9_-]+$"))
    product_id = page.url.rsplit("/", 1)[1]
    watch.at = "product-edit"
    expect(page.get_by_text(f"ID {product_id}")).to_be_visible()
    expect(page.locator(".page-head").get_by_text("出售中")).to_be_visible()
    return {"id": product_id, "title": title, "category": category, "png": png}


def dashboard_figures(role: Role, stack: Stack) -> dict[str, Any]:
    """The dashboard's 支付金额 and 支付订单数 as printed (today, Beijing time), after a fresh load."""
    page = role.page
    role.watch.at = "dashboard"
    if page.url.endswith("#/dashboard"):
        page.reload()
    else:
        page.goto(stack.console_url + "/#/dashboard")
    return read_cards(page)


def card_value(page: Any, title: str) -> Any:
    return page.locator(".card").filter(has=page.get_by_text(title, exact=True)).locator(".card-value")


def read_cards(page: Any) -> dict[str, Any]:
    amount, orders = card_value(page, "支付金额"), card_value(page, "支付订单数")
    expect(amount).to_have_text(re.compile(r"^\s*¥[\d,]+\.\d\d\s*$"))
    expect(orders).to_have_text(re.compile(r"^\s*[\d,]+\s*$"))
    live = page.get_by_text(re.compile(r"今日实时")).first.inner_text()
    day = re.search(r"\d{4}-\d{2}-\d{2}", live)
    return {"day": day[0] if day else None, "pay_amount": fen_of(amount.inner_text()),
            "paid_orders": count_of(orders.inner_text())}


def wait_for(check: Any, timeout: float = PATIENCE) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


@pytest.fixture(scope="module")
def paid_order(owner: Role, product: dict[str, Any], stack: Stack) -> dict[str, Any]:
    """A shopper buys 2 × 蓝/L of the new product through the API and pays in the simulator; the
    dashboard's figures are read just before (every earlier change drained into the counters)."""
    stack.drain()
    before = dashboard_figures(owner, stack)
    buyer = stack.post("/auth/login", {"code": f"console-buyer-{RUN}"}).json["token"]
    address = {"name": "李娜", "phone": "13800005678", "province": "广东省", "city": "深圳市",
               "district": "南山区", "detail": "科技园路 2 号"}
    address_id = stack.post("/addresses", address, token=buyer).json["id"]
    shown = stack.get(f"/products/{product['id']}").json
    sku = next(s for s in shown["skus"] if s["specs"] == {"颜色": "蓝", "尺码": "L"})
    body = {"items": [{"sku_id": sku["id"], "quantity": 2}], "delivery": "express", "address_id": address_id}
    created = stack.post("/orders", body, token=buyer, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert created.status == 201, created.text
    order = created.json["order"]
    assert stack.sim(f"/_sim/pay/{order['id']}").status == 200
    wait_for(lambda: stack.get(f"/orders/{order['id']}", token=buyer).json["status"] == "PAID")
    return {"order": order, "buyer": buyer, "before": before}


# --- the tests ------------------------------------------------------------------------------------

def test_the_owner_signs_in_with_a_second_factor_enrolled_in_the_console(owner: Role, stack: Stack) -> None:
    page = owner.page
    # signed in: the dashboard is the owner's landing page; the header says who and which role
    expect(page.locator(".header").get_by_text(OWNER, exact=True)).to_be_visible()
    expect(page.locator(".header").get_by_text("店主", exact=True)).to_be_visible()
    expect(page.get_by_role("menuitem", name="数据看板")).to_be_visible()
    # the API has the second factor on for the account (the next sign-in asks for a code: the last test)
    staff = stack.get("/admin/staff", token=owner.token).json["items"]
    assert next(m for m in staff if m["name"] == OWNER)["second_factor"] is True
    # a reload keeps the sign-in (the HttpOnly refresh cookie), nothing of it in the page's storage
    page.reload()
    expect(page.locator(".header").get_by_text(OWNER, exact=True)).to_be_visible()
    stored = page.evaluate("() => [Object.keys(localStorage), Object.keys(sessionStorage), document.cookie]")
    assert stored == [[], [], ""], stored


def test_a_product_with_a_2x2_sku_matrix_and_an_uploaded_image_is_published(product: dict[str, Any], owner: Role,
                                                                               stack: Stack, artifacts: Path) -> None:
    page = owner.page
    # the console lists the 4 SKUs it saved, each with its stock
    rows = page.locator(".el-table__body tbody tr")
    expect(rows).to_have_count(4)
    for i, (_specs, _text, _fen, stock) in enumerate(MATRIX):
        expect(rows.nth(i)).to_contain_text(str(stock))
    # the shopper's catalog has it: 4 SKUs, their specs and prices, the image
    shown = stack.get(f"/products/{product['id']}")
    assert shown.status == 200, shown.text
    p = shown.json
    assert p["title"] == product["title"]
    assert [d["name"] for d in p["specs"]] == ["颜色", "尺码"]
    assert [d["values"] for d in p["specs"]] == [["红", "蓝"], ["M", "L"]]
    prices = {(s["specs"]["颜色"], s["specs"]["尺码"]): s["price"] for s in p["skus"]}
    assert prices == {(s["颜色"], s["尺码"]): fen for s, _text, fen, _stock in MATRIX}
    assert (p["price_min"], p["price_max"]) == (9900, 11990)
    assert all(s["stock_state"] != "sold_out" for s in p["skus"])
    assert len(p["images"]) == 1
    with urllib.request.urlopen(p["images"][0], timeout=REQUEST_TIMEOUT) as r:
        assert r.read() == product["png"]  # the very file the merchant picked, straight from S3
    # the list shows it on sale, with its price range
    owner.watch.at = "products"
    page.goto(stack.console_url + "/#/products")
    row = page.locator(".el-table__row").filter(has_text=product["title"])
    expect(row).to_contain_text("出售中")
    expect(row).to_contain_text("¥99.00")


def test_a_paid_order_is_listed_and_shipped_from_the_console(paid_order: dict[str, Any], owner: Role, stack: Stack,
                                                              artifacts: Path) -> None:
    page, order = owner.page, paid_order["order"]
    owner.watch.at = "orders"
    page.goto(stack.console_url + "/#/orders")
    row = page.locator(".el-table__row").filter(has_text=order["id"])
    expect(row).to_be_visible()
    expect(row).to_contain_text("待发货")
    expect(row).to_contain_text(yuan(order["payable"]))
    expect(row).to_contain_text("李娜")
    expect(row).to_contain_text(beijing_time(order["created_at"]))  # Beijing time, in a New York browser
    row.get_by_role("link", name=order["id"]).click()
    expect(page).to_have_url(re.compile(f"#/orders/{order['id']}$"))
    owner.watch.at = "order-detail"
    page.get_by_role("button", name="发货", exact=True).click()
    dialog = page.get_by_role("dialog", name="订单发货")
    expect(dialog).to_be_visible()
    owner.watch.at = "ship-dialog"
    carrier = dialog.get_by_role("combobox").first  # 选择快递公司（可输入搜索）
    carrier.click()
    carrier.press_sequentially("顺丰")
    page.get_by_role("option", name=re.compile("顺丰")).filter(visible=True).first.click()
    dialog.get_by_placeholder("运单号").fill("SF1234567890")
    expect(dialog.get_by_text("本次发货后全部商品已发出")).to_be_visible()
    shot(owner, artifacts, "order-ship-dialog")
    dialog.get_by_role("button", name=re.compile("确认发货")).click()
    expect(page.get_by_text("已发货，订单全部发出")).to_be_visible()
    expect(dialog).to_be_hidden()
    owner.watch.at = "order-detail"
    expect(page.get_by_text("SF1234567890").first).to_be_visible()
    # the API has it shipped, with the parcel the merchant entered
    assert stack.get(f"/orders/{order['id']}", token=paid_order["buyer"]).json["status"] == "SHIPPED"
    desk = stack.get(f"/admin/orders/{order['id']}", token=owner.token).json
    assert desk["status"] == "SHIPPED"
    assert [(s["carrier"], s["tracking_no"]) for s in desk["shipments"]] == [("SF", "SF1234567890")]


def test_the_dashboard_moves_by_exactly_the_paid_order(paid_order: dict[str, Any], owner: Role, stack: Stack) -> None:
    before, payable = paid_order["before"], paid_order["order"]["payable"]
    stack.drain()  # the counters come from the table stream
    after = dashboard_figures(owner, stack)
    if after["day"] != before["day"]:
        pytest.skip(f"the Beijing day changed between the two readings ({before['day']} -> {after['day']})")
    page = owner.page
    # the page polls every 10 s: a first reading may predate the drain's last counter
    expect(card_value(page, "支付金额")).to_have_text(yuan(before["pay_amount"] + payable), timeout=30_000)
    expect(card_value(page, "支付订单数")).to_have_text(f"{before['paid_orders'] + 1:,}", timeout=30_000)


def test_customer_service_does_not_see_the_finance_pages(kefu: Role, stack: Stack, artifacts: Path) -> None:
    page = kefu.page
    kefu.watch.at = "landing"
    expect(page.locator(".header").get_by_text("客服", exact=True)).to_be_visible()
    menu = page.get_by_role("menuitem")
    expect(page.get_by_role("menuitem", name="订单列表")).to_be_visible()
    titles = [t.strip() for t in menu.all_inner_texts()]
    assert "对账" not in titles and "数据看板" not in titles, titles
    assert "员工与角色" not in titles and "操作日志" not in titles, titles
    expect(page).to_have_url(re.compile(r"#/products$"))  # the first page the role may see
    shot(kefu, artifacts, "landing")
    for path, name in (("/reconciliation", "reconciliation"), ("/dashboard", "dashboard")):
        kefu.watch.at = f"forbidden-{name}"
        page.goto(f"{stack.console_url}/#{path}")
        expect(page).to_have_url(re.compile(r"#/forbidden"))
        expect(page.get_by_role("main").get_by_text("无权限", exact=True)).to_be_visible()
        expect(page.get_by_text(re.compile(r"您的角色（客服）不能查看这个页面"))).to_be_visible()
        shot(kefu, artifacts, f"forbidden-{name}")
    # and the API refuses them too
    assert stack.get("/admin/reconciliation", token=kefu.token).error_code == "permission_denied"
    assert stack.get("/admin/dashboard", token=kefu.token).error_code == "permission_denied"


SHIP_TEMPLATE = f"e2eShip{RUN}-6sPTaX0bY4QpWsRbYkYj8dZ2mGr9vXqW"  # as 微信公众平台 shows a template id


def pick(page: Any, row: Any, label: str, *, opened: Any = None) -> None:
    """Chooses ``label`` in the row's select of the event's values (the options show the label first,
    then the example and the keyword types it fits); ``opened()`` runs while the options show."""
    row.locator(".el-select").click()
    if opened:
        expect(page.get_by_role("option", name=re.compile(f"^{label}")).filter(visible=True)).to_have_count(1)
        opened()
    page.get_by_role("option", name=re.compile(f"^{label}")).filter(visible=True).first.click()
    expect(row.locator(".el-select")).to_contain_text(label)
    expect(page.locator(".el-select__popper").filter(visible=True)).to_have_count(0)  # closed before the next


def test_the_owner_maps_a_subscribe_message_template_and_a_wrong_mapping_is_refused_next_to_its_row(
        owner: Role, stack: Stack, artifacts: Path) -> None:
    page, watch = owner.page, owner.watch
    watch.at = "subscribe-messages"
    with page.expect_response(lambda r: r.url.endswith("/admin/subscribe-templates")
                              and r.request.method == "GET") as got:
        page.goto(stack.console_url + "/#/settings/subscribe-messages")
    assert got.value.status == 200, got.value.text()
    before = next(i for i in got.value.json()["items"] if i["event"] == "order_shipped")["config"]
    settle(page)
    expect(page.get_by_role("menuitem", name="订阅消息", exact=True)).to_have_class(re.compile(r"is-active"))
    card = page.locator("[data-test=event-order_shipped]")
    expect(card.get_by_role("heading", name="订单发货通知")).to_be_visible()
    refunds = page.locator("[data-test=event-refund_result]")
    expect(refunds.get_by_role("heading", name="退款结果通知")).to_be_visible()
    expect(card.get_by_text("微信公众平台 → 订阅消息 → 我的模板")).to_be_visible()
    expect(card.get_by_text("在发送时会替换成这笔订单的订单号")).to_be_visible()
    page_input = card.get_by_placeholder("pages/order/detail?id={order_id}")
    if before is None:  # nothing saved yet: the suggested page is filled in, one empty keyword row
        expect(card.get_by_text("未设置", exact=True)).to_be_visible()
        expect(page_input).to_have_value("pages/order/detail?id={order_id}")
    else:
        page_input.fill("pages/order/detail?id={order_id}")
    rows = card.locator("[data-test=keyword-row]")
    while rows.count() > 1:
        rows.last.get_by_role("button", name="删除").click()
    # the template of 微信公众平台: character_string1 订单号, thing2 商品名称
    card.get_by_placeholder("如 6sPTaX0bY4QpWsRbYkYj8dZ2mGr9vXqW3uJtEoLcNfA").fill(SHIP_TEMPLATE)
    rows.nth(0).get_by_placeholder("关键词，如 thing1").fill("character_string1")
    pick(page, rows.nth(0), "订单号")
    expect(rows.nth(0)).to_contain_text("可填入 character_string（字符串）")
    card.get_by_role("button", name="添加关键词").click()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_placeholder("关键词，如 thing1").fill("thing2")
    expect(rows.nth(1)).to_contain_text("事物")  # the keyword's type, read from its name
    pick(page, rows.nth(1), "商品名称")
    switch = card.locator(".el-switch")
    if "is-checked" not in (switch.get_attribute("class") or ""):
        switch.click()
    expect(switch).to_have_class(re.compile(r"is-checked"))
    with page.expect_response(lambda r: r.url.endswith("/admin/subscribe-templates/order_shipped")
                              and r.request.method == "PUT") as put:
        card.get_by_role("button", name="保存", exact=True).click()
    assert put.value.status == 200, put.value.text()
    expect(page.get_by_text("订单发货通知已保存并启用")).to_be_visible()
    expect(card.get_by_text("已启用", exact=True)).to_be_visible()
    expect(card.get_by_text("有未保存的修改")).to_have_count(0)
    expect(card.get_by_text(re.compile(rf"最近由 {OWNER} 于 \d{{4}}-\d\d-\d\d \d\d:\d\d 修改"))).to_be_visible()
    shot(owner, artifacts, "subscribe-messages-saved")
    # the API has it (read with the page's own token: the sign-in's first one may have expired by now)
    token = put.value.request.all_headers()["authorization"].removeprefix("Bearer ")
    listed = stack.get("/admin/subscribe-templates", token=token)
    assert listed.status == 200, listed.text
    saved = next(i for i in listed.json["items"] if i["event"] == "order_shipped")["config"]
    assert saved is not None
    assert (saved["template_id"], saved["page"], saved["keywords"], saved["enabled"]) == (
        SHIP_TEMPLATE, "pages/order/detail?id={order_id}", {"character_string1": "order_id", "thing2": "product_title"},
        True)
    assert saved["version"] == (before["version"] if before else 0) + 1
    assert saved["updated_by"] == OWNER

    # a wrong mapping: 订单号 (only a character_string) into thing3; the API's refusal, next to the row
    card.get_by_role("button", name="添加关键词").click()
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_placeholder("关键词，如 thing1").fill("thing3")
    pick(page, rows.nth(2), "订单号", opened=lambda: shot(owner, artifacts, "subscribe-messages-values"))
    watch.expect("/admin/subscribe-templates/order_shipped", 400,
                 "the API refuses thing3 -> order_id (invalid_keyword_mapping), as the test asks")
    with page.expect_response(lambda r: r.url.endswith("/admin/subscribe-templates/order_shipped")
                              and r.request.method == "PUT") as refused:
        card.get_by_role("button", name="保存", exact=True).click()
    assert refused.value.status == 400, refused.value.text()
    problems = refused.value.json()["error"]["details"]["problems"]
    assert [(p["keyword"], p["value"], p["fits"]) for p in problems] == [("thing3", "order_id", ["character_string"])]
    refusal = "“订单号”只能填入 character_string（字符串）类型的关键词，不能填入 thing3（事物类型）。"
    expect(rows.nth(2).locator(".row-error")).to_have_text(refusal)
    expect(rows.nth(0).locator(".row-error")).to_have_count(0)
    expect(rows.nth(1).locator(".row-error")).to_have_count(0)
    expect(card.locator(".el-alert--error")).to_contain_text("有 1 个模板关键词和填入的内容不匹配")
    shot(owner, artifacts, "subscribe-messages-refused")
    # nothing was written
    again = next(i for i in stack.get("/admin/subscribe-templates", token=token).json["items"]
                 if i["event"] == "order_shipped")["config"]
    assert again == saved
    # 放弃修改: back to what is saved
    card.get_by_role("button", name="放弃修改").click()
    expect(rows).to_have_count(2)
    expect(card.locator(".row-error")).to_have_count(0)

    # someone else saves in between (a time3 发货时间 added): this page's save is refused and it reloads
    body = {k: saved[k] for k in ("template_id", "page", "enabled", "version")}
    body["keywords"] = {**saved["keywords"], "time3": "shipped_at"}
    other = stack.request("PUT", "/admin/subscribe-templates/order_shipped", json_body=body, token=token)
    assert other.status == 200, other.text
    switch.click()  # 停用, on the version this page read
    expect(switch).not_to_have_class(re.compile(r"is-checked"))
    watch.expect("/admin/subscribe-templates/order_shipped", 409, "saved on the version before the other save "
                                                                  "(stale_version), as the test asks")
    card.get_by_role("button", name="保存", exact=True).click()
    dialog = page.get_by_role("dialog", name="模板已被修改")
    expect(dialog).to_contain_text("在您编辑期间，其他人保存了“订单发货通知”的模板")
    dialog.get_by_role("button", name="重新加载").click()
    expect(rows).to_have_count(3)
    expect(rows.nth(2).get_by_placeholder("关键词，如 thing1")).to_have_value("time3")
    expect(rows.nth(2).locator(".el-select")).to_contain_text("发货时间")
    expect(switch).to_have_class(re.compile(r"is-checked"))  # what is saved: still enabled
    assert not watch.problems_on("subscribe-messages"), watch.problems_on("subscribe-messages")


def settle(page: Any) -> None:
    """Wait until the page has loaded what it shows: no loading mask, no skeleton."""
    main = page.locator(".el-main")
    expect(main).to_be_visible()
    expect(main.locator(".el-loading-mask")).to_have_count(0)
    expect(main.locator(".el-skeleton")).to_have_count(0)


def look_at(role: Role, artifacts: Path, name: str, open_page: Any) -> dict[str, Any]:
    """Opens a page, waits for it, takes its screenshot; what is wrong with it (console errors, an
    error alert, a page wider than the window)."""
    role.watch.at = name
    open_page()
    settle(role.page)
    page = role.page
    expect(page.get_by_text("页面不存在")).to_have_count(0)
    found: dict[str, Any] = {}
    alerts = page.locator(".el-main .el-alert--error").filter(visible=True)
    if alerts.count():
        found["error alerts"] = alerts.all_inner_texts()
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if wide[0] > wide[1]:
        found["wider than the window"] = wide
    shot(role, artifacts, name)
    if errors := role.watch.problems_on(name):
        found["console"] = [f"{e['type']}: {e['text']} ({e['url']})" for e in errors]
    return found


def test_every_page_renders_at_1366x768_without_console_errors(owner: Role, kefu: Role, product: dict[str, Any],
                                                               paid_order: dict[str, Any], stack: Stack,
                                                               artifacts: Path) -> None:
    page = owner.page
    page.goto(stack.console_url + "/#/dashboard")
    entries = [t.strip() for t in page.get_by_role("menuitem").all_inner_texts()]
    assert len(entries) >= 15, entries
    broken: dict[str, Any] = {}
    for title in entries:
        def click(title: str = title) -> None:
            page.get_by_role("menuitem", name=title, exact=True).click()
            expect(page.get_by_role("menuitem", name=title, exact=True)).to_have_class(re.compile(r"is-active"))
        if found := look_at(owner, artifacts, f"menu-{entries.index(title) + 1:02d}-{title}", click):
            broken[title] = found
    # the detail pages
    details = {
        "product-edit": f"/products/{product['id']}",
        "product-new": "/products/new",
        "order-detail": f"/orders/{paid_order['order']['id']}",
    }
    for name, path in details.items():
        if found := look_at(owner, artifacts, name, lambda path=path: page.goto(f"{stack.console_url}/#{path}")):
            broken[name] = found

    def customer() -> None:
        page.goto(stack.console_url + "/#/customers")
        settle(page)
        page.locator(".el-table__row").first.get_by_role("button", name="查看").click()
        expect(page).to_have_url(re.compile(r"#/customers/.+"))

    def devices() -> None:
        page.locator(".header .user").click()
        page.get_by_role("menuitem", name="我的设备").click()
        expect(page).to_have_url(re.compile(r"#/devices$"))

    for name, opener in (("customer-detail", customer), ("my-devices", devices)):
        if found := look_at(owner, artifacts, name, opener):
            broken[name] = found
    # every page any test looked at, for every role: no console error the test cannot explain
    for role in (owner, kefu):
        for p in role.watch.problems:
            broken.setdefault(f"{role.watch.role}:{p['page']}", {}).setdefault("console", []).append(
                f"{p['type']}: {p['text']} ({p['url']})")
        role.watch.write(artifacts)
    assert not broken, broken


def test_the_owner_signs_in_again_with_the_next_code_and_a_used_code_is_refused(
        browser: Any, owner: Role, stack: Stack, artifacts: Path) -> None:
    from shop.staff import totp

    context, page, watch = new_role_context(browser, "owner-again")
    again = Role(OWNER, context, page, watch, token="")
    try:
        open_sign_in(page, watch, stack.console_url)
        page.get_by_placeholder("员工账号名").fill(OWNER)
        page.get_by_placeholder("密码", exact=True).fill(PASSWORD)
        watch.expect("/admin/auth/sign-in", 401, "the API asks for the code (second_factor_required)")
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_text("请输入手机上身份验证器 App 显示的 6 位动态口令")).to_be_visible()
        # the code the owner enrolled with signs in once only
        watch.expect("/admin/auth/sign-in", 401, "the used code is refused (invalid_totp_code), as the test asks")
        page.get_by_placeholder("6 位数字").fill(totp.code_at(owner.totp_secret, owner.totp_step))
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_text("动态口令不对或已用过")).to_be_visible()
        shot(again, artifacts, "sign-in-used-code")
        while int(time.time()) // totp.STEP <= owner.totp_step:  # a new code only in the next 30 s step
            time.sleep(0.5)
        page.get_by_placeholder("6 位数字").fill(totp.code_at(owner.totp_secret, int(time.time()) // totp.STEP))
        signed_in_token(page, lambda: page.get_by_role("button", name="登录", exact=True).click())
        expect(page).to_have_url(re.compile(r"#/dashboard$"))
        expect(page.locator(".header").get_by_text(OWNER, exact=True)).to_be_visible()
        assert not watch.problems, watch.problems
    finally:
        watch.write(artifacts)
        context.close()
