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
