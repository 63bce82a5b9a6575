"""The simulator's 小程序发货信息管理服务 (order shipping management) and 消息推送 (message push).

Shipping APIs (POST /wxa/sec/order/<name>?access_token=..., and the carrier list):
  upload_shipping_info   checks what WeChat checks (the reference note, §1.3-1.8):
      order_key (type 2: transaction_id; type 1: mchid + out_trade_no) of a payment the pay
      simulator made, else 10060001 支付单不存在; a payment is "not visible yet" for its first
      ``invisible_calls`` uploads (also settable per payment) - WeChat's ingestion delay;
      logistics_type 1-4 and delivery_mode 1-2 (47001 otherwise); shipping_list 1..15 items
      (47001), exactly 1 in unified mode (268485228); split mode only with express (47001);
      express items need tracking_no (1-128 bytes) and an express_company from the carrier list
      (47001 "invalid delivery_id": the simulator's choice of code); item_desc 1-120 characters;
      SF needs a contact; payer.openid must be the payer's (10060031); upload_time newer than the
      last one (47001).
      States: 1 待发货 -> 2 已发货 when a unified upload or a split upload with is_all_delivered
      arrives (finish_shipping_count 1); a split upload before that replaces the list and counts
      nothing; an upload after shipping is finished is the one re-ship (count 2); then 10060003.
      A refunded payment or one in state 3/4/5 answers 10060004.
  get_order              {order: {..., order_state, shipping: {...}}} (§1.5)
  get_delivery_list      POST /cgi-bin/express/delivery/open_msg/get_delivery_list  {delivery_list, count}
  set_msg_jump_path      records the path

Test and dev controls (Python, and over HTTP):
  POST /_sim/shipping/faults {"api": "upload_shipping_info", "errcode": -1, "times": 2}
  POST /_sim/shipping/invisible {"transaction_id": ..., "calls": 3}   or {"default": 3}
  GET  /_sim/shipping/orders/{transaction_id}   the state and every upload it received
  POST /_sim/shipping/orders/{transaction_id}/confirm   the buyer confirms receipt (state 3)
  POST /_sim/push {"url", "event": {...}, "safe": true}   send a signed (and encrypted) push

Message push: ``push_request(event, safe=...)`` builds the query and body WeChat sends to the
mini-program's 消息推送 URL: plaintext JSON signed with sha1(sort(token, timestamp, nonce)), or in
safe mode the JSON encrypted with AES-256-CBC (key = base64(EncodingAESKey + "="), IV = its first 16
bytes, plaintext = 16 random bytes + 4-byte big-endian length + message + appid, PKCS#7 padded to 32
bytes) and ``msg_signature`` = sha1(sort(token, timestamp, nonce, Encrypt)).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

CARRIERS = [
    ("SF", "顺丰速运"), ("YTO", "圆通速递"), ("ZTO", "中通快递"), ("STO", "申通快递"), ("YD", "韵达速递"),
    ("JTSD", "极兔速递"), ("EMS", "中国邮政速递物流"), ("JD", "京东物流"), ("DBL", "德邦快递"), ("OTHER", "其他"),
]
MAX_LIST = 15
STATE_NAMES = {1: "待发货", 2: "已发货", 3: "确认收货", 4: "交易完成", 5: "已退款"}


def _error(errcode: int, errmsg: str) -> dict[str, Any]:
    return {"errcode": errcode, "errmsg": errmsg}


class ShippingSimulator:
    def __init__(self, sim: Any) -> None:
        self.sim = sim  # the WeChatSimulator: its token, app id and pay simulator
        self._lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = {}  # transaction_id -> shipping state
        self.received: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # (api, body, answer)
        self.faults: list[dict[str, Any]] = []
        self.invisible_calls = 0
        self.invisible: dict[str, int] = {}  # transaction_id -> calls still answered 10060001
        self.jump_path: str | None = None
        self.push_token: str | None = None
        self.push_aes_key: str | None = None

    # ------------------------------------------------------------ helpers
    def uploads(self, transaction_id: str | None = None) -> list[dict[str, Any]]:
        """Every upload_shipping_info body WeChat accepted (errcode 0), optionally for one payment."""
        return [body for api, body, answer in self.received if api == "upload_shipping_info" and answer["errcode"] == 0
                and (transaction_id is None or self._txn_of(body) == transaction_id)]

    def inject(self, api: str, errcode: int, errmsg: str = "simulated fault", times: int = 1) -> None:
        with self._lock:
            self.faults.append({"api": api, "errcode": errcode, "errmsg": errmsg, "times": times})

    def _fault(self, api: str) -> dict[str, Any] | None:
        with self._lock:
            for fault in self.faults:
                if fault["api"] == api and fault["times"] > 0:
                    fault["times"] -= 1
                    return _error(fault["errcode"], fault["errmsg"])
        return None

    def _payment(self, key: dict[str, Any]) -> dict[str, Any] | None:
        pay = self.sim.pay
        if pay is None or not isinstance(key, dict):
            return None
        for t in list(pay.transactions.values()):
            if t.get("trade_state") not in ("SUCCESS", "REFUND"):
                continue
            if key.get("order_number_type") == 2 and t.get("transaction_id") == key.get("transaction_id"):
                return t
            if (key.get("order_number_type") == 1 and t.get("out_trade_no") == key.get("out_trade_no")
                    and key.get("mchid") == t.get("mchid")):
                return t
        return None

    def _txn_of(self, body: dict[str, Any]) -> str | None:
        t = self._payment(body.get("order_key") or {})
        return t.get("transaction_id") if t else (body.get("order_key") or {}).get("transaction_id")

    def _state(self, t: dict[str, Any]) -> dict[str, Any]:
        return self.orders.setdefault(t["transaction_id"], {
            "order_state": 1, "finish_shipping_count": 0, "shipping": None, "last_upload_time": None})

    # ------------------------------------------------------------ APIs
    def upload(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = self._upload(body)
        with self._lock:
            self.received.append(("upload_shipping_info", body, answer))
        return answer

    def _upload(self, body: dict[str, Any]) -> dict[str, Any]:
        if fault := self._fault("upload_shipping_info"):
            return fault
        key = body.get("order_key")
        if not isinstance(key, dict) or key.get("order_number_type") not in (1, 2):
            return _error(47001, "data format error: order_key")
        logistics, mode, items = body.get("logistics_type"), body.get("delivery_mode"), body.get("shipping_list")
        if logistics not in (1, 2, 3, 4) or mode not in (1, 2):
            return _error(47001, "data format error: logistics_type / delivery_mode")
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_LIST:
            return _error(47001, f"data format error: shipping_list must hold 1-{MAX_LIST} items")
        if mode == 1 and len(items) != 1:
            return _error(268485228, "统一发货模式下,物流信息列表长度必须为1")
        if mode == 2 and logistics != 1:
            return _error(47001, "data format error: split delivery is only for express")
        codes = {code for code, _ in CARRIERS}
        for item in items:
            if not isinstance(item, dict):
                return _error(47001, "data format error: shipping_list item")
            desc = item.get("item_desc")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 120:
                return _error(47001, "data format error: item_desc")
            if logistics == 1:
                tracking = item.get("tracking_no")
                if not isinstance(tracking, str) or not 1 <= len(tracking.encode()) <= 128:
                    return _error(47001, "data format error: tracking_no")
                if item.get("express_company") not in codes:
                    return _error(47001, "invalid delivery_id")
                contact = item.get("contact") or {}
                if item["express_company"] == "SF" and not (contact.get("consignor_contact") or contact.get("receiver_contact")):
                    return _error(47001, "顺丰快递需要填写寄件人或收件人联系方式")
        upload_time = body.get("upload_time")
        try:
            moment = datetime.fromisoformat(str(upload_time))
        except ValueError:
            return _error(47001, "data format error: upload_time")
        payer = (body.get("payer") or {}).get("openid")
        with self._lock:
            t = self._payment(key)
            if t is None:
                return _error(10060001, "支付单不存在")
            txn = t["transaction_id"]
            left = self.invisible.setdefault(txn, self.invisible_calls)
            if left > 0:
                self.invisible[txn] = left - 1
                return _error(10060001, "支付单不存在")
            if payer != (t.get("payer") or {}).get("openid"):
                return _error(10060031, "支付单不属于 openid 所指定的用户")
            state = self._state(t)
            if t.get("trade_state") == "REFUND" or state["order_state"] in (3, 4, 5):
                return _error(10060004, "支付单处于不可发货的状态")
            last = state["last_upload_time"]
            if last is not None and moment <= last:
                return _error(47001, "upload_time must be later than the last upload")
            finished = mode == 1 or bool(body.get("is_all_delivered"))
            shipping = state["shipping"]
            changed_kind = shipping is not None and (shipping["delivery_mode"], shipping["logistics_type"]) != (mode, logistics)
            if state["finish_shipping_count"] >= 1 or (changed_kind and state["finish_shipping_count"] >= 1):
                if state["finish_shipping_count"] >= 2:
                    return _error(10060003, "支付单已使用重新发货机会")
                state["finish_shipping_count"] = 2
            elif finished:
                state["finish_shipping_count"] = 1
            state["shipping"] = {
                "delivery_mode": mode, "logistics_type": logistics, "finish_shipping": finished,
                "goods_desc": ";".join(i["item_desc"] for i in items)[:120],
                "shipping_list": [{"tracking_no": i.get("tracking_no", ""), "express_company": i.get("express_company", ""),
                                   "goods_desc": i["item_desc"], "upload_time": int(moment.timestamp()),
                                   "contact": i.get("contact") or {}} for i in items],
            }
            state["last_upload_time"] = moment
            if finished:
                state["order_state"] = 2
        return {"errcode": 0, "errmsg": "ok"}

    def get_order(self, body: dict[str, Any]) -> dict[str, Any]:
        if fault := self._fault("get_order"):
            return fault
        key = {"order_number_type": 2, **body} if body.get("transaction_id") else {"order_number_type": 1, **body,
                                                                                    "mchid": body.get("merchant_id")}
        with self._lock:
            t = self._payment(key)
            if t is None:
                return _error(10060001, "支付单不存在")
            state = self._state(t)
            shipping = dict(state["shipping"] or {"delivery_mode": 0, "logistics_type": 0, "finish_shipping": False,
                                                  "goods_desc": "", "shipping_list": []})
            shipping["finish_shipping_count"] = state["finish_shipping_count"]
            order_state = 5 if t.get("trade_state") == "REFUND" else state["order_state"]
            return {"errcode": 0, "errmsg": "ok", "order": {
                "transaction_id": t["transaction_id"], "merchant_id": t.get("mchid"), "sub_merchant_id": "",
                "merchant_trade_no": t["out_trade_no"], "description": t.get("description", ""),
                "paid_amount": t["amount"]["total"], "openid": (t.get("payer") or {}).get("openid"),
                "order_state": order_state, "in_complaint": False, "shipping": shipping}}

    def delivery_list(self) -> dict[str, Any]:
        if fault := self._fault("get_delivery_list"):
            return fault
        return {"errcode": 0, "errmsg": "ok", "count": len(CARRIERS),
                "delivery_list": [{"delivery_id": code, "delivery_name": name} for code, name in CARRIERS]}

    def set_jump_path(self, body: dict[str, Any]) -> dict[str, Any]:
        if fault := self._fault("set_msg_jump_path"):
            return fault
        path = body.get("path")
        if not isinstance(path, str):
            return _error(47001, "data format error: path")
        self.jump_path = path
        return {"errcode": 0, "errmsg": "ok"}

    def confirm_receipt(self, transaction_id: str) -> None:
        with self._lock:
            state = self.orders.get(transaction_id)
            if state is not None and state["order_state"] == 2:
                state["order_state"] = 3

    # ------------------------------------------------------------ message push
    def push_request(self, event: dict[str, Any], *, safe: bool = False, timestamp: int | None = None,
                     token: str | None = None, aes_key: str | None = None,
                     app_id: str | None = None) -> tuple[dict[str, str], bytes]:
        """The query parameters and body of one push, as WeChat sends it."""
        token = token or self.push_token or ""
        ts, nonce = str(int(time.time()) if timestamp is None else timestamp), secrets.token_hex(5)
        message = json.dumps({"ToUserName": "gh_sim", "FromUserName": "o-sim-wechat", "CreateTime": int(ts),
                              "MsgType": "event", **event}, ensure_ascii=False).encode()
        query = {"signature": _sha1(token, ts, nonce), "timestamp": ts, "nonce": nonce}
        if not safe:
            return query, message
        encrypted = encrypt(aes_key or self.push_aes_key or "", message, app_id or self.sim.app_id)
        query.update(encrypt_type="aes", msg_signature=_sha1(token, ts, nonce, encrypted))
        return query, json.dumps({"ToUserName": "gh_sim", "Encrypt": encrypted}).encode()

    def send_push(self, url: str, event: dict[str, Any], *, safe: bool = False) -> int:
        from shop.adapters import httpclient

        query, body = self.push_request(event, safe=safe)
        resp = httpclient.request("POST", f"{url}?{urlencode(query)}", body=body,
                                  headers={"Content-Type": "application/json"}, timeout=5)
        return resp.status

    # ------------------------------------------------------------ HTTP
    def handle(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> tuple[int, Any] | None:
        api = path.rsplit("/", 1)[-1]
        if path.startswith("/wxa/sec/order/") or path == "/cgi-bin/express/delivery/open_msg/get_delivery_list":
            if not self.sim.token_valid(query.get("access_token")):
                return 200, _error(40001, "invalid credential, access_token is invalid or not latest")
            handler = {"upload_shipping_info": self.upload, "get_order": self.get_order,
                       "set_msg_jump_path": self.set_jump_path,
                       "get_delivery_list": lambda _b: self.delivery_list()}.get(api)
            if handler is None or method != "POST":
                return 404, _error(404, "not found")
            answer = handler(body)
            if api != "upload_shipping_info":
                with self._lock:
                    self.received.append((api, body, answer))
            return 200, answer
        if method == "POST" and path == "/_sim/shipping/faults":
            self.inject(str(body.get("api")), int(body.get("errcode", -1)), str(body.get("errmsg", "simulated fault")),
                        int(body.get("times", 1)))
            return 200, {"ok": True}
        if method == "POST" and path == "/_sim/shipping/invisible":
            if "default" in body:
                self.invisible_calls = int(body["default"])
            if body.get("transaction_id"):
                self.invisible[str(body["transaction_id"])] = int(body.get("calls", 0))
            return 200, {"ok": True}
        if path.startswith("/_sim/shipping/orders/"):
            parts = path.split("/")
            txn = parts[4] if len(parts) > 4 else ""
            if method == "POST" and parts[-1] == "confirm":
                self.confirm_receipt(txn)
            state = self.orders.get(txn)
            return 200, {"state": None if state is None else {**state, "last_upload_time": str(state["last_upload_time"]),
                                                               "order_state_name": STATE_NAMES.get(state["order_state"])},
                         "uploads": self.uploads(txn)}
        if method == "POST" and path == "/_sim/push":
            status = self.send_push(str(body.get("url")), dict(body.get("event") or {}), safe=bool(body.get("safe")))
            return 200, {"status": status}
        return None


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's signature


def encrypt(encoding_aes_key: str, message: bytes, app_id: str) -> str:
    """WeChat's safe-mode encryption of a push (the simulator's own implementation)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(encoding_aes_key + "=")
    plain = secrets.token_bytes(16) + len(message).to_bytes(4, "big") + message + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
