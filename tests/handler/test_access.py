"""Access: merchant tokens are short-lived, signed with their own key and revocable; a blocked
shopper's tokens stop working on every route that changes state."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from infra.local.template import Template
from tests.handler.test_buying import ADDRESS, TEE, checkout, merchant_token, place, stock_of
from tests.handler.admin_calls import admin_calls, not_state_changing, public_admin_routes
from tests.helpers import Api, context, load_function

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


def _tokens(event: Any) -> dict[str, Any]:
    return load_function("MerchantTokensFunction").lambda_handler(event, context("MerchantTokensFunction"))


def _admin_routes() -> list[tuple[str, str]]:
    """The /admin routes that take a staff token (all but signing in)."""
    return sorted({(r.method, r.path) for r in Template().routes() if r.path.startswith("/admin/")}
                  - public_admin_routes())


# ---------------------------------------------------------------- merchant tokens

def test_merchant_tokens_live_hours_not_days(api: Api) -> None:
    issued = _tokens({"merchant": "owner"})
    claims = __import__("shop.adapters.tokens", fromlist=["verify"]).verify(issued["token"], audience="merchant")
    assert claims.expires_at - claims.issued_at == 8 * 3600 == issued["expires_at"] - claims.issued_at
    two = _tokens({"merchant": "owner", "hours": 2})
    assert api.get("/admin/coupons", token=two["token"]).status == 200


@pytest.mark.parametrize("event", [
    {"merchant": "owner", "hours": 13}, {"merchant": "owner", "hours": 0}, {"merchant": "Owner!"}, {},
    {"merchant": "owner", "action": "grant"}, {"merchant": "owner", "extra": 1}, {"merchant": "owner", "role": "boss"},
    "owner", None,
])
def test_a_bad_request_is_refused_in_the_error_shape_and_issues_nothing(event: Any) -> None:
    answer = _tokens(event)
    assert answer["error"]["code"] == "invalid_request" and "token" not in answer


def _admin_calls(api: Api) -> dict[tuple[str, str], tuple[str, Any]]:
    """A well-formed request for every /admin route that takes a staff token (tests/handler/admin_calls)."""
    return admin_calls(api)


def test_revoking_stops_every_token_issued_so_far_on_every_admin_route(api: Api) -> None:
    calls = _admin_calls(api)
    assert set(calls) == set(_admin_routes())  # a new /admin route must be added here
    old = _tokens({"merchant": "owner"})["token"]
    assert api.get("/admin/coupons", token=old).status == 200
    revoked = _tokens({"action": "revoke", "merchant": "owner", "by": "ops@example.com"})
    assert revoked["merchant"] == "owner" and revoked["tokens_valid_after"] > 0
    for (method, _), (path, body) in calls.items():
        reply = api.request(method, path, json_body=body, token=old)
        assert (reply.status, reply.error_code) == (401, "token_revoked"), (method, path, reply.text)
    fresh = _tokens({"merchant": "owner"})["token"]  # issued right after, even within the same second
    assert api.get("/admin/coupons", token=fresh).status == 200
    assert api.get("/admin/coupons", token=old).status == 401


def test_revoking_one_merchant_leaves_the_others_alone(api: Api) -> None:
    mine, theirs = merchant_token("alice"), merchant_token("bob")
    _tokens({"action": "revoke", "merchant": "alice"})
    assert api.get("/admin/coupons", token=mine).status == 401
    assert api.get("/admin/coupons", token=theirs).status == 200


def test_revoking_an_unknown_merchant_is_not_found() -> None:
    assert _tokens({"action": "revoke", "merchant": "nobody"})["error"]["code"] == "merchant_not_found"


def test_a_validly_signed_token_for_an_account_that_was_never_issued_one_is_refused(api: Api) -> None:
    from shop.adapters import signer, tokens

    forged, _ = signer.issue("ghost", audience=tokens.MERCHANT)  # the key leaked, the account does not exist
    assert (api.get("/admin/coupons", token=forged).status, api.get("/admin/coupons", token=forged).error_code) == \
        (401, "token_revoked")


def test_shopper_and_merchant_tokens_do_not_open_each_others_routes(api: Api) -> None:
    shopper = api.post("/auth/login", {"code": "crossing"}).json["token"]
    merchant = merchant_token()
    assert api.get("/admin/coupons", token=shopper).status == 401
    assert api.get("/me", token=merchant).status == 401


# ---------------------------------------------------------------- blocking shoppers

def _buyer(api: Api, code: str) -> tuple[str, str]:
    reply = api.post("/auth/login", {"code": code}).json
    return reply["token"], reply["user_id"]


def _state_changing_calls(api: Api, token: str) -> dict[tuple[str, str], tuple[str, Any]]:
    """A valid request for every state-changing shopper route, against the buyer's own things."""
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    order = place(api, token, checkout(address, (TEE, 1))).json["order"]["id"]
    return {
        ("PUT", "/cart/items/{sku_id}"): (f"/cart/items/{TEE}", {"quantity": 1}),
        ("DELETE", "/cart/items/{sku_id}"): (f"/cart/items/{TEE}", None),
        ("POST", "/addresses"): ("/addresses", ADDRESS),
        ("PUT", "/addresses/{id}"): (f"/addresses/{address}", ADDRESS),
        ("DELETE", "/addresses/{id}"): (f"/addresses/{address}", None),
        ("POST", "/orders"): ("/orders", checkout(address, (TEE, 1))),
        ("POST", "/orders/{id}/pay"): (f"/orders/{order}/pay", None),
        ("POST", "/orders/{id}/sync"): (f"/orders/{order}/sync", None),
        ("POST", "/orders/{id}/cancel"): (f"/orders/{order}/cancel", None),
        ("POST", "/orders/{id}/confirm"): (f"/orders/{order}/confirm", None),
        ("POST", "/orders/{id}/refund"): (f"/orders/{order}/refund", {"reason": "不想要了"}),
        ("POST", "/coupons/{id}/claim"): ("/coupons/c-100-20/claim", None),
        ("POST", "/share/accept"): ("/share/accept", {"inviter": "ABCDEFGH"}),
        ("POST", "/me/subscriptions"): ("/me/subscriptions", {"results": {"any-template": "accept"}}),
    }


