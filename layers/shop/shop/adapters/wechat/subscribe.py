"""Subscribe messages (订阅消息): subscribeMessage.send (POST /cgi-bin/message/subscribe/send).

``send()`` returns when WeChat took the message and raises a ``SendFailed`` otherwise; the subclasses
name the outcomes a sender acts on, so it branches on the type, never on a message:

  NotSubscribed    43101  the user has no unused acceptance of this template (one-time
                          subscriptions: each accept allows one send) or switched it off. Not
                          retryable: wait for a new accept.
  BadKeyword       47003  a value is empty or breaks its keyword's rule; ``key`` names it when
                          WeChat's errmsg does ("argument invalid! data.thing3.value ..."), else None.
                          shop.messaging.keywords.render() checks the rules before sending.
  BadTemplate      40037  the template_id is not one of the app's templates.
  BadOpenid        40003  the openid is empty or not a user of this app.
  PageNotReleased  41030  ``page`` is not a page of the released app (send without a page, or later).
  Busy             -1 (system busy), 45009/45011 (API quota), HTTP 5xx, WeChat unreachable or timed
                   out. ``retryable`` is True and ``retry_after`` is a hint in seconds (1 for busy or
                   unreachable, 60 for a quota). After a time-out the message may have gone: a retry
                   then answers 43101 unless the user had accepted more than once.
  SendFailed       anything else (``errcode``; None when the answer was not WeChat's JSON).

An invalid access token (40001/42001/40014, access_token.INVALID_TOKEN) is fetched again and the send
made once more, as the other adapters do. Logged: the errcode, the template_id and the data's key
names; never the token (it is in the URL), the openid or the values.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from shop.adapters import httpclient
from shop.adapters.config import setting, setting_float
from shop.adapters.observability import logger
from shop.adapters.wechat import access_token

MiniprogramState = Literal["developer", "trial", "formal"]
STATES = ("developer", "trial", "formal")
PATH = "/cgi-bin/message/subscribe/send"
BAD_OPENID = 40003
BAD_TEMPLATE = 40037
PAGE_NOT_RELEASED = 41030
NOT_SUBSCRIBED = 43101
BAD_KEYWORD = 47003
SYSTEM_BUSY = -1
QUOTA = frozenset({45009, 45011})
_ERRMSG_KEY = re.compile(r"data\.([A-Za-z_]+[0-9]+)\.value")


class SendFailed(Exception):
    """WeChat did not take the message. The base of every outcome below; ``errcode`` is WeChat's."""

    retryable = False

    def __init__(self, errcode: int | None, errmsg: str = "") -> None:
        super().__init__(f"subscribe message not sent: errcode {errcode}")
        self.errcode = errcode
        self.errmsg = errmsg


class NotSubscribed(SendFailed):
    """43101: no unused acceptance of this template by this user."""


class BadKeyword(SendFailed):
    """47003: a data value is empty or breaks its keyword's rule. ``key`` is the key when known."""

    def __init__(self, errcode: int | None, errmsg: str = "", key: str | None = None) -> None:
        super().__init__(errcode, errmsg)
        self.key = key


class BadTemplate(SendFailed):
    """40037: not one of the app's templates."""


class BadOpenid(SendFailed):
    """40003: not a user of this app."""


class PageNotReleased(SendFailed):
    """41030: the page is not in the released app."""


class Busy(SendFailed):
    """WeChat is busy, over a quota or unreachable: try again after ``retry_after`` seconds."""

    retryable = True

    def __init__(self, errcode: int | None, errmsg: str = "", retry_after: float = 1.0) -> None:
        super().__init__(errcode, errmsg)
        self.retry_after = retry_after


_BY_ERRCODE: dict[int, type[SendFailed]] = {
    NOT_SUBSCRIBED: NotSubscribed, BAD_TEMPLATE: BadTemplate, BAD_OPENID: BadOpenid,
    PAGE_NOT_RELEASED: PageNotReleased,
}


def send(openid: str, template_id: str, data: dict[str, dict[str, str]], *, page: str | None,
         state: MiniprogramState) -> None:
    """Send one subscribe message (``data`` as shop.messaging.keywords.render() makes it) to ``openid``;
    ``page`` opens when the user taps the card (None: no jump); ``state`` is the version it opens."""
    if state not in STATES:
        raise ValueError(f"miniprogram_state is one of {', '.join(STATES)}")
    message: dict[str, object] = {"touser": openid, "template_id": template_id, "data": data,
                                  "miniprogram_state": state, "lang": "zh_CN"}
    if page is not None:
        message["page"] = page.lstrip("/")
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    keys = sorted(data)
    for attempt in (1, 2):
        token = access_token.get() if attempt == 1 else access_token.refresh()
        url = f"{setting('WECHAT_API_BASE_URL').rstrip('/')}{PATH}?access_token={token}"
        try:
            resp = httpclient.request("POST", url, body=body, headers={"Content-Type": "application/json"},
                                      timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"))
        except OSError as exc:  # the URL holds the token: log the error's type only
            logger.warning("subscribe send unreachable", extra={"error": type(exc).__name__,
                                                                "template_id": template_id, "keys": keys})
            raise Busy(None, "WeChat is unreachable") from None
        if resp.status >= 500:
            logger.warning("subscribe send failed", extra={"status": resp.status, "template_id": template_id,
                                                           "keys": keys})
            raise Busy(None, f"HTTP {resp.status}")
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            logger.error("subscribe send failed", extra={"status": resp.status, "template_id": template_id,
                                                         "keys": keys, "errcode": None})
            raise SendFailed(None, f"HTTP {resp.status}: not WeChat's JSON")
        try:
            errcode = int(answer.get("errcode") or 0)
        except (TypeError, ValueError):
            errcode = None
        if errcode == 0:
            logger.info("subscribe message sent", extra={"template_id": template_id, "keys": keys})
            return
        if errcode in access_token.INVALID_TOKEN and attempt == 1:
            continue
        errmsg = str(answer.get("errmsg") or "")
        raise _failure(errcode, errmsg, template_id, keys)
    raise AssertionError("unreachable")  # pragma: no cover


def _failure(errcode: int | None, errmsg: str, template_id: str, keys: list[str]) -> SendFailed:
    error: SendFailed
    if errcode == BAD_KEYWORD:
        match = _ERRMSG_KEY.search(errmsg)
        error = BadKeyword(errcode, errmsg, match.group(1) if match else None)
    elif errcode == SYSTEM_BUSY or errcode in QUOTA:
        error = Busy(errcode, errmsg, retry_after=1.0 if errcode == SYSTEM_BUSY else 60.0)
    elif errcode is not None and errcode in _BY_ERRCODE:
        error = _BY_ERRCODE[errcode](errcode, errmsg)
    else:
        error = SendFailed(errcode, errmsg)
    extra = {"errcode": errcode, "template_id": template_id, "keys": keys}
    if isinstance(error, BadKeyword):
        extra["key"] = error.key
    (logger.warning if isinstance(error, NotSubscribed | Busy) else logger.error)("subscribe send failed", extra=extra)
    return error
