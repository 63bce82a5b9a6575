"""Staff sign-in: passwords slowed and locked against guessing, TOTP for owner and finance, refresh
tokens rotated on use with reuse detection, signing out one device or everywhere, WeChat sign-in
for pickup verifiers (docs/staff.md, "Signing in")."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from infra.local.gateway import build_event
from tests.handler.test_buying import merchant_token
from tests.helpers import Api, context, load_function

pytestmark = pytest.mark.usefixtures("aws", "wechat")

PASSWORD = "correct horse battery"
WRONG = "wrong horse battery"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at N=2^10 in the tests (the stored form names its parameters; the rules are the same)."""
    from shop.staff import passwords

    monkeypatch.setattr(passwords, "LOG2_N", 10)
    monkeypatch.setenv("STAFF_SIGNIN_IP_LIMIT", "1000")


@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each DynamoDB call of the in-process moto runs alone, as each is atomic in DynamoDB (moto
    checks a condition and writes in separate steps; infra/local/motoserver.py does the same for the
    local stack). The work between calls (the password checks) still runs in parallel."""
    from botocore.client import BaseClient

    lock = threading.Lock()
    real = BaseClient._make_api_call

    def one_at_a_time(self: Any, operation: str, params: Any) -> Any:
        with lock:
            return real(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", one_at_a_time)


class Clock:
    """The sign-in modules' clock (shop.adapters.clock.now_epoch), stopped, and moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from shop.adapters import clock

        self.offset = 0
        start = clock.now_epoch()
        monkeypatch.setattr(clock, "now_epoch", lambda: start + self.offset)

    def move(self, seconds: int) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


class Answer:
    def __init__(self, result: dict[str, Any]) -> None:
        import json

        self.status = result["statusCode"]
        self.headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        self.cookies: list[str] = result.get("cookies") or []
        self.text = result.get("body") or ""
        self.json = json.loads(self.text) if self.text else None

    @property
    def code(self) -> str | None:
        return (self.json or {}).get("error", {}).get("code")


def call(api: Api, method: str, path: str, body: Any = None, *, token: str | None = None, ip: str = "127.0.0.1",
         cookie: str | None = None, user_agent: str = CHROME) -> Answer:
    """Api.request with a chosen source IP and user agent, answering the cookies too."""
    import json

    headers = [("user-agent", user_agent)]
    raw = b""
    if body is not None:
        raw = json.dumps(body).encode()
        headers.append(("content-type", "application/json"))
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    if cookie:
        headers.append(("cookie", cookie))
    route, params = api.router.match(method, path)  # type: ignore[misc]
    event = build_event(method=method, target=path, headers=headers, body=raw, route=route, path_params=params,
                        source_ip=ip, host="localhost")
    return Answer(load_function(route.function, api.template).lambda_handler(event, context(route.function)))


def staff(name: str, role: str = "manager", password: str = PASSWORD, **extra: Any) -> None:
    """A staff account with a password, written as the staff area's invitation flow writes it."""
    from shop.adapters import db
    from shop.staff import passwords

    db.client().put_item(TableName=db.table(), Item=db.to_item({
        "PK": f"MERCHANT#{name}", "SK": "ACCOUNT", "type": "merchant", "name": name, "role": role,
        "created_at": "2026-12-01T00:00:00Z", "tokens_valid_after": 0,
        "password_hash": passwords.hash_password(password, log2_n=10), **extra}))


def account(name: str) -> dict[str, Any]:
    from shop.adapters import db

    return db.from_item(db.client().get_item(TableName=db.table(), Key={"PK": {"S": f"MERCHANT#{name}"},
                                                                        "SK": {"S": "ACCOUNT"}})["Item"])


def sign_in(api: Api, name: str, password: str = PASSWORD, **kw: Any) -> Answer:
    body: dict[str, Any] = {"name": name, "password": password}
    if "totp" in kw:
        body["totp"] = kw.pop("totp")
    return call(api, "POST", "/admin/auth/sign-in", body, **kw)


