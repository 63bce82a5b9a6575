"""Pickup codes (到店自提核销, docs/settings.md): the buyer's code, verified exactly once by a verifier
of that store; wrong stores and guessed codes refused and rate-limited; the order completes."""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
import pytest

from tests.handler.test_buying import TEE, merchant_token, pay_and_notify, place, settle
from tests.helpers import Api, login, together

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
PICKUP = {"delivery": "pickup", "pickup_store_id": "sz-nanshan"}


@pytest.fixture
def buyer(api: Api) -> str:
    return login(api, "pickup-buyer")


@pytest.fixture
def owner() -> str:
    return merchant_token("shop-owner", role="owner")


@pytest.fixture
def counter(api: Api, owner: str) -> str:
    """A pickup verifier listed at sz-nanshan only (sh-jingan lists someone else)."""
    stores = {s["id"]: s for s in api.get("/admin/pickup-stores", token=owner).json["items"]}
    for store_id, verifiers in (("sz-nanshan", ["counter-nanshan"]), ("sh-jingan", ["counter-jingan"])):
        store = stores[store_id]
        body = {k: store[k] for k in ("name", "address", "phone", "hours", "latitude", "longitude")}
        reply = api.request("PUT", f"/admin/pickup-stores/{store_id}",
                            json_body={**body, "version": store["version"], "verifiers": verifiers}, token=owner)
        assert reply.status == 200, reply.text
    return merchant_token("counter-nanshan", role="pickup_verifier")


def paid_pickup_order(api: Api, wechat, buyer: str, quantity: int = 1) -> str:
    reply = place(api, buyer, {"items": [{"sku_id": TEE, "quantity": quantity}], **PICKUP})
    assert reply.status == 201, reply.text
    order_id = reply.json["order"]["id"]
    pay_and_notify(api, wechat, order_id)
    return order_id


def code_of(api: Api, buyer: str, order_id: str) -> str:
    reply = api.get(f"/orders/{order_id}/pickup-code", token=buyer)
    assert reply.status == 200, reply.text
    return reply.json["code"]


def verify(api: Api, token: str, code: str, store_id: str = "sz-nanshan") -> Any:
    return api.post("/admin/pickup/verify", {"code": code, "store_id": store_id}, token=token)


def order_item(order_id: str) -> dict[str, Any]:
    return boto3.client("dynamodb").get_item(TableName=os.environ["SHOP_TABLE_NAME"], ConsistentRead=True,
                                             Key={"PK": {"S": f"ORDER#{order_id}"}, "SK": {"S": "ORDER"}})["Item"]


