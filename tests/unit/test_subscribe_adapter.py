"""The subscribe-message adapter (shop.adapters.wechat.subscribe) against the WeChat simulator
(infra/local/wechat_subscribe_sim.py): one send per accept, each refusal as its own exception, the
token refreshed once, nothing secret in the logs; and the simulator's own rules."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.wechat_sim import WeChatSimulator
from shop.adapters.wechat import access_token, subscribe
from shop.messaging.keywords import amount_from_fen, render

TEMPLATE = "tmpl-order-shipped"
KEYS = ["character_string1", "thing2", "amount3", "time4", "phrase5"]
VALUES = {"character_string1": "SO-2026-0001", "thing2": "纯棉圆领短袖T恤男女同款夏季宽松上衣白色XL码",
          "amount3": amount_from_fen(12_30), "time4": "2026-12-07 14:30", "phrase5": "已发货"}
PAGE = "pages/order/detail?id=SO-2026-0001"


def _http(sim: WeChatSimulator, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(sim.url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


@pytest.fixture
def sim(wechat: WeChatSimulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[WeChatSimulator]:
    """The conftest simulator with the order-shipped template registered, and no token cached from
    another test's simulator."""
    monkeypatch.setattr(access_token, "_cached", None)
    status, _ = _http(wechat, "POST", "/_sim/subscribe/templates", {"template_id": TEMPLATE, "keys": KEYS})
    assert status == 200
    yield wechat


def _login(sim: WeChatSimulator, code: str) -> str:
    query = f"appid={sim.app_id}&secret={sim.app_secret}&js_code={code}&grant_type=authorization_code"
    return _http(sim, "GET", f"/sns/jscode2session?{query}")[1]["openid"]


def _accept(sim: WeChatSimulator, openid: str, times: int = 1, template_id: str = TEMPLATE) -> dict[str, Any]:
    status, answer = _http(sim, "POST", "/_sim/subscribe/accept",
                           {"openid": openid, "template_id": template_id, "times": times})
    assert status == 200, answer
    return answer


def _send(openid: str, data: dict[str, dict[str, str]] | None = None, **kw: Any) -> None:
    kw.setdefault("page", PAGE)
    kw.setdefault("state", "formal")
    subscribe.send(openid, kw.pop("template_id", TEMPLATE), render(VALUES) if data is None else data, **kw)


def _token_fetches(sim: WeChatSimulator) -> int:
    return sum(1 for call in sim.calls if call == "POST /cgi-bin/stable_token")


def test_one_accept_allows_one_send_which_is_delivered_and_recorded(sim: WeChatSimulator,
                                                                    app_logs: io.StringIO) -> None:
    openid = _login(sim, "buyer-a")
    assert _accept(sim, openid)["remaining"] == 1
    _send(openid)
    (sent,) = _http(sim, "GET", f"/_sim/subscribe/sent?openid={openid}")[1]["sent"]
    assert sent["template_id"] == TEMPLATE and sent["page"] == PAGE and sent["touser"] == openid
    assert (sent["miniprogram_state"], sent["lang"], sent["errcode"]) == ("formal", "zh_CN", 0) and sent["at"]
    assert sent["data"] == render(VALUES) and len(sent["data"]["thing2"]["value"]) == 20  # cut by render
    assert sent["data"]["amount3"] == {"value": "¥12.30"}
    with pytest.raises(subscribe.NotSubscribed) as caught:  # the acceptance is used up
        _send(openid)
    assert caught.value.errcode == 43101 and not caught.value.retryable
    assert isinstance(caught.value, subscribe.SendFailed)
    assert len(_http(sim, "GET", f"/_sim/subscribe/sent?openid={openid}")[1]["sent"]) == 1
    assert len(_http(sim, "GET", f"/_sim/subscribe/sent?openid={openid}&all=1")[1]["sent"]) == 2
    logs = app_logs.getvalue()
    assert sim._token[0] not in logs and openid not in logs
    for secret in ("纯棉圆领", "SO-2026-0001", "¥12.30", "已发货"):  # as written or JSON-escaped
        assert secret not in logs and json.dumps(secret)[1:-1] not in logs
    assert TEMPLATE in logs and "43101" in logs and "thing2" in logs


def test_accepts_accumulate_and_a_reject_switches_them_off(sim: WeChatSimulator) -> None:
    openid = _login(sim, "buyer-b")
    _accept(sim, openid, times=2)
    assert _accept(sim, openid)["remaining"] == 3
    _send(openid)
    assert _http(sim, "GET", f"/_sim/subscribe/quota?openid={openid}&template_id={TEMPLATE}")[1] == {"remaining": 2}
    _http(sim, "POST", "/_sim/subscribe/reject", {"openid": openid, "template_id": TEMPLATE})
    with pytest.raises(subscribe.NotSubscribed):
        _send(openid)


