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
- 流量 (visits, product_views, cart_adds, checkout_starts, shares, by source): an event batch the
  mini-program sent (shop.analytics.traffic stores its summary), in the hour it arrived. Its views
  and cart adds per product (``viewed``) ride on the fact's marker and are summed into the products'
  day counters by the hourly roll-up (shop.analytics.rollup), not one write per product per batch.
Unique people (visitors, product/cart/checkout visitors, order_buyers, pay_buyers, visitors by
source) are members of the day: counted when first seen doing that on that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    viewed: dict[str, dict[str, int]] = field(default_factory=dict)  # product id -> views, cart adds (rolled up)
    titles: dict[str, str] = field(default_factory=dict)  # product id -> its name on the order line
    uniques: tuple[Unique, ...] = ()

    @property
    def day(self) -> str:
        return self.at.astimezone(SHANGHAI).date().isoformat()

    @property
    def hour(self) -> int:
        return self.at.astimezone(SHANGHAI).hour


def _time(value: Any, change: Change) -> datetime:
    """The fact's time; without a usable one, when the stream recorded the change (the same on every
    delivery of the record, so the fact's marker, which is filed under its day, is the same too)."""
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is not None:
                return parsed
        except ValueError:
            pass
    return datetime.fromtimestamp(change.recorded_at, UTC) if change.recorded_at else now_utc()


def _int(value: Any) -> int:
    return int(value or 0)


def _order(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    order_id = str(new.get("order_id") or "")
    user = str(new.get("user_id") or "")
    out = []
    if change.event == "INSERT":
        out.append(Contribution(key=f"order#{order_id}#placed", at=_time(new.get("created_at"), change),
                                counts={"orders": 1, "order_amount": _int(new.get("payable"))},
                                uniques=(Unique(user, "ordered", "order_buyers"),)))
    if new.get("paid_at") and not old.get("paid_at"):
        products: dict[str, dict[str, int]] = {}
        titles: dict[str, str] = {}
        for line in new.get("lines") or []:
            product = str(line.get("product_id"))
            counters = products.setdefault(product, {"units": 0, "amount": 0})
            counters["units"] += _int(line.get("quantity"))
            counters["amount"] += _int(line.get("amount")) - _int(line.get("discount"))
            if line.get("title"):
                titles[product] = str(line["title"])[:100]
        out.append(Contribution(key=f"order#{order_id}#paid", at=_time(new.get("paid_at"), change),
                                counts={"paid_orders": 1, "pay_amount": _int(new.get("payable"))},
                                products=products, titles=titles, uniques=(Unique(user, "paid", "pay_buyers"),)))
    return out


def _refund(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    if new.get("status") != SUCCEEDED or old.get("status") == SUCCEEDED:
        return []
    return [Contribution(key=f"refund#{new.get('refund_id')}#succeeded", at=_time(new.get("settled_at"), change),
                         counts={"refunds": 1, "refund_amount": _int(new.get("amount"))})]


def _user(change: Change) -> list[Contribution]:
    new, old = change.new, change.old
    user = new.get("user_id")
    out = []
    if change.event == "INSERT":
        out.append(Contribution(key=f"user#{user}#joined", at=_time(new.get("created_at"), change),
                                counts={"new_users": 1}))
    if new.get("first_paid_at") and not old.get("first_paid_at"):
        out.append(Contribution(key=f"user#{user}#first_paid", at=_time(new.get("first_paid_at"), change),
                                counts={"new_buyers": 1}))
    return out


# what an event batch's summary counts, and the unique-visitor step each kind of event makes
_EVENT_COUNTS = (("visits", "visits"), ("product_views", "product_views"), ("cart_adds", "cart_adds"),
                 ("checkout_starts", "checkout_starts"), ("shares", "shares"))
_EVENT_UNIQUES = (("product_views", "viewed", "product_visitors"), ("cart_adds", "carted", "cart_visitors"),
                  ("checkout_starts", "checkout", "checkout_visitors"))


def _event_batch(change: Change) -> list[Contribution]:
    if change.event != "INSERT":
        return []
    new = change.new
    visitor, source = str(new.get("visitor") or ""), str(new.get("source") or "other")
    summary = new.get("counts") or {}
    counts = {counter: _int(summary.get(name)) for name, counter in _EVENT_COUNTS if _int(summary.get(name))}
    if counts.get("visits"):
        counts[f"visits_src_{source}"] = counts["visits"]
    uniques = [Unique(visitor, "visited", "visitors"), Unique(visitor, f"src:{source}", f"visitors_src_{source}")]
    uniques += [Unique(visitor, tag, counter) for name, tag, counter in _EVENT_UNIQUES if _int(summary.get(name))]
    products = {str(product): {name: _int(value) for name, value in deltas.items() if _int(value)}
                for product, deltas in (new.get("products") or {}).items()}
    return [Contribution(key=f"events#{visitor}#{new.get('batch_id')}", at=_time(new.get("received_at"), change),
                         counts=counts, viewed={p: d for p, d in products.items() if d}, uniques=tuple(uniques))]


_BY_TYPE = {"order": _order, "refund": _refund, "user": _user, "event_batch": _event_batch}


def contributions_of(change: Change) -> list[Contribution]:
    """The dashboard facts one stream record brings (none for a removal or an unrelated item)."""
    if change.event not in ("INSERT", "MODIFY") or not change.new:
        return []
    handler = _BY_TYPE.get(str(change.new.get("type")))
    return handler(change) if handler else []
