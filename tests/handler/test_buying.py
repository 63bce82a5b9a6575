"""The money path through the real handlers: cart, addresses, preview, order creation with stock
reservation, WeChat Pay (simulated) and its notifications, cancellation, timeouts, shipping,
confirmation and refunds. Concurrency runs for real against the local stack in tests/e2e."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from infra.local.wechat_sim import WeChatSimulator
from infra.seed.demo_shop import PRODUCTS
from shop.catalog import admin
from shop.buying import orders
from tests.conftest import APP_ID, MERCHANT_PUBLIC_KEY
from tests.helpers import Api, Reply, context, deliver_notifications, load_function, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
TEE, TEE_XL, HOODIE_LOW = "p-tee-basic.02", "p-tee-basic.04", "p-hoodie.01"
ADDRESS = {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市", "district": "南山区",
           "detail": "科技园路1号"}


def stock_of(sku_id: str) -> tuple[int, int]:
    product_id = sku_id.rsplit(".", 1)[0]
    item = boto3.client("dynamodb").get_item(
        TableName=__import__("os").environ["SHOP_TABLE_NAME"],
        Key={"PK": {"S": f"PRODUCT#{product_id}"}, "SK": {"S": f"SKU#{sku_id}"}}, ConsistentRead=True)["Item"]
    return int(item["stock"]["N"]), int(item.get("sold", {"N": "0"})["N"])


def set_sku(product_id: str, **changes: Any) -> None:
    """Change a seeded product's SKUs (price, stock) as the merchant would."""
    product = json.loads(json.dumps(next(p for p in PRODUCTS if p["id"] == product_id)))
    for sku in product["skus"]:
        sku.update(changes)
    names = {"apparel": "服饰", "food": "食品", "home": "家居", "beauty": "美妆", "shoes-bags": "鞋包"}
    admin.put_product(admin.ProductInput.model_validate(product), names[product["category_id"]])


def merchant_token(name: str = "test-merchant", **event: object) -> str:
    """A token for /admin, issued as in AWS: by the MerchantTokens function."""
    answer = load_function("MerchantTokensFunction").lambda_handler({"merchant": name, **event}, context("MerchantTokensFunction"))
    return answer["token"]


@pytest.fixture
def buyer(api: Api) -> str:
    return login(api, "buyer-1")


@pytest.fixture
def address_id(api: Api, buyer: str) -> str:
    reply = api.post("/addresses", ADDRESS, token=buyer)
    assert reply.status == 201, reply.text
    return reply.json["id"]


def checkout(address_id: str | None, *lines: tuple[str, int], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"items": [{"sku_id": s, "quantity": q} for s, q in lines], "delivery": "express"}
    if address_id:
        body["address_id"] = address_id
    return {**body, **extra}


def place(api: Api, token: str, body: dict[str, Any], key: str | None = None) -> Reply:
    return api.post("/orders", body, token=token, headers={"idempotency-key": key or str(uuid.uuid4())})


def pay_and_notify(api: Api, wechat: WeChatSimulator, order_id: str, **options: Any) -> list[Reply]:
    before = len(wechat.sink.received)  # type: ignore[attr-defined]
    wechat.pay.pay(out_trade_no=order_id, **options)  # type: ignore[union-attr]
    return deliver_notifications(api, wechat.sink, options.get("copies", 1), start=before)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- cart

def test_cart_shows_todays_price_and_stock(api: Api, buyer: str) -> None:
    assert api.request("PUT", f"/cart/items/{TEE}", json_body={"quantity": 2}, token=buyer).status == 200
    api.request("PUT", f"/cart/items/{HOODIE_LOW}", json_body={"quantity": 3}, token=buyer)
    cart = api.request("PUT", f"/cart/items/{TEE}", json_body={"quantity": 5}, token=buyer).json
    assert {i["sku_id"]: i["quantity"] for i in cart["items"]} == {TEE: 5, HOODIE_LOW: 3}
    assert cart["available_total"] == 5 * 7900 + 3 * 15900
    set_sku("p-tee-basic", price=6900)
    line = next(i for i in api.get("/cart", token=buyer).json["items"] if i["sku_id"] == TEE)
    assert (line["unit_price"], line["added_price"], line["price_changed"]) == (6900, 7900, True)
    hoodie = next(i for i in api.get("/cart", token=buyer).json["items"] if i["sku_id"] == HOODIE_LOW)
    assert hoodie["stock_state"] == "low_stock" and hoodie["available"]
    after = api.request("DELETE", f"/cart/items/{TEE}", token=buyer).json
    assert [i["sku_id"] for i in after["items"]] == [HOODIE_LOW]
    assert api.request("DELETE", f"/cart/items/{TEE}", token=buyer).status == 200  # removing twice is fine


