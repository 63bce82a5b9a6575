"""小程序发货信息管理服务: WeChat's order shipping APIs (POST /wxa/sec/order/<name>) and the carrier
list (get_delivery_list), called with the mini-program's access token (shop.adapters.wechat.access_token).

Every call answers WeChat's JSON as a dict, or raises ``ShippingApiError`` with WeChat's errcode and
errmsg (errcode None: WeChat could not be reached or answered something that is not JSON). An invalid
token (40001/42001) is refreshed and the call made once more. The URL holds the token: only the
error's type is logged, never the URL.
"""

from __future__ import annotations

import json
from typing import Any

from shop.adapters import httpclient
from shop.adapters.config import setting, setting_float
from shop.adapters.observability import logger
from shop.adapters.wechat import access_token

NOT_VISIBLE = 10060001  # 支付单不存在: usually not ingested yet, seconds after the payment
RESHIP_USED = 10060003
NOT_SHIPPABLE = 10060004
WRITE_CONFLICT = 10060019
WRONG_PAYER = 10060031
LIST_LENGTH = 268485228
FORMAT_ERROR = 47001
SYSTEM_BUSY = -1
RETRYABLE = frozenset({NOT_VISIBLE, WRITE_CONFLICT, SYSTEM_BUSY, 45009, None})


class ShippingApiError(Exception):
    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def retryable(self) -> bool:
        return self.errcode in RETRYABLE


def _call(path: str, body: dict[str, Any]) -> dict[str, Any]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    for attempt in (1, 2):
        token = access_token.get() if attempt == 1 else access_token.refresh()
        url = f"{setting('WECHAT_API_BASE_URL').rstrip('/')}{path}?access_token={token}"
        try:
            resp = httpclient.request("POST", url, body=data, headers={"Content-Type": "application/json"},
                                      timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"))
            answer = resp.json()
        except OSError as exc:
            logger.warning("wechat shipping api unreachable", extra={"api": path, "error": type(exc).__name__})
            raise ShippingApiError(None, "无法连接微信") from None
        except ValueError:
            raise ShippingApiError(None, "微信的回答不是 JSON") from None
        if not isinstance(answer, dict):
            raise ShippingApiError(None, "微信的回答不是 JSON 对象")
        errcode = answer.get("errcode") or 0
        if errcode in access_token.INVALID_TOKEN and attempt == 1:
            continue
        if errcode != 0:
            raise ShippingApiError(int(errcode), str(answer.get("errmsg") or ""))
        return answer
    raise AssertionError("unreachable")  # pragma: no cover


def upload_shipping_info(body: dict[str, Any]) -> None:
    _call("/wxa/sec/order/upload_shipping_info", body)


def get_order(transaction_id: str) -> dict[str, Any]:
    return _call("/wxa/sec/order/get_order", {"transaction_id": transaction_id}).get("order") or {}


def delivery_list() -> list[dict[str, str]]:
    answer = _call("/cgi-bin/express/delivery/open_msg/get_delivery_list", {})
    return [{"id": str(c["delivery_id"]), "name": str(c.get("delivery_name") or c["delivery_id"])}
            for c in answer.get("delivery_list") or [] if isinstance(c, dict) and c.get("delivery_id")]


def set_msg_jump_path(path: str) -> None:
    _call("/wxa/sec/order/set_msg_jump_path", {"path": path})
