"""POST /auth/login and GET /me, through the real handlers with moto and the WeChat simulator."""

from __future__ import annotations

import json
import logging

import boto3
import pytest

from shop.adapters import signer, tokens
from shop.users import accounts
from shop.adapters.wechat.miniprogram import WxSession
from tests.conftest import rsa_pair
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("aws", "wechat")


def _login(api: Api, code: str):
    return api.post("/auth/login", {"code": code})


def test_first_login_creates_user_and_returns_a_working_token(api: Api) -> None:
    reply = _login(api, "first-visit")
    assert reply.status == 200
    body = reply.json
    assert body["is_new_user"] is True
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 604800
    assert reply.headers["cache-control"] == "no-store"

    me = api.get("/me", token=body["token"])
    assert me.status == 200
    assert me.json["id"] == body["user_id"]
    assert me.json["nickname"] == "微信用户"


def test_concurrent_logins_each_answer_their_own_caller(api: Api, serialized_dynamodb: None) -> None:
    """Threads play concurrent Lambda instances here (tests/helpers.py): a handler must never see
    another invocation's request - the racing tests depend on it."""
    from concurrent.futures import ThreadPoolExecutor

    def visit(n: int) -> tuple[str, str]:
        reply = _login(api, f"crowd-{n}")
        assert reply.status == 200, reply.text
        body = reply.json
        return body["user_id"], api.get("/me", token=body["token"]).json["id"]

    with ThreadPoolExecutor(max_workers=12) as pool:
        pairs = list(pool.map(visit, range(48)))
    assert all(logged_in == me for logged_in, me in pairs)
    assert len({user for user, _ in pairs}) == 48


def test_same_code_is_same_user_and_not_new(api: Api) -> None:
    first = _login(api, "returning").json
    second = _login(api, "returning").json
    assert second["user_id"] == first["user_id"]
    assert second["is_new_user"] is False
    assert _login(api, "someone-else").json["user_id"] != first["user_id"]


def test_login_never_exposes_wechat_identifiers(api: Api, wechat, app_logs, caplog: pytest.LogCaptureFixture,
                                               capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG)
    import json as jsonlib

    issued: list[str] = []
    from shop.adapters import httpclient

    real_request = httpclient.request

    def spy_request(*args, **kwargs):
        resp = real_request(*args, **kwargs)
        try:
            issued.append(jsonlib.loads(resp.body).get("session_key") or "")
        except (ValueError, AttributeError):
            pass
        return resp

    monkeypatch.setattr(httpclient, "request", spy_request)
    reply = _login(api, "privacy")
    openid = wechat.openid_for("privacy")
    me = api.get("/me", token=reply.json["token"])
    session_key = next(k for k in issued if k)
    # the session_key WeChat issued is not stored at all...
    item = boto3.client("dynamodb").get_item(
        TableName=__import__("os").environ["SHOP_TABLE_NAME"],
        Key={"PK": {"S": f"OPENID#{openid}"}, "SK": {"S": "IDENTITY"}},
    )["Item"]
    assert "session_key" not in item and session_key not in str(item)
    # ...and appears in no response and no log line
    out = capsys.readouterr()
    assert "login" in app_logs.getvalue()
    for text in (reply.text, me.text, out.out, out.err, caplog.text, app_logs.getvalue()):
        assert session_key not in text
        assert openid not in text
    assert "session_key" not in reply.text and "openid" not in me.text


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("invalid", 401, "invalid_code"),
        ("used", 401, "invalid_code"),
        ("busy", 503, "wechat_busy"),
        ("ratelimit", 429, "rate_limited"),
        ("blocked", 403, "user_blocked"),
    ],
)
def test_wechat_refusals_map_to_clear_statuses(api: Api, code: str, status: int, error: str) -> None:
    reply = _login(api, code)
    assert reply.status == status
    assert reply.error_code == error
    assert set(reply.json["error"]) == {"code", "message", "details"}


def test_rate_limit_and_busy_say_when_to_retry(api: Api) -> None:
    assert _login(api, "ratelimit").headers["retry-after"] == "60"
    assert _login(api, "busy").headers["retry-after"] == "1"


def test_wechat_unreachable_is_503(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_API_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    reply = _login(api, "anything")
    assert reply.status == 503
    assert reply.error_code == "wechat_unavailable"


def test_wechat_timeout_is_503(api: Api) -> None:
    reply = _login(api, "slow")  # the simulator waits 10 s; the client gives up after 1 s
    assert reply.status == 503
    assert reply.error_code == "wechat_unavailable"


def test_wrong_app_secret_is_a_502_not_a_401(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_APP_SECRET", "not-the-secret")
    reply = _login(api, "good-code")
    assert reply.status == 502
    assert reply.error_code == "wechat_error"
    assert "not-the-secret" not in reply.text


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": ""},
        {"code": 123},
        {"code": None},
        {"code": "has space"},
        {"code": "x" * 129},
        {"code": "ok", "extra": 1},
        [],
        "just a string",
    ],
)
def test_bad_login_bodies_are_400_and_touch_nothing(api: Api, wechat, body: object) -> None:
    calls = len(wechat.calls)
    reply = api.post("/auth/login", body)
    assert reply.status == 400
    assert reply.error_code == "invalid_request"
    assert len(wechat.calls) == calls