def test_cart_refuses_unknown_skus_and_bad_quantities(api: Api, buyer: str) -> None:
    assert api.request("PUT", "/cart/items/p-nope.01", json_body={"quantity": 1}, token=buyer).error_code == "sku_not_found"
    for bad in (0, 1000, -1, 1.5, "2"):
        assert api.request("PUT", f"/cart/items/{TEE}", json_body={"quantity": bad}, token=buyer).status == 400
    assert api.request("PUT", "/cart/items/not-a-sku", json_body={"quantity": 1}, token=buyer).status == 400


def test_carts_are_per_buyer(api: Api, buyer: str) -> None:
    api.request("PUT", f"/cart/items/{TEE}", json_body={"quantity": 1}, token=buyer)
    assert api.get("/cart", token=login(api, "someone-else")).json["items"] == []
    assert api.get("/cart").status == 401


def test_cart_holds_at_most_50_lines(api: Api, buyer: str) -> None:
    skus = [s["id"] for p in PRODUCTS for s in p["skus"]][:51]
    for sku in skus[:50]:
        assert api.request("PUT", f"/cart/items/{sku}", json_body={"quantity": 1}, token=buyer).status == 200
    assert api.request("PUT", f"/cart/items/{skus[50]}", json_body={"quantity": 1}, token=buyer).error_code == "cart_full"
    assert api.request("PUT", f"/cart/items/{skus[0]}", json_body={"quantity": 2}, token=buyer).status == 200


# ---------------------------------------------------------------- addresses

def test_address_book_and_its_single_default(api: Api, buyer: str) -> None:
    first = api.post("/addresses", ADDRESS, token=buyer).json
    assert first["is_default"] is True  # the first address is the default
    second = api.post("/addresses", {**ADDRESS, "name": "李四", "is_default": True}, token=buyer).json
    book = api.get("/addresses", token=buyer).json
    assert book["default_id"] == second["id"] and [a["is_default"] for a in book["items"]] == [True, False]
    updated = api.request("PUT", f"/addresses/{first['id']}", json_body={**ADDRESS, "detail": "深南大道1号", "is_default": True},
                          token=buyer).json
    assert updated["detail"] == "深南大道1号" and updated["is_default"]
    assert api.get("/addresses", token=buyer).json["default_id"] == first["id"]
    assert api.request("DELETE", f"/addresses/{first['id']}", token=buyer).status == 204
    book = api.get("/addresses", token=buyer).json
    assert book["default_id"] is None and [a["id"] for a in book["items"]] == [second["id"]]


@pytest.mark.parametrize("change", [{"phone": "12345"}, {"province": "广东"}, {"name": ""}, {"detail": "x"},
                                    {"postal_code": "51805"}, {"price": 1}])
def test_invalid_addresses_are_400(api: Api, buyer: str, change: dict[str, Any]) -> None:
    assert api.post("/addresses", {**ADDRESS, **change}, token=buyer).status == 400


def test_address_book_limit(api: Api, buyer: str) -> None:
    for _ in range(20):
        assert api.post("/addresses", ADDRESS, token=buyer).status == 201
    assert api.post("/addresses", ADDRESS, token=buyer).error_code == "address_book_full"


def test_another_buyers_address_is_not_found(api: Api, buyer: str, address_id: str) -> None:
    other = login(api, "intruder")
    assert api.request("PUT", f"/addresses/{address_id}", json_body=ADDRESS, token=other).error_code == "address_not_found"
    assert api.request("DELETE", f"/addresses/{address_id}", token=other).error_code == "address_not_found"
    quote = api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=other).json
    assert [p["code"] for p in quote["problems"]] == ["address_not_found"]
    assert api.get("/addresses", token=buyer).json["items"][0]["id"] == address_id  # untouched


# ---------------------------------------------------------------- preview

