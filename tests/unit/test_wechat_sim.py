"""The WeChat simulator behaves as the reference says WeChat does."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from infra.local.wechat_sim import WeChatSimulator


@pytest.fixture
def sim() -> Iterator[WeChatSimulator]:
    s = WeChatSimulator(app_id="wx1234567890abcdef", app_secret="s3cret").start()
    yield s
    s.stop()


def _get(sim: WeChatSimulator, path: str) -> dict:
    with urllib.request.urlopen(sim.url + path, timeout=5) as resp:
        return json.loads(resp.read())


def _post(sim: WeChatSimulator, path: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(sim.url + path, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def _code2session(sim: WeChatSimulator, code: str, secret: str = "s3cret", appid: str = "wx1234567890abcdef") -> dict:
    return _get(sim, f"/sns/jscode2session?appid={appid}&secret={secret}&js_code={code}&grant_type=authorization_code")


def test_same_code_same_openid_new_code_new_openid(sim: WeChatSimulator) -> None:
    a, b, c = (_code2session(sim, code) for code in ("alpha", "alpha", "beta"))
    assert a["openid"] == b["openid"] != c["openid"]
    assert a["session_key"] != b["session_key"]  # a new session key per login
    assert _get(sim, "/_sim/openid?code=alpha")["openid"] == a["openid"]


@pytest.mark.parametrize(("code", "errcode"), [("invalid", 40029), ("used", 40163), ("busy", -1),
                                               ("ratelimit", 45011), ("blocked", 40226)])
def test_reserved_codes(sim: WeChatSimulator, code: str, errcode: int) -> None:
    answer = _code2session(sim, code)
    assert answer["errcode"] == errcode and "openid" not in answer


def test_wrong_app_credentials(sim: WeChatSimulator) -> None:
    assert _code2session(sim, "x", secret="nope")["errcode"] == 40125
    assert _code2session(sim, "x", appid="wx0000000000000000")["errcode"] == 40013


def test_stable_token_is_stable_until_forced(sim: WeChatSimulator) -> None:
    body = {"grant_type": "client_credential", "appid": "wx1234567890abcdef", "secret": "s3cret"}
    first, second = _post(sim, "/cgi-bin/stable_token", body)[1], _post(sim, "/cgi-bin/stable_token", body)[1]
    assert first["access_token"] == second["access_token"] and 0 < second["expires_in"] <= 7200
    forced = _post(sim, "/cgi-bin/stable_token", {**body, "force_refresh": True})[1]
    assert forced["access_token"] != first["access_token"]
    assert _post(sim, "/cgi-bin/stable_token", {**body, "secret": "bad"})[1]["errcode"] == 40125


# ---------------------------------------------------------------- shipping management and message push (issue 9)

def _shipping_sim() -> tuple[WeChatSimulator, str]:
    """A simulator with one paid transaction (the pay simulator's record, as its pay() leaves it)."""
    from types import SimpleNamespace

    s = WeChatSimulator(app_id="wx1234567890abcdef", app_secret="s3cret").start()
    s.pay = SimpleNamespace(transactions={"o1": {  # type: ignore[assignment]
        "transaction_id": "4200000000001", "out_trade_no": "o1", "mchid": "1900000109", "trade_state": "SUCCESS",
        "payer": {"openid": "o-payer"}, "amount": {"total": 100}, "description": "T恤"}})
    token = _post(s, "/cgi-bin/stable_token", {"grant_type": "client_credential", "appid": "wx1234567890abcdef",
                                               "secret": "s3cret"})[1]["access_token"]
    return s, token


def _upload(s: WeChatSimulator, token: str, seq: int = 0, **changes: object) -> dict:
    from datetime import UTC, datetime, timedelta

    body = {"order_key": {"order_number_type": 2, "transaction_id": "4200000000001"}, "logistics_type": 1,
            "delivery_mode": 1, "shipping_list": [{"tracking_no": "YT1", "express_company": "YTO", "item_desc": "T恤*1"}],
            "upload_time": (datetime.now(UTC) + timedelta(seconds=seq)).isoformat(), "payer": {"openid": "o-payer"},
            **changes}
    return _post(s, f"/wxa/sec/order/upload_shipping_info?access_token={token}", body)[1]


def test_shipping_upload_rules() -> None:
    s, token = _shipping_sim()
    try:
        assert _post(s, "/wxa/sec/order/upload_shipping_info?access_token=bad", {})[1]["errcode"] == 40001
        unknown = {"order_key": {"order_number_type": 2, "transaction_id": "nope"}}
        assert _upload(s, token, **unknown)["errcode"] == 10060001
        assert _upload(s, token, logistics_type=5)["errcode"] == 47001
        two = [{"tracking_no": f"YT{n}", "express_company": "YTO", "item_desc": "x"} for n in range(2)]
        assert _upload(s, token, shipping_list=two)["errcode"] == 268485228  # unified mode: exactly one
        sixteen = [{"tracking_no": f"YT{n}", "express_company": "YTO", "item_desc": "x"} for n in range(16)]
        assert _upload(s, token, delivery_mode=2, shipping_list=sixteen)["errcode"] == 47001
        assert _upload(s, token, delivery_mode=2, logistics_type=2)["errcode"] == 47001  # split: express only
        bad_carrier = [{"tracking_no": "X1", "express_company": "NOPE", "item_desc": "x"}]
        assert _upload(s, token, shipping_list=bad_carrier)["errmsg"] == "invalid delivery_id"
        sf = [{"tracking_no": "SF1", "express_company": "SF", "item_desc": "x"}]
        assert _upload(s, token, shipping_list=sf)["errcode"] == 47001  # SF needs a contact
        assert _upload(s, token, payer={"openid": "someone-else"})["errcode"] == 10060031
        s.shipping.invisible["4200000000001"] = 2
        assert [_upload(s, token, n)["errcode"] for n in range(3)] == [10060001, 10060001, 0]
        state = _get(s, "/_sim/shipping/orders/4200000000001")["state"]
        assert (state["order_state_name"], state["finish_shipping_count"]) == ("已发货", 1)
        assert _upload(s, token, 0)["errcode"] == 47001  # upload_time not newer
        assert [_upload(s, token, n)["errcode"] for n in (5, 6)] == [0, 10060003]  # one re-ship only
        _post(s, "/_sim/shipping/orders/4200000000001/confirm", {})
        order = _post(s, f"/wxa/sec/order/get_order?access_token={token}", {"transaction_id": "4200000000001"})[1]
        assert order["order"]["order_state"] == 3 and order["order"]["shipping"]["finish_shipping_count"] == 2
    finally:
        s.stop()


def test_split_uploads_finish_with_is_all_delivered_and_faults_are_injectable() -> None:
    s, token = _shipping_sim()
    try:
        one = [{"tracking_no": "YT1", "express_company": "YTO", "item_desc": "a"}]
        both = one + [{"tracking_no": "ZT2", "express_company": "ZTO", "item_desc": "b"}]
        assert _upload(s, token, 1, delivery_mode=2, is_all_delivered=False, shipping_list=one)["errcode"] == 0
        assert s.shipping.orders["4200000000001"]["order_state"] == 1
        assert _upload(s, token, 2, delivery_mode=2, is_all_delivered=True, shipping_list=both)["errcode"] == 0
        assert s.shipping.orders["4200000000001"]["finish_shipping_count"] == 1
        _post(s, "/_sim/shipping/faults", {"api": "get_delivery_list", "errcode": -1, "times": 1})
        url = f"/cgi-bin/express/delivery/open_msg/get_delivery_list?access_token={token}"
        assert _post(s, url, {})[1]["errcode"] == -1
        listed = _post(s, url, {})[1]
        assert {"delivery_id": "SF", "delivery_name": "顺丰速运"} in listed["delivery_list"]
        assert _post(s, f"/wxa/sec/order/set_msg_jump_path?access_token={token}", {"path": "pages/x"})[1]["errcode"] == 0
        assert s.shipping.jump_path == "pages/x"
    finally:
        s.stop()


def test_pushes_are_signed_and_encrypted_as_wechat_does() -> None:
    import base64
    import hashlib

    from shop.adapters.wechat import push

    s = WeChatSimulator(app_id="wx1234567890abcdef", app_secret="s3cret")
    key = base64.b64encode(bytes(range(32))).decode().rstrip("=")
    query, body = s.shipping.push_request({"Event": "x"}, token="tok")
    assert query["signature"] == hashlib.sha1("".join(sorted(["tok", query["timestamp"], query["nonce"]])).encode()).hexdigest()
    assert json.loads(body)["Event"] == "x"
    query, body = s.shipping.push_request({"Event": "y"}, safe=True, token="tok", aes_key=key)
    encrypted = json.loads(body)["Encrypt"]
    assert query["msg_signature"] == push.signature("tok", query["timestamp"], query["nonce"], encrypted)
    assert json.loads(push.decrypt(key, encrypted, "wx1234567890abcdef"))["Event"] == "y"
    with pytest.raises(push.PushRejected, match="wrong_appid"):
        push.decrypt(key, encrypted, "wx0000000000000000")
