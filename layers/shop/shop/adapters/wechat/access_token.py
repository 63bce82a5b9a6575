"""The mini-program's access token for WeChat's server APIs (wxacode, subscribe messages, ...).

Fetched with /cgi-bin/stable_token, which returns the same token while it is valid, so any number of
concurrent Lambda instances share one token without invalidating each other (the older /cgi-bin/token
would). Each instance keeps it in memory until five minutes before it expires. ``refresh()`` after
WeChat says the token is invalid (40001/42001) asks for the current one again, not a forced new one:
force_refresh is limited to 20 a day and would invalidate every other instance's token.
The token is a credential: never logged, never returned.
"""

from __future__ import annotations

import json
import threading
import time

from shop.adapters import httpclient
from shop.adapters.config import credential, setting, setting_float
from shop.core.errors import ServiceUnavailable, UpstreamError
from shop.adapters.observability import logger

EARLY_SECONDS = 300
INVALID_TOKEN = {40001, 42001, 40014}
_lock = threading.Lock()
_cached: tuple[str, float] | None = None


def get() -> str:
    global _cached
    with _lock:
        if _cached and _cached[1] > time.time():
            return _cached[0]
        token, expires_in = _fetch()
        _cached = (token, time.time() + max(expires_in - EARLY_SECONDS, 60))
        return token


def refresh() -> str:
    global _cached
    with _lock:
        _cached = None
    return get()


def _fetch() -> tuple[str, int]:
    url = f"{setting('WECHAT_API_BASE_URL').rstrip('/')}/cgi-bin/stable_token"
    body = json.dumps({"grant_type": "client_credential", "appid": setting("WECHAT_APP_ID"),
                       "secret": credential("wechat_app_secret"), "force_refresh": False}).encode("utf-8")
    try:
        resp = httpclient.request("POST", url, body=body, headers={"Content-Type": "application/json"},
                                  timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"))
        data = resp.json()
    except OSError as exc:
        logger.warning("stable_token unreachable", extra={"error": type(exc).__name__})
        raise ServiceUnavailable("WeChat is unreachable; try again.", code="wechat_unavailable",
                                 headers={"Retry-After": "1"}) from None
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("access_token"):
        return str(data["access_token"]), int(data.get("expires_in") or 7200)
    errcode = data.get("errcode") if isinstance(data, dict) else None
    logger.error("stable_token failed", extra={"errcode": errcode})
    if errcode == -1:
        raise ServiceUnavailable("WeChat is busy; try again.", code="wechat_busy", headers={"Retry-After": "1"})
    raise UpstreamError("WeChat refused the shop's credentials; check the AppID and AppSecret.", code="wechat_error")