def test_preview_breakdown_and_freight_rules(api: Api, buyer: str, address_id: str) -> None:
    small = api.post("/orders/preview", checkout(address_id, (TEE, 1)), token=buyer).json
    assert (small["goods_total"], small["freight"], small["discount"], small["payable"]) == (7900, 800, 0, 8700)
    assert small["orderable"] and small["lines"][0]["amount"] == 7900 and small["address"]["city"] == "深圳市"
    free = api.post("/orders/preview", checkout(address_id, (TEE, 2)), token=buyer).json
    assert (free["goods_total"], free["freight"], free["payable"]) == (15800, 0, 15800)  # 满 99 包邮
    far = api.post("/addresses", {**ADDRESS, "province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区"},
                   token=buyer).json["id"]
    assert api.post("/orders/preview", checkout(far, (TEE, 1)), token=buyer).json["freight"] == 2000
    hk = api.post("/addresses", {**ADDRESS, "province": "香港特别行政区", "city": "香港", "district": "中西区"},
                  token=buyer).json["id"]
    quote = api.post("/orders/preview", checkout(hk, (TEE, 1)), token=buyer).json
    assert [p["code"] for p in quote["problems"]] == ["unreachable_region"] and not quote["orderable"]


def test_pickup_has_no_freight(api: Api, buyer: str) -> None:
    stores = api.get("/pickup-stores").json["items"]
    body = {"items": [{"sku_id": TEE, "quantity": 1}], "delivery": "pickup", "pickup_store_id": stores[0]["id"]}
    quote = api.post("/orders/preview", body, token=buyer).json
    assert (quote["freight"], quote["payable"], quote["pickup_store"]["id"]) == (0, 7900, stores[0]["id"])
    missing = api.post("/orders/preview", {**body, "pickup_store_id": None}, token=buyer).json
    assert [p["code"] for p in missing["problems"]] == ["pickup_store_required"]


def test_preview_says_why_things_are_unavailable(api: Api, buyer: str, address_id: str) -> None:
    sold_out = "p-tee-basic.09"  # 雾蓝 / S has no stock in the demo shop
    quote = api.post("/orders/preview", checkout(address_id, (sold_out, 1), (HOODIE_LOW, 7), ("p-ghost.01", 1)),
                     token=buyer).json
    codes = {p["sku_id"]: (p["code"], p.get("available")) for p in quote["problems"]}
    assert codes == {sold_out: ("out_of_stock", 0), HOODIE_LOW: ("insufficient_stock", 6), "p-ghost.01": ("sku_not_found", None)}
    assert quote["goods_total"] == 0 and not quote["orderable"]
    set_sku("p-jeans", price=18900)
    admin.put_product(admin.ProductInput.model_validate(
        {**next(p for p in PRODUCTS if p["id"] == "p-jeans"), "status": "off_shelf"}), "服饰")
    off = api.post("/orders/preview", checkout(address_id, ("p-jeans.01", 1)), token=buyer).json
    assert [p["code"] for p in off["problems"]] == ["off_shelf"]


def test_preview_has_no_side_effects(api: Api, buyer: str, address_id: str) -> None:
    before = stock_of(TEE)
    for _ in range(3):
        api.post("/orders/preview", checkout(address_id, (TEE, 3)), token=buyer)
    assert stock_of(TEE) == before
    assert api.get("/orders", token=buyer).json["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"items": [{"sku_id": TEE, "quantity": 1}, {"sku_id": TEE, "quantity": 2}]},
        {"items": [{"sku_id": TEE, "quantity": 1, "price": 1}]},
        {"items": [{"sku_id": TEE, "quantity": 1}], "payable": 1},
        {"items": [{"sku_id": TEE, "quantity": 1}], "delivery": "drone"},
        {"items": [{"sku_id": f"p-x.{i}", "quantity": 1} for i in range(51)]},
    ],
)
def test_client_prices_and_bad_checkouts_are_refused(api: Api, buyer: str, body: dict[str, Any]) -> None:
    assert api.post("/orders/preview", body, token=buyer).status == 400
    reply = place(api, buyer, body)
    assert reply.status == 400
    assert api.get("/orders", token=buyer).json["items"] == []


# ---------------------------------------------------------------- placing an order