def test_a_value_breaking_its_rule_is_a_bad_keyword_naming_the_key(sim: WeChatSimulator) -> None:
    openid = _login(sim, "buyer-c")
    _accept(sim, openid)
    raw = {**render(VALUES), "thing2": {"value": "纯棉圆领短袖T恤男女同款夏季宽松上衣白色XL码"}}  # 23: not cut
    with pytest.raises(subscribe.BadKeyword) as caught:
        _send(openid, raw)
    assert (caught.value.errcode, caught.value.key) == (47003, "thing2")
    for key, bad in (("phrase5", "已经发货了啊"), ("character_string1", "订单SO1"), ("amount3", "十二元"),
                     ("time4", "明天下午")):
        with pytest.raises(subscribe.BadKeyword) as caught:
            _send(openid, {**render(VALUES), key: {"value": bad}})
        assert caught.value.key == key
    missing = {k: v for k, v in render(VALUES).items() if k != "time4"}
    with pytest.raises(subscribe.BadKeyword) as caught:
        _send(openid, missing)
    assert caught.value.key == "time4"
    _send(openid)  # none of the refused sends used the acceptance


def test_unknown_template_openid_and_page(sim: WeChatSimulator) -> None:
    openid = _login(sim, "buyer-d")
    _accept(sim, openid)
    with pytest.raises(subscribe.BadTemplate) as template:
        _send(openid, template_id="tmpl-nope")
    with pytest.raises(subscribe.BadOpenid) as user:
        _send("o-never-logged-in")
    assert (template.value.errcode, user.value.errcode) == (40037, 40003)
    _http(sim, "POST", "/_sim/subscribe/pages", {"pages": ["pages/index/index", "pages/order/detail"]})
    with pytest.raises(subscribe.PageNotReleased):
        _send(openid, page="pages/new/feature")
    _send(openid, page="/pages/order/detail?id=1", state="trial")
    assert sim.subscribe.sent(openid)[0]["page"] == "pages/order/detail?id=1"
    assert sim.subscribe.sent(openid)[0]["miniprogram_state"] == "trial"
    _accept(sim, openid)
    _send(openid, page=None)
    assert sim.subscribe.sent(openid)[1]["page"] is None
    with pytest.raises(ValueError):
        _send(openid, state="release")


def test_busy_and_quota_are_retryable_with_a_hint(sim: WeChatSimulator) -> None:
    openid = _login(sim, "buyer-e")
    _accept(sim, openid)
    _http(sim, "POST", "/_sim/subscribe/faults", {"errcode": -1, "count": 1})
    with pytest.raises(subscribe.Busy) as caught:
        _send(openid)
    assert caught.value.errcode == -1 and caught.value.retryable and caught.value.retry_after == 1.0
    _http(sim, "POST", "/_sim/subscribe/faults", {"errcode": 45009, "count": 1})
    with pytest.raises(subscribe.Busy) as caught:
        _send(openid)
    assert caught.value.retry_after == 60.0
    _http(sim, "POST", "/_sim/subscribe/faults", {"errcode": -1, "count": 1, "status": 503})
    with pytest.raises(subscribe.Busy) as caught:
        _send(openid)
    assert caught.value.errcode is None
    _http(sim, "POST", "/_sim/subscribe/faults", {"errcode": 40164, "count": 1})
    with pytest.raises(subscribe.SendFailed) as failed:
        _send(openid)
    assert type(failed.value) is subscribe.SendFailed and failed.value.errcode == 40164
    _send(openid)  # faults use no acceptance
    assert len(sim.subscribe.sent(openid)) == 1


