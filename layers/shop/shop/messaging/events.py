"""The shop events a subscribe message (订阅消息) can be about, and the values each offers to the
keywords of a merchant's template (docs/messages.md).

An ``Event`` is a name (``order_shipped``), a Chinese label for the console and the ``Value``s the
sender fills when it happens. A ``Value`` is a name (what a merchant maps a keyword to: ``"thing1":
"product_title"``), a label, an example, and the keyword types it may fill (``fits``): a value goes
only where the texts it takes pass that type's rule (shop.messaging.keywords; the rare exceptions
are named in the value's description), so a saved mapping does not make WeChat answer 47003 - an amount only into ``amount``, a time into ``time`` or
``date``, an order or tracking number only into ``character_string`` (a ``thing`` would cut it
after 20 characters, and a cut number is a wrong number). The example of each value passes
every type it fits (tests/handler/test_subscribe_messages.py renders them all), and saving a mapping
renders the examples through it (``mapping_problems``).

Adding an event is a few lines: an ``Event`` in ``EVENTS`` with its values (most are already
defined below and shared: ``ORDER_ID``, ``PRODUCT_TITLE``, ...), then the code that fills the values
when it happens. ``page_value`` marks a value that may be a placeholder of the page the card opens
(``pages/order/detail?id={order_id}``).

The helpers at the end make the values' text from the shop's data (the sender uses them): a product
title with ``等N件``, a Beijing time, an amount from fen, a refund's result.

Standard library only (imported by whichever function sends).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from shop.messaging import keywords

_BEIJING = timezone(timedelta(hours=8))

# which keyword types a kind of value fits (see the module's docstring)
TEXT = frozenset({"thing"})
CODE = frozenset({"character_string"})  # never cut: an order id is 26 characters
MOMENT = frozenset({"time", "date"})
MONEY = frozenset({"amount"})
PERSON = frozenset({"name", "thing"})
STATE = frozenset({"phrase", "thing"})


@dataclass(frozen=True)
class Value:
    name: str
    label: str
    example: str
    fits: frozenset[str]
    description: str = ""
    page_value: bool = False  # may be a {placeholder} of the page path


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    description: str
    values: tuple[Value, ...]
    page: str | None = None  # the page suggested for the card (placeholders allowed)

    def value(self, name: str) -> Value | None:
        return next((v for v in self.values if v.name == name), None)


# ---------------------------------------------------------------- values (shared between events)

ORDER_ID = Value("order_id", "订单号", "o3f2a9c4e1b7d6085a2c4e9f13", CODE, "The order's id", page_value=True)
PRODUCT_TITLE = Value("product_title", "商品名称", "纯棉圆领T恤 等2件", TEXT,
                      "The first line's title; '等N件' after it when the order has N lines (N > 1)")
CARRIER_NAME = Value("carrier_name", "快递公司", "顺丰速运", TEXT, "The first parcel's carrier")
TRACKING_NO = Value("tracking_no", "快递单号", "SF1234567890123", CODE,
                    "The first parcel's tracking number (one over 32 characters cannot be sent)")
SHIPPED_AT = Value("shipped_at", "发货时间", "2026-12-07 14:30", MOMENT, "When it was shipped, Beijing time")
RECEIVER_NAME = Value("receiver_name", "收货人", "张三", PERSON,
                      "The address's recipient (a name keyword refuses more than 10 汉字: map it to a thing "
                      "keyword if recipients may have longer names)")
REFUND_AMOUNT = Value("refund_amount", "退款金额", "¥12.30", MONEY, "The refund's amount, ¥ and two decimals")
REFUND_RESULT = Value("refund_result", "退款结果", "退款成功", STATE, "退款成功, 商家已拒绝 or 退款关闭")
DECIDED_AT = Value("decided_at", "处理时间", "2026-12-07 14:30", MOMENT,
                   "When the result came (refunded, rejected or closed), Beijing time")
REFUND_REASON = Value("reason", "原因", "不想要了", TEXT,
                      "The merchant's note when rejected, else the buyer's reason; 无 when there is none")

EVENTS: dict[str, Event] = {e.name: e for e in (
    Event("order_shipped", "订单发货通知", "An order's (first) parcel was shipped",
          (ORDER_ID, PRODUCT_TITLE, CARRIER_NAME, TRACKING_NO, SHIPPED_AT, RECEIVER_NAME),
          page="pages/order/detail?id={order_id}"),
    Event("refund_result", "退款结果通知", "A refund request was settled, rejected or closed",
          (ORDER_ID, PRODUCT_TITLE, REFUND_AMOUNT, REFUND_RESULT, DECIDED_AT, REFUND_REASON),
          page="pages/order/detail?id={order_id}"),
    # coming with the campaigns (docs/marketing-design.md): flash_sale_reminder, group_succeeded,
    # group_failed, bargain_succeeded
)}


# ---------------------------------------------------------------- checking a merchant's mapping

def mapping_problems(event: Event, mapping: Mapping[str, str]) -> list[dict[str, object]]:
    """What is wrong with a template's keywords -> value names for ``event`` ([] when nothing):
    each keyword must be of a known type, each value one of the event's, fitting the keyword's type;
    and the examples must render through the keyword rules."""
    problems: list[dict[str, object]] = []
    examples: dict[str, str] = {}
    for key, name in mapping.items():
        try:
            kind = keywords.keyword_type(key)
        except keywords.KeywordError as exc:
            problems.append({"keyword": key, "value": name, "reason": exc.reason})
            continue
        value = event.value(name)
        if value is None:
            problems.append({"keyword": key, "value": name, "reason": f"not a value of {event.name}",
                             "values": [v.name for v in event.values]})
            continue
        if kind not in value.fits:
            problems.append({"keyword": key, "value": name,
                             "reason": f"{name} does not fit a {kind} keyword; it fits {', '.join(sorted(value.fits))}",
                             "fits": sorted(value.fits)})
            continue
        examples[key] = value.example
    for key, example in examples.items():
        try:
            keywords.render({key: example})
        except keywords.KeywordError as exc:  # an example that breaks its own rule: a bug of this table
            problems.append({"keyword": key, "value": mapping[key], "reason": exc.reason})
    return problems


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def page_problem(event: Event, page: str) -> str | None:
    """Why ``page`` is not a page path for ``event``'s card, or None: its ``{placeholders}`` must be
    the event's page values (``{order_id}``), and braces come only in pairs around one."""
    names = _PLACEHOLDER.findall(page)
    if "{" in _PLACEHOLDER.sub("", page) or "}" in _PLACEHOLDER.sub("", page):
        return "braces only around a placeholder, e.g. {order_id}"
    allowed = [v.name for v in event.values if v.page_value]
    unknown = [n for n in names if n not in allowed]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}}; {event.name} offers " + ", ".join(f"{{{n}}}" for n in allowed)
    return None


