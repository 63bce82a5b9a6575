"""Growth through the real handlers: the new-user gift pack, invitations (binding at login and by
POST /share/accept), qualification on the first paid order, tier rewards, the share code image and
the merchant's settings. Stream-driven steps run by handing the table's stream to GrowthEvents as its
event source mapping would (tests.helpers.TableStream), replays included."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from shop.growth import rewards
from tests.handler.test_buying import TEE, merchant_token, pay_and_notify, place
from tests.helpers import Api, TableStream, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}


@pytest.fixture
def stream(seeded: dict[str, str]) -> TableStream:
    return TableStream()


def table() -> Any:
    return boto3.resource("dynamodb").Table(__import__("os").environ["SHOP_TABLE_NAME"])


def sign_up(api: Api, code: str, inviter: Any = None) -> tuple[str, str]:
    body = {"code": code, **({"inviter": inviter} if inviter is not None else {})}
    reply = api.post("/auth/login", body)
    assert reply.status == 200, reply.text
    return reply.json["token"], reply.json["user_id"]


def share(api: Api, token: str) -> dict[str, Any]:
    reply = api.get("/me/share", token=token)
    assert reply.status == 200, reply.text
    return reply.json


def coupons_of(api: Api, token: str) -> list[dict[str, Any]]:
    return api.get("/me/coupons", token=token).json["items"]


def issued(template_id: str) -> int:
    return int(table().get_item(Key={"PK": "COUPONS", "SK": f"TEMPLATE#{template_id}"})["Item"]["issued"])


def buy_and_pay(api: Api, wechat: Any, token: str, **options: Any) -> str:
    placed = place(api, token, {"items": [{"sku_id": TEE, "quantity": 1}], **PICKUP})
    assert placed.status == 201, placed.text
    order_id = placed.json["order"]["id"]
    assert api.post(f"/orders/{order_id}/pay", token=token).status == 200
    assert all(r.status == 204 for r in pay_and_notify(api, wechat, order_id, **options))
    return order_id


# ---------------------------------------------------------------- the gift pack

def test_a_new_user_gets_the_gift_pack_once_however_often_the_event_arrives(api: Api, stream: TableStream) -> None:
    token, _ = sign_up(api, "gift-newbie")
    records = stream.read()
    assert [r["dynamodb"]["NewImage"]["type"]["S"] for r in records] == ["user"]
    before = issued("gift-10"), issued("gift-100-15")
    for _ in range(3):  # the stream delivers at least once: a retried batch, a replay
        assert stream.deliver(records) == {"batchItemFailures": []}
    held = coupons_of(api, token)
    assert sorted(c["template_id"] for c in held) == ["gift-10", "gift-100-15"]
    assert {(c["status"], c["source"]) for c in held} == {("available", "gift")}
    assert (issued("gift-10"), issued("gift-100-15")) == (before[0] + 1, before[1] + 1)


def test_a_returning_user_gets_no_second_gift_pack(api: Api, stream: TableStream) -> None:
    token, _ = sign_up(api, "gift-returning")
    stream.drain()
    sign_up(api, "gift-returning")  # the same WeChat user again
    assert stream.read() == []
    assert len(coupons_of(api, token)) == 2


def test_a_used_up_gift_coupon_does_not_stop_the_rest_of_the_pack(api: Api, stream: TableStream) -> None:
    table().update_item(Key={"PK": "COUPONS", "SK": "TEMPLATE#gift-10"}, UpdateExpression="SET issued = #t",
                        ExpressionAttributeNames={"#t": "total"})
    token, _ = sign_up(api, "gift-late")
    stream.drain()
    assert [c["template_id"] for c in coupons_of(api, token)] == ["gift-100-15"]


# ---------------------------------------------------------------- binding

def test_a_first_login_through_a_share_binds_the_friend(api: Api, stream: TableStream) -> None:
    alice, alice_id = sign_up(api, "alice")
    code = share(api, alice)["invite_code"]
    assert share(api, alice)["share_path"] == f"pages/index/index?inviter={code}"
    _, bob_id = sign_up(api, "bob", inviter=code)
    stream.drain()
    mine = share(api, alice)
    assert (mine["invited"], mine["qualified"]) == (1, 0)
    referral = table().get_item(Key={"PK": f"USER#{bob_id}", "SK": "REFERRAL"})["Item"]
    assert (referral["inviter_id"], referral["via"]) == (alice_id, "login")


@pytest.mark.parametrize("inviter", ["", "NOSUCHCD", "not a code at all <script>", "x" * 64, "x" * 500, 12345678])
def test_an_unknown_or_malformed_code_never_blocks_login(api: Api, stream: TableStream, inviter: Any) -> None:
    token, user_id = sign_up(api, f"stray-{abs(hash(repr(inviter)))}", inviter=inviter)
    stream.drain()
    assert "Item" not in boto3.client("dynamodb").get_item(
        TableName=__import__("os").environ["SHOP_TABLE_NAME"],
        Key={"PK": {"S": f"USER#{user_id}"}, "SK": {"S": "REFERRAL"}})
    assert len(coupons_of(api, token)) == 2  # and the gift pack still came


def test_an_existing_user_arriving_through_a_share_is_not_bound(api: Api, stream: TableStream) -> None:
    alice, _ = sign_up(api, "alice")
    code = share(api, alice)["invite_code"]
    carol, _ = sign_up(api, "carol")
    stream.drain()
    sign_up(api, "carol", inviter=code)  # carol returns through alice's share
    stream.drain()
    assert share(api, alice)["invited"] == 0
    # /share/accept: carol signed up an hour ago
    table().update_item(Key={"PK": f"USER#{_user_id(api, carol)}", "SK": "PROFILE"}, UpdateExpression="SET created_at = :t",
                        ExpressionAttributeValues={":t": (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")})
    reply = api.post("/share/accept", {"inviter": code}, token=carol)
    assert reply.status == 200 and reply.json == {"bound": False, "reason": "not_a_new_user"}
    assert share(api, alice)["invited"] == 0


def _user_id(api: Api, token: str) -> str:
    return api.get("/me", token=token).json["id"]


def test_accept_binds_a_new_user_once_and_refuses_self_second_and_unknown(api: Api, stream: TableStream) -> None:
    alice, _ = sign_up(api, "alice")
    dave, _ = sign_up(api, "dave")
    alice_code, dave_code = share(api, alice)["invite_code"], share(api, dave)["invite_code"]
    erin, _ = sign_up(api, "erin")
    assert api.post("/share/accept", {"inviter": share(api, erin)["invite_code"]}, token=erin).json == \
        {"bound": False, "reason": "self_invite"}
    for junk in ("ZZZZZZZZ", "", "Q" * 200, "inviter=ABCDEFGH"):  # whatever a page forwards from its options
        assert api.post("/share/accept", {"inviter": junk}, token=erin).json == {"bound": False, "reason": "unknown_code"}
    assert api.post("/share/accept", {"inviter": alice_code}, token=erin).json == {"bound": True, "reason": None}
    assert api.post("/share/accept", {"inviter": dave_code}, token=erin).json == {"bound": False, "reason": "already_bound"}
    assert api.post("/share/accept", {"inviter": alice_code}, token=erin).json == {"bound": False, "reason": "already_bound"}
    stream.drain()
    assert (share(api, alice)["invited"], share(api, dave)["invited"]) == (1, 0)


def test_a_login_invitation_and_a_later_accept_keep_the_first_inviter(api: Api, stream: TableStream) -> None:
    alice, _ = sign_up(api, "alice")
    dave, _ = sign_up(api, "dave")
    frank, _ = sign_up(api, "frank", inviter=share(api, alice)["invite_code"])
    stream.drain()
    assert api.post("/share/accept", {"inviter": share(api, dave)["invite_code"]}, token=frank).json["reason"] == "already_bound"
    assert (share(api, alice)["invited"], share(api, dave)["invited"]) == (1, 0)


def test_a_buyer_who_has_paid_cannot_accept(api: Api, stream: TableStream, wechat: Any) -> None:
    alice, _ = sign_up(api, "alice")
    gina, _ = sign_up(api, "gina")
    buy_and_pay(api, wechat, gina)
    assert api.post("/share/accept", {"inviter": share(api, alice)["invite_code"]}, token=gina).json == \
        {"bound": False, "reason": "not_a_new_user"}


@pytest.mark.parametrize("body", [{}, {"inviter": None}, {"inviter": 12345678}, {"inviter": "ABCDEFGH", "extra": 1}])
def test_accept_validates_its_body(api: Api, body: dict[str, Any]) -> None:
    token, _ = sign_up(api, "validator")
    reply = api.post("/share/accept", body, token=token)
    assert reply.status == 400 and reply.error_code == "invalid_request"


# ---------------------------------------------------------------- qualification and rewards

def test_the_third_paying_friend_earns_the_tier_once(api: Api, stream: TableStream, wechat: Any) -> None:
    alice, _ = sign_up(api, "alice")
    code = share(api, alice)["invite_code"]
    friends = [sign_up(api, f"friend-{i}", inviter=code)[0] for i in range(4)]
    stream.drain()
    assert share(api, alice)["tiers"][0] == {"id": "t3", "title": "邀请3位好友 得8折券", "friends": 3,
                                               "template_id": "reward-3", "reached": False, "remaining": 3, "granted": False,
                                               "owed": False}
    paid_records = []
    for i, friend in enumerate(friends[:3]):
        buy_and_pay(api, wechat, friend, copies=3 if i == 2 else 1)  # WeChat Pay repeats the third one
        records = stream.read()
        assert all(r["eventName"] == "MODIFY" for r in records) and len(records) == 1
        paid_records += records
        stream.deliver(records)
        if i < 2:
            assert share(api, alice)["rewards"] == []
    mine = share(api, alice)
    assert (mine["qualified"], mine["tiers"][0]["granted"], mine["tiers"][0]["remaining"]) == (3, True, 0)
    assert [r["tier_id"] for r in mine["rewards"]] == ["t3"]
    # every qualifying event again, twice, in one batch: nothing more
    assert stream.deliver(paid_records * 2) == {"batchItemFailures": []}
    buy_and_pay(api, wechat, friends[0])  # a friend's second paid order does not count again
    stream.drain()
    mine = share(api, alice)
    assert mine["qualified"] == 3 and len(mine["rewards"]) == 1
    rewards = [c for c in coupons_of(api, alice) if c["template_id"] == "reward-3"]
    assert len(rewards) == 1 and rewards[0]["id"] == mine["rewards"][0]["coupon_id"]
    assert rewards[0]["description"] == "8折 最多减50" and rewards[0]["source"] == "share_reward"
    buy_and_pay(api, wechat, friends[3])
    stream.drain()
    assert share(api, alice)["qualified"] == 4 and len(share(api, alice)["rewards"]) == 1


def test_friends_who_never_pay_do_not_count(api: Api, stream: TableStream, wechat: Any) -> None:
    alice, _ = sign_up(api, "alice")
    code = share(api, alice)["invite_code"]
    for i in range(3):
        friend, _ = sign_up(api, f"idle-{i}", inviter=code)
        placed = place(api, friend, {"items": [{"sku_id": TEE, "quantity": 1}], **PICKUP})
        assert placed.status == 201  # placed, never paid
    stream.drain()
    assert (share(api, alice)["invited"], share(api, alice)["qualified"]) == (3, 0)


def test_counting_on_registration_rewards_at_sign_up(api: Api, stream: TableStream) -> None:
    config = api.get("/admin/growth", token=merchant_token()).json
    config.update(qualify_on="registration", tiers=[{"id": "t1", "friends": 1, "template_id": "reward-10", "title": "邀请1位好友"}])
    assert api.request("PUT", "/admin/growth", json_body=config, token=merchant_token()).status == 200
    alice, _ = sign_up(api, "alice")
    sign_up(api, "hank", inviter=share(api, alice)["invite_code"])
    stream.drain()
    mine = share(api, alice)
    assert (mine["qualify_on"], mine["qualified"], [r["tier_id"] for r in mine["rewards"]]) == ("registration", 1, ["t1"])
    assert [c["template_id"] for c in coupons_of(api, alice) if c["template_id"].startswith("reward")] == ["reward-10"]


def test_a_reward_whose_coupon_is_used_up_is_owed_and_granted_when_the_merchant_adds_more(
        api: Api, stream: TableStream) -> None:
    config = api.get("/admin/growth", token=merchant_token()).json
    config.update(qualify_on="registration", tiers=[{"id": "t1", "friends": 1, "template_id": "reward-10", "title": "1"}])
    api.request("PUT", "/admin/growth", json_body=config, token=merchant_token())
    total = int(table().get_item(Key={"PK": "COUPONS", "SK": "TEMPLATE#reward-10"})["Item"]["total"])
    table().update_item(Key={"PK": "COUPONS", "SK": "TEMPLATE#reward-10"}, UpdateExpression="SET issued = #t",
                        ExpressionAttributeNames={"#t": "total"})
    alice, _ = sign_up(api, "alice")
    code = share(api, alice)["invite_code"]
    sign_up(api, "ivy", inviter=code)
    stream.drain()  # no failure: nothing can be granted
    stream.drain()  # and a second delivery changes nothing
    tier = share(api, alice)["tiers"][0]
    assert share(api, alice)["rewards"] == [] and (tier["reached"], tier["granted"], tier["owed"]) == (True, False, True)
    raised = api.request("PATCH", "/admin/coupons/reward-10", json_body={"total": total + 5}, token=merchant_token())
    assert raised.status == 200, raised.text
    stream.drain()  # the change of total reaches GrowthEvents: no new friend needed
    mine = share(api, alice)
    assert [r["tier_id"] for r in mine["rewards"]] == ["t1"] and mine["tiers"][0]["owed"] is False
    assert [c["template_id"] for c in coupons_of(api, alice) if c["source"] == "share_reward"] == ["reward-10"]
    assert "total_changed_at" not in table().get_item(Key={"PK": "COUPONS", "SK": "TEMPLATE#reward-10"})["Item"]
    api.request("PATCH", "/admin/coupons/reward-10", json_body={"total": total + 6}, token=merchant_token())
    stream.drain()  # settling again grants nothing twice
    assert len(share(api, alice)["rewards"]) == 1 and issued("reward-10") == total + 1


def _rewards_run_out(api: Api, template_id: str = "reward-10") -> int:
    """One friend earns tier t1 (the given coupon) at sign-up, and that coupon is used up; its total."""
    config = api.get("/admin/growth", token=merchant_token()).json
    config.update(qualify_on="registration", tiers=[{"id": "t1", "friends": 1, "template_id": template_id, "title": "1"}])
    api.request("PUT", "/admin/growth", json_body=config, token=merchant_token())
    key = {"PK": "COUPONS", "SK": f"TEMPLATE#{template_id}"}
    table().update_item(Key=key, UpdateExpression="SET issued = #t", ExpressionAttributeNames={"#t": "total"})
    return int(table().get_item(Key=key)["Item"]["total"])


def _owed_sharers(api: Api, stream: TableStream, names: list[str]) -> list[str]:
    tokens = []
    for name in names:
        token, _ = sign_up(api, name)
        sign_up(api, name + "-friend", inviter=share(api, token)["invite_code"])
        stream.drain()
        tokens.append(token)
    return tokens


def test_a_top_up_settles_owed_rewards_once_first_come_first_served(api: Api, stream: TableStream,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    total = _rewards_run_out(api)
    first, second, third = _owed_sharers(api, stream, ["ann", "ben", "cat"])
    settles = []
    original = rewards.settle_owed_rewards
    monkeypatch.setattr(rewards, "settle_owed_rewards", lambda *a: settles.append(1) or original(*a))
    api.request("PATCH", "/admin/coupons/reward-10", json_body={"total": total + 2}, token=merchant_token())
    stream.drain()
    assert len(settles) == 1  # the grants that follow the change are not changes of the total
    assert [bool(share(api, t)["rewards"]) for t in (first, second, third)] == [True, True, False]
    assert share(api, third)["tiers"][0]["owed"] is True and issued("reward-10") == total + 2


def test_a_top_up_between_a_failed_grant_and_its_owed_record_is_not_missed(api: Api, stream: TableStream,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    total = _rewards_run_out(api)
    record = rewards._record_owed

    def top_up_first(*args: Any) -> None:  # the merchant's top-up is settled before the record is written
        api.request("PATCH", "/admin/coupons/reward-10", json_body={"total": total + 1}, token=merchant_token())
        record(*args)

    monkeypatch.setattr(rewards, "_record_owed", top_up_first)
    (dan,) = _owed_sharers(api, stream, ["dan"])
    assert [r["tier_id"] for r in share(api, dan)["rewards"]] == ["t1"] and share(api, dan)["tiers"][0]["owed"] is False


def test_a_reward_whose_coupon_has_expired_is_not_owed(api: Api, stream: TableStream) -> None:
    _rewards_run_out(api)
    table().update_item(Key={"PK": "COUPONS", "SK": "TEMPLATE#reward-10"}, UpdateExpression="SET valid_until = :past",
                        ExpressionAttributeValues={":past": 978307200})  # 2001: no top-up can pay it
    (eve,) = _owed_sharers(api, stream, ["eve"])
    tier = share(api, eve)["tiers"][0]
    assert (tier["reached"], tier["granted"], tier["owed"]) == (True, False, False)


def test_an_owed_record_left_by_a_changed_tier_is_dropped_by_the_next_top_up(api: Api, stream: TableStream) -> None:
    total = _rewards_run_out(api)
    (fay,) = _owed_sharers(api, stream, ["fay"])
    config = api.get("/admin/growth", token=merchant_token()).json
    config["tiers"][0]["template_id"] = "reward-3"  # the merchant now gives another coupon for this tier
    api.request("PUT", "/admin/growth", json_body=config, token=merchant_token())
    assert share(api, fay)["tiers"][0]["owed"] is False  # owed a coupon the tier no longer gives
    api.request("PATCH", "/admin/coupons/reward-10", json_body={"total": total + 5}, token=merchant_token())
    stream.drain()
    assert "Item" not in table().get_item(Key={"PK": share_pk(api, fay), "SK": "SHARE#OWED#t1"})
    assert issued("reward-10") == total


def share_pk(api: Api, token: str) -> str:
    return "USER#" + api.get("/me", token=token).json["id"]


def test_a_failing_record_is_reported_with_everything_after_it(api: Api, stream: TableStream,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sign_up(api, "kim")
    sign_up(api, "lee")
    records = stream.read()
    calls = []

    def gift_pack(user_id: str, config: Any) -> list[str]:
        calls.append(user_id)
        raise RuntimeError("DynamoDB throttled")

    monkeypatch.setattr(rewards, "grant_gift_pack", gift_pack)
    result = stream.deliver(records)
    assert result == {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in records]}
    assert len(calls) == 1  # stopped at the first failure; Lambda retries from there


# ---------------------------------------------------------------- the share code image

def _png_text(data: bytes) -> dict[str, str]:
    import struct

    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    text, at = {}, 8
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        if kind == b"tEXt":
            key, value = data[at + 8:at + 8 + length].split(b"\x00", 1)
            text[key.decode()] = value.decode()
        at += 12 + length
    return text


def test_the_share_code_image_carries_the_invite_code(api: Api, wechat: Any, app_logs: io.StringIO) -> None:
    token, _ = sign_up(api, "poster")
    code = share(api, token)["invite_code"]
    reply = api.get("/me/share/qrcode", token=token)
    assert reply.status == 200 and reply.headers["content-type"] == "image/png"
    assert "private" in reply.headers["cache-control"]
    text = _png_text(base64.b64decode(reply.text))
    assert text == {"scene": f"inviter={code}", "page": "pages/index/index", "env_version": "release"}
    assert len(text["scene"]) <= 32
    # WeChat issues a new token (another service forced a refresh): the function fetches it and retries
    wechat._stable_token({"grant_type": "client_credential", "appid": wechat.app_id, "secret": wechat.app_secret,
                          "force_refresh": True})
    assert api.get("/me/share/qrcode", token=token).status == 200
    assert wechat._token[0] not in app_logs.getvalue()


def test_the_share_code_needs_a_login(api: Api) -> None:
    assert api.get("/me/share/qrcode").status == 401
    assert api.get("/me/share").status == 401
    assert api.post("/share/accept", {"inviter": "ABCDEFGH"}).status == 401


# ---------------------------------------------------------------- the merchant's settings

def test_the_merchant_reads_and_sets_growth_settings(api: Api) -> None:
    admin = merchant_token()
    current = api.get("/admin/growth", token=admin).json
    assert current["gift_pack"] == ["gift-10", "gift-100-15"] and current["qualify_on"] == "first_paid_order"
    assert [t["friends"] for t in current["tiers"]] == [3, 10]
    new = {"gift_pack": ["gift-10"], "qualify_on": "first_paid_order",
           "tiers": [{"id": "big", "friends": 5, "template_id": "reward-10", "title": "5"},
                     {"id": "small", "friends": 2, "template_id": "reward-3", "title": "2"}]}
    saved = api.request("PUT", "/admin/growth", json_body=new, token=admin)
    assert saved.status == 200 and [t["id"] for t in saved.json["tiers"]] == ["small", "big"]
    assert api.get("/admin/growth", token=admin).json == saved.json


@pytest.mark.parametrize(("change", "code"), [
    ({"gift_pack": ["no-such-coupon"]}, "unknown_coupon_template"),
    ({"gift_pack": ["c-100-20"]}, "coupon_template_claimable"),  # claimable from the coupon center
    ({"tiers": [{"id": "a", "friends": 3, "template_id": "reward-3", "title": "a"},
                {"id": "b", "friends": 3, "template_id": "reward-10", "title": "b"}]}, "invalid_request"),
    ({"qualify_on": "first_login"}, "invalid_request"),
    ({"tiers": [{"id": "a", "friends": 0, "template_id": "reward-3", "title": "a"}]}, "invalid_request"),
])
def test_growth_settings_are_checked(api: Api, change: dict[str, Any], code: str) -> None:
    admin = merchant_token()
    before = api.get("/admin/growth", token=admin).json
    reply = api.request("PUT", "/admin/growth", json_body={**before, **change}, token=admin)
    assert reply.status == 400 and reply.error_code == code
    assert api.get("/admin/growth", token=admin).json == before


def test_buyers_cannot_touch_growth_settings(api: Api) -> None:
    token, _ = sign_up(api, "nosy")
    assert api.get("/admin/growth", token=token).status in (401, 403)
    whole = {"gift_pack": [], "qualify_on": "registration", "tiers": []}  # a valid body: only the token is wrong
    assert api.request("PUT", "/admin/growth", json_body=whole, token=token).status in (401, 403)
    assert api.get("/admin/growth", token=merchant_token()).json["gift_pack"] == ["gift-10", "gift-100-15"]