def test_placing_an_order_reserves_stock_and_prepays(api: Api, buyer: str, address_id: str, wechat) -> None:
    before = stock_of(TEE)
    reply = place(api, buyer, checkout(address_id, (TEE, 2), remark="请尽快发货"))
    assert reply.status == 201, reply.text
    order, payment = reply.json["order"], reply.json["payment"]
    assert order["status"] == "PENDING_PAYMENT" and order["payable"] == 15800 and order["remark"] == "请尽快发货"
    assert stock_of(TEE) == (before[0] - 2, before[1])
    t = wechat.pay.transactions[order["id"]]
    assert t["amount"]["total"] == 15800 and t["payer"]["openid"] == wechat.openid_for("buyer-1")
    assert payment["package"].startswith("prepay_id=wx") and payment["signType"] == "RSA"
    message = f"{APP_ID}\n{payment['timeStamp']}\n{payment['nonceStr']}\n{payment['package']}\n".encode()
    serialization.load_pem_public_key(MERCHANT_PUBLIC_KEY.encode()).verify(
        base64.b64decode(payment["paySign"]), message, padding.PKCS1v15(), hashes.SHA256())
    deadline = orders._time(order["pay_deadline"]).timestamp() - orders._time(order["created_at"]).timestamp()
    assert deadline == 900


def test_a_retried_order_is_the_same_order(api: Api, buyer: str, address_id: str) -> None:
    before = stock_of(TEE)
    body = checkout(address_id, (TEE, 1))
    first = place(api, buyer, body, key="retry-key-0001")
    second = place(api, buyer, body, key="retry-key-0001")
    assert first.json["order"]["id"] == second.json["order"]["id"] and second.status == 201
    assert second.json["payment"]["package"] == first.json["payment"]["package"]
    assert stock_of(TEE)[0] == before[0] - 1
    assert len(api.get("/orders", token=buyer).json["items"]) == 1
    reused = place(api, buyer, checkout(address_id, (TEE, 2)), key="retry-key-0001")
    assert (reused.status, reused.error_code) == (409, "idempotency_key_reused")


def test_idempotency_key_is_required_and_scoped_to_the_buyer(api: Api, buyer: str, address_id: str) -> None:
    body = checkout(address_id, (TEE, 1))
    assert api.post("/orders", body, token=buyer).error_code == "idempotency_key_required"
    assert place(api, buyer, body, key="short").error_code == "invalid_idempotency_key"
    mine = place(api, buyer, body, key="shared-key-123")
    other = login(api, "buyer-2")
    other_address = api.post("/addresses", ADDRESS, token=other).json["id"]
    theirs = place(api, other, checkout(other_address, (TEE, 1)), key="shared-key-123")
    assert theirs.status == 201 and theirs.json["order"]["id"] != mine.json["order"]["id"]


def test_out_of_stock_is_409_naming_the_sku_and_reserves_nothing(api: Api, buyer: str, address_id: str) -> None:
    before = stock_of(TEE), stock_of(HOODIE_LOW)
    reply = place(api, buyer, checkout(address_id, (TEE, 1), (HOODIE_LOW, 7)))
    assert reply.status == 409 and reply.error_code == "insufficient_stock"
    assert HOODIE_LOW in reply.json["error"]["message"] or HOODIE_LOW in json.dumps(reply.json["error"]["details"])
    assert (stock_of(TEE), stock_of(HOODIE_LOW)) == before
    assert api.get("/orders", token=buyer).json["items"] == []


def test_stock_lost_between_read_and_write_is_409_and_rolls_back(api: Api, buyer: str, address_id: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The transaction's own condition, not the earlier read, decides."""
    from shop.buying import checkout as checkout_module

    real_load = checkout_module.load

    def stale_load(user_id, request, **kw):
        data = real_load(user_id, request, **kw)
        set_sku("p-hoodie", stock=0)  # someone bought the last units after we read
        return data

    before = stock_of(TEE)
    monkeypatch.setattr(checkout_module, "load", stale_load)
    reply = place(api, buyer, checkout(address_id, (TEE, 1), (HOODIE_LOW, 1)))
    assert (reply.status, reply.error_code) == (409, "out_of_stock")
    assert reply.json["error"]["details"] == {"sku_ids": [HOODIE_LOW]}
    assert stock_of(TEE) == before


def test_price_changed_between_read_and_write_is_refused(api: Api, buyer: str, address_id: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.buying import checkout as checkout_module

    real_load = checkout_module.load

    def stale_load(user_id, request, **kw):
        data = real_load(user_id, request, **kw)
        set_sku("p-tee-basic", price=1)
        return data

    monkeypatch.setattr(checkout_module, "load", stale_load)
    assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 409


# ---------------------------------------------------------------- paying

def test_payment_notification_marks_paid_once(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 2))).json["order"]["id"]
    stock_after_order = stock_of(TEE)
    replies = pay_and_notify(api, wechat, order_id, copies=5)
    assert [r.status for r in replies] == [204] * 5
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert order["status"] == "PAID" and order["paid_at"]
    assert stock_of(TEE) == (stock_after_order[0], stock_after_order[1] + 2)  # committed once: sold += 2