def test_unreachable_wechat_is_busy(sim: WeChatSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    openid = _login(sim, "buyer-f")
    access_token.get()
    monkeypatch.setenv("WECHAT_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(subscribe.Busy) as caught:
        _send(openid)
    assert caught.value.errcode is None and caught.value.retryable


def test_a_stale_token_is_refreshed_once_and_the_send_succeeds(sim: WeChatSimulator, app_logs: io.StringIO) -> None:
    openid = _login(sim, "buyer-g")
    _accept(sim, openid, times=2)
    _send(openid)
    stale = access_token.get()
    # WeChat issues a new token (another service forced a refresh): the cached one is now invalid
    sim._stable_token({"grant_type": "client_credential", "appid": sim.app_id, "secret": sim.app_secret,
                       "force_refresh": True})
    assert not sim.token_valid(stale)
    before = _token_fetches(sim)
    _send(openid)
    assert _token_fetches(sim) == before + 1 and len(sim.subscribe.sent(openid)) == 2
    assert access_token.get() == sim._token[0] != stale
    logs = app_logs.getvalue()
    assert stale not in logs and sim._token[0] not in logs


def test_a_token_refused_twice_is_not_refreshed_again(sim: WeChatSimulator) -> None:
    openid = _login(sim, "buyer-h")
    _accept(sim, openid)
    access_token.get()
    before = _token_fetches(sim)
    sim.subscribe.inject(40001, count=2)
    with pytest.raises(subscribe.SendFailed) as caught:
        _send(openid)
    assert caught.value.errcode == 40001 and _token_fetches(sim) == before + 1


# ---------------------------------------------------------------- the simulator's own rules

def test_the_simulator_checks_the_token_and_the_users(sim: WeChatSimulator) -> None:
    status, answer = _http(sim, "POST", "/cgi-bin/message/subscribe/send?access_token=bad", {"touser": "x"})
    assert (status, answer["errcode"]) == (200, 40001)
    assert _http(sim, "POST", "/_sim/subscribe/accept", {"openid": "o-unknown", "template_id": TEMPLATE})[0] == 400
    unknown = _http(sim, "POST", "/_sim/subscribe/accept", {"code": "c1", "template_id": "tmpl-nope"})
    assert unknown == (400, {"errcode": 20001, "errmsg": "No template data return, verify the template id exist"})
    by_code = _http(sim, "POST", "/_sim/subscribe/accept", {"code": "c1", "template_id": TEMPLATE})[1]
    assert by_code["openid"] == sim.openid_for("c1") and by_code["remaining"] == 1
    _send(by_code["openid"])  # an accept by code makes the openid known
    assert _http(sim, "POST", "/_sim/subscribe/templates", {"template_id": "t", "keys": ["bogus1"]})[0] == 400


@pytest.mark.parametrize(("key", "good", "bad"), [
    ("thing1", "x" * 20, "x" * 21), ("number1", "12.5", "12a"), ("letter1", "abc", "ab1"),
    ("symbol1", "!!", "!!!!!!"), ("character_string1", "A-1", "A汉1"), ("phrase1", "已发货", "已发货了吧啊"),
    ("time1", "2026年12月7日 14:30", "25:00"), ("date1", "2026-12-07~2026-12-08", "14:30"),
    ("amount1", "￥12.30元", "12.3.4"), ("phone_number1", "+86-10-1234", "call me"),
    ("car_number1", "粤A8Z888挂", "粤A8Z8888挂"), ("name1", "张三", "张" * 11),
])
def test_the_simulators_keyword_rules(sim: WeChatSimulator, key: str, good: str, bad: str) -> None:
    from infra.local.wechat_subscribe_sim import violation

    kind = key.rstrip("1")
    assert violation(kind, good) is None and violation(kind, bad)


def test_enum_values_are_checked_when_the_template_lists_them(sim: WeChatSimulator) -> None:
    sim.subscribe.register("tmpl-state", ["enum1"], {"enum1": ["待付款", "已发货"]})
    openid = _login(sim, "buyer-i")
    sim.subscribe.accept(openid, "tmpl-state")
    with pytest.raises(subscribe.BadKeyword) as caught:
        subscribe.send(openid, "tmpl-state", {"enum1": {"value": "已取消"}}, page=None, state="formal")
    assert caught.value.key == "enum1"
    subscribe.send(openid, "tmpl-state", {"enum1": {"value": "已发货"}}, page=None, state="formal")


def test_an_accept_can_push_the_popup_event(sim: WeChatSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    pushed: list[tuple[str, dict[str, Any], bool]] = []
    monkeypatch.setattr(sim.shipping, "send_push",
                        lambda url, event, safe=False: pushed.append((url, event, safe)) or 204)
    openid = _login(sim, "buyer-j")
    answer = _http(sim, "POST", "/_sim/subscribe/accept", {
        "openid": openid, "template_id": TEMPLATE, "push_url": "http://shop.test/wechat/push"})[1]
    assert answer["push_status"] == 204
    ((url, event, safe),) = pushed
    assert url == "http://shop.test/wechat/push" and not safe
    assert event["Event"] == "subscribe_msg_popup_event" and event["FromUserName"] == openid
    assert event["List"] == [{"TemplateId": TEMPLATE, "SubscribeStatusString": "accept", "PopupScene": "0"}]
