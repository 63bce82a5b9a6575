"""The keyword value rules of subscribe messages (订阅消息), enforced before a message is sent.

A template's data keys are named ``<type><n>`` (thing1, time2, amount3, character_string4, ...); the
type decides what the value may hold. WeChat refuses a whole send with 47003 when one value breaks
its rule (or is empty), and a refused send is a lost message, so ``render()`` checks every value
first and raises ``KeywordError(key, reason)`` naming the key. The rules (reference note
wechat-next-apis.md §2.4, from sendMessage's "其他说明"), and what this module does with them:

  thing             ≤20 characters of any kind. Longer text is TRUNCATED, not refused: shop text
                    (product titles, addresses) is often longer, and a cut title still says what it
                    is. The first 19 characters are kept (trailing spaces dropped) and '…' added, so
                    the value is at most 20 characters and shows that it was cut. Whitespace runs
                    (newlines included) become one space: the card shows one line.
  number            ≤32 characters of ASCII digits, optionally one decimal point ("12", "3.50").
  letter            ≤32 ASCII letters.
  symbol            ≤5 symbols (printable characters that are neither letters, digits nor spaces).
  character_string  ≤32 ASCII digits, letters and symbols (no spaces). 汉字 are REFUSED, never
                    stripped: an order number with its 汉字 silently removed is a different number.
  time              a 24 h time, optionally after a date: "14:30", "14:30:05", "2026-12-07 14:30",
                    "2026/12/07 14:30", "2026年12月7日 14:30"; a range joins two with "~"
                    ("2026-12-07 14:30~16:00"). The date and time must exist (no 25:00, no 02-30).
  date              a date, optionally followed by a time, same formats: "2026-12-07",
                    "2026年12月7日", "2026-12-07 14:30"; ranges with "~" (each side a date).
  amount            an optional currency sign (¥ ￥ $ € £), ≤10 ASCII digits with an optional decimal
                    part (the point not counted), optionally ending in 元: "¥12.30", "12.30元".
                    ``amount_from_fen(1230) == "¥12.30"`` makes one from the shop's fen.
  phone_number      ≤17 ASCII digits and symbols ("+86-0766-66888866"); no spaces, at least one digit.
  car_number        ≤8 characters: ASCII letters and digits, the first and the last may be 汉字
                    ("粤A8Z888挂").
  name              ≤20 characters when it is all ASCII (letters, spaces, symbols), else ≤10
                    (WeChat counts a mixed name as a Chinese one). A longer name is REFUSED, not
                    cut: a cut name is a wrong name on a message about the shopper's order.
  phrase            ≤5 characters, every one a 汉字 ("已发货"). Anything else is refused.
  enum              passed through as given: the allowed values are the template's, kept by
                    WeChat, which this module cannot know. A value outside them still answers 47003.

Every value must be a str; surrounding whitespace is dropped and an empty value is refused (47003
at WeChat). Lengths count Unicode code points; WeChat's own counting of emoji is unconfirmed, so
keep emoji out of values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

TYPES = frozenset({"thing", "number", "letter", "symbol", "character_string", "time", "date", "amount",
                   "phone_number", "car_number", "name", "phrase", "enum"})
THING_MAX = 20
ELLIPSIS = "…"
CURRENCY_SIGNS = "¥￥$€£"
_ASCII_SYMBOLS = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_KEY = re.compile(r"([a-z]+(?:_[a-z]+)*)([0-9]+)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_LETTERS = re.compile(r"[A-Za-z]+")
_AMOUNT = re.compile(r"([" + CURRENCY_SIGNS + r"]?)([0-9]+)(?:\.([0-9]+))?(元?)")
_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日)")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


class KeywordError(ValueError):
    """A keyword value WeChat would refuse (47003), or a key of no known type."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def keyword_type(key: str) -> str:
    """The type of a template data key: ``keyword_type("thing3") == "thing"``."""
    match = _KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None or match.group(1) not in TYPES:
        raise KeywordError(str(key), "not a keyword of a known type (<type><n>, e.g. thing1)")
    return match.group(1)