def _signed_notification(wechat, order_id: str, **resource_changes: Any) -> tuple[dict[str, str], bytes]:
    t = wechat.pay._transaction_view(wechat.pay.transactions[order_id])
    t.update(trade_state="SUCCESS", transaction_id="4200000000000000000000000001", success_time="2026-11-25T18:00:00+08:00")
    t.update(resource_changes)
    return wechat.pay.notification("TRANSACTION.SUCCESS", "transaction", t, "支付成功")


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda h, b: ({**h, "Wechatpay-Signature": base64.b64encode(b"f" * 256).decode()}, b), "bad signature"),
        (lambda h, b: ({**h, "Wechatpay-Serial": "PUB_KEY_ID_WRONG"}, b), "unknown serial"),
        (lambda h, b: ({**h, "Wechatpay-Timestamp": str(int(time.time()) - 600)}, b), "stale timestamp"),
        (lambda h, b: (h, b.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS "')), "bad signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Wechatpay-Nonce"}, b), "missing wechatpay-nonce"),
        (lambda h, b: ({}, b), "missing wechatpay-timestamp"),
        (lambda h, b: (h, b'{"id": '), "bad signature"),
        (lambda h, b: ({**h, "Wechatpay-Signature": "WECHATPAY/SIGNTEST/xyz"}, b), "signature probe"),
    ],
)
def test_forged_or_broken_notifications_are_refused_and_change_nothing(
    api: Api, buyer: str, address_id: str, wechat, mangle, reason: str
) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    headers, body = mangle(*_signed_notification(wechat, order_id))
    reply = api.request("POST", "/pay/notify", body=body, headers=headers)
    assert reply.status == 401
    assert reply.json == {"code": "FAIL", "message": f"verification failed: {reason}"}
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PENDING_PAYMENT"


def test_a_notification_encrypted_with_another_apiv3_key_is_refused(api: Api, buyer: str, address_id: str, wechat) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    wechat.pay.aead = AESGCM(b"x" * 32)  # a WeChat Pay account with another APIv3 key
    headers, body = _signed_notification(wechat, order_id)
    reply = api.request("POST", "/pay/notify", body=body, headers=headers)
    assert (reply.status, reply.json["message"]) == (401, "verification failed: decryption failed")
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PENDING_PAYMENT"


@pytest.mark.parametrize("change", [{"amount": {"total": 1, "currency": "CNY"}}, {"mchid": "1999999999"},
                                    {"appid": "wx0000000000000001"}])