class Barrier:
    """Holds every thread at the order's transaction until all have read (so each one decided from the
    same state), then lets the transactions run one at a time, as DynamoDB serializes them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
        from shop.adapters import db

        self.barrier, self.lock, real = threading.Barrier(parties, timeout=30), threading.Lock(), db.transact_reasons

        def held(actions: list[dict[str, Any]]) -> list[str] | None:
            self.barrier.wait()
            with self.lock:
                return real(actions)

        monkeypatch.setattr(db, "transact_reasons", held)


def verify_directly(token: str, code: str, store_id: str = "sz-nanshan") -> tuple[int, str | None]:
    """The verification as its handler runs it, called in this thread: (status, error code). Threads
    call the domain directly - the HTTP resolver keeps the current event in one global."""
    from shop.adapters.tokens import verify as verify_token
    from shop.buying import pickup
    from shop.core.errors import ShopError
    from shop.edge.auth import PendingStaff
    from shop.staff.roles import PICKUP_VERIFY

    try:
        pickup.verify(PendingStaff(verify_token(token, audience="merchant"), PICKUP_VERIFY),
                      pickup.VerifyRequest(code=code, store_id=store_id))
    except ShopError as exc:
        return exc.status, exc.code
    return 200, None


# ---------------------------------------------------------------- the buyer's code

def test_the_buyer_sees_only_their_own_code(api: Api, wechat, buyer: str) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    first = api.get(f"/orders/{order_id}/pickup-code", token=buyer).json
    assert len(first["code"]) == 12 and first["code"].isdigit() and first["qr_payload"] == first["code"]
    assert first["display"].replace(" ", "") == first["code"] and first["status"] == "issued"
    assert first["store"]["id"] == "sz-nanshan"
    assert api.get(f"/orders/{order_id}/pickup-code", token=buyer).json["code"] == first["code"]  # the same again
    other = api.get(f"/orders/{order_id}/pickup-code", token=login(api, "someone-else"))
    assert (other.status, other.error_code) == (404, "order_not_found")
    assert api.get(f"/orders/{order_id}/pickup-code").status == 401
    assert api.get(f"/orders/o{'0' * 25}/pickup-code", token=buyer).status == 404


def test_no_code_before_payment_nor_for_delivery_orders(api: Api, wechat, buyer: str) -> None:
    unpaid = place(api, buyer, {"items": [{"sku_id": TEE, "quantity": 1}], **PICKUP}).json["order"]["id"]
    reply = api.get(f"/orders/{unpaid}/pickup-code", token=buyer)
    assert (reply.status, reply.error_code) == (409, "pickup_not_ready")
    address = api.post("/addresses", {"name": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
                                      "district": "南山区", "detail": "科技园路1号"}, token=buyer).json["id"]
    express = place(api, buyer, {"items": [{"sku_id": TEE, "quantity": 1}], "delivery": "express",
                                 "address_id": address}).json["order"]["id"]
    pay_and_notify(api, wechat, express)
    reply = api.get(f"/orders/{express}/pickup-code", token=buyer)
    assert (reply.status, reply.error_code) == (409, "not_pickup_order")


def test_concurrent_first_requests_make_one_code(api: Api, wechat, buyer: str, monkeypatch) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    from shop.adapters.tokens import verify as verify_token
    from shop.buying import pickup

    user_id = verify_token(buyer, audience="shopper").user_id
    Barrier(monkeypatch, 2)
    replies = together(*[lambda: pickup.code_for(user_id, order_id)] * 2)
    codes = {r.code for r in replies}
    assert len(codes) == 1 and order_item(order_id)["pickup_code"]["S"] in codes
    (code,) = codes
    items = boto3.client("dynamodb").get_item(TableName=os.environ["SHOP_TABLE_NAME"],
                                              Key={"PK": {"S": f"PICKUP_CODE#{code}"}, "SK": {"S": "CODE"}})
    assert items["Item"]["order_id"]["S"] == order_id


# ---------------------------------------------------------------- the counter

def test_a_code_is_verified_once_and_the_order_completes(api: Api, wechat, buyer: str, counter: str) -> None:
    order_id = paid_pickup_order(api, wechat, buyer, quantity=2)
    code = code_of(api, buyer, order_id)
    done = verify(api, counter, f"{code[:4]} {code[4:8]} {code[8:]}")  # as read out, in groups
    assert done.status == 200, done.text
    assert done.json["order"]["status"] == "COMPLETED" and done.json["picked_up_by"] == "counter-nanshan"
    assert [(line["sku_id"], line["quantity"]) for line in done.json["order"]["lines"]] == [(TEE, 2)]
    seen = api.get(f"/orders/{order_id}", token=buyer).json
    assert seen["status"] == "COMPLETED" and seen["completed_at"]
    assert api.get(f"/orders/{order_id}/pickup-code", token=buyer).json["status"] == "used"
    again = verify(api, counter, code)
    assert (again.status, again.error_code) == (409, "pickup_code_used")
    assert again.json["error"]["details"]["used_by"] == "counter-nanshan"
    item = order_item(order_id)
    assert item["picked_up_by"]["S"] == "counter-nanshan" and item["picked_up_store"]["S"] == "sz-nanshan"
    audit = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#order#{order_id}"}})["Items"]
    assert [(a["action"]["S"], a["actor"]["S"]) for a in audit] == [("orders.pickup.verify", "counter-nanshan")]


def test_two_concurrent_scans_verify_once(api: Api, wechat, buyer: str, counter: str, monkeypatch) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    code = code_of(api, buyer, order_id)
    second_device = merchant_token("counter-nanshan", role="pickup_verifier")
    Barrier(monkeypatch, 2)
    replies = together(lambda: verify_directly(counter, code), lambda: verify_directly(second_device, code))
    assert sorted(replies, key=lambda r: r[0]) == [(200, None), (409, "pickup_code_used")]
    assert order_item(order_id)["status"]["S"] == "COMPLETED"
    audit = boto3.client("dynamodb").query(
        TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1", KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#order#{order_id}"}})["Items"]
    assert len(audit) == 1


def test_another_store_is_refused(api: Api, wechat, buyer: str, counter: str, owner: str) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    code = code_of(api, buyer, order_id)
    jingan = merchant_token("counter-jingan", role="pickup_verifier")
    wrong = verify(api, jingan, code, "sh-jingan")  # the order is collected in Shenzhen
    assert (wrong.status, wrong.error_code) == (409, "wrong_store")
    elsewhere = verify(api, jingan, code, "sz-nanshan")  # not a verifier of that store
    assert (elsewhere.status, elsewhere.error_code) == (403, "not_store_verifier")
    assert order_item(order_id)["status"]["S"] == "PAID"
    manager = merchant_token("shop-manager", role="manager")  # owners and managers verify anywhere
    assert verify(api, manager, code).status == 200


def test_guessed_codes_are_refused_and_rate_limited(api: Api, wechat, buyer: str, counter: str) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    code = code_of(api, buyer, order_id)
    guesses = [f"{(int(code) + n) % 10 ** 12:012d}" for n in range(1, 11)]
    replies = [verify(api, counter, guess) for guess in guesses]
    assert [(r.status, r.error_code) for r in replies] == [(404, "pickup_code_not_found")] * 10
    limited = verify(api, counter, code)  # even the right code, once the limit is reached
    assert (limited.status, limited.error_code) == (429, "pickup_attempts_exceeded")
    assert int(limited.headers["retry-after"]) > 0
    assert order_item(order_id)["status"]["S"] == "PAID"
    other = merchant_token("shop-manager", role="manager")  # the limit is per staff member
    assert verify(api, other, code).status == 200


def test_concurrent_guesses_cannot_pass_the_limit(counter: str, monkeypatch) -> None:
    from shop.adapters import db

    # every guess has read the counter (still 0) before any is counted; then one write at a time
    barrier, lock, real = threading.Barrier(14, timeout=30), threading.Lock(), db.update_if

    def held(**update: Any) -> bool:
        barrier.wait()
        with lock:
            return real(**update)

    monkeypatch.setattr(db, "update_if", held)
    replies = together(*[lambda n=n: verify_directly(counter, f"{n:012d}") for n in range(14)])
    assert sorted(replies) == [(404, "pickup_code_not_found")] * 10 + [(429, "pickup_attempts_exceeded")] * 4


def test_a_refunded_or_refunding_order_cannot_be_picked_up(api: Api, wechat, buyer: str, counter: str, owner: str) -> None:
    order_id = paid_pickup_order(api, wechat, buyer)
    code = code_of(api, buyer, order_id)
    refund = api.post(f"/orders/{order_id}/refund", {"reason": "不想要了"}, token=buyer).json["refunds"][-1]
    pending = verify(api, counter, code)
    assert (pending.status, pending.error_code) == (409, "refund_in_progress")
    api.post(f"/admin/refunds/{refund['id']}/approve", {}, token=owner)
    settle(api, wechat, refund["id"])
    assert order_item(order_id)["status"]["S"] == "CLOSED"
    closed = verify(api, counter, code)
    assert (closed.status, closed.error_code) == (409, "order_not_pickable")
    assert api.get(f"/orders/{order_id}/pickup-code", token=buyer).error_code == "pickup_not_ready"


def test_a_cancelled_order_has_no_code(api: Api, buyer: str) -> None:
    order_id = place(api, buyer, {"items": [{"sku_id": TEE, "quantity": 1}], **PICKUP}).json["order"]["id"]
    assert api.post(f"/orders/{order_id}/cancel", token=buyer).status == 200
    assert api.get(f"/orders/{order_id}/pickup-code", token=buyer).error_code == "pickup_not_ready"


def test_a_pickup_is_reported_to_wechat_shipping_management(api: Api, wechat, buyer: str, counter: str) -> None:
    """The counter's verification queues the handover for upload_shipping_info (自提, logistics_type 4)
    in its own transaction; the upload worker sends it once."""
    from tests.handler.test_shipping import run_uploads

    order_id = paid_pickup_order(api, wechat, buyer, quantity=2)
    assert verify(api, counter, code_of(api, buyer, order_id)).status == 200
    seen = api.get(f"/orders/{order_id}", token=buyer).json
    assert [s["logistics"] for s in seen["shipments"]] == ["pickup"] and seen["shipping_upload"]["state"] == "pending"
    run_uploads()
    run_uploads()
    txn = wechat.pay.transactions[order_id]["transaction_id"]
    [sent] = wechat.shipping.uploads(txn)
    assert (sent["logistics_type"], sent["delivery_mode"]) == (4, 1)
    assert api.get(f"/orders/{order_id}", token=buyer).json["shipping_upload"]["state"] == "uploaded"
