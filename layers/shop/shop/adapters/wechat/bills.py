"""WeChat Pay v3 trade bills (交易账单): ask for a day's bill, download it, check its SHA-1, read it.

``GET /v3/bill/tradebill?bill_date=YYYY-MM-DD&bill_type=ALL`` answers (signed, verified like every
answer) ``{hash_type: "SHA1", hash_value, download_url}``; the file behind ``download_url`` is
fetched with a signed GET at once (the URL lives minutes) and its body is not signed, so the hash
is the only proof it is the bill WeChat Pay announced: a mismatch raises BillHashMismatch.

The file: a header line, one detail line per payment (交易状态 SUCCESS, dated by its success time)
and per refund (REFUND, dated by when WeChat Pay accepted it, with the refund's state at that
moment), then the summary header and the summary line. Every field is prefixed with a backtick;
amounts are yuan with two decimals and are read into integer fen exactly (never through a float).
Columns are found by their header names, not positions (WeChat Pay says their order may change).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from shop.adapters import httpclient
from shop.adapters.observability import logger
from shop.adapters.wechat.pay import PayApiError, WeChatPay
from shop.core.errors import ServiceUnavailable

_YUAN = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,2}))?$")
DOWNLOAD_PATH = "/v3/billdownload/file"


class BillNotReady(Exception):
    """WeChat Pay has not generated the day's bill yet (try after 10:00 Beijing)."""