def test_mismatched_payments_are_recorded_not_applied(api: Api, buyer: str, address_id: str, wechat,
                                                      change: dict[str, Any]) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    headers, body = _signed_notification(wechat, order_id, **change)
    assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204  # recorded; no retry helps
    # another merchant's payment is none of ours; one of ours that the order cannot take spends its
    # out_trade_no: the order leaves the timers (stock released) and the payment is refunded in full
    expected = "PENDING_PAYMENT" if "mchid" in change else "PAYMENT_EXCEPTION"
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == expected
    events = boto3.client("dynamodb").query(
        TableName=__import__("os").environ["SHOP_TABLE_NAME"], KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PAYEVENT#{order_id}"}})["Items"]
    assert [e["kind"]["S"] for e in events] == ["mismatch"]


def test_unknown_orders_are_refused_so_wechat_retries(api: Api, wechat) -> None:
    headers, body = wechat.pay.notification("TRANSACTION.SUCCESS", "transaction", {
        "out_trade_no": "oUNKNOWN00000000000000000", "trade_state": "SUCCESS", "transaction_id": "42",
        "mchid": "1900000109", "appid": APP_ID, "amount": {"total": 100, "currency": "CNY"}}, "支付成功")
    reply = api.request("POST", "/pay/notify", body=body, headers=headers)
    assert reply.status == 404 and reply.json["code"] == "FAIL"


def test_sync_applies_a_payment_whose_notification_is_late(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    assert api.post(f"/orders/{order_id}/sync", token=buyer).json["status"] == "PENDING_PAYMENT"
    wechat.pay.pay(out_trade_no=order_id, notify=False)
    assert api.post(f"/orders/{order_id}/sync", token=buyer).json["status"] == "PAID"
    wechat.pay.renotify(order_id)  # and when the notification finally comes, nothing changes
    assert deliver_notifications(api, wechat.sink, 1)[0].status == 204
    assert stock_of(TEE)[1] == 1


def test_sync_when_wechat_pay_refuses_the_query_is_502_and_changes_nothing(api: Api, buyer: str, address_id: str,
                                                                           wechat, monkeypatch) -> None:
    from infra.local.wechatpay_sim import PayError

    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]

    def refuse(no: str, mchid: str | None) -> dict:
        raise PayError(400, "INVALID_REQUEST", "商户号异常")

    monkeypatch.setattr(wechat.pay, "query", refuse)
    reply = api.post(f"/orders/{order_id}/sync", token=buyer)
    assert reply.status == 502 and reply.error_code == "wechatpay_error", reply.text
    assert reply.json["error"]["details"] == {"wechatpay_code": "INVALID_REQUEST"}
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PENDING_PAYMENT"


def test_pay_again_reissues_parameters_only_while_pending(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    again = api.post(f"/orders/{order_id}/pay", token=buyer)
    assert again.status == 200 and again.json["package"].startswith("prepay_id=")
    pay_and_notify(api, wechat, order_id)
    assert api.post(f"/orders/{order_id}/pay", token=buyer).error_code == "order_not_payable"


# ---------------------------------------------------------------- cancelling and timing out

def test_cancel_releases_stock_and_closes_the_wechat_order(api: Api, buyer: str, address_id: str, wechat) -> None:
    before = stock_of(TEE)
    order_id = place(api, buyer, checkout(address_id, (TEE, 3))).json["order"]["id"]
    cancelled = api.post(f"/orders/{order_id}/cancel", token=buyer)
    assert cancelled.status == 200 and cancelled.json["status"] == "CANCELLED" and cancelled.json["cancel_reason"] == "user"
    assert stock_of(TEE) == before
    assert wechat.pay.transactions[order_id]["trade_state"] == "CLOSED"
    assert api.post(f"/orders/{order_id}/cancel", token=buyer).error_code == "order_not_cancellable"


def test_cancelling_an_order_paid_a_moment_ago_applies_the_payment(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    wechat.pay.pay(out_trade_no=order_id, notify=False)
    assert api.post(f"/orders/{order_id}/cancel", token=buyer).error_code == "order_already_paid"
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PAID"


def settle(api: Api, wechat, refund_id: str, status: str = "SUCCESS") -> list[Reply]:
    """WeChat Pay settles a refund and notifies; the notification is handed to /pay/notify."""
    start = len(wechat.sink.received)
    wechat.pay.settle_refund(refund_id, status)
    return deliver_notifications(api, wechat.sink, 1, start=start)


def _fire_timers(api: Api, at: float) -> dict[str, int]:
    from infra.local.gateway import scheduled_event
    from tests.helpers import context, load_function

    return load_function("OrderTimersFunction").lambda_handler(scheduled_event("OrderTimersFunction", at),
                                                              context("OrderTimersFunction"))


def test_unpaid_orders_time_out_at_their_deadline(api: Api, buyer: str, address_id: str, wechat) -> None:
    before = stock_of(TEE)
    order = place(api, buyer, checkout(address_id, (TEE, 2))).json["order"]
    deadline = orders._time(order["pay_deadline"]).timestamp()
    assert _fire_timers(api, deadline - 1)["cancelled"] == 0
    assert api.get(f"/orders/{order['id']}", token=buyer).json["status"] == "PENDING_PAYMENT"
    assert _fire_timers(api, deadline + 1)["cancelled"] == 1
    timed_out = api.get(f"/orders/{order['id']}", token=buyer).json
    assert (timed_out["status"], timed_out["cancel_reason"]) == ("CANCELLED", "timeout")
    assert stock_of(TEE) == before and wechat.pay.transactions[order["id"]]["trade_state"] == "CLOSED"
    assert _fire_timers(api, deadline + 120)["due"] == 0  # nothing left to do


def test_a_payment_the_timeout_finds_is_applied_not_cancelled(api: Api, buyer: str, address_id: str, wechat) -> None:
    order = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]
    wechat.pay.pay(out_trade_no=order["id"], notify=False)  # paid, but the notification is late
    _fire_timers(api, orders._time(order["pay_deadline"]).timestamp() + 1)
    assert api.get(f"/orders/{order['id']}", token=buyer).json["status"] == "PAID"


def test_payment_after_timeout_cancel_is_refunded_automatically(api: Api, buyer: str, address_id: str, wechat) -> None:
    before = stock_of(TEE)
    order = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]
    real_close = wechat.pay.close
    wechat.pay.close = lambda no, body: None  # WeChat Pay lost the close: the buyer can still pay
    try:
        _fire_timers(api, orders._time(order["pay_deadline"]).timestamp() + 1)
    finally:
        wechat.pay.close = real_close
    wechat.pay.transactions[order["id"]]["time_expire"] = None
    replies = pay_and_notify(api, wechat, order["id"], copies=2)
    assert [r.status for r in replies] == [204, 204]
    seen = api.get(f"/orders/{order['id']}", token=buyer).json
    assert seen["status"] == "CANCELLED" and seen["late_payment"] is True
    assert [(r["requested_by"], r["status"], r["amount"]) for r in seen["refunds"]] == [("system", "PROCESSING", 8700)]
    late = wechat.pay.refunds[f"{order['id']}-late"]
    assert late["refund"] == 8700
    assert settle(api, wechat, late["out_refund_no"])[0].status == 204
    seen = api.get(f"/orders/{order['id']}", token=buyer).json
    assert seen["refunds"][0]["status"] == "SUCCEEDED" and seen["refunded_total"] == 8700
    assert stock_of(TEE) == before  # released at the cancel, not again at the refund


# ---------------------------------------------------------------- shipping and refunds

def _paid_order(api: Api, wechat, token: str, address_id: str, *lines: tuple[str, int]) -> str:
    order_id = place(api, token, checkout(address_id, *lines)).json["order"]["id"]
    pay_and_notify(api, wechat, order_id)
    return order_id


def test_ship_confirm_and_auto_complete(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    ship = {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}
    assert api.post(f"/admin/orders/{order_id}/ship", ship, token=buyer).status == 401  # a shopper is not the merchant
    assert api.post(f"/orders/{order_id}/confirm", token=buyer).error_code == "order_not_confirmable"
    shipped = api.post(f"/admin/orders/{order_id}/ship", ship, token=merchant).json
    assert shipped["status"] == "SHIPPED" and shipped["shipment"] == ship
    assert api.post(f"/admin/orders/{order_id}/ship", ship, token=merchant).error_code == "order_not_shippable"
    assert api.post(f"/orders/{order_id}/confirm", token=buyer).json["status"] == "COMPLETED"
    second = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    api.post(f"/admin/orders/{second}/ship", ship, token=merchant)
    due = orders._time(api.get(f"/orders/{second}", token=buyer).json["auto_complete_at"]).timestamp()
    assert _fire_timers(api, due + 1)["completed"] == 1
    assert api.get(f"/orders/{second}", token=buyer).json["status"] == "COMPLETED"


def test_partial_refund_approved_and_settled(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 3))
    stock_paid = stock_of(TEE)
    asked = api.post(f"/orders/{order_id}/refund", {"reason": "尺码不合适", "lines": [{"sku_id": TEE, "quantity": 2}]},
                     token=buyer)
    assert asked.status == 201
    refund = asked.json["refunds"][0]
    assert (refund["status"], refund["amount"], refund["freight"]) == ("REQUESTED", 15800, 0)
    assert asked.json["lines"][0]["refundable_quantity"] == 1
    too_much = api.post(f"/orders/{order_id}/refund", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 2}]}, token=buyer)
    assert too_much.error_code == "refund_exceeds_order"
    assert api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=buyer).status == 401
    approved = api.post(f"/admin/refunds/{refund['id']}/approve", {"note": "同意"}, token=merchant).json
    assert approved["status"] == "PROCESSING" and wechat.pay.refunds[refund["id"]]["refund"] == 15800
    assert [r.status for r in settle(api, wechat, refund["id"])] == [204]
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert order["refunds"][0]["status"] == "SUCCEEDED" and order["refunded_total"] == 15800
    assert order["status"] == "PAID"  # one unit is still bought
    # refunded before shipping: the units are back on sale, and no longer count as sold
    assert stock_of(TEE) == (stock_paid[0] + 2, stock_paid[1] - 2)


