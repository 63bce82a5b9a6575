"""What each change of the shop's table adds to the dashboard's counters.

The table's stream carries every order, refund and profile change. ``contributions_of`` turns one
change into the contributions it makes, each with a key that names the business fact (an order
placed, an order paid, a refund that succeeded, a shopper who joined, a buyer's first payment):
whatever the stream delivers twice, or however a change is repeated, a fact is counted once when
the contributions are applied with their keys as idempotency markers. A contribution counts in the
Beijing day and hour of the fact's own time, not of its processing.

- 下单 (orders, order_amount, order_buyers): an order item appearing.
- 支付 (paid_orders, pay_amount, pay_buyers; per product units and amount): ``paid_at`` appearing on
  an order. pay_amount is ``payable``: freight included, coupons off, refunds not taken off.
- 退款 (refunds, refund_amount): a refund reaching SUCCEEDED; it never touches pay_amount.
- 新用户 (new_users): a profile appearing; 新买家 (new_buyers): ``first_paid_at`` appearing on a profile,
  which the payment transaction sets once - so buyers who paid before counting began are not new.
Unique people (order_buyers, pay_buyers) are members of the day: counted when first seen that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shop.adapters.clock import SHANGHAI, now_utc
from shop.adapters.streams import Change

SUCCEEDED = "SUCCEEDED"


@dataclass(frozen=True)
class Unique:
    """A person who counts once a day under ``counter`` (e.g. a paying buyer)."""

    who: str
    tag: str  # what they did that day: "ordered", "paid"
    counter: str


@dataclass(frozen=True)
class Contribution:
    key: str  # the fact, e.g. "order#<id>#paid": applied at most once
    at: datetime  # when the fact happened (UTC)
    counts: dict[str, int] = field(default_factory=dict)
    products: dict[str, dict[str, int]] = field(default_factory=dict)  # product id -> counter deltas
    uniques: tuple[Unique, ...] = ()

    @property
    def day(self) -> str:
        return self.at.astimezone(SHANGHAI).date().isoformat()

    @property
    def hour(self) -> int:
        return self.at.astimezone(SHANGHAI).hour


def _time(value: Any) -> datetime:
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                return parsed
        except ValueError:
            pass
    return now_utc()


def _int(value: Any) -> int:
    return int(value or 0)


def _order(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    order_id = str(new.get("order_id") or "")
    user = str(new.get("user_id") or "")
    out = []
    if change.event == "INSERT":
        out.append(Contribution(key=f"order#{order_id}#placed", at=_time(new.get("created_at")),
                                counts={"orders": 1, "order_amount": _int(new.get("payable"))},
                                uniques=(Unique(user, "ordered", "order_buyers"),)))
    if new.get("paid_at") and not old.get("paid_at"):
        products: dict[str, dict[str, int]] = {}
        for line in new.get("lines") or []:
            counters = products.setdefault(str(line.get("product_id")), {"units": 0, "amount": 0})
            counters["units"] += _int(line.get("quantity"))
            counters["amount"] += _int(line.get("amount")) - _int(line.get("discount"))
        out.append(Contribution(key=f"order#{order_id}#paid", at=_time(new.get("paid_at")),
                                counts={"paid_orders": 1, "pay_amount": _int(new.get("payable"))},
                                products=products, uniques=(Unique(user, "paid", "pay_buyers"),)))
    return out


def _refund(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    if new.get("status") != SUCCEEDED or old.get("status") == SUCCEEDED:
        return []
    return [Contribution(key=f"refund#{new.get('refund_id')}#succeeded", at=_time(new.get("settled_at")),
                         counts={"refunds": 1, "refund_amount": _int(new.get("amount"))})]


def _user(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    user = new.get("user_id")
    out = []
    if change.event == "INSERT":
        out.append(Contribution(key=f"user#{user}#joined", at=_time(new.get("created_at")), counts={"new_users": 1}))
    if new.get("first_paid_at") and not old.get("first_paid_at"):
        out.append(Contribution(key=f"user#{user}#first_paid", at=_time(new.get("first_paid_at")),
                                counts={"new_buyers": 1}))
    return out


_BY_TYPE = {"order": _order, "refund": _refund, "user": _user}


def contributions_of(change: Change) -> list[Contribution]:
    """The dashboard facts one stream record brings (none for a removal or an unrelated item)."""
    if change.event not in ("INSERT", "MODIFY") or not change.new:
        return []
    handler = _BY_TYPE.get(str(change.new.get("type")))
    return handler(change) if handler else []