@pytest.mark.parametrize(
    "raw",
    [
        b'{"code": "abc"',
        b'{"code": "\xff\xfe"}',  # not UTF-8: the gateway base64-encodes it, as API Gateway does
        b"[" * 15000 + b"]" * 15,  # nesting deeper than the parser's recursion limit
        b"\x89PNG\r\n",
        b'{"code": NaN}',
    ],
)
def test_malformed_json_is_400(api: Api, raw: bytes) -> None:
    reply = api.request("POST", "/auth/login", body=raw, headers={"content-type": "application/json"})
    assert reply.status == 400
    assert reply.error_code == "malformed_json"


def test_form_body_is_415(api: Api) -> None:
    reply = api.request("POST", "/auth/login", body="code=abc",
                        headers={"content-type": "application/x-www-form-urlencoded"})
    assert reply.status == 415
    assert reply.error_code == "unsupported_media_type"


def test_huge_body_is_413(api: Api) -> None:
    reply = api.post("/auth/login", {"code": "a", "pad": "x" * 20_000})
    assert reply.status == 413
    assert reply.error_code == "payload_too_large"


def test_me_requires_a_valid_token(api: Api) -> None:
    assert api.get("/me").status == 401
    assert api.get("/me").headers["www-authenticate"].startswith("Bearer")
    assert api.get("/me", headers={"authorization": "Basic abc"}).error_code == "invalid_token"
    assert api.get("/me", token="v1.e30.bad").error_code == "invalid_token"
    token = _login(api, "tamper").json["token"]
    header, payload, sig = token.split(".")
    forged_payload = tokens.b64encode(json.dumps({"sub": "u_someoneelse", "iat": 1, "exp": 4102444800}).encode())
    assert api.get("/me", token=f"{header}.{forged_payload}.{sig}").error_code == "invalid_token"


def test_expired_token_is_401_token_expired(api: Api) -> None:
    user_id = _login(api, "expiry").json["user_id"]
    token, _ = signer.issue(user_id, now=1_000_000, ttl=60)
    reply = api.get("/me", token=token)
    assert reply.status == 401
    assert reply.error_code == "token_expired"


def test_token_signed_with_another_key_is_refused(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    user_id = _login(api, "rotation").json["user_id"]
    private, public = rsa_pair()
    with monkeypatch.context() as mp:  # an attacker's own key pair, claiming the shop's key id
        mp.setenv("SESSION_PRIVATE_KEY", private)
        mp.setenv("SESSION_PUBLIC_KEYS", public)
        forged, _ = signer.issue(user_id)
    head, claims, sig = forged.split(".")
    real_kid = next(iter(tokens.key_set(tokens.SHOPPER)))
    real_head = tokens.b64encode(json.dumps(tokens.header(real_kid), separators=(",", ":")).encode())
    assert api.get("/me", token=forged).status == 401
    assert api.get("/me", token=f"{real_head}.{claims}.{sig}").error_code == "invalid_token"


def test_alg_none_and_hmac_tokens_are_refused(api: Api) -> None:
    user_id = _login(api, "alg").json["user_id"]
    claims = tokens.b64encode(json.dumps({"sub": user_id, "iat": 1, "exp": 4102444800}).encode())
    for alg in ("none", "HS256"):
        head = tokens.b64encode(json.dumps({"alg": alg, "typ": "JWT", "kid": next(iter(tokens.key_set(tokens.SHOPPER)))}).encode())
        assert api.get("/me", token=f"{head}.{claims}.").error_code == "invalid_token"
        assert api.get("/me", token=f"{head}.{claims}.c2ln").error_code == "invalid_token"


def test_a_mismatched_key_pair_is_a_500_before_anything_happens(api: Api, wechat,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_PRIVATE_KEY", rsa_pair()[0])
    reply = _login(api, "mismatch")
    assert reply.status == 500
    assert not wechat.calls


def test_losing_the_first_login_race_returns_the_winner(aws) -> None:
    """Two first logins of one openid: the loser's transaction fails its condition and it returns the
    user the winner created (the race itself runs for real against the local stack in tests/e2e)."""
    wx = WxSession(openid="o-race", session_key="sk1")
    winner, created = accounts.find_or_create_user(wx)
    assert created
    real_touch = accounts._touch_identity
    calls = []

    def stale_first_look(session, now):
        calls.append(1)
        return None if len(calls) == 1 else real_touch(session, now)  # saw no identity, then lost

    import unittest.mock

    with unittest.mock.patch.object(accounts, "_touch_identity", stale_first_look):
        loser, created_again = accounts.find_or_create_user(WxSession(openid="o-race", session_key="sk2"))
    assert (loser, created_again) == (winner, False)
    assert len(calls) == 2


def test_a_session_key_stored_by_an_older_version_is_removed_on_the_next_login(api: Api, wechat) -> None:
    import os

    _login(api, "legacy")
    key = {"PK": {"S": f"OPENID#{wechat.openid_for('legacy')}"}, "SK": {"S": "IDENTITY"}}
    ddb = boto3.client("dynamodb")
    ddb.update_item(TableName=os.environ["SHOP_TABLE_NAME"], Key=key, UpdateExpression="SET session_key = :k",
                    ExpressionAttributeValues={":k": {"S": "old-session-key"}})
    assert _login(api, "legacy").status == 200
    assert "session_key" not in ddb.get_item(TableName=os.environ["SHOP_TABLE_NAME"], Key=key)["Item"]