def test_full_refund_before_shipping_includes_freight_and_closes_the_order(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))  # 79 + 8 freight
    refund = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了"}, token=buyer).json["refunds"][0]
    assert (refund["amount"], refund["freight"]) == (8700, 800)
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    settle(api, wechat, refund["id"])
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert (order["status"], order["refunded_total"]) == ("CLOSED", 8700)
    assert api.post(f"/orders/{order_id}/refund", {"reason": "again"}, token=buyer).error_code == "refund_not_allowed"


def test_rejected_and_closed_refunds_give_the_units_back(api: Api, buyer: str, address_id: str, wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 2))
    first = api.post(f"/orders/{order_id}/refund", {"reason": "a"}, token=buyer).json["refunds"][0]
    rejected = api.post(f"/admin/refunds/{first['id']}/reject", {"note": "已发货"}, token=merchant).json
    assert (rejected["status"], rejected["merchant_note"]) == ("REJECTED", "已发货")
    assert api.post(f"/admin/refunds/{first['id']}/approve", {}, token=merchant).error_code == "refund_not_pending"
    second = [r for r in api.post(f"/orders/{order_id}/refund", {"reason": "b"}, token=buyer).json["refunds"]
              if r["status"] == "REQUESTED"][0]
    assert second["amount"] == first["amount"]  # the same units could be asked for again
    api.post(f"/admin/refunds/{second['id']}/approve", {}, token=merchant)
    settle(api, wechat, second["id"], "CLOSED")
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert [r["status"] for r in order["refunds"]] == ["REJECTED", "CLOSED"]
    assert order["lines"][0]["refundable_quantity"] == 2 and order["refunded_total"] == 0


