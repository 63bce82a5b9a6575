"""WeChat Pay API v3, public-key mode: signed requests, verified answers, the parameters for
wx.requestPayment, and the verification and decryption of notifications.

Requests are signed with the merchant's private key (RSA-SHA256 over
``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n``); every answer and notification is verified with
the WeChat Pay public key before it is believed. Signing and AES-256-GCM need the ``cryptography``
package, which only the functions that pay list in their requirements.txt; verification is
shop.adapters.rsa. Credentials and the base URL come from shop.adapters.config (docs/configuration.md).

Notifications are checked in the order WeChat documents: timestamp within 5 minutes, serial equal to
one of the configured public key ids, signature over ``TIMESTAMP\\nNONCE\\nBODY\\n`` with that key,
and only then decryption. Probe signatures (``WECHATPAY/SIGNTEST/...``) are refused.

WeChat Pay rotates its public key with an overlap: for a while answers and notifications may be
signed with either the old key or the new one (Wechatpay-Serial says which). The shop accepts a
small set: ``wechatpay_public_key_id`` holds one to three ids separated by commas and
``wechatpay_public_key`` as many PEM blocks, in the same order (docs/configuration.md).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import string
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from shop.adapters import httpclient, rsa
from shop.adapters.clock import now_epoch
from shop.adapters.config import credential, setting, setting_float
from shop.core.errors import ServiceUnavailable, UpstreamError
from shop.adapters.observability import logger

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
MAX_CLOCK_SKEW = 300  # seconds a notification's timestamp may differ from ours
_NONCE_ALPHABET = string.ascii_uppercase + string.digits


def nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class PayConfig:
    mch_id: str
    app_id: str
    serial_no: str
    private_key_pem: str = field(repr=False)
    apiv3_key: str = field(repr=False)
    public_key_id: str  # one id, or several separated by commas (a rotation in progress)
    public_key_pem: str  # as many PEM blocks, in the same order
    base_url: str
    timeout: float = 5.0

    @classmethod
    def load(cls) -> PayConfig:
        return cls(
            mch_id=credential("wechatpay_mch_id"),
            app_id=setting("WECHAT_APP_ID"),
            serial_no=credential("wechatpay_merchant_serial_no"),
            private_key_pem=credential("wechatpay_merchant_private_key"),
            apiv3_key=credential("wechatpay_apiv3_key"),
            public_key_id=credential("wechatpay_public_key_id"),
            public_key_pem=credential("wechatpay_public_key"),
            base_url=setting("WECHATPAY_API_BASE_URL").rstrip("/"),
            timeout=setting_float("WECHAT_HTTP_TIMEOUT_SECONDS"),
        )


class PayApiError(Exception):
    """WeChat Pay refused a request (4xx): its error code and message, for the domain to decide."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class NotificationRejected(Exception):
    """A notification failed verification; ``reason`` says which check (never secret material)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Notification:
    id: str
    event_type: str
    create_time: str
    resource_type: str
    summary: str
    resource: dict[str, Any]  # the decrypted resource: a transaction or a refund


@cache
def _private_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem.encode("ascii"), password=None, unsafe_skip_rsa_key_validation=True)


@cache
def _public_keys(ids: str, pems: str) -> dict[str, rsa.PublicKey]:
    """WeChat Pay's public keys by id (the Wechatpay-Serial they sign under)."""
    from shop.core.errors import ConfigurationError

    names = [i.strip() for i in ids.split(",") if i.strip()]
    blocks = re.findall(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", pems, re.S) or [pems]
    if not names or len(names) != len(blocks) or len(names) > 3 or len(set(names)) != len(names):
        raise ConfigurationError("wechatpay_public_key_id and wechatpay_public_key must pair one to three distinct ids "
                                 "with as many PEM keys, in the same order")
    try:
        return {name: rsa.load_public_key(block) for name, block in zip(names, blocks, strict=True)}
    except rsa.InvalidKey as exc:
        raise ConfigurationError(f"wechatpay_public_key is not a usable RSA public key: {exc}") from None


_warming: threading.Thread | None = None


def _warm() -> None:
    try:
        config = PayConfig.load()
        _private_key(config.private_key_pem)
        _public_keys(config.public_key_id, config.public_key_pem)
        from cryptography.hazmat.primitives import hashes  # noqa: F401
        from cryptography.hazmat.primitives.asymmetric import padding  # noqa: F401
    except Exception:  # noqa: BLE001, S110 - the request's own path meets the same error and reports it
        pass


def prefetch() -> None:
    """Start loading the credentials and keys a WeChat Pay call needs, in the background, so that
    work overlaps with the caller's DynamoDB round trips instead of following them. Called early by
    the functions that will call WeChat Pay; WeChatPay() waits for it."""
    global _warming
    if _warming is None:
        _warming = threading.Thread(target=_warm, name="wechatpay-prefetch", daemon=True)
        _warming.start()


class WeChatPay:
    def __init__(self, config: PayConfig | None = None) -> None:
        if _warming is not None:
            _warming.join()
        self.config = config or PayConfig.load()

    # ------------------------------------------------------------ signatures
    def sign(self, message: str) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature = _private_key(self.config.private_key_pem).sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def authorization(self, method: str, path: str, body: str, *, timestamp: int | None = None,
                      nonce_str: str | None = None) -> str:
        ts = str(timestamp if timestamp is not None else now_epoch())
        nonce_str = nonce_str or nonce()
        signature = self.sign(f"{method}\n{path}\n{ts}\n{nonce_str}\n{body}\n")
        return (f'{SCHEMA} mchid="{self.config.mch_id}",nonce_str="{nonce_str}",signature="{signature}",'
                f'timestamp="{ts}",serial_no="{self.config.serial_no}"')

    def public_keys(self) -> dict[str, rsa.PublicKey]:
        return _public_keys(self.config.public_key_id, self.config.public_key_pem)

    def _verified(self, headers: dict[str, str], body: bytes) -> bool:
        """An answer or notification is genuine: serial and signature (headers lower-cased)."""
        key = self.public_keys().get(headers.get("wechatpay-serial", ""))
        if key is None:
            return False
        signature = headers.get("wechatpay-signature", "")
        try:
            raw = base64.b64decode(signature, validate=True)
        except ValueError:
            return False
        message = f"{headers.get('wechatpay-timestamp', '')}\n{headers.get('wechatpay-nonce', '')}\n".encode() + body + b"\n"
        return rsa.verify_sha256(key, message, raw)

    # ------------------------------------------------------------ calls
    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """One signed call. Returns the verified JSON answer (None for 204); raises PayApiError for
        a 4xx, ServiceUnavailable when WeChat Pay is unreachable or answers 5xx, UpstreamError for
        an answer whose signature does not verify."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        headers = {
            "Authorization": self.authorization(method, path, body),
            "Accept": "application/json",
            "User-Agent": "minishop",
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        try:
            resp = httpclient.request(method, self.config.base_url + path, body=body.encode("utf-8") if body else None,
                                      headers=headers, timeout=self.config.timeout)
        except OSError as exc:
            logger.warning("WeChat Pay unreachable", extra={"error": type(exc).__name__, "path": path.split("?")[0]})
            raise ServiceUnavailable("WeChat Pay is unreachable; try again.", code="wechatpay_unavailable",
                                     headers={"Retry-After": "2"}) from None
        if resp.status >= 500:
            logger.warning("WeChat Pay server error", extra={"status": resp.status, "path": path.split("?")[0]})
            raise ServiceUnavailable("WeChat Pay is busy; try again.", code="wechatpay_unavailable",
                                     headers={"Retry-After": "2"})
        if not self._verified(resp.headers, resp.body):
            logger.error("WeChat Pay answer failed signature verification", extra={"status": resp.status})
            raise UpstreamError("WeChat Pay's answer could not be verified.", code="wechatpay_unverified")
        if resp.status == 204 or not resp.body:
            return None
        try:
            data = resp.json()
        except ValueError:
            raise UpstreamError("WeChat Pay answered unexpectedly.", code="wechatpay_error") from None
        if resp.status >= 400:
            raise PayApiError(resp.status, str(data.get("code", "UNKNOWN")), str(data.get("message", "")))
        return data

    # ------------------------------------------------------------ API
    def jsapi_prepay(self, *, out_trade_no: str, description: str, total: int, openid: str, notify_url: str,
                     time_expire: str | None = None, attach: str | None = None,
                     profit_sharing: bool = False) -> str:
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise ValueError("total is a positive integer number of fen")
        payload: dict[str, Any] = {
            "appid": self.config.app_id,
            "mchid": self.config.mch_id,
            "description": description,
            "out_trade_no": out_trade_no,
            "notify_url": notify_url,
            "amount": {"total": total, "currency": "CNY"},
            "payer": {"openid": openid},
        }
        if time_expire:
            payload["time_expire"] = time_expire
        if attach:
            payload["attach"] = attach
        if profit_sharing:
            payload["settle_info"] = {"profit_sharing": True}
        data = self.call("POST", "/v3/pay/transactions/jsapi", payload)
        assert data is not None
        return str(data["prepay_id"])

    def query(self, out_trade_no: str) -> dict[str, Any]:
        data = self.call("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={self.config.mch_id}")
        assert data is not None
        return data

    def close(self, out_trade_no: str) -> None:
        self.call("POST", f"/v3/pay/transactions/out-trade-no/{out_trade_no}/close", {"mchid": self.config.mch_id})

    def refund(self, *, out_trade_no: str, out_refund_no: str, refund: int, total: int, reason: str | None = None,
               notify_url: str | None = None, transaction_id: str | None = None) -> dict[str, Any]:
        """Refund a payment: by ``transaction_id`` when given (a payment the order did not take), else
        by the order's out_trade_no."""
        payload: dict[str, Any] = {
            **({"transaction_id": transaction_id} if transaction_id else {"out_trade_no": out_trade_no}),
            "out_refund_no": out_refund_no,
            "amount": {"refund": refund, "total": total, "currency": "CNY"},
        }
        if reason:
            payload["reason"] = reason
        if notify_url:
            payload["notify_url"] = notify_url
        data = self.call("POST", "/v3/refund/domestic/refunds", payload)
        assert data is not None
        return data

    def query_refund(self, out_refund_no: str) -> dict[str, Any]:
        data = self.call("GET", f"/v3/refund/domestic/refunds/{out_refund_no}")
        assert data is not None
        return data

    def payment_params(self, prepay_id: str, *, timestamp: int | None = None, nonce_str: str | None = None) -> dict[str, str]:
        """What the mini-program passes to wx.requestPayment."""
        ts = str(timestamp if timestamp is not None else now_epoch())
        nonce_str = nonce_str or nonce()
        package = f"prepay_id={prepay_id}"
        pay_sign = self.sign(f"{self.config.app_id}\n{ts}\n{nonce_str}\n{package}\n")
        return {"timeStamp": ts, "nonceStr": nonce_str, "package": package, "signType": "RSA", "paySign": pay_sign}

    # ------------------------------------------------------------ notifications
    def parse_notification(self, headers: dict[str, str], body: bytes, *, now: int | None = None) -> Notification:
        """Verify then decrypt a notification; raises NotificationRejected. ``headers`` may use any
        case."""
        h = {k.lower(): v for k, v in headers.items()}
        for name in ("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature", "wechatpay-serial"):
            if not h.get(name):
                raise NotificationRejected(f"missing {name}")
        if h["wechatpay-signature"].startswith("WECHATPAY/SIGNTEST/"):
            raise NotificationRejected("signature probe")
        try:
            timestamp = int(h["wechatpay-timestamp"])
        except ValueError:
            raise NotificationRejected("bad timestamp") from None
        if abs((now if now is not None else now_epoch()) - timestamp) > MAX_CLOCK_SKEW:
            raise NotificationRejected("stale timestamp")
        if h["wechatpay-serial"] not in self.public_keys():
            raise NotificationRejected("unknown serial")
        if not self._verified(h, body):
            raise NotificationRejected("bad signature")
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
            if resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise NotificationRejected("unsupported algorithm")
            plaintext = self.decrypt(resource["ciphertext"], resource["nonce"], resource.get("associated_data", ""))
            return Notification(
                id=str(envelope["id"]),
                event_type=str(envelope["event_type"]),
                create_time=str(envelope.get("create_time", "")),
                resource_type=str(envelope.get("resource_type", "")),
                summary=str(envelope.get("summary", "")),
                resource=json.loads(plaintext),
            )
        except NotificationRejected:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise NotificationRejected("malformed body") from None

    def decrypt(self, ciphertext: str, nonce_str: str, associated_data: str) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(self.config.apiv3_key.encode("utf-8")).decrypt(
                nonce_str.encode("utf-8"), base64.b64decode(ciphertext), associated_data.encode("utf-8")
            )
        except (InvalidTag, ValueError):
            raise NotificationRejected("decryption failed") from None
