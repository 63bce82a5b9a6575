"""The WeChat Pay API v3 simulator (public-key mode), served by the WeChat simulator's HTTP server.

What it checks, as WeChat Pay does: every request carries a valid merchant signature
(``Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..,nonce_str=..,signature=..,timestamp=..,serial_no=..``,
RSA-SHA256 over ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` with the merchant key), for the
configured mchid and serial, within 5 minutes; the appid/mchid pair; amounts in positive integer fen;
out_trade_no reuse. Every answer is signed with the simulated platform key (Wechatpay-Serial is the
public key id), so clients can and must verify it.

WeChat Pay endpoints:
  POST /v3/pay/transactions/jsapi                        -> {"prepay_id"}
  GET  /v3/pay/transactions/out-trade-no/{no}?mchid=     -> the transaction
  POST /v3/pay/transactions/out-trade-no/{no}/close      -> 204
  POST /v3/refund/domestic/refunds                       -> the refund (PROCESSING)
  GET  /v3/refund/domestic/refunds/{out_refund_no}       -> the refund

The user's side (what wx.requestPayment would do), and inspection:
  POST /_sim/pay/{out_trade_no}  or  POST /_sim/pay {"prepay_id": ...}
       body options: {"notify": false} pays without notifying (a late notification),
                     {"copies": N} delivers N concurrent copies of the notification
       -> marks the transaction SUCCESS and POSTs a signed, AES-256-GCM encrypted TRANSACTION.SUCCESS
          notification to its notify_url, retrying on failure on WeChat's schedule (scaled down)
  POST /_sim/notify/{out_trade_no} {"copies": N}
       sends the TRANSACTION.SUCCESS notification of a paid transaction again (a late or repeated one)
  POST /_sim/refunds/{out_refund_no}/settle {"status": "SUCCESS"|"ABNORMAL"|"CLOSED"}
       settles a PROCESSING refund now (refunds otherwise succeed by themselves after a short delay)
       and sends REFUND.<STATUS> to the refund's notify_url
  GET  /_sim/transactions/{out_trade_no}, GET /_sim/notifications  -> state, deliveries
  POST /_sim/faults {"api": "refund", "status": 403, "code": "NOT_ENOUGH", "times": 2}
       the next N calls of that API (jsapi, query, close, refund, query_refund) answer that error:
       refund 403 NOT_ENOUGH (balance short), 429 FREQUENCY_LIMITED, 500 SYSTEM_ERROR are WeChat Pay's
       "try later"; 400 PARAM_ERROR / INVALID_REQUEST are final
  POST /_sim/latency {"seconds": 1}   every /v3 call takes that long (0 to stop)

Bills (对账单), for reconciliation (docs/reconciliation.md):
  GET  /v3/bill/tradebill?bill_date=YYYY-MM-DD&bill_type=ALL|SUCCESS|REFUND[&tar_type=GZIP]
       -> {"hash_type": "SHA1", "hash_value", "download_url"} for a Beijing day whose bill is out:
       400 NO_STATEMENT_EXIST for today, a day in the future or a day without any transaction,
       400 STATEMENT_CREATING for yesterday before BILL_READY_HOUR (10:00 Beijing), 400 PARAM_ERROR
       for a malformed date or one more than 3 months back
  GET  /v3/billdownload/file?token=...   (signed like every /v3 call; the body is not signed)
       -> the bill file, valid BILL_URL_SECONDS: a header line, one line per payment (SUCCESS, on
          the day it succeeded) and per refund (REFUND, on the day WeChat Pay accepted it, with its
          status then), the summary header and the summary line; every field after a backtick,
          amounts in yuan; gzipped when tar_type=GZIP was asked (the hash is of the plain file)
  Test helpers (WeChat Pay's side of things going wrong):
  POST /_sim/pay/bills/payments {"out_trade_no", "total"}   a payment WeChat Pay has and the shop
       never heard of (no notification)
  POST /_sim/pay/bills/drop {"out_no"}      leave this payment or refund out of the bill
  POST /_sim/pay/bills/tamper {"out_no", "amount"}   give this row another amount (fen); the hash
       announced is the tampered file's, so the bill verifies and the amounts differ
  POST /_sim/pay/bills/faults {"hash": N}   the next N tradebill answers announce a wrong hash
  ``bill_clock`` (a callable, epoch seconds) is the simulator's notion of "now" for bills only, so a
  test can ask for yesterday's bill of what it paid today
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CST = timezone(timedelta(hours=8))
# WeChat Pay's notification retry schedule, in seconds, after the first attempt
RETRY_SCHEDULE = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]
_AUTH_RE = re.compile(r'(\w+)="([^"]*)"')
_OUT_TRADE_NO = re.compile(r"^[A-Za-z0-9_\-|*]{6,32}$")
_OUT_REFUND_NO = re.compile(r"^[A-Za-z0-9_\-|*@]{1,64}$")
BILL_READY_HOUR = 10  # Beijing hour from which yesterday's bill can be fetched ("after 10:00")
BILL_URL_SECONDS = 300  # a download_url's lifetime (5 min per the current pages; the old wiki says 30 s)
BILL_DAYS = 92  # bills cover the last 3 months
BILL_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
               "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
               "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
BILL_SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
# the refund states as the bill writes them (the v3 API says CLOSED / ABNORMAL)
BILL_REFUND_STATUS = {"SUCCESS": "SUCCESS", "PROCESSING": "PROCESSING", "CLOSED": "REFUNDCLOSE", "ABNORMAL": "CHANGE"}
FEE_PER_MILLE = 6  # 0.60%


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _fee(fen: int) -> int:
    """The 0.6% fee, rounded half up to the fen (negative amounts: a refund gives fee back)."""
    value = (abs(fen) * FEE_PER_MILLE + 500) // 1000
    return -value if fen < 0 else value


def _beijing_day(rfc3339: str) -> str:
    return datetime.fromisoformat(rfc3339).astimezone(CST).date().isoformat()


def _now_rfc3339() -> str:
    return datetime.now(CST).replace(microsecond=0).isoformat()


def _rand(n: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


@dataclass
class Delivery:
    url: str
    event_type: str
    out_no: str
    attempts: list[int | str] = field(default_factory=list)  # HTTP status or error name per attempt
    delivered: bool = False


class PayError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class WeChatPaySimulator:
    def __init__(self, *, app_id: str, mch_id: str, merchant_serial_no: str, merchant_public_key_pem: str,
                 platform_private_key_pem: str, public_key_id: str, apiv3_key: str,
                 retry_scale: float = 1 / 60, refund_delay: float = 1.0, delivery_timeout: float = 5.0) -> None:
        self.app_id, self.mch_id, self.merchant_serial_no = app_id, mch_id, merchant_serial_no
        self.merchant_key = serialization.load_pem_public_key(merchant_public_key_pem.encode())
        self.platform_key = serialization.load_pem_private_key(platform_private_key_pem.encode(), password=None)
        self.public_key_id = public_key_id
        self.aead = AESGCM(apiv3_key.encode())
        self.retry_scale, self.refund_delay, self.delivery_timeout = retry_scale, refund_delay, delivery_timeout
        self.transactions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.deliveries: list[Delivery] = []
        # Error modes on demand (inject()): per API, answers to give instead of serving the call
        self.faults: dict[str, list[tuple[int, str, str]]] = {}
        self.latency = 0.0  # seconds every /v3 call takes (set_latency(); WeChat Pay having a slow day)
        self._lock = threading.RLock()
        # bills: "now" for bills, rows left out or changed, wrong hashes to announce, files to download
        self.bill_clock = time.time
        self.bill_dropped: set[str] = set()
        self.bill_tampered: dict[str, int] = {}
        self.bill_bad_hashes = 0
        self.bill_files: dict[str, tuple[float, bytes]] = {}

    # ------------------------------------------------------------ signatures
    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.platform_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()

    def signed_headers(self, body: bytes) -> dict[str, str]:
        ts, nonce = str(int(time.time())), _rand(32)
        return {
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": self.public_key_id,
            "Wechatpay-Signature": self.sign(f"{ts}\n{nonce}\n".encode() + body + b"\n"),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Request-ID": str(uuid.uuid4()),
        }

    def _check_auth(self, method: str, target: str, body: bytes, authorization: str | None) -> None:
        if not authorization or not authorization.startswith("WECHATPAY2-SHA256-RSA2048 "):
            raise PayError(401, "SIGN_ERROR", "缺少或错误的 Authorization 认证类型")
        fields = dict(_AUTH_RE.findall(authorization))
        if fields.get("mchid") != self.mch_id:
            raise PayError(401, "SIGN_ERROR", "商户号与签名不匹配")
        if fields.get("serial_no") != self.merchant_serial_no:
            raise PayError(401, "SIGN_ERROR", "商户证书序列号有误")
        try:
            ts = int(fields.get("timestamp", ""))
        except ValueError:
            raise PayError(401, "SIGN_ERROR", "时间戳格式错误") from None
        if abs(time.time() - ts) > 300:
            raise PayError(401, "SIGN_ERROR", "请求时间戳已过期")
        message = f"{method}\n{target}\n{ts}\n{fields.get('nonce_str', '')}\n".encode() + body + b"\n"
        try:
            self.merchant_key.verify(base64.b64decode(fields.get("signature", "")), message, padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise PayError(401, "SIGN_ERROR", "签名错误") from None

    # ------------------------------------------------------------ notifications
    def notification(self, event_type: str, original_type: str, resource: dict[str, Any], summary: str) -> tuple[dict[str, str], bytes]:
        """A notification as WeChat Pay sends it: encrypted resource, signed headers."""
        nonce = _rand(12)
        ciphertext = self.aead.encrypt(nonce.encode(), json.dumps(resource, ensure_ascii=False).encode(), original_type.encode())
        envelope = {
            "id": str(uuid.uuid4()),
            "create_time": _now_rfc3339(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(ciphertext).decode(),
                "associated_data": original_type,
                "nonce": nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False).encode()
        return {**self.signed_headers(body), "Content-Type": "application/json"}, body

    def _post(self, url: str, headers: dict[str, str], body: bytes) -> int | str:
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.delivery_timeout) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError as err:
            return type(err).__name__

    def _deliver(self, delivery: Delivery, headers: dict[str, str], body: bytes) -> None:
        for wait in [0, *RETRY_SCHEDULE]:
            time.sleep(wait * self.retry_scale)
            outcome = self._post(delivery.url, headers, body)
            delivery.attempts.append(outcome)
            if isinstance(outcome, int) and 200 <= outcome < 300:
                delivery.delivered = True
                return

    def send(self, url: str, event_type: str, original_type: str, resource: dict[str, Any], summary: str,
             out_no: str, copies: int = 1) -> list[Delivery]:
        headers, body = self.notification(event_type, original_type, resource, summary)
        sent = []
        for _ in range(copies):
            delivery = Delivery(url=url, event_type=event_type, out_no=out_no)
            with self._lock:
                self.deliveries.append(delivery)
            threading.Thread(target=self._deliver, args=(delivery, headers, body), daemon=True).start()
            sent.append(delivery)
        return sent

    # ------------------------------------------------------------ transactions
    def _transaction_view(self, t: dict[str, Any]) -> dict[str, Any]:
        view = {
            "appid": t["appid"], "mchid": t["mchid"], "out_trade_no": t["out_trade_no"],
            "trade_type": "JSAPI", "trade_state": t["trade_state"], "trade_state_desc": t["trade_state_desc"],
            "attach": t.get("attach", ""), "payer": t["payer"],
            "amount": {"total": t["amount"]["total"], "currency": "CNY"},
        }
        if t["trade_state"] in ("SUCCESS", "REFUND"):
            view.update(transaction_id=t["transaction_id"], bank_type="OTHERS", success_time=t["success_time"])
            view["amount"].update(payer_total=t["amount"]["total"], payer_currency="CNY")
        return view

    def jsapi(self, body: dict[str, Any]) -> dict[str, Any]:
        required = ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount", "payer")
        missing = [k for k in required if k not in body]
        if missing:
            raise PayError(400, "PARAM_ERROR", f"缺少参数 {missing[0]}")
        if body["appid"] != self.app_id or body["mchid"] != self.mch_id:
            raise PayError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        total = (body.get("amount") or {}).get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise PayError(400, "PARAM_ERROR", "amount.total 应为正整数(分)")
        if (body.get("amount") or {}).get("currency", "CNY") != "CNY":
            raise PayError(400, "PARAM_ERROR", "currency 只支持 CNY")
        if not isinstance((body.get("payer") or {}).get("openid"), str):
            raise PayError(400, "PARAM_ERROR", "payer.openid 必填")
        no = body["out_trade_no"]
        if not isinstance(no, str) or not _OUT_TRADE_NO.match(no):
            raise PayError(400, "PARAM_ERROR", "out_trade_no 格式错误")
        if not isinstance(body["description"], str) or not 0 < len(body["description"]) <= 127:
            raise PayError(400, "PARAM_ERROR", "description 长度错误")
        if not str(body["notify_url"]).startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise PayError(400, "PARAM_ERROR", "notify_url 必须是 https 地址")
        with self._lock:
            existing = self.transactions.get(no)
            if existing:
                if existing["trade_state"] in ("SUCCESS", "REFUND"):
                    raise PayError(400, "ORDERPAID", "该订单已支付")
                if existing["trade_state"] == "CLOSED":
                    raise PayError(400, "ORDER_CLOSED", "该订单已关闭")
                if existing["request"] != body:
                    raise PayError(400, "INVALID_REQUEST", "201 商户订单号重复")
                return {"prepay_id": existing["prepay_id"]}
            prepay_id = "wx" + datetime.now(CST).strftime("%d%H%M%S") + secrets.token_hex(12)
            self.transactions[no] = {
                **{k: body[k] for k in ("appid", "mchid", "description", "out_trade_no", "notify_url", "payer")},
                "amount": {"total": total, "currency": "CNY"},
                "attach": body.get("attach", ""),
                "time_expire": body.get("time_expire"),
                "request": body,
                "prepay_id": prepay_id,
                "trade_state": "NOTPAY",
                "trade_state_desc": "订单未支付",
                "refunded": 0,
            }
            return {"prepay_id": prepay_id}

    def _find(self, no: str) -> dict[str, Any]:
        t = self.transactions.get(no)
        if t is None:
            raise PayError(404, "ORDER_NOT_EXIST", "订单不存在")
        return t

    def query(self, no: str, mchid: str | None) -> dict[str, Any]:
        if mchid != self.mch_id:
            raise PayError(400, "PARAM_ERROR", "mchid 错误")
        with self._lock:
            return self._transaction_view(self._find(no))

    def close(self, no: str, body: dict[str, Any]) -> None:
        if body.get("mchid") != self.mch_id:
            raise PayError(400, "PARAM_ERROR", "mchid 错误")
        with self._lock:
            t = self._find(no)
            if t["trade_state"] in ("SUCCESS", "REFUND"):
                raise PayError(400, "ORDERPAID", "该订单已支付")
            t["trade_state"], t["trade_state_desc"] = "CLOSED", "已关闭"

    def pay(self, *, out_trade_no: str | None = None, prepay_id: str | None = None, notify: bool = True,
            copies: int = 1) -> dict[str, Any]:
        """The user pays: NOTPAY -> SUCCESS, then the notification."""
        with self._lock:
            if out_trade_no is None:
                found = [t for t in self.transactions.values() if t["prepay_id"] == prepay_id]
                if not found:
                    raise PayError(404, "ORDER_NOT_EXIST", "prepay_id 不存在")
                t = found[0]
            else:
                t = self._find(out_trade_no)
            if t["trade_state"] != "NOTPAY":
                raise PayError(409, "ORDER_NOT_PAYABLE", f"订单状态为 {t['trade_state']}")
            expire = t.get("time_expire")
            if expire and datetime.fromisoformat(expire) < datetime.now(CST):
                raise PayError(410, "ORDER_EXPIRED", "订单已过期")
            t.update(trade_state="SUCCESS", trade_state_desc="支付成功", success_time=_now_rfc3339(),
                     transaction_id="42" + datetime.now(CST).strftime("%Y%m%d") + "".join(secrets.choice(string.digits) for _ in range(18)))
            view = self._transaction_view(t)
        if notify:
            self.send(t["notify_url"], "TRANSACTION.SUCCESS", "transaction", view, "支付成功", t["out_trade_no"], copies)
        return view

    def renotify(self, out_trade_no: str, copies: int = 1) -> dict[str, Any]:
        with self._lock:
            t = self._find(out_trade_no)
            if t["trade_state"] not in ("SUCCESS", "REFUND"):
                raise PayError(409, "ORDER_NOT_PAID", "订单未支付")
            view = self._transaction_view(t)
            view["trade_state"] = "SUCCESS"
        self.send(t["notify_url"], "TRANSACTION.SUCCESS", "transaction", view, "支付成功", out_trade_no, copies)
        return view

    # ------------------------------------------------------------ refunds
    def _refund_view(self, r: dict[str, Any]) -> dict[str, Any]:
        view = {k: r[k] for k in ("refund_id", "out_refund_no", "transaction_id", "out_trade_no", "create_time", "status")}
        view.update(channel="ORIGINAL", user_received_account="支付用户零钱",
                    amount={"total": r["total"], "refund": r["refund"], "payer_total": r["total"],
                            "payer_refund": r["refund"], "currency": "CNY"})
        if r["status"] == "SUCCESS":
            view["success_time"] = r["success_time"]
        return view

    def refund(self, body: dict[str, Any]) -> dict[str, Any]:
        out_refund_no = body.get("out_refund_no")
        amount = body.get("amount") or {}
        refund, total = amount.get("refund"), amount.get("total")
        if not isinstance(out_refund_no, str) or not _OUT_REFUND_NO.match(out_refund_no):
            raise PayError(400, "PARAM_ERROR", "out_refund_no 格式错误")
        for value in (refund, total):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise PayError(400, "PARAM_ERROR", "amount.refund/total 应为正整数(分)")
        with self._lock:
            if out_refund_no in self.refunds:
                return self._refund_view(self.refunds[out_refund_no])
            if body.get("transaction_id"):
                t = next((x for x in self.transactions.values() if x.get("transaction_id") == body["transaction_id"]), None)
                if t is None:
                    raise PayError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
            else:
                t = self._find(str(body.get("out_trade_no", "")))
            if t["trade_state"] not in ("SUCCESS", "REFUND"):
                raise PayError(400, "TRADE_NOT_PAID", "订单未支付")
            if total != t["amount"]["total"]:
                raise PayError(400, "PARAM_ERROR", "订单金额与原订单不一致")
            if t["refunded"] + refund > total:
                raise PayError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
            t["refunded"] += refund
            r = {
                "refund_id": "50" + "".join(secrets.choice(string.digits) for _ in range(27)),
                "out_refund_no": out_refund_no, "transaction_id": t["transaction_id"],
                "out_trade_no": t["out_trade_no"], "create_time": _now_rfc3339(), "status": "PROCESSING",
                "refund": refund, "total": total, "notify_url": body.get("notify_url"),
            }
            self.refunds[out_refund_no] = r
            view = self._refund_view(r)
        if self.refund_delay >= 0:
            timer = threading.Timer(self.refund_delay, self.settle_refund, args=(out_refund_no, "SUCCESS"))
            timer.daemon = True
            timer.start()
        return view

    def query_refund(self, out_refund_no: str) -> dict[str, Any]:
        with self._lock:
            r = self.refunds.get(out_refund_no)
            if r is None:
                raise PayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return self._refund_view(r)

    def settle_refund(self, out_refund_no: str, status: str) -> dict[str, Any] | None:
        if status not in ("SUCCESS", "ABNORMAL", "CLOSED"):
            raise PayError(400, "PARAM_ERROR", "status 应为 SUCCESS, ABNORMAL 或 CLOSED")
        with self._lock:
            r = self.refunds.get(out_refund_no)
            if r is None:
                raise PayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            if r["status"] != "PROCESSING":
                return None
            r["status"] = status
            t = self.transactions[r["out_trade_no"]]
            if status == "SUCCESS":
                r["success_time"] = _now_rfc3339()
                t["trade_state"], t["trade_state_desc"] = "REFUND", "转入退款"
            else:
                t["refunded"] -= r["refund"]
            resource = {
                "mchid": self.mch_id, "out_trade_no": r["out_trade_no"], "transaction_id": r["transaction_id"],
                "out_refund_no": out_refund_no, "refund_id": r["refund_id"], "refund_status": status,
                "user_received_account": "支付用户零钱",
                "amount": {"total": r["total"], "refund": r["refund"], "payer_total": r["total"], "payer_refund": r["refund"]},
            }
            if status == "SUCCESS":
                resource["success_time"] = r["success_time"]
            view = self._refund_view(r)
        if r.get("notify_url"):
            summary = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}[status]
            self.send(r["notify_url"], f"REFUND.{status}", "refund", resource, summary, out_refund_no)
        return view

    # ------------------------------------------------------------ bills
    def add_payment(self, out_trade_no: str, total: int, openid: str = "o-bill-only") -> dict[str, Any]:
        """A payment WeChat Pay took that the shop never heard of: no prepay, no notification."""
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise PayError(400, "PARAM_ERROR", "total 应为正整数(分)")
        if not isinstance(out_trade_no, str) or not _OUT_TRADE_NO.match(out_trade_no):
            raise PayError(400, "PARAM_ERROR", "out_trade_no 格式错误")
        with self._lock:
            if out_trade_no in self.transactions:
                raise PayError(400, "INVALID_REQUEST", "201 商户订单号重复")
            self.transactions[out_trade_no] = {
                "appid": self.app_id, "mchid": self.mch_id, "description": "账单外支付", "out_trade_no": out_trade_no,
                "notify_url": "", "payer": {"openid": openid}, "amount": {"total": total, "currency": "CNY"},
                "attach": "", "time_expire": None, "request": {}, "prepay_id": "wx" + secrets.token_hex(14),
                "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "refunded": 0,
                "success_time": _now_rfc3339(),
                "transaction_id": "42" + datetime.now(CST).strftime("%Y%m%d") + "".join(secrets.choice(string.digits) for _ in range(18)),
            }
            return self._transaction_view(self.transactions[out_trade_no])

    def drop_from_bill(self, out_no: str) -> None:
        """Leave a payment (out_trade_no) or a refund (out_refund_no) out of the bills."""
        with self._lock:
            self.bill_dropped.add(out_no)

    def tamper_bill(self, out_no: str, amount: int) -> None:
        """Write another amount (fen) in the bill for this payment or refund."""
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise PayError(400, "PARAM_ERROR", "amount 应为正整数(分)")
        with self._lock:
            self.bill_tampered[out_no] = amount

    def bill_file(self, day: str, bill_type: str = "ALL") -> bytes:
        """The trade bill of a Beijing day, as WeChat Pay writes it: every field after a backtick,
        amounts in yuan, detail lines then the summary."""
        lines = [BILL_HEADER]
        rows = settle_sum = refund_sum = fee_sum = order_sum = asked_sum = 0
        with self._lock:
            payments = sorted((t for t in self.transactions.values() if t.get("success_time")
                               and _beijing_day(t["success_time"]) == day), key=lambda t: t["success_time"])
            refunds = sorted((r for r in self.refunds.values() if _beijing_day(r["create_time"]) == day),
                             key=lambda r: r["create_time"])
            if bill_type in ("ALL", "SUCCESS"):
                for t in payments:
                    if t["out_trade_no"] in self.bill_dropped:
                        continue
                    total = self.bill_tampered.get(t["out_trade_no"], t["amount"]["total"])
                    fee = _fee(total)
                    fields = [t["success_time"][:19].replace("T", " "), t["appid"], t["mchid"], "0", "",
                              t["transaction_id"], t["out_trade_no"], t["payer"]["openid"], "JSAPI", "SUCCESS",
                              "OTHERS", "CNY", yuan(total), "0.00", "0", "0", "0.00", "0.00", "", "",
                              t["description"].replace(",", "，"), t.get("attach", ""), yuan(fee), "0.60%",
                              yuan(total), "0.00", ""]
                    lines.append(",".join("`" + f for f in fields))
                    rows += 1
                    settle_sum, fee_sum, order_sum = settle_sum + total, fee_sum + fee, order_sum + total
            if bill_type in ("ALL", "REFUND"):
                for r in refunds:
                    if r["out_refund_no"] in self.bill_dropped:
                        continue
                    t = self.transactions[r["out_trade_no"]]
                    amount = self.bill_tampered.get(r["out_refund_no"], r["refund"])
                    fee = _fee(-amount)
                    fields = [r["create_time"][:19].replace("T", " "), t["appid"], t["mchid"], "0", "",
                              t["transaction_id"], t["out_trade_no"], t["payer"]["openid"], "JSAPI", "REFUND",
                              "OTHERS", "CNY", "0.00", "0.00", r["refund_id"], r["out_refund_no"], yuan(amount), "0.00",
                              "ORIGINAL", BILL_REFUND_STATUS[r["status"]], t["description"].replace(",", "，"),
                              t.get("attach", ""), yuan(fee), "0.60%", "0.00", yuan(amount), ""]
                    lines.append(",".join("`" + f for f in fields))
                    rows += 1
                    refund_sum, fee_sum, asked_sum = refund_sum + amount, fee_sum + fee, asked_sum + amount
        lines.append(BILL_SUMMARY_HEADER)
        lines.append(",".join("`" + f for f in (str(rows), yuan(settle_sum), yuan(refund_sum), "0.00", yuan(fee_sum),
                                                   yuan(order_sum), yuan(asked_sum))))
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    def trade_bill(self, query: dict[str, str], host: str) -> dict[str, Any]:
        day, bill_type = query.get("bill_date", ""), query.get("bill_type", "ALL")
        if bill_type not in ("ALL", "SUCCESS", "REFUND", "RECHARGE_REFUND"):
            raise PayError(400, "PARAM_ERROR", "bill_type 参数错误")
        if query.get("tar_type") not in (None, "GZIP"):
            raise PayError(400, "PARAM_ERROR", "tar_type 参数错误")
        try:
            wanted = datetime.strptime(day, "%Y-%m-%d").date()
        except ValueError:
            raise PayError(400, "PARAM_ERROR", "bill_date 格式应为 YYYY-MM-DD") from None
        now = datetime.fromtimestamp(self.bill_clock(), CST)
        today = now.date()
        if wanted >= today:
            raise PayError(400, "NO_STATEMENT_EXIST", "账单文件不存在")
        if (today - wanted).days > BILL_DAYS:
            raise PayError(400, "PARAM_ERROR", "仅支持下载三个月内的账单")
        if (today - wanted).days == 1 and now.hour < BILL_READY_HOUR:
            raise PayError(400, "STATEMENT_CREATING", "账单生成中，请稍后再试")
        with self._lock:
            known = any(t.get("success_time") and _beijing_day(t["success_time"]) == day for t in self.transactions.values()) \
                or any(_beijing_day(r["create_time"]) == day for r in self.refunds.values())
        if not known:
            raise PayError(400, "NO_STATEMENT_EXIST", "账单文件不存在")
        data = self.bill_file(day, "ALL" if bill_type == "RECHARGE_REFUND" else bill_type)
        digest = hashlib.sha1(data).hexdigest()  # noqa: S324 - WeChat Pay's hash_type is SHA1
        with self._lock:
            if self.bill_bad_hashes:
                self.bill_bad_hashes -= 1
                digest = hashlib.sha1(data + b"x").hexdigest()  # noqa: S324
            token = _rand(40)
            self.bill_files[token] = (time.time() + BILL_URL_SECONDS,
                                      gzip.compress(data) if query.get("tar_type") == "GZIP" else data)
        return {"hash_type": "SHA1", "hash_value": digest,
                "download_url": f"http://{host}/v3/billdownload/file?token={token}"}

    def download_bill(self, token: str) -> bytes:
        with self._lock:
            expires, data = self.bill_files.get(token, (0.0, b""))
        if expires < time.time():
            raise PayError(400, "INVALID_REQUEST", "下载链接已失效")
        return data

    # ------------------------------------------------------------ error modes
    APIS = ("jsapi", "query", "close", "refund", "query_refund", "tradebill", "billdownload")

    def inject(self, api: str, status: int, code: str, message: str = "", times: int = 1) -> None:
        """Answer the next ``times`` calls of ``api`` with this error, as WeChat Pay does: e.g.
        refund 403 NOT_ENOUGH (the merchant's balance is short), 429 FREQUENCY_LIMITED, 500
        SYSTEM_ERROR, 400 PARAM_ERROR / INVALID_REQUEST (final)."""
        if api not in self.APIS:
            raise PayError(400, "PARAM_ERROR", f"api 应为 {', '.join(self.APIS)}")
        if not 400 <= status <= 599 or not 1 <= times <= 1000:
            raise PayError(400, "PARAM_ERROR", "status 应为 4xx/5xx，times 为 1-1000")
        with self._lock:
            self.faults.setdefault(api, []).extend([(status, code, message or code)] * times)

    def set_latency(self, seconds: float) -> None:
        if not 0 <= seconds <= 30:
            raise PayError(400, "PARAM_ERROR", "seconds 应为 0-30")
        self.latency = seconds

    def _fault(self, api: str | None) -> None:
        if api is None:
            return
        with self._lock:
            queued = self.faults.get(api)
            fault = queued.pop(0) if queued else None
        if fault:
            raise PayError(*fault)

    @staticmethod
    def _api_of(method: str, path: str) -> str | None:
        if path == "/v3/pay/transactions/jsapi":
            return "jsapi"
        if path.startswith("/v3/pay/transactions/out-trade-no/"):
            return "close" if path.endswith("/close") else "query"
        if path == "/v3/refund/domestic/refunds":
            return "refund"
        if path.startswith("/v3/refund/domestic/refunds/"):
            return "query_refund"
        if path == "/v3/bill/tradebill":
            return "tradebill"
        if path == "/v3/billdownload/file":
            return "billdownload"
        return None

    # ------------------------------------------------------------ HTTP
    def handle(self, method: str, path: str, query: dict[str, str], target: str, raw: bytes,
               headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        """Serve one request; returns (status, body, headers). Signed for /v3 paths."""
        try:
            if path.startswith("/v3/"):
                if self.latency:
                    time.sleep(self.latency)
                self._check_auth(method, target, raw, headers.get("authorization"))
                self._fault(self._api_of(method, path))
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                raise PayError(400, "PARAM_ERROR", "请求体应为 JSON 对象")
            if method == "GET" and path == "/v3/billdownload/file":  # the file itself: not JSON, not signed
                return 200, self.download_bill(query.get("token", "")), {"Content-Type": "application/octet-stream"}
            if method == "GET" and path == "/v3/bill/tradebill":
                body = {"_host": headers.get("host", "127.0.0.1")}
            status, payload = 200, self._route(method, path, query, body)
        except PayError as err:
            status, payload = err.status, {"code": err.code, "message": err.message}
        except ValueError:
            status, payload = 400, {"code": "PARAM_ERROR", "message": "请求体不是合法的 JSON"}
        if payload is None:
            status, data = 204, b""
        else:
            data = json.dumps(payload, ensure_ascii=False).encode()
        out = {"Content-Type": "application/json; charset=utf-8"} if data else {}
        if path.startswith("/v3/"):
            out.update(self.signed_headers(data))
        return status, data, out

    def _route(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> Any:
        m = re.fullmatch(r"/v3/pay/transactions/out-trade-no/([^/]+)(/close)?", path)
        if method == "POST" and path == "/v3/pay/transactions/jsapi":
            return self.jsapi(body)
        if m and method == "GET" and not m.group(2):
            return self.query(m.group(1), query.get("mchid"))
        if m and method == "POST" and m.group(2):
            self.close(m.group(1), body)
            return None
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return self.refund(body)
        m = re.fullmatch(r"/v3/refund/domestic/refunds/([^/]+)", path)
        if m and method == "GET":
            return self.query_refund(m.group(1))
        if method == "GET" and path == "/v3/bill/tradebill":
            return self.trade_bill(query, str(body.get("_host")))
        if method == "POST" and path == "/_sim/pay/bills/payments":
            return self.add_payment(str(body.get("out_trade_no", "")), body.get("total"))  # type: ignore[arg-type]
        if method == "POST" and path == "/_sim/pay/bills/drop":
            self.drop_from_bill(str(body.get("out_no", "")))
            return {"dropped": sorted(self.bill_dropped)}
        if method == "POST" and path == "/_sim/pay/bills/tamper":
            self.tamper_bill(str(body.get("out_no", "")), body.get("amount"))  # type: ignore[arg-type]
            return {"tampered": dict(self.bill_tampered)}
        if method == "POST" and path == "/_sim/pay/bills/faults":
            times = body.get("hash", 1)
            if not isinstance(times, int) or isinstance(times, bool) or not 0 <= times <= 100:
                raise PayError(400, "PARAM_ERROR", "hash 应为 0-100 的整数")
            with self._lock:
                self.bill_bad_hashes = times
            return {"bad_hashes": times}
        m = re.fullmatch(r"/_sim/pay(?:/([^/]+))?", path)
        if m and method == "POST":
            copies = body.get("copies", 1)
            if not isinstance(copies, int) or not 1 <= copies <= 50:
                raise PayError(400, "PARAM_ERROR", "copies 应为 1-50 的整数")
            if m.group(1) is None and not isinstance(body.get("prepay_id"), str):
                raise PayError(400, "PARAM_ERROR", "需要 out_trade_no 路径或 prepay_id")
            return self.pay(out_trade_no=m.group(1), prepay_id=body.get("prepay_id"),
                            notify=bool(body.get("notify", True)), copies=copies)
        m = re.fullmatch(r"/_sim/notify/([^/]+)", path)
        if m and method == "POST":
            copies = body.get("copies", 1)
            if not isinstance(copies, int) or not 1 <= copies <= 50:
                raise PayError(400, "PARAM_ERROR", "copies 应为 1-50 的整数")
            return self.renotify(m.group(1), copies)
        m = re.fullmatch(r"/_sim/refunds/([^/]+)/settle", path)
        if m and method == "POST":
            return self.settle_refund(m.group(1), str(body.get("status", "SUCCESS")))
        if method == "POST" and path == "/_sim/faults":
            times = body.get("times", 1)
            status = body.get("status", 500)
            if not isinstance(times, int) or not isinstance(status, int) or not isinstance(body.get("code"), str):
                raise PayError(400, "PARAM_ERROR", "需要 api, status, code, times")
            self.inject(str(body.get("api")), status, body["code"], str(body.get("message", "")), times)
            return {"queued": {k: len(v) for k, v in self.faults.items()}}
        if method == "POST" and path == "/_sim/latency":
            seconds = body.get("seconds", 0)
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise PayError(400, "PARAM_ERROR", "seconds 应为数字")
            self.set_latency(float(seconds))
            return {"latency": self.latency}
        m = re.fullmatch(r"/_sim/transactions/([^/]+)", path)
        if m and method == "GET":
            with self._lock:
                return self._transaction_view(self._find(m.group(1)))
        if method == "GET" and path == "/_sim/notifications":
            with self._lock:
                return [vars(d) for d in self.deliveries]
        raise PayError(404, "NOT_FOUND", "no such API")