class BillUnusable(Exception):
    """The bill could not be had or trusted: ``code`` says why (snake_case), ``message`` in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class BillRow:
    kind: str  # "payment" | "refund" | "other" (a trade state this shop does not expect, e.g. REVOKED)
    at: str  # 交易时间 as written (Beijing time)
    transaction_id: str
    out_trade_no: str
    trade_state: str
    amount: int  # fen: the payment's 订单金额, or the refund's 申请退款金额
    refund_id: str = ""
    out_refund_no: str = ""
    refund_status: str = ""  # SUCCESS | PROCESSING | REFUNDCLOSE | CHANGE (as the bill writes them)
    fee: int = 0


@dataclass(frozen=True)
class Bill:
    rows: list[BillRow] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)  # count, settle_total, refund_total, fee_total, ...
    sha1: str = ""


def fen(text: str) -> int:
    """'12.30' -> 1230, '-0.07' -> -7, exactly."""
    m = _YUAN.match(text.strip())
    if not m:
        raise ValueError(f"not an amount in yuan: {text!r}")
    sign, whole, cents = m.groups()
    value = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    return -value if sign else value


def _fields(line: str) -> list[str]:
    return [f[1:] if f.startswith("`") else f for f in line.split(",")]


_SUMMARY = {"总交易单数": "count", "应结订单总金额": "settle_total", "退款总金额": "refund_total",
            "充值券退款总金额": "recharge_refund_total", "手续费总金额": "fee_total", "订单总金额": "order_total",
            "申请退款总金额": "asked_refund_total"}


def parse(data: bytes) -> Bill:
    """Read a trade bill (ALL). Raises BillUnusable(bill_unreadable) when it is not one."""
    try:
        lines = [ln for ln in data.decode("utf-8-sig").splitlines() if ln.strip()]
        header = _fields(lines[0])
        col = {name: i for i, name in enumerate(header)}
        for name in ("交易时间", "微信订单号", "商户订单号", "交易状态", "订单金额"):
            if name not in col:
                raise ValueError(f"the header has no {name}")
        summary_at = next(i for i, ln in enumerate(lines) if ln.startswith("总交易单数"))
        rows = []
        for line in lines[1:summary_at]:
            values = _fields(line)
            if len(values) != len(header):
                raise ValueError("a detail line has another number of fields than the header")

            def get(name: str, values: list[str] = values) -> str:
                return values[col[name]].strip() if name in col else ""

            state = get("交易状态")
            is_refund = state == "REFUND"
            rows.append(BillRow(
                kind="refund" if is_refund else ("payment" if state == "SUCCESS" else "other"),
                at=get("交易时间"), transaction_id=get("微信订单号"), out_trade_no=get("商户订单号"), trade_state=state,
                amount=fen(get("申请退款金额") or get("退款金额")) if is_refund else fen(get("订单金额")),
                refund_id=get("微信退款单号") if is_refund else "", out_refund_no=get("商户退款单号") if is_refund else "",
                refund_status=get("退款状态") if is_refund else "", fee=fen(get("手续费") or "0"),
            ))
        names, values = _fields(lines[summary_at]), _fields(lines[summary_at + 1])
        if len(names) != len(values) or len(lines) != summary_at + 2:
            raise ValueError("the summary is not one header line and one value line at the end")
        summary = {_SUMMARY.get(n, n): int(v) if n == "总交易单数" else fen(v) for n, v in zip(names, values, strict=True)}
    except (ValueError, IndexError, StopIteration, UnicodeDecodeError) as exc:
        raise BillUnusable("bill_unreadable", f"账单文件无法解析：{exc}") from None
    return Bill(rows=rows, summary=summary)


def check_summary(bill: Bill) -> None:
    """The summary line must add up the detail lines; raises BillUnusable(bill_inconsistent)."""
    payments = [r for r in bill.rows if r.kind != "refund"]
    refunds = [r for r in bill.rows if r.kind == "refund"]
    expected = {"count": len(bill.rows), "order_total": sum(r.amount for r in payments),
                "asked_refund_total": sum(r.amount for r in refunds)}
    wrong = {k: (bill.summary.get(k), v) for k, v in expected.items() if k in bill.summary and bill.summary[k] != v}
    if "count" not in bill.summary or wrong:
        raise BillUnusable("bill_inconsistent", f"账单汇总行与明细不符：{wrong or '缺少总交易单数'}")


def fetch_trade_bill(day: date, pay: WeChatPay | None = None) -> Bill:
    """Ask for, download, verify and read the day's ALL trade bill. A day WeChat Pay has no bill for
    (NO_STATEMENT_EXIST: nothing was paid or refunded) is an empty bill. Raises BillNotReady,
    BillUnusable, or ServiceUnavailable when WeChat Pay cannot be reached."""
    pay = pay or WeChatPay()
    try:
        announced = pay.call("GET", f"/v3/bill/tradebill?bill_date={day.isoformat()}&bill_type=ALL") or {}
    except PayApiError as exc:
        if exc.code == "NO_STATEMENT_EXIST":
            return Bill(summary={"count": 0})
        if exc.code == "STATEMENT_CREATING":
            raise BillNotReady(exc.message) from None
        raise BillUnusable("wechatpay_refused", f"微信支付拒绝了账单请求：{exc.code} {exc.message}") from None
    url, expected = str(announced.get("download_url", "")), str(announced.get("hash_value", "")).lower()
    if str(announced.get("hash_type", "SHA1")).upper() != "SHA1" or not expected:
        raise BillUnusable("bill_unreadable", "微信支付没有给出账单的 SHA1 摘要。")
    data = download(pay, url)
    digest = hashlib.sha1(data).hexdigest()  # noqa: S324 - WeChat Pay's announced hash_type
    if digest != expected:
        logger.error("trade bill hash mismatch", extra={"day": day.isoformat()})
        raise BillUnusable("bill_hash_mismatch", "下载的账单与微信支付公布的 SHA1 摘要不一致，账单不可信。")
    bill = parse(data)
    check_summary(bill)
    return Bill(rows=bill.rows, summary=bill.summary, sha1=digest)


def download(pay: WeChatPay, url: str) -> bytes:
    """GET the download_url with a signed Authorization. Only a URL on the configured WeChat Pay
    host and download path is followed."""
    parts, base = urlsplit(url), urlsplit(pay.config.base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.path != DOWNLOAD_PATH:
        raise BillUnusable("bill_unreadable", "账单下载地址不是微信支付的地址。")
    target = parts.path + ("?" + parts.query if parts.query else "")
    headers = {"Authorization": pay.authorization("GET", target, ""), "Accept": "*/*", "User-Agent": "minishop"}
    try:
        resp = httpclient.request("GET", url, headers=headers, timeout=max(pay.config.timeout, 10.0))
    except OSError:
        raise ServiceUnavailable("WeChat Pay is unreachable; try again.", code="wechatpay_unavailable",
                                 headers={"Retry-After": "2"}) from None
    if resp.status >= 500:
        raise ServiceUnavailable("WeChat Pay is busy; try again.", code="wechatpay_unavailable", headers={"Retry-After": "2"})
    if resp.status >= 400:
        answer: dict[str, Any] = {}
        try:
            answer = resp.json()
        except ValueError:
            pass
        raise BillUnusable("bill_download_failed", f"账单下载失败：{answer.get('code', resp.status)} {answer.get('message', '')}")
    body = resp.body
    if body[:2] == b"\x1f\x8b":  # asked plain, but be liberal: the hash is of the uncompressed file
        import gzip

        body = gzip.decompress(body)
    return body
