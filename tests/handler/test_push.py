"""WeChat's mini-program message push (消息推送) through the real handlers, sent by the simulator:
URL verification, plaintext and safe-mode (AES) pushes, forged, stale and foreign pushes refused
with nothing changed, replays applied once, trade_manage_remind_shipping and
trade_manage_order_settlement recorded on the order."""

from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.handler.test_buying import (  # noqa: F401 - fixtures
    TEE, _paid_order, address_id, buyer, merchant_token,
)
from tests.helpers import Api, Reply

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
TOKEN = "pushTokenForTests0123"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters, as WeChat issues them


@pytest.fixture(autouse=True)
def push_secrets(monkeypatch: pytest.MonkeyPatch, wechat) -> None:
    monkeypatch.setenv("WECHAT_PUSH_TOKEN", TOKEN)
    monkeypatch.setenv("WECHAT_PUSH_AES_KEY", AES_KEY)
    wechat.shipping.push_token, wechat.shipping.push_aes_key = TOKEN, AES_KEY


def deliver(api: Api, wechat, event: dict[str, Any], **options: Any) -> Reply:
    query, body = wechat.shipping.push_request(event, **options)
    return api.request("POST", f"/wechat/push?{urlencode(query)}", body=body, headers={"content-type": "application/json"})


def remind(order_id: str, wechat) -> dict[str, Any]:
    t = wechat.pay.transactions[order_id]
    return {"Event": "trade_manage_remind_shipping", "transaction_id": t["transaction_id"], "merchant_id": t["mchid"],
            "sub_merchant_id": "", "merchant_trade_no": order_id, "pay_time": int(time.time()) - 50 * 3600,
            "msg": "你有一笔订单超过48小时未发货"}


def settlement(order_id: str, wechat, **times: int) -> dict[str, Any]:
    t = wechat.pay.transactions[order_id]
    return {"Event": "trade_manage_order_settlement", "transaction_id": t["transaction_id"], "merchant_id": t["mchid"],
            "merchant_trade_no": order_id, "pay_time": int(time.time()) - 3600, "shipped_time": int(time.time()) - 60,
            **times}


def test_url_verification_echoes_only_for_a_valid_fresh_signature(api: Api, wechat) -> None:
    query, _ = wechat.shipping.push_request({})
    reply = api.get(f"/wechat/push?{urlencode({**query, 'echostr': 'echo-123'})}")
    assert (reply.status, reply.text) == (200, "echo-123")
    forged = api.get(f"/wechat/push?{urlencode({**query, 'signature': '0' * 40, 'echostr': 'x'})}")
    assert forged.status == 403 and forged.error_code == "push_rejected" and "x" not in forged.text
    stale, _ = wechat.shipping.push_request({}, timestamp=int(time.time()) - 3600)
    assert api.get(f"/wechat/push?{urlencode({**stale, 'echostr': 'x'})}").status == 403
    other, _ = wechat.shipping.push_request({}, token="another-token")
    assert api.get(f"/wechat/push?{urlencode({**other, 'echostr': 'x'})}").status == 403


def test_remind_shipping_is_shown_until_the_order_ships_and_a_replay_counts_once(api: Api, buyer: str, address_id: str,
                                                                                wechat) -> None:
    merchant = merchant_token()
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    query, body = wechat.shipping.push_request(remind(order_id, wechat))
    for _ in range(2):  # WeChat may deliver it twice
        reply = api.request("POST", f"/wechat/push?{urlencode(query)}", body=body)
        assert (reply.status, reply.text) == (200, "success")
    order = api.get(f"/orders/{order_id}", token=buyer).json
    assert order["shipping_reminder"]["msg"] == "你有一笔订单超过48小时未发货"
    issues = api.get("/admin/shipping/issues", token=merchant).json["items"]
    assert [(i["order_id"], i["kind"]) for i in issues] == [(order_id, "remind_shipping")]
    from shop.buying import orders

    assert orders.load(order_id)["shipping_reminders"] == 1
    api.post(f"/admin/orders/{order_id}/ship", {"carrier": "SF", "tracking_no": "SF1234567890"}, token=merchant)
    assert api.get("/admin/shipping/issues", token=merchant).json["items"] == []