def example_data(event: Event, mapping: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """WeChat's ``data`` for the examples through a valid mapping (a preview of the card)."""
    return keywords.render({key: event.value(name).example for key, name in mapping.items()})  # type: ignore[union-attr]


# ---------------------------------------------------------------- the values' text (for the sender)

def product_title(titles: Sequence[str]) -> str:
    """The first title, with ``等N件`` when there are N > 1 lines; cut so that the suffix survives a
    ``thing`` keyword's 20 characters."""
    first = " ".join((titles[0] if titles else "").split()) or "商品"
    if len(titles) <= 1:
        return first
    suffix = f" 等{len(titles)}件"
    room = keywords.THING_MAX - len(suffix)
    if len(first) > room:
        first = first[:room - 1].rstrip() + keywords.ELLIPSIS
    return first + suffix


def beijing_time(at: datetime | str) -> str:
    """A moment as Beijing time text for a time or date keyword: ``2026-12-07 14:30``."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M")


REFUND_RESULTS = {"SUCCEEDED": "退款成功", "REJECTED": "商家已拒绝", "CLOSED": "退款关闭"}


def refund_result(status: str) -> str:
    """The result text of a refund that reached SUCCEEDED, REJECTED or CLOSED."""
    return REFUND_RESULTS[status]


def amount(fen: int) -> str:
    return keywords.amount_from_fen(fen)