def test_refund_notifications_are_applied_once(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 2))
    stock_paid = stock_of(TEE)
    refund = api.post(f"/orders/{order_id}/refund", {"reason": "x", "lines": [{"sku_id": TEE, "quantity": 1}]},
                      token=buyer).json["refunds"][0]
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=merchant_token())
    start = len(wechat.sink.received)
    wechat.pay.settle_refund(refund["id"], "SUCCESS")
    (headers, body), = wechat.sink.wait_for(start + 1)[start:]
    for _ in range(3):
        assert api.request("POST", "/pay/notify", body=body, headers=headers).status == 204
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert order["refunded_total"] == 7900 and stock_of(TEE)[0] == stock_paid[0] + 1


# ---------------------------------------------------------------- whose order

def test_another_buyers_order_is_404_on_every_route(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"]
    other = login(api, "curious")
    calls = [("GET", f"/orders/{order_id}", None), ("POST", f"/orders/{order_id}/pay", None),
             ("POST", f"/orders/{order_id}/sync", None), ("POST", f"/orders/{order_id}/cancel", None),
             ("POST", f"/orders/{order_id}/confirm", None), ("POST", f"/orders/{order_id}/refund", {"reason": "x"})]
    for method, path, body in calls:
        theirs = api.request(method, path, json_body=body, token=other)
        nobodys = api.request(method, path.replace(order_id, "o" + "0" * 25), json_body=body, token=other)
        assert (theirs.status, theirs.json) == (nobodys.status, nobodys.json) == (404, nobodys.json), path
        assert theirs.error_code == "order_not_found"
    assert api.get(f"/orders/{order_id}", token=buyer).json["status"] == "PENDING_PAYMENT"
    assert api.get("/orders", token=other).json["items"] == []


def test_orders_list_by_status_with_pagination(api: Api, buyer: str, address_id: str, wechat) -> None:
    ids = [place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"] for _ in range(2)]
    pay_and_notify(api, wechat, ids[0])
    pay_and_notify(api, wechat, ids[1])  # at most 3 unpaid orders at once (ORDER_MAX_OPEN_UNPAID)
    ids += [place(api, buyer, checkout(address_id, (TEE, 1))).json["order"]["id"] for _ in range(3)]
    seen, cursor = [], None
    while True:
        page = api.get("/orders?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=buyer).json
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)
    assert [o["id"] for o in api.get("/orders?status=PAID", token=buyer).json["items"]] == [ids[1], ids[0]]
    assert len(api.get("/orders?status=PENDING_PAYMENT", token=buyer).json["items"]) == 3
    assert api.get("/orders?status=LOST", token=buyer).status == 400
    assert api.get("/orders?cursor=bad", token=buyer).error_code == "invalid_cursor"