def code_for(secret: str, offset_steps: int = 0) -> str:
    from shop.staff import totp

    return totp.code_at(secret, int(time.time() // totp.STEP) + offset_steps)


def refresh(api: Api, token: str | None = None, **kw: Any) -> Answer:
    return call(api, "POST", "/admin/auth/refresh", {"refresh_token": token} if token else None, **kw)


def works(api: Api, access: str) -> Answer:
    return call(api, "GET", "/admin/auth/sessions", token=access)


# ---------------------------------------------------------------- passwords and guessing

def test_a_right_password_signs_in_and_wrong_or_unknown_get_the_same_answer(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import passwords

    staff("mia")
    ok = sign_in(api, "mia")
    assert ok.status == 200, ok.text
    assert ok.json["role"] == "manager" and ok.json["expires_in"] == 600 and ok.json["token_type"] == "Bearer"
    # what a console shows this role: a manager runs the shop but sees neither the money reports nor staff
    assert ok.json["role_label"] == "运营"
    assert {"orders.ship", "catalog.write"} <= set(ok.json["permissions"])
    assert not {"reconciliation.read", "staff.manage", "audit.read"} & set(ok.json["permissions"])
    from shop.adapters import tokens

    claims = tokens.verify(ok.json["access_token"], audience=tokens.MERCHANT)
    assert claims.expires_at - claims.issued_at == 600 and claims.session_id == ok.json["session_id"]
    assert works(api, ok.json["access_token"]).status == 200
    spent: list[str] = []
    real = passwords.spend_check_time
    monkeypatch.setattr(passwords, "spend_check_time", lambda p: (spent.append(p), real(p)))
    wrong, unknown = sign_in(api, "mia", WRONG), sign_in(api, "nobody", WRONG)
    assert (wrong.status, wrong.code) == (unknown.status, unknown.code) == (401, "invalid_credentials")
    assert wrong.json["error"]["message"] == unknown.json["error"]["message"]
    assert spent == [WRONG]  # an unknown name costs the same scrypt work as a wrong password
    assert PASSWORD not in ok.text and "password_hash" not in ok.text


def test_guessing_is_slowed_then_locked_and_an_owner_unlocks(api: Api, clock: Clock) -> None:
    from shop.adapters import db

    staff("mia")
    for _ in range(4):
        assert sign_in(api, "mia", WRONG).code == "invalid_credentials"
    assert sign_in(api, "mia", WRONG).code == "invalid_credentials"  # the 5th: now a pause
    paused = sign_in(api, "mia")  # even the right password waits
    assert (paused.status, paused.code, paused.headers["retry-after"]) == (429, "too_many_attempts", "30")
    waits = []
    for _ in range(4):  # failures 6..9: 60, 120, 240, 480 s
        clock.move(int(paused.headers["retry-after"]) + 1)
        assert sign_in(api, "mia", WRONG).code == "invalid_credentials"
        paused = sign_in(api, "mia", WRONG)
        assert paused.status == 429
        waits.append(int(paused.headers["retry-after"]))
    assert waits == [60, 120, 240, 480]
    clock.move(481)
    locked = sign_in(api, "mia", WRONG)  # the 10th
    assert (locked.status, locked.code) == (403, "account_locked")
    clock.move(86400)  # a lock does not wear off
    assert (sign_in(api, "mia").status, sign_in(api, "mia").code) == (403, "account_locked")
    assert account("mia")["failed_attempts"] == 10

    manager = merchant_token("ops-manager", role="manager")
    assert call(api, "POST", "/admin/staff/mia/unlock", token=manager).status == 403  # staff.manage: owners
    owner = merchant_token("boss", role="owner")
    unlocked = call(api, "POST", "/admin/staff/mia/unlock", token=owner)
    assert unlocked.status == 200 and unlocked.json == {"name": "mia", "locked": False, "failed_attempts": 0}
    again = call(api, "POST", "/admin/staff/mia/unlock", token=owner)
    assert (again.status, again.code) == (409, "account_not_locked")
    assert (call(api, "POST", "/admin/staff/ghost/unlock", token=owner).code) == "staff_not_found"
    assert sign_in(api, "mia").status == 200
    entries = [db.from_item(i) for i in db.client().scan(TableName=db.table())["Items"]
               if i.get("type", {}).get("S") == "audit"]
    assert [(e["actor"], e["action"], e["target_id"]) for e in entries] == [("boss", "staff.account.unlock", "mia")]
    assert '"locked":true' in entries[0]["before"] and '"failed_attempts":10' in entries[0]["before"]


@pytest.mark.usefixtures("atomic_moto")
def test_parallel_guesses_lock_the_account_exactly(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 wrong passwords at the same moment: exactly 10 are checked, the lock holds the rest."""
    from shop.staff import passwords

    monkeypatch.setenv("STAFF_SIGNIN_BACKOFF_AFTER", "100")  # the lock alone decides here
    staff("mia")
    checked: list[int] = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda p, s: (checked.append(1), time.sleep(0.05), real(p, s))[2])
    start = threading.Barrier(20)
    answers: list[Answer] = []

    def guess() -> None:
        start.wait()
        answers.append(sign_in(api, "mia", WRONG))

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(a.code or "" for a in answers)
    assert len(checked) == 10, codes
    assert codes.count("account_locked") + codes.count("invalid_credentials") == 20
    assert codes.count("account_locked") >= 10
    assert account("mia")["failed_attempts"] == 10 and "locked_at" in account("mia")
    assert sign_in(api, "mia").code == "account_locked"


def test_too_many_attempts_from_one_address_are_refused(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_SIGNIN_IP_LIMIT", "3")
    staff("mia")
    for name in ("a1", "a2", "mia"):
        assert sign_in(api, name, WRONG, ip="203.0.113.7").code == "invalid_credentials"
    limited = sign_in(api, "mia", ip="203.0.113.7")  # a new name or the right password does not help
    assert (limited.status, limited.code) == (429, "too_many_attempts") and int(limited.headers["retry-after"]) > 0
    assert sign_in(api, "mia", ip="198.51.100.9").status == 200  # another address is not affected
    for i in range(3):  # one IPv6 /64 is one client
        sign_in(api, "nobody", WRONG, ip=f"2001:db8:1:2::{i + 1}")
    assert sign_in(api, "mia", ip="2001:db8:1:2:ffff::9").code == "too_many_attempts"
    assert sign_in(api, "mia", ip="2001:db8:1:3::1").status == 200


# ---------------------------------------------------------------- second factor

@pytest.mark.parametrize("role", ["owner", "finance"])
def test_owner_and_finance_must_enroll_a_second_factor(api: Api, role: str) -> None:
    staff("olivia", role=role)
    first = sign_in(api, "olivia")
    assert (first.status, first.code) == (401, "second_factor_setup_required")
    setup = first.json["error"]["details"]
    assert setup["otpauth_uri"].startswith("otpauth://totp/minishop%3Aolivia?secret=" + setup["secret"])
    assert sign_in(api, "olivia").json["error"]["details"]["secret"] == setup["secret"]  # the same pending one
    assert sign_in(api, "olivia", WRONG).code == "invalid_credentials"  # no secret without the password
    bad = sign_in(api, "olivia", totp="000000" if code_for(setup["secret"]) != "000000" else "111111")
    assert (bad.status, bad.code) == (401, "invalid_totp_code")
    enrolled = sign_in(api, "olivia", totp=code_for(setup["secret"]))
    assert enrolled.status == 200 and enrolled.json["second_factor"] is True, enrolled.text
    assert setup["secret"] not in enrolled.text
    stored = account("olivia")
    assert stored["totp"]["secret"] == setup["secret"] and "totp_pending" not in stored and stored["failed_attempts"] == 0
    without = sign_in(api, "olivia")
    assert (without.status, without.code) == (401, "second_factor_required") and without.json["error"]["details"] is None
    assert call(api, "POST", "/admin/auth/totp/setup", token=enrolled.json["access_token"]).code == \
        "second_factor_already_enabled"


def test_others_may_enroll_one_and_a_used_code_is_refused(api: Api) -> None:
    staff("mia")
    signed = sign_in(api, "mia")
    assert signed.status == 200 and signed.json["second_factor"] is False
    access = signed.json["access_token"]
    setup = call(api, "POST", "/admin/auth/totp/setup", token=access)
    assert setup.status == 200 and setup.json["otpauth_uri"].startswith("otpauth://totp/")
    secret = setup.json["secret"]
    wrong = call(api, "POST", "/admin/auth/totp/confirm", {"code": "12345a"}, token=access)
    assert wrong.status == 400
    code = code_for(secret)
    confirmed = call(api, "POST", "/admin/auth/totp/confirm", {"code": code}, token=access)
    assert confirmed.status == 200 and confirmed.json["second_factor"] is True
    assert sign_in(api, "mia").code == "second_factor_required"
    replay = sign_in(api, "mia", totp=code)  # the code that confirmed the enrollment
    assert (replay.status, replay.code) == (401, "invalid_totp_code")
    fresh = code_for(secret, 1)  # the next step's code (one step of drift is accepted)
    assert sign_in(api, "mia", totp=fresh).status == 200
    assert sign_in(api, "mia", totp=fresh).code == "invalid_totp_code"  # never twice


# ---------------------------------------------------------------- refresh tokens

def test_refresh_rotates_and_reusing_an_old_token_ends_the_sign_in(api: Api) -> None:
    staff("mia")
    other = sign_in(api, "mia").json  # a second device
    first = sign_in(api, "mia")
    cookie = next(c for c in first.cookies if c.startswith("__Secure-staff_refresh="))
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/admin/auth"):
        assert attribute in cookie
    a1, r1 = first.json["access_token"], first.json["refresh_token"]
    second = refresh(api, r1)
    assert second.status == 200, second.text
    a2, r2 = second.json["access_token"], second.json["refresh_token"]
    assert r2 != r1 and second.json["session_id"] == first.json["session_id"]
    assert works(api, a1).status == works(api, a2).status == 200
    third = refresh(api, cookie=f"__Secure-staff_refresh={r2}")  # the browser: the cookie, no body
    assert third.status == 200
    assert third.json["role"] == "manager" and "orders.ship" in third.json["permissions"]  # a reloaded console
    r3 = third.json["refresh_token"]
    reused = refresh(api, r1)  # a stolen, already rotated token
    assert (reused.status, reused.code) == (401, "refresh_token_reused")
    assert refresh(api, r3).code == "invalid_refresh_token"  # the whole family is gone
    for access in (a1, a2, third.json["access_token"]):  # and its access tokens at once
        assert (works(api, access).status, works(api, access).code) == (401, "token_revoked")
    assert works(api, other["access_token"]).status == 200 and refresh(api, other["refresh_token"]).status == 200


def test_a_guessed_refresh_token_is_refused_without_ending_the_sign_in(api: Api) -> None:
    staff("mia")
    signed = sign_in(api, "mia").json
    forged = signed["refresh_token"].rsplit(".", 1)[0] + "." + "A" * 43  # the sid is in every access token
    assert refresh(api, forged).code == "invalid_refresh_token"
    assert refresh(api, "not-a-token-at-all-xxxxxx").code == "invalid_refresh_token"
    nothing = refresh(api)  # a browser that never signed in: nothing to refresh, not an error it must log
    assert (nothing.status, nothing.text, nothing.cookies) == (204, "", [])
    assert refresh(api, signed["refresh_token"]).status == 200


@pytest.mark.usefixtures("atomic_moto")
def test_two_uses_of_one_refresh_token_at_once_end_the_sign_in(api: Api) -> None:
    staff("mia")
    token = sign_in(api, "mia").json["refresh_token"]
    start = threading.Barrier(2)
    answers: list[Answer] = []

    def use() -> None:
        start.wait()
        answers.append(refresh(api, token))

    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted((a.status, a.code or "") for a in answers)
    assert statuses[1] == (401, "refresh_token_reused") or statuses == [(401, "refresh_token_reused")] * 2
    winner = next((a for a in answers if a.status == 200), None)
    if winner:  # the one that rotated first holds a token of a revoked family
        assert refresh(api, winner.json["refresh_token"]).code == "invalid_refresh_token"
        assert works(api, winner.json["access_token"]).code == "token_revoked"


def test_idle_timeout_and_absolute_lifetime(api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_SESSION_IDLE_SECONDS", "100")
    monkeypatch.setenv("STAFF_SESSION_MAX_SECONDS", "250")
    staff("mia")
    idle = sign_in(api, "mia").json["refresh_token"]
    token = sign_in(api, "mia").json["refresh_token"]
    for _ in range(2):  # used within the idle timeout: lives on
        clock.move(90)
        answer = refresh(api, token)
        assert answer.status == 200, answer.text
        token = answer.json["refresh_token"]
    assert refresh(api, idle).code == "session_expired"  # unused for 180 s
    clock.move(80)  # 260 s after signing in, 80 s after its last use
    assert refresh(api, token).code == "session_expired"


# ---------------------------------------------------------------- signing out

def test_signing_out_one_device_leaves_the_others(api: Api) -> None:
    staff("mia")
    laptop = sign_in(api, "mia").json
    phone = sign_in(api, "mia", user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/604.1").json
    listed = works(api, laptop["access_token"]).json["items"]
    assert {d["session_id"]: (d["device"], d["current"]) for d in listed} == {
        laptop["session_id"]: ("Chrome on Windows", True), phone["session_id"]: ("Safari on iPhone", False)}
    assert all(d["ip"] == "127.0.0.1" and d["channel"] == "password" for d in listed)
    ended = call(api, "DELETE", f"/admin/auth/sessions/{phone['session_id']}", token=laptop["access_token"])
    assert ended.status == 200 and ended.json == {"signed_out": 1}
    assert works(api, phone["access_token"]).code == "token_revoked"
    assert refresh(api, phone["refresh_token"]).code == "invalid_refresh_token"
    assert [d["session_id"] for d in works(api, laptop["access_token"]).json["items"]] == [laptop["session_id"]]
    assert call(api, "DELETE", f"/admin/auth/sessions/{phone['session_id']}", token=laptop["access_token"]).code == \
        "session_not_found"
    out = call(api, "POST", "/admin/auth/sign-out", token=laptop["access_token"])
    assert out.status == 200 and any(c.startswith("__Secure-staff_refresh=;") and "Max-Age=0" in c for c in out.cookies)
    assert works(api, laptop["access_token"]).code == "token_revoked"
    assert refresh(api, laptop["refresh_token"]).code == "invalid_refresh_token"
    assert call(api, "POST", "/admin/auth/sign-out", token=merchant_token("ops")).code == "not_a_sign_in"


def test_revoked_sign_ins_are_forgotten_once_their_access_tokens_have_expired(api: Api, clock: Clock) -> None:
    staff("mia")
    first, second, keeper = (sign_in(api, "mia").json for _ in range(3))
    call(api, "DELETE", f"/admin/auth/sessions/{first['session_id']}", token=keeper["access_token"])
    assert set(account("mia")["revoked_sids"]) == {first["session_id"]}
    clock.move(661)  # past the access token's 600 s (and a minute of clock skew)
    keeper = refresh(api, keeper["refresh_token"]).json
    call(api, "DELETE", f"/admin/auth/sessions/{second['session_id']}", token=keeper["access_token"])
    assert set(account("mia")["revoked_sids"]) == {second["session_id"]}


def test_sign_out_everywhere_stops_every_access_and_refresh_token(api: Api) -> None:
    staff("mia")
    devices = [sign_in(api, "mia").json for _ in range(2)]
    out = call(api, "POST", "/admin/auth/sign-out-everywhere", token=devices[0]["access_token"])
    assert out.status == 200 and out.json == {"signed_out": 2}
    for device in devices:
        assert works(api, device["access_token"]).code == "token_revoked"
        assert refresh(api, device["refresh_token"]).code == "invalid_refresh_token"
    again = sign_in(api, "mia")  # a new sign-in right after (even within the same second) works
    assert again.status == 200 and works(api, again.json["access_token"]).status == 200
    assert [d["session_id"] for d in works(api, again.json["access_token"]).json["items"]] == [again.json["session_id"]]


def test_a_disabled_accounts_tokens_stop(api: Api) -> None:
    from shop.adapters import db

    staff("mia")
    signed = sign_in(api, "mia").json
    db.client().update_item(TableName=db.table(), Key={"PK": {"S": "MERCHANT#mia"}, "SK": {"S": "ACCOUNT"}},
                            UpdateExpression="SET #s = :d", ExpressionAttributeNames={"#s": "status"},
                            ExpressionAttributeValues={":d": {"S": "disabled"}})
    assert (works(api, signed["access_token"]).status, works(api, signed["access_token"]).code) == (401, "account_disabled")
    assert refresh(api, signed["refresh_token"]).code == "account_disabled"
    assert sign_in(api, "mia").code == "account_disabled"  # told only to who knows the password
    assert sign_in(api, "mia", WRONG).code == "invalid_credentials"


# ---------------------------------------------------------------- pickup verifiers in the mini-program

def _bind(wechat: Any, code: str, name: str) -> None:
    from shop.adapters import db

    db.client().put_item(TableName=db.table(), Item=db.to_item({
        "PK": f"STAFF_WECHAT#{wechat.openid_for(code)}", "SK": "BINDING", "name": name,
        "bound_at": "2026-12-01T00:00:00Z", "bound_by": "boss"}))


def test_a_bound_verifier_signs_in_with_wechat_and_others_do_not(api: Api, wechat: Any) -> None:
    mini = "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50 miniProgram"
    staff("vera", role="pickup_verifier")
    _bind(wechat, "vera-phone", "vera")
    signed = call(api, "POST", "/admin/auth/wechat", {"code": "vera-phone"}, user_agent=mini)
    assert signed.status == 200, signed.text
    assert signed.json["name"] == "vera" and signed.json["role"] == "pickup_verifier" and not signed.cookies
    (device,) = works(api, signed.json["access_token"]).json["items"]
    assert (device["channel"], device["device"]) == ("wechat", "微信小程序")
    refreshed = refresh(api, signed.json["refresh_token"])
    assert refreshed.status == 200
    stranger = call(api, "POST", "/admin/auth/wechat", {"code": "a-shopper"})
    assert (stranger.status, stranger.code) == (401, "not_staff")
    staff("olivia", role="owner")
    _bind(wechat, "olivia-phone", "olivia")
    assert call(api, "POST", "/admin/auth/wechat", {"code": "olivia-phone"}).code == "second_factor_required"
    staff("lena", role="pickup_verifier", locked_at="2026-12-01T00:00:00Z")
    _bind(wechat, "lena-phone", "lena")
    assert call(api, "POST", "/admin/auth/wechat", {"code": "lena-phone"}).code == "account_locked"
    staff("dora", role="pickup_verifier", status="disabled")
    _bind(wechat, "dora-phone", "dora")
    assert call(api, "POST", "/admin/auth/wechat", {"code": "dora-phone"}).code == "account_disabled"


def test_bad_sign_in_requests_are_refused_in_the_error_shape(api: Api) -> None:
    for body in ({"name": "mia"}, {"name": "Mia!", "password": PASSWORD}, {"name": "mia", "password": PASSWORD, "x": 1},
                 {"name": "mia", "password": PASSWORD, "totp": "12345"}):
        answer = call(api, "POST", "/admin/auth/sign-in", body)
        assert (answer.status, answer.code) == (400, "invalid_request"), body
    assert call(api, "POST", "/admin/auth/wechat", {"code": ""}).status == 400


def test_no_password_token_or_second_factor_secret_is_logged(api: Api, app_logs: Any) -> None:
    staff("olivia", role="owner")
    setup = sign_in(api, "olivia").json["error"]["details"]
    signed = sign_in(api, "olivia", totp=code_for(setup["secret"])).json
    rotated = refresh(api, signed["refresh_token"]).json
    refresh(api, signed["refresh_token"])  # reuse: logged as a warning
    sign_in(api, "olivia", WRONG)
    logs = app_logs.getvalue()
    assert "staff signed in" in logs and "refresh token reused" in logs and "staff sign-in failed" in logs
    for secret in (PASSWORD, WRONG, setup["secret"], signed["refresh_token"], signed["access_token"],
                   rotated["refresh_token"], rotated["access_token"], signed["refresh_token"].rsplit(".", 1)[1]):
        assert secret not in logs


def test_a_hash_of_older_parameters_is_replaced_at_the_next_sign_in(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import passwords

    staff("mia")  # hashed with N=2^10
    monkeypatch.setattr(passwords, "LOG2_N", 11)  # the parameters were raised since
    assert account("mia")["password_hash"].startswith("scrypt$10$")
    assert sign_in(api, "mia").status == 200
    assert account("mia")["password_hash"].startswith("scrypt$11$")
    assert sign_in(api, "mia").status == 200 and sign_in(api, "mia", WRONG).code == "invalid_credentials"


@pytest.mark.usefixtures("atomic_moto")
def test_one_code_signs_in_once_even_at_the_same_moment(api: Api) -> None:
    from shop.staff import totp

    secret = totp.new_secret()
    staff("olivia", role="owner", totp={"secret": secret, "enrolled_at": "2026-12-01T00:00:00Z"})
    code = code_for(secret)
    start = threading.Barrier(3)
    answers: list[Answer] = []

    def use() -> None:
        start.wait()
        answers.append(sign_in(api, "olivia", totp=code))

    threads = [threading.Thread(target=use) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status for a in answers) == [200, 401, 401], [a.text for a in answers]
