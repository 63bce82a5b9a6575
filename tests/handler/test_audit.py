"""GET /admin/audit: who changed what, when, from what to what; filters by actor, target, action and
Beijing dates; cursor pagination newest first (docs/staff.md, "The audit log")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.handler.test_buying import merchant_token
from tests.helpers import Api

pytestmark = pytest.mark.usefixtures("seeded", "wechat")

BEIJING_NOON = timedelta(hours=4)  # 12:00 Beijing is 04:00 UTC


def _write(actor: str, action: str, target_type: str, target_id: str, at: datetime, **kw: Any) -> None:
    from shop.adapters import db
    from shop.core import audit

    assert db.transact([audit.entry(db.table(), actor=actor, action=action, target_type=target_type,
                                    target_id=target_id, at=at, **kw)])


def _today() -> date:
    from shop.adapters.clock import business_day

    return business_day()


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + BEIJING_NOON


def _get(api: Api, token: str, **query: Any) -> Any:
    from urllib.parse import urlencode

    return api.get("/admin/audit" + ("?" + urlencode(query) if query else ""), token=token)


@pytest.fixture
def reader() -> str:
    return merchant_token("caiwu", role="finance")  # 财务 reads the audit log


def test_a_staff_change_shows_who_what_when_before_and_after(api: Api, reader: str) -> None:
    owner = merchant_token("boss")
    merchant_token("xiaoli", role="customer_service")
    before = datetime.now(UTC)
    assert api.request("PATCH", "/admin/staff/xiaoli", json_body={"role": "manager"}, token=owner).status == 200
    reply = _get(api, reader)
    assert reply.status == 200, reply.text
    entry = next(e for e in reply.json["items"] if e["action"] == "staff.member.role")
    assert (entry["actor"], entry["target_type"], entry["target_id"]) == ("boss", "staff_member", "xiaoli")
    assert (entry["before"], entry["after"], entry["changed"]) == ({"role": "customer_service"}, {"role": "manager"},
                                                                   ["role"])
    at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC)
    assert reply.json["to_day"] == _today().isoformat()
    assert reply.json["from_day"] == (_today() - timedelta(days=6)).isoformat()


def test_filters_by_actor_target_action_and_dates(api: Api, reader: str) -> None:
    today = _today()
    _write("alice", "catalog.product.update", "product", "p-1", _noon(today), before={"price": 100}, after={"price": 90})
    _write("alice", "catalog.product.publish", "product", "p-2", _noon(today - timedelta(days=1)))
    _write("bob", "catalog.product.update", "product", "p-1", _noon(today - timedelta(days=2)))
    _write("bob", "orders.order.ship", "order", "o-1", _noon(today - timedelta(days=3)))
    _write("carol", "coupons.template.update", "coupon_template", "c-1", _noon(today - timedelta(days=10)))

    def ids(**query: Any) -> list[tuple[str, str, str]]:
        reply = _get(api, reader, **query)
        assert reply.status == 200, reply.text
        return [(e["actor"], e["action"], e["target_id"]) for e in reply.json["items"]
                if e["actor"] in ("alice", "bob", "carol")]  # not the demo seed's entries

    assert ids() == [("alice", "catalog.product.update", "p-1"), ("alice", "catalog.product.publish", "p-2"),
                     ("bob", "catalog.product.update", "p-1"), ("bob", "orders.order.ship", "o-1")]  # last 7 days
    assert ids(actor="bob") == [("bob", "catalog.product.update", "p-1"), ("bob", "orders.order.ship", "o-1")]
    assert ids(target_type="product", target_id="p-1") == [("alice", "catalog.product.update", "p-1"),
                                                            ("bob", "catalog.product.update", "p-1")]
    assert ids(target_type="product", target_id="p-1", actor="bob") == [("bob", "catalog.product.update", "p-1")]
    assert ids(action="catalog.") == [("alice", "catalog.product.update", "p-1"),
                                      ("alice", "catalog.product.publish", "p-2"), ("bob", "catalog.product.update", "p-1")]
    assert ids(action="catalog.product.update", actor="alice") == [("alice", "catalog.product.update", "p-1")]
    assert ids(action="catalog") == []  # exact unless it ends with a dot
    day = (today - timedelta(days=1)).isoformat()
    assert ids(**{"from": day, "to": day}) == [("alice", "catalog.product.publish", "p-2")]
    ten = (today - timedelta(days=10)).isoformat()
    assert ids(**{"from": ten, "to": ten}) == [("carol", "coupons.template.update", "c-1")]
    assert ids(actor="carol") == []  # outside the default days
    assert ids(actor="carol", **{"from": ten}) == [("carol", "coupons.template.update", "c-1")]
    first = _get(api, reader, target_type="product", target_id="p-1").json["items"][0]
    assert (first["before"], first["after"], first["changed"]) == ({"price": 100}, {"price": 90}, ["price"])


@pytest.mark.parametrize(("query", "code"), [
    ({"from": "2026-01-01", "to": "2026-02-15"}, "date_range_too_long"),
    ({"from": "2026-02-02", "to": "2026-02-01"}, "invalid_date_range"),
    ({"from": "2026-02-30"}, "invalid_date"),
    ({"from": "yesterday"}, "invalid_request"),
    ({"target_type": "product"}, "invalid_target_filter"),
    ({"limit": "0"}, "invalid_request"),
    ({"cursor": "not-a-cursor"}, "invalid_cursor"),
])
def test_bad_filters_are_refused(api: Api, reader: str, query: dict[str, str], code: str) -> None:
    reply = _get(api, reader, **query)
    assert (reply.status, reply.error_code) == (400, code), reply.text


def test_thirty_one_days_are_allowed(api: Api, reader: str) -> None:
    assert _get(api, reader, **{"from": "2026-01-01", "to": "2026-01-31"}).status == 200


@pytest.mark.parametrize("query", [{}, {"actor": "pager"}, {"target_type": "product", "target_id": "p-9"},
                                   {"action": "catalog.stock."}])
def test_pages_follow_the_cursor_newest_first_without_gaps(api: Api, reader: str, query: dict[str, str]) -> None:
    today = _today()
    written = []
    for i in range(23):
        at = _noon(today - timedelta(days=i % 3)) + timedelta(minutes=i)
        _write("pager", "catalog.stock.adjust", "product", "p-9", at, after={"n": i})
        written.append((at, i))
    expected = [i for _, i in sorted(written, reverse=True)]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        reply = _get(api, reader, limit=10, **query, **({"cursor": cursor} if cursor else {}))
        assert reply.status == 200, reply.text
        assert len(reply.json["items"]) <= 10
        seen += [e["after"]["n"] for e in reply.json["items"] if e["actor"] == "pager"]
        cursor = reply.json["next_cursor"]
        pages += 1
        if not cursor:
            break
    assert seen == expected and pages >= 3
    # a cursor belongs to its query
    other = _get(api, reader, limit=10, **query).json["next_cursor"]
    assert _get(api, reader, cursor=other, actor="someone-else").error_code == "invalid_cursor"


def test_the_audit_log_is_for_roles_with_audit_read(api: Api) -> None:
    assert _get(api, merchant_token("kefu", role="customer_service")).error_code == "permission_denied"
    assert _get(api, merchant_token("yunying", role="manager")).error_code == "permission_denied"
    assert _get(api, merchant_token("boss")).status == 200


def test_a_refused_change_writes_no_entry(api: Api, reader: str) -> None:
    owner = merchant_token("boss")
    merchant_token("xiaoli", role="customer_service")
    api.request("PATCH", "/admin/staff/boss", json_body={"role": "manager"}, token=owner)  # oneself: refused
    api.request("PATCH", "/admin/staff/ghost", json_body={"role": "manager"}, token=owner)  # no such member
    api.request("DELETE", "/admin/staff/invites/0123456789abcdef", token=owner)  # no such invitation
    api.post("/admin/staff/accept", {"invite_code": "0123456789abcdef." + "A" * 27, "name": "x-y", "password": "x" * 12})
    assert [e for e in _get(api, reader).json["items"] if e["action"].startswith("staff.")] == []
