"""Issue 8's defects, each through the real handlers: what a production shop must refuse or
settle where the first version lost money, stock or trust."""

from __future__ import annotations

from typing import Any

import pytest

from shop import pagination
from tests.handler.test_buying import ADDRESS, checkout, place
from tests.helpers import Api, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
TEE = "p-tee-basic.02"


@pytest.fixture
def buyer(api: Api) -> str:
    return login(api, "hardening-buyer")


@pytest.fixture
def address_id(api: Api, buyer: str) -> str:
    reply = api.post("/addresses", ADDRESS, token=buyer)
    assert reply.status == 201, reply.text
    return reply.json["id"]


# ---------------------------------------------------------------- cursors (7)

@pytest.mark.parametrize("payload", [
    {"s": "", "o": "o" + "0" * 25, "k": ""},                       # empty key part: a 500 in real DynamoDB
    {"s": "", "o": "", "k": "0000000000001#"},
    {"s": "", "o": "o" + "0" * 25, "k": "0000000000001#o" + "1" * 25},  # key part of another order
    {"s": "", "o": "o" + "0" * 25, "k": "abcdefghijklm#o" + "0" * 25},
    {"s": "", "o": "o" + "0" * 25, "k": "0000000000001#o" + "0" * 25, "x": 1},
    {"s": "", "o": "O" + "0" * 25, "k": "0000000000001#O" + "0" * 25},
])
def test_order_cursors_are_checked_part_by_part(api: Api, buyer: str, payload: dict[str, Any]) -> None:
    reply = api.get(f"/orders?cursor={pagination.encode(payload)}", token=buyer)
    assert (reply.status, reply.error_code) == (400, "invalid_cursor")


def test_a_well_formed_cursor_still_pages(api: Api, buyer: str, address_id: str) -> None:
    for _ in range(3):
        assert place(api, buyer, checkout(address_id, (TEE, 1))).status == 201
    first = api.get("/orders?limit=2", token=buyer).json
    second = api.get(f"/orders?limit=2&cursor={first['next_cursor']}", token=buyer).json
    assert len(first["items"]) == 2 and len(second["items"]) == 1


# ---------------------------------------------------------------- free text (8)

@pytest.mark.parametrize("bad", ["张\u202e三", "张\u200b三", "张\x00三", "张\x1b[31m三", "张\n三", "<img src=x>"])
def test_names_refuse_control_invisible_characters_and_markup(api: Api, buyer: str, bad: str) -> None:
    reply = api.post("/addresses", {**ADDRESS, "name": bad}, token=buyer)
    assert (reply.status, reply.error_code) == (400, "invalid_request"), reply.text
    assert api.get("/addresses", token=buyer).json["items"] == []  # nothing half-written


@pytest.mark.parametrize("field,value", [("detail", "科技园路\u202e1号"), ("detail", "科技园路1号\r\n2楼")])
def test_addresses_refuse_them_too(api: Api, buyer: str, field: str, value: str) -> None:
    assert api.post("/addresses", {**ADDRESS, field: value}, token=buyer).status == 400


def test_remarks_and_reasons_may_break_lines_but_not_hide_text(api: Api, buyer: str, address_id: str) -> None:
    body = checkout(address_id, (TEE, 1), remark="请周末送\n谢谢")
    assert api.post("/orders/preview", body, token=buyer).status == 200
    for bad in ("请周末送\u2066谢谢", "请周末送\t谢谢", "</textarea>"):
        reply = api.post("/orders/preview", {**body, "remark": bad}, token=buyer)
        assert (reply.status, reply.error_code) == (400, "invalid_request")
    assert api.post("/addresses/parse", {"text": "张三 13800138000\n广东省深圳市南山区科技园路1号"}, token=buyer).status == 200


def test_emoji_sequences_and_ordinary_text_pass(api: Api, buyer: str) -> None:
    reply = api.post("/addresses", {**ADDRESS, "name": "张三👨\u200d👩\u200d👧", "detail": "科技园路1号 A座 <3楼"},
                     token=buyer)
    assert reply.status == 201, reply.text
