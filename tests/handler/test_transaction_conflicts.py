"""What a buyer sees when DynamoDB cancels a transaction only because another request was changing
one of its items at that moment (TransactionConflict): a hot SKU in a flash sale, a coupon template
many buyers claim at once, a popular sharer's counters. moto never does this, so it is injected
(tests.helpers.TransactionConflicts). A short burst is retried and succeeds; a conflict that lasts is
a 503 with Retry-After and nothing written - never a false "sold out", "out of stock" or a 500; and a
stream record whose grant keeps conflicting is reported as failed, to be redelivered, not dropped."""

from __future__ import annotations

from typing import Any

import pytest

from tests.handler.test_buying import ADDRESS, TEE, checkout, place, stock_of
from tests.handler.test_growth import coupons_of, issued, share, sign_up
from tests.helpers import Api, TableStream, TransactionConflicts, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")


def test_a_claim_that_meets_a_short_burst_of_conflicts_still_succeeds_once(api: Api) -> None:
    buyer = login(api, "burst-claimer")
    before = issued("c-100-20")
    with TransactionConflicts(times=2) as conflicts:
        reply = api.post("/coupons/c-100-20/claim", token=buyer)
    assert reply.status == 201, reply.text
    assert conflicts.seen == 3
    assert issued("c-100-20") == before + 1
    assert [c["template_id"] for c in coupons_of(api, buyer)] == ["c-100-20"]


def test_a_claim_that_keeps_conflicting_is_503_and_writes_nothing(api: Api) -> None:
    buyer = login(api, "stuck-claimer")
    before = issued("c-100-20")
    with TransactionConflicts(times=100):
        reply = api.post("/coupons/c-100-20/claim", token=buyer)
    assert reply.status == 503, reply.text
    assert reply.headers["retry-after"] and reply.json["error"]["code"] == "service_unavailable"
    assert issued("c-100-20") == before and coupons_of(api, buyer) == []
    assert api.post("/coupons/c-100-20/claim", token=buyer).status == 201  # the retry the 503 asks for


def test_an_order_on_a_hot_sku_is_placed_after_a_burst_and_never_called_out_of_stock(api: Api) -> None:
    buyer = login(api, "hot-sku-buyer")
    address_id = api.post("/addresses", ADDRESS, token=buyer).json["id"]
    stock = stock_of(TEE)
    with TransactionConflicts(times=3):
        placed = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert placed.status == 201, placed.text
    assert stock_of(TEE)[0] == stock[0] - 1
    with TransactionConflicts(times=100):
        stuck = place(api, buyer, checkout(address_id, (TEE, 1)))
    assert stuck.status == 503 and stuck.json["error"]["code"] == "service_unavailable", stuck.text
    assert stock_of(TEE)[0] == stock[0] - 1
    assert len(api.get("/orders", token=buyer).json["items"]) == 1


def test_accepting_an_invitation_under_lasting_conflicts_is_503_then_binds(api: Api, stream: TableStream) -> None:
    alice, _ = sign_up(api, "busy-sharer")
    code = share(api, alice)["invite_code"]
    bob, _ = sign_up(api, "busy-friend")
    with TransactionConflicts(times=100):
        reply = api.post("/share/accept", {"inviter": code}, token=bob)
    assert reply.status == 503, reply.text
    assert share(api, alice)["invited"] == 0
    assert api.post("/share/accept", {"inviter": code}, token=bob).json == {"bound": True, "reason": None}
    assert share(api, alice)["invited"] == 1


def test_a_gift_pack_that_keeps_conflicting_is_redelivered_not_lost(api: Api, stream: TableStream) -> None:
    token, _ = sign_up(api, "launch-day-user")
    records = stream.read()
    with TransactionConflicts(times=100):
        result: dict[str, Any] = stream.deliver(records)
    assert result["batchItemFailures"], "the record must be retried"
    assert coupons_of(api, token) == []
    assert stream.deliver(records) == {"batchItemFailures": []}  # Lambda's retry
    assert sorted(c["template_id"] for c in coupons_of(api, token)) == ["gift-10", "gift-100-15"]


@pytest.fixture
def stream(seeded: dict[str, str]) -> TableStream:
    return TableStream()