# read-only despite POST (a quote, a parser, logging in, WeChat's notifications): tests/handler/admin_calls
NOT_STATE_CHANGING = not_state_changing()


def test_a_blocked_buyer_can_read_but_change_nothing_until_unblocked(api: Api) -> None:
    token, user_id = _buyer(api, "to-be-blocked")
    calls = _state_changing_calls(api, token)
    shopper_writes = {(r.method, r.path) for r in Template().routes()
                      if r.method not in ("GET", "ANY") and not r.path.startswith("/admin/")} - NOT_STATE_CHANGING
    assert set(calls) == shopper_writes  # a new state-changing route must be added here
    stock = stock_of(TEE)
    blocked = api.post(f"/admin/users/{user_id}/block", {"reason": "恶意占库存"}, token=merchant_token())
    assert blocked.status == 200, blocked.text
    assert blocked.json["blocked"] is True and blocked.json["blocked_reason"] == "恶意占库存"
    assert blocked.json["blocked_by"] == "test-merchant"
    for (method, _), (path, body) in calls.items():
        headers = {"idempotency-key": str(uuid.uuid4())} if path == "/orders" else None
        reply = api.request(method, path, json_body=body, token=token, headers=headers)
        assert (reply.status, reply.error_code) == (403, "account_blocked"), (method, path, reply.text)
        assert "客服" in reply.json["error"]["message"]
    assert stock_of(TEE) == stock  # nothing was reserved
    assert api.get("/orders", token=token).status == 200 and api.get("/me", token=token).json["blocked"] is True
    unblocked = api.post(f"/admin/users/{user_id}/unblock", token=merchant_token())
    assert unblocked.status == 200 and unblocked.json["blocked"] is False
    assert api.request("PUT", f"/cart/items/{TEE}", json_body={"quantity": 1}, token=token).status == 200
    assert api.get("/me", token=token).json["blocked"] is False


