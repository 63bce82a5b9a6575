"""The simulator's subscribe messages (订阅消息): subscribeMessage.send and the user's side of
wx.requestSubscribeMessage.

This is WeChat's side: its keyword checks are written here, independently of the shop's
(shop.messaging.keywords), so a shop rule that is wrong shows up as a 47003 in the tests.

Send (POST /cgi-bin/message/subscribe/send?access_token=...), checked in this order:
  access token             40001 unless it is the simulator's current one
  injected fault           the next fault's errcode (see /_sim/subscribe/faults)
  body                     47001 when it is not a JSON object, miniprogram_state is not
                           developer|trial|formal (default formal) or lang not zh_CN|en_US|zh_HK|zh_TW
  touser                   40003 unless an openid the simulator issued (jscode2session, or an accept
                           by code)
  template_id              40037 unless registered
  data                     {key: {"value": str}} with exactly the template's keys, each value by its
                           keyword rule; else 47003 "argument invalid! data.<key>.value <why> rid: ..."
                           (a missing key "is empty", an extra one "is not in the template")
  page                     41030 when given and not a page of the released app (``pages``; None, the
                           default, accepts any page). The path is compared without its query and
                           leading "/".
  subscription             43101 unless the user has an unused acceptance of (openid, template_id)
  -> {"errcode": 0, "errmsg": "ok", "msgid": n}; one acceptance is used and the message recorded.

Keyword rules (reference note §2.4): thing ≤20 characters; number ≤32 ASCII digits with an optional
decimal point; letter ≤32 ASCII letters; symbol ≤5 non-alphanumeric printable characters;
character_string ≤32 printable ASCII characters (no 汉字, no spaces); time: a 24 h time, optionally
after a date (2026-12-07, 2026/12/07, 2026年12月7日), date: a date, optionally with such a time,
either a range of two joined by ~; amount: one optional currency sign, ≤10 digits, optional decimals,
optional trailing 元; phone_number ≤17 digits and symbols; car_number ≤8 letters and digits, 汉字
only first and last; name ≤10 characters, ≤20 when all ASCII; phrase ≤5 汉字, nothing else; enum:
one of the template's values when the template lists them, else any non-empty value. Every value
must be a non-empty string.

Test and dev controls (Python: ``sim.subscribe.<method>``, and over HTTP):
  POST /_sim/subscribe/templates {"template_id", "keys": ["thing1", ...], "enums": {"enum3": [...]}}
       register (or replace) a template of the app                  register(template_id, keys, enums)
  POST /_sim/subscribe/pages {"pages": ["pages/order/detail", ...] | null}
       the released app's pages; null accepts any page              ``pages`` attribute
  POST /_sim/subscribe/accept {"openid" | "code", "template_id", "times": 1, "push_url"?, "safe"?}
       what the user's "accept" in wx.requestSubscribeMessage does: ``times`` more sends of the
       template. By code: that code's openid (as jscode2session maps it), which counts as issued; an
       openid must be one the simulator issued (else 400, errcode 40003). An unregistered template
       answers 400, errcode 20001 (as the client API does). With push_url, the
       subscribe_msg_popup_event push is sent there (signed as sim.shipping.push_request does).
                                                                     accept(openid, template_id, times)
  POST /_sim/subscribe/reject {"openid" | "code", "template_id", "push_url"?, "safe"?}
       the user switches the template off: no sends left (0). With push_url, subscribe_msg_change_event.
                                                                     reject(openid, template_id)
  POST /_sim/subscribe/faults {"errcode": -1 | 45009 | ..., "count": 1, "errmsg"?, "status"?: 503}
       the next ``count`` sends with a valid token answer that errcode (with HTTP ``status``, 200
       unless given) and use nothing.                                 inject(errcode, count, ...)
  GET  /_sim/subscribe/sent?openid=...&template_id=...&all=1
       {"sent": [{"touser", "template_id", "page", "data", "miniprogram_state", "lang", "at",
       "errcode"}]}: the sends delivered, oldest first (``all=1``: every send received, refused ones
       with their errcode). ``at`` is ISO 8601 UTC.                  sent(openid, template_id, include_refused)
  GET  /_sim/subscribe/quota?openid=...&template_id=...   {"remaining": n}   remaining(openid, template_id)

Thread-safe: the simulator serves requests concurrently; all state is behind one lock.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import UTC, date, datetime
from typing import Any

STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
KEY = re.compile(r"(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name"
                 r"|phrase|enum)[0-9]+")
PRINTABLE_ASCII = set(chr(c) for c in range(0x21, 0x7F))
ALNUM = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = set("0123456789")
_DATE_PART = r"(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)"
_TIME_PART = r"\d{1,2}:\d{2}(?::\d{2})?"
_TIME_POINT = re.compile(rf"(?:(?P<d>{_DATE_PART})\s*)?(?P<t>{_TIME_PART})", re.ASCII)
_DATE_POINT = re.compile(rf"(?P<d>{_DATE_PART})(?:\s*(?P<t>{_TIME_PART}))?", re.ASCII)
_AMOUNT = re.compile(r"[¥￥$€£]?(\d+)(?:\.(\d+))?元?", re.ASCII)
_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)


def _error(errcode: int, errmsg: str) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": errmsg}


def hanzi(char: str) -> bool:
    o = ord(char)
    return 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _real_moment(match: re.Match[str]) -> bool:
    if d := match.group("d"):
        y, m, day = (int(n) for n in re.split(r"[-/年月日]", d)[:3])
        try:
            date(y, m, day)
        except ValueError:
            return False
    if t := match.group("t"):
        hms = [int(n) for n in t.split(":")]
        if hms[0] > 23 or hms[1] > 59 or (len(hms) == 3 and hms[2] > 59):
            return False
    return True


def _moment(value: str, point: re.Pattern[str]) -> bool:
    sides = value.split("~")
    return len(sides) <= 2 and all((m := point.fullmatch(s.strip())) is not None and _real_moment(m) for s in sides)


def violation(kind: str, value: str, enum: list[str] | None = None) -> str | None:
    """Why WeChat refuses ``value`` for a keyword of type ``kind``, or None when it takes it."""
    n = len(value)
    if kind == "thing":
        return "exceeds 20 characters" if n > 20 else None
    if kind == "number":
        return None if n <= 32 and _NUMBER.fullmatch(value) else "invalid number"
    if kind == "letter":
        return None if n <= 32 and set(value) <= ALNUM - DIGITS else "invalid letter"
    if kind == "symbol":
        return None if n <= 5 and all(c.isprintable() and not c.isalnum() and not c.isspace() for c in value) \
            else "invalid symbol"
    if kind == "character_string":
        if any(hanzi(c) for c in value):
            return "invalid character_string: contains 汉字"
        return None if n <= 32 and set(value) <= PRINTABLE_ASCII else "invalid character_string"
    if kind == "time":
        return None if _moment(value, _TIME_POINT) else "invalid time format"
    if kind == "date":
        return None if _moment(value, _DATE_POINT) else "invalid date format"
    if kind == "amount":
        match = _AMOUNT.fullmatch(value)
        return None if match and len(match.group(1)) + len(match.group(2) or "") <= 10 else "invalid amount"
    if kind == "phone_number":
        return None if n <= 17 and set(value) <= PRINTABLE_ASCII and not set(value) & (ALNUM - DIGITS) \
            else "invalid phone_number"
    if kind == "car_number":
        middle_ok = set(value[1:-1]) <= ALNUM
        ends_ok = all(c in ALNUM or hanzi(c) for c in (value[0], value[-1]))
        return None if n <= 8 and middle_ok and ends_ok else "invalid car_number"
    if kind == "name":
        return None if n <= (20 if value.isascii() else 10) else "invalid name: too long"
    if kind == "phrase":
        return None if n <= 5 and all(hanzi(c) for c in value) else "invalid phrase"
    if kind == "enum":
        return None if enum is None or value in enum else "invalid enum"
    return "unknown keyword type"


class SubscribeSimulator:
    def __init__(self, sim: Any) -> None:
        self.sim = sim  # the WeChatSimulator: its token, openids and message push
        self._lock = threading.Lock()
        self.templates: dict[str, dict[str, Any]] = {}  # template_id -> {"keys": [...], "enums": {...}}
        self.pages: list[str] | None = None  # the released app's pages; None accepts any
        self.issued: set[str] = set()  # openids handed out by jscode2session (or an accept by code)
        self.quota: dict[tuple[str, str], int] = {}  # (openid, template_id) -> unused acceptances
        self.faults: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self._msgid = 0

    # ------------------------------------------------------------ Python controls
    def note_login(self, openid: str) -> None:
        with self._lock:
            self.issued.add(openid)

    def register(self, template_id: str, keys: list[str], enums: dict[str, list[str]] | None = None) -> None:
        bad = [k for k in keys if not KEY.fullmatch(k)]
        if not template_id or not keys or bad:
            raise ValueError(f"a template has an id and keys named <type><n>; not: {bad}")
        with self._lock:
            self.templates[template_id] = {"keys": list(keys), "enums": dict(enums or {})}

    def accept(self, openid: str, template_id: str, times: int = 1) -> int:
        with self._lock:
            remaining = self.quota.get((openid, template_id), 0) + times
            self.quota[(openid, template_id)] = remaining
            return remaining

    def reject(self, openid: str, template_id: str) -> None:
        with self._lock:
            self.quota[(openid, template_id)] = 0

    def remaining(self, openid: str, template_id: str) -> int:
        with self._lock:
            return self.quota.get((openid, template_id), 0)

    def inject(self, errcode: int, count: int = 1, errmsg: str = "simulated fault", status: int = 200) -> None:
        with self._lock:
            self.faults.append({"errcode": errcode, "errmsg": errmsg, "status": status, "count": count})

    def sent(self, openid: str | None = None, template_id: str | None = None,
             include_refused: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.received if (include_refused or r["errcode"] == 0)
                    and openid in (None, r["touser"]) and template_id in (None, r["template_id"])]

    # ------------------------------------------------------------ the send
    def send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            status, answer = self._send(body)
            self.received.append({
                "touser": body.get("touser"), "template_id": body.get("template_id"), "page": body.get("page"),
                "data": body.get("data"), "miniprogram_state": body.get("miniprogram_state", "formal"),
                "lang": body.get("lang", "zh_CN"), "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "errcode": answer["errcode"]})
        return status, answer

    def _send(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        rid = secrets.token_hex(4)
        for fault in self.faults:
            if fault["count"] > 0:
                fault["count"] -= 1
                return fault["status"], _error(fault["errcode"], fault["errmsg"])
        if body.get("miniprogram_state", "formal") not in STATES:
            return 200, _error(47001, f"data format error: miniprogram_state rid: {rid}")
        if body.get("lang", "zh_CN") not in LANGS:
            return 200, _error(47001, f"data format error: lang rid: {rid}")
        openid, template_id = body.get("touser"), body.get("template_id")
        if not isinstance(openid, str) or openid not in self.issued:
            return 200, _error(40003, f"invalid openid rid: {rid}")
        template = self.templates.get(template_id) if isinstance(template_id, str) else None
        if template is None:
            return 200, _error(40037, f"invalid template_id rid: {rid}")
        data = body.get("data")
        if not isinstance(data, dict):
            return 200, _error(47001, f"data format error: data rid: {rid}")
        for key in data:
            if key not in template["keys"]:
                return 200, _error(47003, f"argument invalid! data.{key}.value is not in the template rid: {rid}")
        for key in template["keys"]:
            item = data.get(key)
            value = item.get("value") if isinstance(item, dict) else None
            if not isinstance(value, str) or not value.strip():
                return 200, _error(47003, f"argument invalid! data.{key}.value is empty rid: {rid}")
            why = violation(key.rstrip("0123456789"), value, template["enums"].get(key))
            if why:
                return 200, _error(47003, f"argument invalid! data.{key}.value {why} rid: {rid}")
        page = body.get("page")
        if page is not None and (not isinstance(page, str) or (
                self.pages is not None and page.split("?", 1)[0].lstrip("/") not in
                {p.lstrip("/") for p in self.pages})):
            return 200, _error(41030, f"invalid page rid: {rid}")
        left = self.quota.get((openid, template_id), 0)
        if left <= 0:
            return 200, _error(43101, f"user refuse to accept the msg rid: {rid}")
        self.quota[(openid, template_id)] = left - 1
        self._msgid += 1
        return 200, {"errcode": 0, "errmsg": "ok", "msgid": self._msgid}

    # ------------------------------------------------------------ HTTP
    def _user(self, body: dict[str, Any]) -> str | None:
        if body.get("code"):
            openid = self.sim.openid_for(str(body["code"]))
            self.note_login(openid)
            return str(openid)
        openid = body.get("openid")
        with self._lock:
            return openid if isinstance(openid, str) and openid in self.issued else None

    def _push(self, body: dict[str, Any], event: dict[str, Any]) -> int | None:
        if not body.get("push_url"):
            return None
        return int(self.sim.shipping.send_push(str(body["push_url"]), event, safe=bool(body.get("safe"))))

    def handle(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> tuple[int, Any] | None:
        if path == "/cgi-bin/message/subscribe/send":
            if method != "POST":
                return 404, _error(404, "not found")
            if not self.sim.token_valid(query.get("access_token")):
                return 200, _error(40001, "invalid credential, access_token is invalid or not latest")
            return self.send(body)
        if method == "POST" and path == "/_sim/subscribe/templates":
            try:
                self.register(str(body.get("template_id") or ""), list(body.get("keys") or []), body.get("enums"))
            except (ValueError, TypeError) as exc:
                return 400, {"errcode": 400, "errmsg": str(exc)}
            return 200, {"ok": True}
        if method == "POST" and path == "/_sim/subscribe/pages":
            pages = body.get("pages")
            with self._lock:
                self.pages = None if pages is None else [str(p) for p in pages]
            return 200, {"ok": True}
        if method == "POST" and path in ("/_sim/subscribe/accept", "/_sim/subscribe/reject"):
            openid, template_id = self._user(body), str(body.get("template_id") or "")
            if openid is None:
                return 400, _error(40003, "unknown openid: log in (jscode2session) first, or pass the code")
            with self._lock:
                known = template_id in self.templates
            if not known:
                return 400, _error(20001, "No template data return, verify the template id exist")
            if path.endswith("/accept"):
                remaining = self.accept(openid, template_id, int(body.get("times", 1)))
                event = {"Event": "subscribe_msg_popup_event", "FromUserName": openid, "List": [
                    {"TemplateId": template_id, "SubscribeStatusString": "accept", "PopupScene": "0"}]}
            else:
                self.reject(openid, template_id)
                remaining = 0
                event = {"Event": "subscribe_msg_change_event", "FromUserName": openid, "List": [
                    {"TemplateId": template_id, "SubscribeStatusString": "reject"}]}
            return 200, {"openid": openid, "template_id": template_id, "remaining": remaining,
                         "push_status": self._push(body, event)}
        if method == "POST" and path == "/_sim/subscribe/faults":
            self.inject(int(body.get("errcode", -1)), int(body.get("count", 1)),
                        str(body.get("errmsg") or "simulated fault"), int(body.get("status", 200)))
            return 200, {"ok": True}
        if method == "GET" and path == "/_sim/subscribe/sent":
            return 200, {"sent": self.sent(query.get("openid") or None, query.get("template_id") or None,
                                           include_refused=query.get("all") in ("1", "true"))}
        if method == "GET" and path == "/_sim/subscribe/quota":
            return 200, {"remaining": self.remaining(query.get("openid", ""), query.get("template_id", ""))}
        return None