def render(values: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """WeChat's ``data`` for the values by key: ``{"thing1": {"value": "..."}}``, each value checked
    (and a long ``thing`` cut) by its key's type. Raises KeywordError naming the first bad key."""
    data: dict[str, dict[str, str]] = {}
    for key, raw in values.items():
        kind = keyword_type(key)
        if not isinstance(raw, str):
            raise KeywordError(key, "the value must be a string")
        value = raw.strip()
        if not value:
            raise KeywordError(key, "the value is empty")
        data[key] = {"value": _RULES[kind](key, value)}
    return data


def amount_from_fen(fen: int) -> str:
    """An amount keyword value from fen: 1230 -> "¥12.30", 5 -> "¥0.05"."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise ValueError("an amount is a whole, non-negative number of fen")
    return f"¥{fen // 100}.{fen % 100:02d}"


# ---------------------------------------------------------------- the rules

def is_hanzi(char: str) -> bool:
    """A CJK ideograph (汉字): the unified blocks, extension A, B-G, compatibility ideographs, 〇."""
    o = ord(char)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F
            or 0xF900 <= o <= 0xFAFF or o == 0x3007)


def _is_symbol(char: str) -> bool:
    return char.isprintable() and not char.isalnum() and not char.isspace()


def _thing(key: str, value: str) -> str:
    value = " ".join(value.split())
    if len(value) > THING_MAX:
        value = value[:THING_MAX - 1].rstrip() + ELLIPSIS
    return value


def _number(key: str, value: str) -> str:
    if not _NUMBER.fullmatch(value):
        raise KeywordError(key, "a number is ASCII digits with at most one decimal point")
    if len(value) > 32:
        raise KeywordError(key, "a number has at most 32 characters")
    return value


def _letter(key: str, value: str) -> str:
    if not _LETTERS.fullmatch(value):
        raise KeywordError(key, "letters only (A-Z, a-z)")
    if len(value) > 32:
        raise KeywordError(key, "at most 32 letters")
    return value


def _symbol(key: str, value: str) -> str:
    if not all(_is_symbol(c) for c in value):
        raise KeywordError(key, "symbols only")
    if len(value) > 5:
        raise KeywordError(key, "at most 5 symbols")
    return value


def _character_string(key: str, value: str) -> str:
    if any(is_hanzi(c) for c in value):
        raise KeywordError(key, "a character_string may not hold 汉字")
    if not all(c in _ASCII_ALNUM or c in _ASCII_SYMBOLS for c in value):
        raise KeywordError(key, "a character_string is ASCII digits, letters and symbols, without spaces")
    if len(value) > 32:
        raise KeywordError(key, "a character_string has at most 32 characters")
    return value


def _point(text: str) -> tuple[bool, bool] | None:
    """(has a date, has a time) when ``text`` is one valid date and/or time, else None."""
    has_date = has_time = False
    rest = text
    if match := _DATE.match(rest):
        year = int(match.group(1))
        month, day = (match.group(3), match.group(4)) if match.group(2) else (match.group(5), match.group(6))
        try:
            date(year, int(month), int(day))
        except ValueError:
            return None
        has_date, rest = True, rest[match.end():]
        if rest and not rest[0].isspace() and not match.group(0).endswith("日"):
            return None  # "2026-12-0714:30": a numeric date is followed by a space
        rest = rest.lstrip()
    if rest:
        match = _TIME.fullmatch(rest)
        if match is None:
            return None
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        has_time = True
    return (has_date, has_time) if has_date or has_time else None


def _moment(key: str, value: str, need: int) -> str:
    """A time (need=1: a time must be there) or a date (need=0), or a range of two joined by ~."""
    parts = value.split("~")
    if len(parts) > 2:
        raise KeywordError(key, "a range joins two points with one ~")
    for part in parts:
        point = _point(part.strip())
        if point is None or not point[need]:
            what = "a 24 h time, optionally after a date" if need else "a date, optionally with a time"
            raise KeywordError(key, f"{what} (e.g. 2026-12-07 14:30 or 2026年12月7日 14:30)")
    return "~".join(part.strip() for part in parts)


def _time(key: str, value: str) -> str:
    return _moment(key, value, 1)


def _date(key: str, value: str) -> str:
    return _moment(key, value, 0)


def _amount(key: str, value: str) -> str:
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise KeywordError(key, "an amount is an optional currency sign, digits with optional decimals, optionally 元")
    if len(match.group(2)) + len(match.group(3) or "") > 10:
        raise KeywordError(key, "an amount has at most 10 digits")
    return value


def _phone_number(key: str, value: str) -> str:
    if not all(c in "0123456789" or c in _ASCII_SYMBOLS for c in value) or not any(c.isdigit() for c in value):
        raise KeywordError(key, "a phone number is ASCII digits and symbols, without spaces")
    if len(value) > 17:
        raise KeywordError(key, "a phone number has at most 17 characters")
    return value


def _car_number(key: str, value: str) -> str:
    if len(value) > 8:
        raise KeywordError(key, "a car number has at most 8 characters")
    inner = value[1:-1] if len(value) > 2 else ""
    ends = [value[0], value[-1]]
    if not all(c in _ASCII_ALNUM for c in inner) or not all(c in _ASCII_ALNUM or is_hanzi(c) for c in ends):
        raise KeywordError(key, "a car number is letters and digits; only the first and last may be 汉字")
    return value


def _name(key: str, value: str) -> str:
    value = " ".join(value.split())
    limit = 20 if value.isascii() else 10
    if len(value) > limit:
        raise KeywordError(key, f"a name has at most {limit} characters" + ("" if limit == 20 else " (10 with 汉字)"))
    return value


def _phrase(key: str, value: str) -> str:
    if not all(is_hanzi(c) for c in value):
        raise KeywordError(key, "a phrase is 汉字 only")
    if len(value) > 5:
        raise KeywordError(key, "a phrase has at most 5 汉字")
    return value


def _enum(key: str, value: str) -> str:
    return value  # the template's enum, kept by WeChat


_RULES = {"thing": _thing, "number": _number, "letter": _letter, "symbol": _symbol,
          "character_string": _character_string, "time": _time, "date": _date, "amount": _amount,
          "phone_number": _phone_number, "car_number": _car_number, "name": _name, "phrase": _phrase,
          "enum": _enum}
