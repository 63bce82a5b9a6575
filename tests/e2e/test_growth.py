"""Growth over HTTP against the local stack, where claims and orders really race."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_buying_journey import PICKUP, login, merchant, order, wait_for

pytestmark = pytest.mark.e2e


def new_template(stack: Stack, **fields: Any) -> str:
    body = {"name": "限量券", "kind": "amount", "amount": 1000, "valid_days": 7, "total": 1, "per_user_limit": 1, **fields}
    reply = stack.post("/admin/coupons", body, token=merchant())
    assert reply.status == 201, reply.text
    return reply.json["id"]


def test_64_buyers_race_for_one_coupon_and_one_gets_it(stack: Stack) -> None:
    template_id = new_template(stack, total=1)
    tokens = [login(stack, f"claimer-{uuid.uuid4().hex[:6]}-{i}") for i in range(64)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        replies = list(pool.map(lambda t: stack.post(f"/coupons/{template_id}/claim", token=t), tokens))
    statuses = [r.status for r in replies]
    assert statuses.count(201) == 1, {s: statuses.count(s) for s in set(statuses)}
    assert {r.error_code for r in replies if r.status != 201} == {"coupon_sold_out"}
    center = {c["id"]: c for c in stack.get("/coupons").json["items"]}
    assert center[template_id]["remaining"] == 0


def test_a_campaign_cut_back_while_buyers_claim_never_issues_more_than_its_total(stack: Stack) -> None:
    template_id = new_template(stack, total=30)
    tokens = [login(stack, f"cutback-{uuid.uuid4().hex[:6]}-{i}") for i in range(24)]

    def claim(token: str):
        return stack.post(f"/coupons/{template_id}/claim", token=token)

    def cut_back(_: Any):
        return stack.request("PATCH", f"/admin/coupons/{template_id}", json_body={"total": 8}, token=merchant())

    with ThreadPoolExecutor(max_workers=25) as pool:
        claims = [pool.submit(claim, t) for t in tokens[:12]]
        patch = pool.submit(cut_back, None)
        claims += [pool.submit(claim, t) for t in tokens[12:]]
        replies, patched = [c.result() for c in claims], patch.result()
    granted = sum(r.status == 201 for r in replies)
    listed = {t["id"]: t for t in stack.get("/admin/coupons", token=merchant()).json["items"]}[template_id]
    assert listed["issued"] == granted
    if patched.status == 200:  # the cut came before the ninth claim: nothing beyond 8 after it
        assert patched.json["issued"] <= granted <= 8 and listed["total"] == 8
    else:  # more than 8 had already been claimed when the cut arrived
        assert (patched.status, patched.error_code) == (409, "total_below_issued") and listed["total"] == 30
    assert {r.error_code for r in replies if r.status != 201} <= {"coupon_sold_out"}


def test_one_buyer_claiming_20_times_at_once_gets_one(stack: Stack) -> None:
    template_id = new_template(stack, total=1000, per_user_limit=1)
    token = login(stack, "eager-" + uuid.uuid4().hex[:6])
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: stack.post(f"/coupons/{template_id}/claim", token=token), range(20)))
    assert [r.status for r in replies].count(201) == 1
    assert {r.error_code for r in replies if r.status != 201} == {"coupon_limit_reached"}
    held = [c for c in stack.get("/me/coupons", token=token).json["items"] if c["template_id"] == template_id]
    assert len(held) == 1


def test_one_coupon_in_five_concurrent_orders(stack: Stack) -> None:
    template_id = new_template(stack, total=10, amount=2000)
    token = login(stack, "double-spender-" + uuid.uuid4().hex[:6])
    coupon_id = stack.post(f"/coupons/{template_id}/claim", token=token).json["id"]
    body = {"items": [{"sku_id": "p-nuts.02", "quantity": 1}], **PICKUP, "coupon_ids": [coupon_id]}
    with ThreadPoolExecutor(max_workers=5) as pool:
        replies = list(pool.map(lambda _: order(stack, token, body), range(5)))
    placed = [r for r in replies if r.status == 201]
    assert len(placed) == 1, [r.text for r in replies]
    assert {r.error_code for r in replies if r.status != 201} <= {"coupon_unavailable", "coupon_locked"}
    winner = placed[0].json["order"]
    assert winner["discount"] == 2000 and winner["coupon_ids"] == [coupon_id]
    assert stack.sim(f"/_sim/pay/{winner['id']}").status == 200
    wait_for(lambda: stack.get(f"/orders/{winner['id']}", token=token).json["status"] == "PAID")
    used = [c for c in stack.get("/me/coupons?status=used", token=token).json["items"] if c["id"] == coupon_id]
    assert len(used) == 1 and used[0]["order_id"] == winner["id"]


# ---------------------------------------------------------------- gift pack and share rewards

def sign_up(stack: Stack, code: str, inviter: str | None = None) -> str:
    reply = stack.post("/auth/login", {"code": code, **({"inviter": inviter} if inviter else {})})
    assert reply.status == 200, reply.text
    return reply.json["token"]


def templates_held(stack: Stack, token: str) -> list[str]:
    return sorted(c["template_id"] for c in stack.get("/me/coupons", token=token).json["items"])


def buy_and_pay(stack: Stack, token: str, copies: int) -> str:
    placed = order(stack, token, {"items": [{"sku_id": "p-nuts.02", "quantity": 1}], **PICKUP})
    assert placed.status == 201, placed.text
    order_id = placed.json["order"]["id"]
    assert stack.post(f"/orders/{order_id}/pay", token=token).status == 200
    assert stack.sim(f"/_sim/pay/{order_id}", {"copies": copies}).status == 200  # notifications sent at once
    wait_for(lambda: stack.get(f"/orders/{order_id}", token=token).json["status"] == "PAID")
    return order_id


def test_a_first_login_racing_itself_gets_one_gift_pack(stack: Stack) -> None:
    code = "racer-" + uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: stack.post("/auth/login", {"code": code}), range(8)))
    assert {r.status for r in replies} == {200}
    assert len({r.json["user_id"] for r in replies}) == 1
    assert [r.json["is_new_user"] for r in replies].count(True) == 1
    stack.drain()
    assert templates_held(stack, replies[0].json["token"]) == ["gift-10", "gift-100-15"]


def test_the_share_journey_rewards_the_third_paying_friend_once(stack: Stack) -> None:
    """Three friends arrive through a share, all pay at once, each notification sent four times
    at once: the sharer gets the 3-friend reward exactly once."""
    run = uuid.uuid4().hex[:6]
    alice = sign_up(stack, f"sharer-{run}")
    mine = stack.get("/me/share", token=alice).json
    code = mine["invite_code"]
    assert mine["share_path"] == f"pages/index/index?inviter={code}" and mine["invited"] == 0
    image = stack.get("/me/share/qrcode", token=alice)
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    assert image.body.startswith(b"\x89PNG") and f"inviter={code}".encode() in image.body

    friends = [sign_up(stack, f"friend-{run}-{i}", inviter=code) for i in range(3)]
    outsider = sign_up(stack, f"outsider-{run}")  # signed up on their own
    stack.drain()
    assert all(templates_held(stack, f) == ["gift-10", "gift-100-15"] for f in friends)
    assert stack.post("/share/accept", {"inviter": code}, token=friends[0]).json["reason"] == "already_bound"
    assert stack.get("/me/share", token=alice).json["invited"] == 3

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda f: buy_and_pay(stack, f, copies=4), friends))
    buy_and_pay(stack, outsider, copies=1)
    stack.drain()
    mine = stack.get("/me/share", token=alice).json
    assert (mine["invited"], mine["qualified"]) == (3, 3)
    assert [r["tier_id"] for r in mine["rewards"]] == ["t3"]
    assert [(t["id"], t["granted"], t["remaining"]) for t in mine["tiers"]] == [("t3", True, 0), ("t10", False, 7)]
    assert templates_held(stack, alice) == ["gift-10", "gift-100-15", "reward-3"]
    reward = next(c for c in stack.get("/me/coupons", token=alice).json["items"] if c["template_id"] == "reward-3")
    assert reward["id"] == mine["rewards"][0]["coupon_id"] and reward["status"] == "available"
    # ...and it works at checkout: 8折, at most 50 yuan off
    body = {"items": [{"sku_id": "p-nuts.02", "quantity": 1}], **PICKUP, "coupon_ids": [reward["id"]]}
    quote = stack.post("/orders/preview", body, token=alice)
    assert quote.status == 200 and quote.json["applied_coupon_ids"] == [reward["id"]]
    assert quote.json["discount"] == min(quote.json["goods_total"] * 20 // 100, 5000)