def test_settlement_pushes_in_safe_mode_are_recorded(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    estimate = int(time.time()) + 10 * 86400
    shipped = deliver(api, wechat, settlement(order_id, wechat, estimated_settlement_time=estimate), safe=True)
    assert (shipped.status, shipped.text) == (200, "success")
    settled_at = int(time.time())
    deliver(api, wechat, settlement(order_id, wechat, settlement_time=settled_at, confirm_receive_time=settled_at - 5,
                                    confirm_receive_method=2), safe=True)
    seen = api.get(f"/orders/{order_id}", token=buyer).json["settlement"]
    assert seen["estimated_settlement_at"].startswith(time.strftime("%Y-%m-%d", time.gmtime(estimate)))
    assert seen["settled_at"] and seen["confirm_receive_method"] == 2


def test_forged_stale_and_foreign_pushes_change_nothing(api: Api, buyer: str, address_id: str, wechat) -> None:
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    event = remind(order_id, wechat)
    query, body = wechat.shipping.push_request(event)
    assert api.request("POST", f"/wechat/push?{urlencode({**query, 'signature': 'f' * 40})}", body=body).status == 403
    assert deliver(api, wechat, event, timestamp=int(time.time()) - 600).status == 403  # stale
    assert deliver(api, wechat, event, safe=True, app_id="wx0000000000000000").status == 403  # another app's
    safe_query, safe_body = wechat.shipping.push_request(event, safe=True)
    forged = {**safe_query, "msg_signature": "0" * 40}
    assert api.request("POST", f"/wechat/push?{urlencode(forged)}", body=safe_body).status == 403
    other_key = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")
    assert deliver(api, wechat, event, safe=True, aes_key=other_key).status == 403  # does not decrypt
    assert api.get(f"/orders/{order_id}", token=buyer).json["shipping_reminder"] is None


def test_plaintext_pushes_can_be_refused_for_safe_mode_only(api: Api, buyer: str, address_id: str, wechat,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """In plaintext mode the signature does not cover the body; the deployed stack takes safe mode only."""
    order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
    monkeypatch.setenv("WECHAT_PUSH_SAFE_MODE_ONLY", "true")
    assert deliver(api, wechat, remind(order_id, wechat)).status == 403
    assert deliver(api, wechat, remind(order_id, wechat), safe=True).status == 200
    assert api.get(f"/orders/{order_id}", token=buyer).json["shipping_reminder"]


def test_unknown_events_and_unknown_orders_are_accepted_and_logged(api: Api, wechat) -> None:
    assert deliver(api, wechat, {"Event": "wxa_media_check", "trace_id": "t1"}).text == "success"
    unknown = {"Event": "trade_manage_remind_shipping", "transaction_id": "4200", "merchant_trade_no": "o" + "1" * 25}
    assert deliver(api, wechat, unknown).text == "success"
    assert api.request("POST", "/wechat/push?" + urlencode(wechat.shipping.push_request({})[0]),
                       body=b"<xml></xml>").status in (400, 403)


def test_shipping_issues_page_newest_first_across_both_kinds(api: Api, buyer: str, address_id: str, wechat,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.buying import wechat_push
    from tests.handler.test_shipping import SF, run_uploads

    merchant = merchant_token()
    base = int(time.time()) + 10
    expected: list[tuple[str, str]] = []
    for n in range(5):  # refused uploads at base+0, +2, +4; reminders at base+1, +3
        order_id = _paid_order(api, wechat, buyer, address_id, (TEE, 1))
        if n % 2 == 0:
            api.post(f"/admin/orders/{order_id}/ship", SF, token=merchant)
            wechat.shipping.inject("upload_shipping_info", 10060004, "refused")
            assert run_uploads(base + n)["failed"] == 1
            expected.append((order_id, "upload_failed"))
        else:
            monkeypatch.setattr(wechat_push, "now_epoch", lambda at=base + n: at)
            assert deliver(api, wechat, remind(order_id, wechat)).status == 200
            expected.append((order_id, "remind_shipping"))
    expected.reverse()  # newest first

    def walk(query: str) -> list[list[tuple[str, str]]]:
        pages, cursor = [], None
        while True:
            page = api.get(f"/admin/shipping/issues?{query}" + (f"&cursor={cursor}" if cursor else ""), token=merchant).json
            pages.append([(i["order_id"], i["kind"]) for i in page["items"]])
            cursor = page["next_cursor"]
            if not cursor:
                return pages

    assert walk("limit=2") == [expected[0:2], expected[2:4], expected[4:5]]
    assert [i for page in walk("limit=1&kind=remind_shipping") for i in page] == [e for e in expected if e[1] == "remind_shipping"]
    assert api.get("/admin/shipping/issues", token=merchant).json == {
        "items": api.get("/admin/shipping/issues?limit=50", token=merchant).json["items"], "next_cursor": None}
    first = api.get("/admin/shipping/issues?limit=2", token=merchant).json["next_cursor"]
    for bad in (f"kind=upload_failed&cursor={first}", "cursor=not-a-cursor", "limit=0", "kind=lost"):
        reply = api.get(f"/admin/shipping/issues?{bad}", token=merchant)
        assert reply.status == 400, (bad, reply.text)