def test_a_block_that_lands_while_an_order_is_being_placed_stops_it(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The order transaction itself holds "not blocked": a block between the checkout read and the
    write reserves nothing."""
    from shop.buying import checkout as checkout_module
    from shop.users import blocking

    token, user_id = _buyer(api, "blocked-mid-order")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    real_load = checkout_module.load

    def load_then_block(*args: Any, **kwargs: Any) -> Any:
        data = real_load(*args, **kwargs)
        blocking.block(user_id, "风控", merchant="risk")
        return data

    monkeypatch.setattr(checkout_module, "load", load_then_block)
    stock = stock_of(TEE)
    reply = place(api, token, checkout(address, (TEE, 1)))
    assert (reply.status, reply.error_code) == (403, "account_blocked")
    assert stock_of(TEE) == stock and api.get("/orders", token=token).json["items"] == []


def test_a_block_that_lands_while_a_coupon_is_being_claimed_stops_it(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.growth import coupons
    from shop.users import blocking

    token, user_id = _buyer(api, "blocked-mid-claim")
    real_load = coupons.load_template

    def load_then_block(template_id: str) -> Any:
        template = real_load(template_id)
        blocking.block(user_id, "风控", merchant="risk")
        return template

    monkeypatch.setattr(coupons, "load_template", load_then_block)
    reply = api.post("/coupons/c-100-20/claim", token=token)
    assert (reply.status, reply.error_code) == (403, "account_blocked")
    assert api.get("/me/coupons", token=token).json["items"] == []


def test_blocking_is_for_merchants_and_for_accounts_that_exist(api: Api) -> None:
    token, user_id = _buyer(api, "innocent")
    assert api.post(f"/admin/users/{user_id}/block", {"reason": "x"}, token=token).status == 401
    missing = api.post("/admin/users/u_aaaaaaaaaaaaaaaaaaaaaaaaaa/block", {"reason": "x"}, token=merchant_token())
    assert (missing.status, missing.error_code) == (404, "user_not_found")
    assert api.post("/admin/users/u_aaaaaaaaaaaaaaaaaaaaaaaaaa/unblock", token=merchant_token()).status == 404
    assert api.post(f"/admin/users/{user_id}/block", {"reason": ""}, token=merchant_token()).status == 400
    assert api.post(f"/admin/users/{user_id}/block", {"reason": "a\u202eb"}, token=merchant_token()).status == 400
    assert api.post("/admin/users/not-a-user/block", {"reason": "x"}, token=merchant_token()).status == 400
    # blocking twice keeps the first time
    first = api.post(f"/admin/users/{user_id}/block", {"reason": "一"}, token=merchant_token()).json
    again = api.post(f"/admin/users/{user_id}/block", {"reason": "二"}, token=merchant_token()).json
    assert again["blocked_at"] == first["blocked_at"] and again["blocked_reason"] == "二"


# ---------------------------------------------------------------- roles

_FUNCTIONS = Template().functions()


def _permission_of(route: tuple[str, str]) -> str:
    """The permission a route's function declares (its staff_with dependency), read from the code."""
    import re as _re

    fn = next(f for f in _FUNCTIONS if any((r.method, r.path) == route for r in f.routes))
    source = (fn.code_uri / "app.py").read_text()
    constant = _re.search(r"Depends\(staff_(?:with|pending|member_with)\((\w+)\)\)", source)
    assert constant, f"{fn.logical_id} declares no permission"
    from shop.staff import roles

    return getattr(roles, constant.group(1))


@pytest.mark.parametrize("role", ["owner", "manager", "customer_service", "finance", "pickup_verifier"])
def test_each_role_can_do_exactly_its_table(api: Api, role: str) -> None:
    from shop.staff import roles

    name = f"staff-{role.replace('_', '-')}"
    token = merchant_token(name, role=role)
    for route, (path, body) in _admin_calls(api).items():
        permission = _permission_of(route)
        reply = api.request(route[0], path, json_body=body, token=token)
        if route == ("POST", "/admin/auth/sign-out-everywhere"):  # it ended the token: a fresh one after it
            token = merchant_token(name, role=role)
        if roles.allows(role, permission):
            assert reply.status not in (401, 403), (role, route, reply.text)
        else:
            assert (reply.status, reply.error_code) == (403, "permission_denied"), (role, route, reply.text)
            assert reply.json["error"]["details"] == {"permission": permission, "role": role}


def test_every_permission_guards_a_route_and_every_route_one_permission() -> None:
    from shop.staff import roles

    used = {_permission_of(route) for route in _admin_routes()}
    assert used == set(roles.PERMISSIONS) - roles.REFINING
    sources = "".join((fn.code_uri / "app.py").read_text() for fn in Template().functions())
    for permission in roles.REFINING:  # checked inside a route instead
        name = next(k for k, v in vars(roles).items() if v == permission and k.isupper())
        assert f".may({name})" in sources, permission
    assert roles.ROLES["owner"] == frozenset(roles.PERMISSIONS)


def test_a_changed_role_counts_from_the_next_call(api: Api) -> None:
    token = merchant_token("changing", role="finance")
    assert api.get("/admin/coupons", token=token).status == 200
    assert api.post("/admin/users/u_aaaaaaaaaaaaaaaaaaaaaaaaaa/block", {"reason": "x"}, token=token).status == 403
    merchant_token("changing", role="manager")  # the operator changes the role
    assert api.post("/admin/users/u_aaaaaaaaaaaaaaaaaaaaaaaaaa/block", {"reason": "x"}, token=token).status == 404


def test_every_admin_route_refuses_no_token_a_shopper_token_and_an_expired_one(api: Api) -> None:
    from shop.adapters import signer, tokens

    calls = _admin_calls(api)
    assert set(calls) == set(_admin_routes())
    merchant_token("expiring")  # the account exists and is not revoked: only the expiry is wrong
    expired, _ = signer.issue("expiring", audience=tokens.MERCHANT, now=1_000_000, ttl=3600)
    shopper = api.post("/auth/login", {"code": "not-staff"}).json["token"]
    for (method, _), (path, body) in calls.items():
        for token, code in ((None, "unauthorized"), (shopper, "invalid_token"), (expired, "token_expired")):
            reply = api.request(method, path, json_body=body, token=token)
            assert (reply.status, reply.error_code) == (401, code), (method, path, code, reply.text)
            assert reply.headers["www-authenticate"].startswith("Bearer")


def test_the_roles_table_in_the_docs_is_the_code() -> None:
    """docs/staff.md's table: each permission's routes (as their functions declare them) and which
    roles have it, exactly as shop.staff.roles says."""
    import re as _re

    from infra.local.template import ROOT
    from shop.staff import roles

    order = ["owner", "manager", "customer_service", "finance", "pickup_verifier"]
    rows = {}
    for line in (ROOT / "docs" / "staff.md").read_text(encoding="utf-8").splitlines():
        m = _re.fullmatch(r"\| `([a-z.]+)` \| (.*) \| (yes|-) \| (yes|-) \| (yes|-) \| (yes|-) \| (yes|-) \|", line)
        if m:
            rows[m.group(1)] = (set(_re.findall(r"`([A-Z]+ /admin/[^`]+)`", m.group(2))), m.groups()[2:])
    assert set(rows) == set(roles.PERMISSIONS)
    declared: dict[str, set[str]] = {}
    for route in _admin_routes():
        declared.setdefault(_permission_of(route), set()).add(f"{route[0]} {route[1]}")
    for permission, (routes, cells) in rows.items():
        assert routes == declared.get(permission, set()), permission
        assert [c == "yes" for c in cells] == [permission in roles.ROLES[r] for r in order], permission
