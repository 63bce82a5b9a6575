"""Mini-program login (code2session).

A direct GET (shop.adapters.httpclient) rather than wechatpy: code2session needs no access token (wechatpy's client
fetches one first, an extra call per cold container) and wechatpy plus requests add about 0.15 s to
the login function's cold start. The answer's session_key is a secret: it is returned to the caller
in this process only and never logged.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from shop.adapters import httpclient
from shop.adapters.config import credential, setting, setting_float
from shop.core.errors import Forbidden, ServiceUnavailable, TooManyRequests, Unauthorized, UpstreamError
from shop.adapters.observability import logger

# errcodes of jscode2session and what the caller is told
INVALID_CODE = {40029, 40163}  # invalid code / code already used
RATE_LIMITED = 45011
SYSTEM_BUSY = -1
HIGH_RISK_USER = 40226


@dataclass(frozen=True)
class WxSession:
    openid: str
    session_key: str = field(repr=False)
    unionid: str | None = None


def code_to_session(js_code: str) -> WxSession:
    query = urllib.parse.urlencode(
        {
            "appid": setting("WECHAT_APP_ID"),
            "secret": credential("wechat_app_secret"),
            "js_code": js_code,
            "grant_type": "authorization_code",
        }
    )
    url = f"{setting('WECHAT_API_BASE_URL').rstrip('/')}/sns/jscode2session?{query}"
    try:
        resp = httpclient.request("GET", url, timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"))
    except OSError as exc:
        # The URL holds the AppSecret: log the error type, never the URL or the exception text.
        logger.warning("code2session unreachable", extra={"error": type(exc).__name__})
        raise ServiceUnavailable("WeChat login is unreachable; try again.", code="wechat_unavailable",
                                 headers={"Retry-After": "1"}) from None
    try:
        data = resp.json()
    except ValueError:
        data = None
    if resp.status != 200 or not isinstance(data, dict):
        logger.warning("code2session answered unexpectedly", extra={"status": resp.status})
        raise UpstreamError("WeChat login answered unexpectedly.", code="wechat_error")
    errcode = data.get("errcode") or 0
    if errcode == 0 and data.get("openid") and data.get("session_key"):
        return WxSession(openid=data["openid"], session_key=data["session_key"], unionid=data.get("unionid"))
    logger.info("code2session refused", extra={"errcode": errcode})
    if errcode in INVALID_CODE:
        raise Unauthorized("The login code is invalid or already used; call wx.login() again.", code="invalid_code")
    if errcode == RATE_LIMITED:
        raise TooManyRequests("Too many logins for this user; wait a minute.", code="rate_limited",
                              headers={"Retry-After": "60"})
    if errcode == SYSTEM_BUSY:
        raise ServiceUnavailable("WeChat is busy; try again.", code="wechat_busy", headers={"Retry-After": "1"})
    if errcode == HIGH_RISK_USER:
        raise Forbidden("WeChat has blocked this account from logging in.", code="user_blocked")
    logger.error("code2session failed", extra={"errcode": errcode})
    raise UpstreamError("WeChat login failed; the shop's WeChat settings may be wrong.", code="wechat_error")
