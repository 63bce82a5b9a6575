"""Staff management: the owner created once at deploy time, invitations (console and WeChat),
the staff list, role changes, disabling, and the protections around them (docs/staff.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.handler.test_buying import merchant_token
from tests.helpers import Api, context, load_function, together

pytestmark = pytest.mark.usefixtures("seeded", "wechat")

PASSWORD = "correct horse battery"
USER = "u_aaaaaaaaaaaaaaaaaaaaaaaaaa"


def _tokens(event: Any) -> dict[str, Any]:
    return load_function("MerchantTokensFunction").lambda_handler(event, context("MerchantTokensFunction"))


def _account(name: str) -> dict[str, Any] | None:
    from shop.adapters import db

    item = db.client().get_item(TableName=db.table(), Key={"PK": {"S": f"MERCHANT#{name}"}, "SK": {"S": "ACCOUNT"}},
                                ConsistentRead=True).get("Item")
    return db.from_item(item) if item else None


def _audit(**query: str) -> list[dict[str, Any]]:
    """Every audit entry of the last days (through the reader), newest first."""
    from shop.staff import audit

    return [e.model_dump(mode="json") for e in audit.search(limit=100, **query).items]  # type: ignore[arg-type]


def _invite(api: Api, owner: str, role: str = "customer_service", channel: str = "console", **extra: Any) -> dict[str, Any]:
    reply = api.post("/admin/staff/invites", {"role": role, "channel": channel, **extra}, token=owner)
    assert reply.status == 201, reply.text
    return reply.json


def _accept(api: Api, code: str, name: str, password: str = PASSWORD) -> Any:
    return api.post("/admin/staff/accept", {"invite_code": code, "name": name, "password": password})


def _outcome(call: Callable[[], Any]) -> Callable[[], tuple[int, str | None]]:
    """The domain call a handler makes, as (status, error code): threads call the domain, not the
    in-process handler module (its resolver holds the current request, one per process as in Lambda)."""
    from shop.core.errors import ShopError

    def run() -> tuple[int, str | None]:
        try:
            call()
        except ShopError as err:
            return err.status, err.code
        return 200, None

    return run


def _barrier_after(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, parties: int = 2) -> None:
    """``module.name`` waits, once it has done its work, until ``parties`` callers have: every racer
    has read before any writes, so a read-then-write would let them all through. The transactions
    then run one at a time, as DynamoDB serializes them (the in-process moto checks a condition and
    writes in separate Python steps; the local stack's moto server holds a lock for the same reason)."""
    from shop.adapters import db

    barrier = threading.Barrier(parties, timeout=20)
    real = getattr(module, name)
    lock, transact = threading.Lock(), db.transact_reasons

    def serialized(actions: list[dict[str, Any]]) -> list[str] | None:
        with lock:
            return transact(actions)

    monkeypatch.setattr(db, "transact_reasons", serialized)

    def waiting(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, name, waiting)


# ---------------------------------------------------------------- the owner

def test_the_owner_is_created_once_with_a_password_and_token_actions_keep_working(api: Api) -> None:
    from shop.staff import passwords

    made = _tokens({"action": "create_owner", "merchant": "boss", "password": PASSWORD, "display_name": "王老板",
                    "by": "ops@example.com"})
    assert (made["merchant"], made["role"]) == ("boss", "owner") and PASSWORD not in str(made)
    account = _account("boss")
    assert account and account["role"] == "owner" and account["status"] == "active"
    assert account["password_hash"].startswith("scrypt$") and passwords.verify(PASSWORD, account["password_hash"])
    again = _tokens({"action": "create_owner", "merchant": "boss2", "password": PASSWORD})
    assert again["error"]["code"] == "owner_exists" and _account("boss2") is None
    entry = next(e for e in _audit(action="staff.owner.create"))
    assert (entry["actor"], entry["target_id"], entry["after"]["role"]) == ("ops@example.com", "boss", "owner")
    # issuing and revoking tokens work as before, and an issued token of the owner has the owner's role
    issued = _tokens({"merchant": "boss"})
    assert issued["role"] == "owner" and api.get("/admin/staff", token=issued["token"]).status == 200
    assert _tokens({"action": "revoke", "merchant": "boss"})["merchant"] == "boss"
    assert api.get("/admin/staff", token=issued["token"]).status == 401


@pytest.mark.parametrize(("event", "code"), [
    ({"action": "create_owner", "merchant": "boss", "password": "short"}, "weak_password"),
    ({"action": "create_owner", "merchant": "boss", "password": "aaaaaaaaaaaa"}, "weak_password"),
    ({"action": "create_owner", "merchant": "boss"}, "invalid_request"),
    ({"action": "create_owner", "merchant": "boss", "password": PASSWORD, "role": "finance"}, "invalid_request"),
    ({"merchant": "boss", "password": PASSWORD}, "invalid_request"),
])
def test_a_bad_create_owner_creates_nothing(event: dict[str, Any], code: str) -> None:
    answer = _tokens(event)
    assert answer["error"]["code"] == code and PASSWORD not in str(answer)
    assert _account("boss") is None and not _audit(action="staff.owner.create")


def test_an_existing_name_is_not_taken_over_by_create_owner() -> None:
    merchant_token("taken", role="finance")
    assert _tokens({"action": "create_owner", "merchant": "taken", "password": PASSWORD})["error"]["code"] == "name_taken"
    assert _account("taken")["role"] == "finance" and "password_hash" not in _account("taken")  # type: ignore[index]
    assert _tokens({"action": "create_owner", "merchant": "boss", "password": PASSWORD})["merchant"] == "boss"


def test_two_create_owner_calls_at_once_make_one_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import passwords

    _barrier_after(monkeypatch, passwords, "hash")
    answers = together(*(lambda n=n: _tokens({"action": "create_owner", "merchant": n, "password": PASSWORD})
                          for n in ("first", "second")))
    assert sorted("error" in a for a in answers) == [False, True], answers
    assert next(a for a in answers if "error" in a)["error"]["code"] == "owner_exists"
    assert [n for n in ("first", "second") if _account(n)] == [next(a["merchant"] for a in answers if "error" not in a)]
    assert len(_audit(action="staff.owner.create")) == 1


# ---------------------------------------------------------------- invitations

def test_an_invited_member_gets_exactly_its_role(api: Api) -> None:
    owner = merchant_token("boss")
    invite = _invite(api, owner, display_name="小李")
    code = invite["invite_code"]
    assert len(code.split(".")[1]) * 6 >= 128 and invite["status"] == "pending" and invite["created_by"] == "boss"
    listed = api.get("/admin/staff/invites", token=owner)
    assert listed.status == 200 and [i["id"] for i in listed.json["items"]] == [invite["id"]]
    assert code not in listed.text and code.split(".")[1] not in listed.text and "hash" not in listed.text
    from shop.adapters import db

    stored = str(db.client().scan(TableName=db.table())["Items"])
    assert code.split(".")[1] not in stored  # only its hash is kept

    accepted = _accept(api, code, "xiaoli")
    assert accepted.status == 201, accepted.text
    assert (accepted.json["name"], accepted.json["role"]) == ("xiaoli", "customer_service")
    assert PASSWORD not in accepted.text
    assert api.get("/admin/staff/invites", token=owner).json["items"] == []

    member = merchant_token("xiaoli")  # an existing account keeps its role
    assert api.get("/admin/coupons", token=member).status == 200  # coupons.read: 客服 has it
    refused = api.post(f"/admin/users/{USER}/block", {"reason": "x"}, token=member)
    assert (refused.status, refused.error_code) == (403, "permission_denied")
    assert api.get("/admin/staff", token=member).status == 403
    assert api.post("/admin/staff/invites", {"role": "owner"}, token=member).status == 403

    staff = {m["name"]: m for m in api.get("/admin/staff", token=owner).json["items"]}
    me = staff["xiaoli"]
    assert (me["role"], me["role_label"], me["status"], me["display_name"]) == ("customer_service", "客服", "active", "小李")
    assert (me["has_password"], me["second_factor"], me["locked"], me["invited_by"]) == (True, False, False, "boss")
    assert staff["boss"]["role"] == "owner" and staff["boss"]["has_password"] is False  # an operator-token account
    entry = _audit(action="staff.invite.accept")[0]
    assert (entry["actor"], entry["target_type"], entry["target_id"]) == ("xiaoli", "staff_member", "xiaoli")
    assert entry["after"]["role"] == "customer_service" and entry["after"]["invited_by"] == "boss"


def test_the_member_signs_in_with_the_password_chosen(api: Api) -> None:
    owner = merchant_token("boss")
    code = _invite(api, owner, role="manager")["invite_code"]
    assert _accept(api, code, "yunying").status == 201
    signed = api.post("/admin/auth/sign-in", {"name": "yunying", "password": PASSWORD})
    assert signed.status == 200, signed.text
    token = signed.json["access_token"]
    assert api.post(f"/admin/users/{USER}/block", {"reason": "x"}, token=token).status == 404  # allowed, no such user
    assert api.get("/admin/audit", token=token).status == 403  # 运营 does not read the audit log
    assert api.post("/admin/auth/sign-in", {"name": "yunying", "password": PASSWORD + "x"}).status == 401


def test_a_code_works_once_even_when_two_accept_it_at_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import invites

    owner = merchant_token("boss")
    code = _invite(api, owner)["invite_code"]
    _barrier_after(monkeypatch, invites, "_valid_invite")
    replies = together(_outcome(lambda: invites.accept(code, "racer-a", PASSWORD)),
                        _outcome(lambda: invites.accept(code, "racer-b", PASSWORD)))
    assert sorted(replies) == [(200, None), (409, "invite_used")], replies
    names = {m["name"] for m in api.get("/admin/staff", token=owner).json["items"]}
    assert len(names & {"racer-a", "racer-b"}) == 1
    assert len(_audit(action="staff.invite.accept")) == 1


def test_used_withdrawn_expired_and_wrong_codes_are_refused_and_change_nothing(api: Api) -> None:
    from shop.adapters import db
    from shop.staff import invites

    owner = merchant_token("boss")
    used = _invite(api, owner)["invite_code"]
    assert _accept(api, used, "first-one").status == 201
    again = _accept(api, used, "second-one")
    assert (again.status, again.error_code) == (409, "invite_used")

    withdrawn = _invite(api, owner)
    gone = api.request("DELETE", f"/admin/staff/invites/{withdrawn['id']}", token=owner)
    assert gone.status == 200 and gone.json["status"] == "withdrawn"
    assert api.request("DELETE", f"/admin/staff/invites/{withdrawn['id']}", token=owner).error_code == "invite_not_pending"
    assert api.request("DELETE", "/admin/staff/invites/0123456789abcdef", token=owner).status == 404
    assert _accept(api, withdrawn["invite_code"], "withdrawn-one").error_code == "invite_withdrawn"

    expired = _invite(api, owner)
    db.client().update_item(TableName=db.table(), Key=invites.invite_key(expired["id"]),
                            UpdateExpression="SET expires_epoch = :past", ExpressionAttributeValues={":past": {"N": "1000"}})
    assert (_accept(api, expired["invite_code"], "late-one").status, _accept(api, expired["invite_code"], "late-one")
            .error_code) == (409, "invite_expired")
    assert expired["id"] not in api.get("/admin/staff/invites", token=owner).text  # not pending any more

    fresh = _invite(api, owner)
    forged = fresh["invite_code"][:-4] + ("AAAA" if not fresh["invite_code"].endswith("AAAA") else "BBBB")
    assert (_accept(api, forged, "forger").status, _accept(api, forged, "forger").error_code) == (404, "invite_not_found")
    assert _accept(api, "0123456789abcdef." + "A" * 27, "forger").error_code == "invite_not_found"
    assert _accept(api, "not-a-code", "forger").status == 400
    for name in ("second-one", "withdrawn-one", "late-one", "forger"):
        assert _account(name) is None
    assert len(_audit(action="staff.invite.accept")) == 1
    # the fresh invitation still works
    assert _accept(api, fresh["invite_code"], "honest").status == 201


def test_a_taken_name_or_a_weak_password_leaves_the_invitation_usable(api: Api) -> None:
    owner = merchant_token("boss")
    code = _invite(api, owner, role="finance")["invite_code"]
    taken = _accept(api, code, "boss")
    assert (taken.status, taken.error_code) == (409, "name_taken")
    assert _account("boss")["role"] == "owner"  # type: ignore[index]
    weak = _accept(api, code, "caiwu", password="12121212121212")
    assert (weak.status, weak.error_code) == (400, "weak_password")
    assert _account("caiwu") is None and not _audit(action="staff.invite.accept")
    assert _accept(api, code, "caiwu").status == 201 and _account("caiwu")["role"] == "finance"  # type: ignore[index]


def test_invitations_are_for_the_owner_and_well_formed(api: Api) -> None:
    owner = merchant_token("boss")
    for body in ({"role": "boss"}, {"role": "manager", "channel": "sms"}, {"role": "manager", "extra": 1},
                 {"role": "manager", "display_name": "a\u202eb"}):
        assert api.post("/admin/staff/invites", body, token=owner).status == 400, body
    wrong = api.post("/admin/staff/invites", {"role": "manager", "channel": "wechat"}, token=owner)
    assert (wrong.status, wrong.error_code) == (400, "wechat_invite_for_verifiers_only")
    finance = merchant_token("caiwu", role="finance")
    assert api.post("/admin/staff/invites", {"role": "owner"}, token=finance).error_code == "permission_denied"
    assert not _audit(action="staff.invite.create")


# ---------------------------------------------------------------- WeChat invitations (pickup verifiers)

def test_a_pickup_verifier_binds_their_wechat_and_signs_in_with_it(api: Api, wechat: Any, app_logs: Any) -> None:
    from shop.adapters import db

    owner = merchant_token("boss")
    invite = _invite(api, owner, role="pickup_verifier", channel="wechat", display_name="门店核销")
    by_password = _accept(api, invite["invite_code"], "hexiao")
    assert (by_password.status, by_password.error_code) == (400, "wrong_invite_channel")
    openid = wechat.openid_for("verifier-phone")
    reply = api.post("/admin/staff/accept-wechat", {"invite_code": invite["invite_code"], "name": "hexiao",
                                                     "code": "verifier-phone"})
    assert reply.status == 201, reply.text
    assert reply.json["role"] == "pickup_verifier" and openid not in reply.text and openid not in app_logs.getvalue()
    binding = db.from_item(db.client().get_item(TableName=db.table(), Key={
        "PK": {"S": f"STAFF_WECHAT#{openid}"}, "SK": {"S": "BINDING"}})["Item"])
    assert (binding["name"], binding["bound_by"]) == ("hexiao", "boss") and binding["bound_at"]
    member = next(m for m in api.get("/admin/staff", token=owner).json["items"] if m["name"] == "hexiao")
    assert (member["wechat_bound"], member["has_password"]) == (True, False)
    signed = api.post("/admin/auth/wechat", {"code": "verifier-phone"})
    assert signed.status == 200 and signed.json["name"] == "hexiao", signed.text

    # the same WeChat cannot be bound to a second account; the invitation stays usable
    second = _invite(api, owner, role="pickup_verifier", channel="wechat")
    twice = api.post("/admin/staff/accept-wechat", {"invite_code": second["invite_code"], "name": "hexiao2",
                                                     "code": "verifier-phone"})
    assert (twice.status, twice.error_code) == (409, "wechat_already_bound") and _account("hexiao2") is None
    bad = api.post("/admin/staff/accept-wechat", {"invite_code": second["invite_code"], "name": "hexiao2",
                                                   "code": "invalid"})
    assert bad.status == 401 and _account("hexiao2") is None
    ok = api.post("/admin/staff/accept-wechat", {"invite_code": second["invite_code"], "name": "hexiao2",
                                                  "code": "second-phone"})
    assert ok.status == 201
    # a console invitation is not accepted through WeChat
    console = _invite(api, owner)
    assert api.post("/admin/staff/accept-wechat", {"invite_code": console["invite_code"], "name": "x-y",
                                                    "code": "third-phone"}).error_code == "wrong_invite_channel"


# ---------------------------------------------------------------- changing members

def test_a_role_change_counts_from_the_next_call_and_is_audited(api: Api) -> None:
    owner = merchant_token("boss")
    member = merchant_token("xiaoli", role="customer_service")
    assert api.get("/admin/audit", token=member).status == 403
    changed = api.request("PATCH", "/admin/staff/xiaoli", json_body={"role": "finance"}, token=owner)
    assert changed.status == 200 and changed.json["role"] == "finance", changed.text
    assert api.get("/admin/audit", token=member).status == 200
    entry = _audit(action="staff.member.role")[0]
    assert (entry["actor"], entry["target_id"], entry["before"], entry["after"], entry["changed"]) == \
        ("boss", "xiaoli", {"role": "customer_service"}, {"role": "finance"}, ["role"])
    # the same values again change nothing and record nothing
    assert api.request("PATCH", "/admin/staff/xiaoli", json_body={"role": "finance"}, token=owner).status == 200
    assert len(_audit(action="staff.member.role")) == 1


def test_disabling_stops_the_members_tokens_on_the_next_call(api: Api) -> None:
    owner = merchant_token("boss")
    member = merchant_token("xiaoli", role="customer_service")
    assert api.get("/admin/coupons", token=member).status == 200
    off = api.request("PATCH", "/admin/staff/xiaoli", json_body={"status": "disabled"}, token=owner)
    assert off.status == 200 and off.json["status"] == "disabled"
    assert api.get("/admin/coupons", token=member).status == 401
    fresh = merchant_token("xiaoli")  # even a token issued after: the account is disabled
    assert (api.get("/admin/coupons", token=fresh).status, api.get("/admin/coupons", token=fresh).error_code) == \
        (401, "account_disabled")
    on = api.request("PATCH", "/admin/staff/xiaoli", json_body={"status": "active"}, token=owner)
    assert on.status == 200 and on.json["status"] == "active"
    assert api.get("/admin/coupons", token=member).status == 401  # the old one stays dead
    assert api.get("/admin/coupons", token=merchant_token("xiaoli")).status == 200
    actions = [e["action"] for e in _audit(target_type="staff_member", target_id="xiaoli")]
    assert actions == ["staff.member.enable", "staff.member.disable"]


def test_nobody_changes_their_own_role_or_status_so_the_last_owner_stays(api: Api) -> None:
    owner = merchant_token("boss")
    for body in ({"role": "manager"}, {"status": "disabled"}):
        reply = api.request("PATCH", "/admin/staff/boss", json_body=body, token=owner)
        assert (reply.status, reply.error_code) == (409, "cannot_change_self")
    assert _account("boss")["role"] == "owner"  # type: ignore[index]
    assert api.request("PATCH", "/admin/staff/boss", json_body={"display_name": "老板"}, token=owner).status == 200
    assert api.request("PATCH", "/admin/staff/nobody", json_body={"role": "manager"}, token=owner).status == 404
    assert api.request("PATCH", "/admin/staff/boss", json_body={}, token=owner).error_code == "nothing_to_change"
    assert [e["action"] for e in _audit(target_type="staff_member", target_id="boss")] == ["staff.member.rename"]


def test_two_owners_demoting_each_other_at_once_leave_one_owner(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import members
    from shop.staff.models import StaffMemberPatch

    a, b = merchant_token("owner-a", role="owner"), merchant_token("owner-b", role="owner")
    assert api.get("/admin/staff", token=a).status == api.get("/admin/staff", token=b).status == 200  # both may
    _barrier_after(monkeypatch, members, "_load")
    replies = together(
        _outcome(lambda: members.update("owner-b", StaffMemberPatch(role="manager"), merchant="owner-a")),
        _outcome(lambda: members.update("owner-a", StaffMemberPatch(status="disabled"), merchant="owner-b")),
    )
    assert sorted(replies) == [(200, None), (403, "not_an_active_owner")], replies
    left = [n for n in ("owner-a", "owner-b") if _account(n)["role"] == "owner"  # type: ignore[index]
            and _account(n).get("status") != "disabled"]  # type: ignore[union-attr]
    assert len(left) == 1
    assert len(_audit(action="staff.member.")) == 1  # the refused change wrote no entry


def test_a_change_made_meanwhile_is_not_overwritten(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.staff import members

    owner = merchant_token("boss")
    merchant_token("xiaoli", role="customer_service")
    real = members._load

    def stale(name: str) -> dict[str, Any]:
        item = real(name)
        merchant_token("xiaoli", role="finance")  # the operator changes the role between the read and the write
        return item

    monkeypatch.setattr(members, "_load", stale)
    reply = api.request("PATCH", "/admin/staff/xiaoli", json_body={"role": "manager"}, token=owner)
    assert (reply.status, reply.error_code) == (409, "staff_changed")
    assert _account("xiaoli")["role"] == "finance" and not _audit(action="staff.member.")  # type: ignore[index]


def test_the_staff_list_shows_no_hash_or_secret(api: Api) -> None:
    from shop.adapters import db

    owner = merchant_token("boss")
    assert _accept(api, _invite(api, owner)["invite_code"], "xiaoli").status == 201
    db.client().update_item(TableName=db.table(), Key={"PK": {"S": "MERCHANT#xiaoli"}, "SK": {"S": "ACCOUNT"}},
                            UpdateExpression="SET totp = :t, locked_at = :l, failed_attempts = :f, last_sign_in_at = :s",
                            ExpressionAttributeValues={":t": {"M": {"secret": {"S": "JBSWY3DPEHPK3PXP"}}},
                                                       ":l": {"S": "2026-12-01T00:00:00Z"}, ":f": {"N": "10"},
                                                       ":s": {"S": "2026-11-30T00:00:00Z"}})
    listed = api.get("/admin/staff", token=owner)
    assert "scrypt" not in listed.text and "JBSWY3DPEHPK3PXP" not in listed.text and "password_hash" not in listed.text
    me = next(m for m in listed.json["items"] if m["name"] == "xiaoli")
    assert (me["second_factor"], me["locked"], me["failed_attempts"], me["last_sign_in_at"]) == \
        (True, True, 10, "2026-11-30T00:00:00Z")
