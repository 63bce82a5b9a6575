"""Reconciliation (对账): a Beijing day's WeChat Pay trade bill against the shop's own payments and
refunds of that day (docs/reconciliation.md).

What the shop counts for a day, found without a scan through the ReconByDay index
(``recon_day`` = the day, ``recon_sk`` = PAYMENT#<transaction id> | REFUND#<out_refund_no>):
- a payment (PK=ORDER#<id> SK=PAYMENT#<txn>) on the Beijing day of its success_time, as WeChat Pay
  dates it in the bill;
- a refund (SK=REFUND#<id>) on the Beijing day WeChat Pay accepted it (the shop's submitted_at),
  as the bill dates refunds.

Differences (``kind``): payment_missing_in_shop, payment_missing_at_wechat, payment_amount_mismatch,
refund_missing_in_shop, refund_missing_at_wechat, refund_amount_mismatch, refund_not_settled (the
bill says the refund succeeded and the shop does not, or the shop counts it succeeded and the bill
says it was closed or went abnormal), unexpected_row (a trade state the shop never makes).
A bill row the index does not have is looked up in its order's partition before it is called
missing: a payment the shop recorded on another day, a late payment or a second payment the shop
refunded automatically are the shop's, not differences.

The report: PK=RECON#<day> SK=REPORT, status clean | differences | error | pending, replaced as a
whole by each run (``version`` + 1, conditional on the version the run started from) in one
transaction with its audit entry. A run publishes ReconciliationDifferences (and
ReconciliationErrors for an error) for the alarm.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, iso, now_utc
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.core.errors import Conflict, InvalidRequest

INDEX = "ReconByDay"
MAX_DAYS_BACK = 90  # WeChat Pay keeps bills for 3 months
MAX_LISTED = 1000  # differences stored in one report (the count is always exact)
STATUSES = ("clean", "differences", "error", "pending")
SUMMARY_FIELDS = ("day", "status", "version", "run_at", "run_by", "differences_count", "error_code", "attempts")


# ---------------------------------------------------------------- what payments and refunds carry

def _beijing_day(at: datetime) -> str:
    return at.astimezone(SHANGHAI).date().isoformat()


def payment_index(t: dict[str, Any]) -> dict[str, str]:
    """The index attributes of a payment item: its success day in Beijing (WeChat Pay's own)."""
    try:
        at = datetime.fromisoformat(str(t.get("success_time")).replace("Z", "+00:00"))
        if at.tzinfo is None:
            raise ValueError
    except ValueError:
        at = now_utc()
    return {"recon_day": _beijing_day(at), "recon_sk": f"PAYMENT#{t.get('transaction_id')}"}


def refund_index_values(refund_id: str) -> dict[str, dict[str, str]]:
    """UpdateExpression values (:rday, :rsk) for a refund WeChat Pay has just accepted."""
    return {":rday": {"S": _beijing_day(now_utc())}, ":rsk": {"S": f"REFUND#{refund_id}"}}


# ---------------------------------------------------------------- days

def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest("日期格式应为 YYYY-MM-DD。", code="invalid_day") from None


def today(now: datetime | None = None) -> date:
    return (now or now_utc()).astimezone(SHANGHAI).date()


def check_runnable(day: date, now: datetime) -> None:
    if day >= today(now):
        raise InvalidRequest("只能对已经结束的日子对账（北京时间），今天和以后的日子还没有账单。", code="day_not_over",
                             details={"day": day.isoformat(), "today": today(now).isoformat()})
    if (today(now) - day).days > MAX_DAYS_BACK:
        raise InvalidRequest(f"微信支付只提供最近 {MAX_DAYS_BACK} 天的账单。", code="day_too_old",
                             details={"day": day.isoformat()})


def report_key(day: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"RECON#{day}"}, "SK": {"S": "REPORT"}}


# ---------------------------------------------------------------- the shop's side

def _shop_items(day: str) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The day's payments by transaction id and refunds by out_refund_no."""
    items = db.query_all(IndexName=INDEX, KeyConditionExpression="recon_day = :d",
                         ExpressionAttributeValues={":d": {"S": day}})
    for item in items:
        item.setdefault("order_id", str(item["PK"]).split("#", 1)[1])
    payments = {i["transaction_id"]: i for i in items if i.get("type") == "payment" and i.get("transaction_id")}
    refunds = {i["refund_id"]: i for i in items if i.get("type") == "refund" and i.get("refund_id")}
    return payments, refunds


def _order_partition(order_id: str, cache: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    if order_id not in cache:
        cache[order_id] = db.query_all(KeyConditionExpression="PK = :pk",
                                       ExpressionAttributeValues={":pk": {"S": f"ORDER#{order_id}"}}) \
            if order_id.replace("_", "").replace("-", "").isalnum() else []
    return cache[order_id]


def _known_payment(row: Any, cache: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    """A payment the shop has under its order though not indexed on this day: recorded on another
    day, or a late / second payment it refunded automatically (amount = what it took)."""
    for item in _order_partition(row.out_trade_no, cache):
        if item.get("type") == "payment" and item.get("transaction_id") == row.transaction_id:
            return {"order_id": row.out_trade_no, "total": item.get("total")}
        if item.get("type") == "order" and item.get("late_transaction_id") == row.transaction_id:
            return {"order_id": row.out_trade_no, "total": row.amount}
        if item.get("type") == "refund" and item.get("transaction_id") == row.transaction_id and item.get("stray"):
            return {"order_id": row.out_trade_no, "total": item.get("total")}
    return None


def _known_refund(row: Any, cache: dict[str, list[dict[str, Any]]]) -> dict[str, Any] | None:
    return next((i for i in _order_partition(row.out_trade_no, cache)
                 if i.get("type") == "refund" and i.get("refund_id") == row.out_refund_no), None)


# ---------------------------------------------------------------- comparing

def _difference(kind: str, *, order_id: str | None, transaction_id: str | None = None, refund_id: str | None = None,
                shop_amount: int | None = None, wechat_amount: int | None = None, shop_status: str | None = None,
                wechat_status: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "order_id": order_id, "transaction_id": transaction_id, "refund_id": refund_id,
            "shop_amount": shop_amount, "wechat_amount": wechat_amount, "shop_status": shop_status,
            "wechat_status": wechat_status}


_SETTLED_AT_WECHAT = {"SUCCESS"}
_FAILED_AT_WECHAT = {"REFUNDCLOSE", "CLOSED", "CHANGE", "ABNORMAL"}


def compare(day: str, bill: Any) -> dict[str, Any]:
    """Differences and totals of the day: the bill (shop.adapters.wechat.bills.Bill) against the
    shop's payments and refunds."""
    payments, refunds = _shop_items(day)
    cache: dict[str, list[dict[str, Any]]] = {}
    diffs: list[dict[str, Any]] = []
    seen_payments: set[str] = set()
    seen_refunds: set[str] = set()
    for row in bill.rows:
        if row.kind == "payment":
            mine = payments.get(row.transaction_id)
            if mine is None:
                mine = _known_payment(row, cache)
            else:
                seen_payments.add(row.transaction_id)
            if mine is None:
                diffs.append(_difference("payment_missing_in_shop", order_id=row.out_trade_no,
                                         transaction_id=row.transaction_id, wechat_amount=row.amount))
            elif int(mine.get("total") or 0) != row.amount:
                diffs.append(_difference("payment_amount_mismatch", order_id=row.out_trade_no,
                                         transaction_id=row.transaction_id, shop_amount=int(mine.get("total") or 0),
                                         wechat_amount=row.amount))
        elif row.kind == "refund":
            refund = refunds.get(row.out_refund_no)
            if refund is None:
                refund = _known_refund(row, cache)
            else:
                seen_refunds.add(row.out_refund_no)
            if refund is None:
                diffs.append(_difference("refund_missing_in_shop", order_id=row.out_trade_no,
                                         transaction_id=row.transaction_id, refund_id=row.out_refund_no,
                                         wechat_amount=row.amount, wechat_status=row.refund_status))
                continue
            shop_amount, shop_status = int(refund.get("amount") or 0), str(refund.get("status"))
            if shop_amount != row.amount:
                diffs.append(_difference("refund_amount_mismatch", order_id=row.out_trade_no,
                                         transaction_id=row.transaction_id, refund_id=row.out_refund_no,
                                         shop_amount=shop_amount, wechat_amount=row.amount,
                                         shop_status=shop_status, wechat_status=row.refund_status))
            elif (row.refund_status in _SETTLED_AT_WECHAT and shop_status != "SUCCEEDED") or (
                    shop_status == "SUCCEEDED" and row.refund_status in _FAILED_AT_WECHAT):
                diffs.append(_difference("refund_not_settled", order_id=row.out_trade_no,
                                         transaction_id=row.transaction_id, refund_id=row.out_refund_no,
                                         shop_amount=shop_amount, wechat_amount=row.amount,
                                         shop_status=shop_status, wechat_status=row.refund_status))
        else:
            diffs.append(_difference("unexpected_row", order_id=row.out_trade_no, transaction_id=row.transaction_id,
                                     wechat_amount=row.amount, wechat_status=row.trade_state))
    for txn, item in sorted(payments.items()):
        if txn not in seen_payments:
            diffs.append(_difference("payment_missing_at_wechat", order_id=item.get("order_id"), transaction_id=txn,
                                     shop_amount=int(item.get("total") or 0)))
    for refund_id, item in sorted(refunds.items()):
        if refund_id not in seen_refunds:
            diffs.append(_difference("refund_missing_at_wechat", order_id=item.get("order_id"),
                                     transaction_id=item.get("transaction_id"), refund_id=refund_id,
                                     shop_amount=int(item.get("amount") or 0), shop_status=str(item.get("status"))))
    bill_payments = [r for r in bill.rows if r.kind == "payment"]
    bill_refunds = [r for r in bill.rows if r.kind == "refund"]
    totals = {
        "shop": {"payments": len(payments), "payment_total": sum(int(i.get("total") or 0) for i in payments.values()),
                 "refunds": len(refunds), "refund_total": sum(int(i.get("amount") or 0) for i in refunds.values())},
        "wechat": {"payments": len(bill_payments), "payment_total": sum(r.amount for r in bill_payments),
                   "refunds": len(bill_refunds), "refund_total": sum(r.amount for r in bill_refunds),
                   "fee_total": sum(r.fee for r in bill.rows)},
    }
    return {"differences": diffs, "totals": totals}


# ---------------------------------------------------------------- running a day

def _current(day: str) -> dict[str, Any] | None:
    item = db.client().get_item(TableName=db.table(), Key=report_key(day), ConsistentRead=True,
                                ProjectionExpression="version, #s, attempts",
                                ExpressionAttributeNames={"#s": "status"}).get("Item")
    return db.from_item(item) if item else None


def build(day: date) -> dict[str, Any]:
    """Fetch the bill and compare: the report's content (status, differences, totals, error).
    Raises shop.adapters.wechat.bills.BillNotReady while WeChat Pay is still generating it."""
    from shop.adapters.wechat import bills
    from shop.core.errors import ServiceUnavailable, UpstreamError

    try:
        bill = bills.fetch_trade_bill(day)
    except bills.BillUnusable as exc:
        return {"status": "error", "error_code": exc.code, "error_message": exc.message, "differences": []}
    except (ServiceUnavailable, UpstreamError) as exc:
        return {"status": "error", "error_code": exc.code, "error_message": "无法从微信支付取得账单，请稍后重试。",
                "differences": []}
    result = compare(day.isoformat(), bill)
    result.update(status="differences" if result["differences"] else "clean", bill_sha1=bill.sha1 or None,
                  bill_summary=bill.summary)
    return result


def store(day: str, content: dict[str, Any], *, actor: str, previous: dict[str, Any] | None, at: datetime) -> dict[str, Any]:
    """Replace the day's report (version + 1, only over the version this run started from), with
    its audit entry, in one transaction. Raises Conflict when another run stored first."""
    from shop.core import audit

    version = int((previous or {}).get("version") or 0) + 1
    diffs = content.get("differences", [])
    report = {
        "PK": f"RECON#{day}", "SK": "REPORT", "type": "recon_report", "day": day, "status": content["status"],
        "version": version, "run_at": iso(at), "run_by": actor, "differences_count": len(diffs),
        "differences": diffs[:MAX_LISTED], "totals": content.get("totals"), "bill_sha1": content.get("bill_sha1"),
        "bill_summary": content.get("bill_summary"), "error_code": content.get("error_code"),
        "error_message": content.get("error_message"),
        "attempts": int((previous or {}).get("attempts") or 0) + 1,
    }
    if previous is None:
        condition, values = "attribute_not_exists(PK)", {}
    else:
        condition, values = "version = :v", {":v": {"N": str(previous.get("version") or 0)}}
    put: dict[str, Any] = {"TableName": db.table(), "Item": db.to_item(report), "ConditionExpression": condition}
    if values:
        put["ExpressionAttributeValues"] = values
    before = {k: previous.get(k) for k in ("status", "version")} if previous else None
    after = {"status": report["status"], "version": version, "differences_count": len(diffs),
             "error_code": report["error_code"]}
    if not db.transact([{"Put": put}, audit.entry(db.table(), actor=actor, action="buying.reconciliation.run",
                                                  target_type="reconciliation", target_id=day, at=at,
                                                  before=before, after=after)]):
        raise Conflict("这一天的对账刚刚被另一次运行更新了，请刷新后查看。", code="reconciliation_changed")
    metrics.add_metric(name="ReconciliationDifferences", unit=MetricUnit.Count, value=len(diffs))
    if report["status"] == "error":
        metrics.add_metric(name="ReconciliationErrors", unit=MetricUnit.Count, value=1)
    logger.info("reconciliation stored", extra={"day": day, "status": report["status"], "differences": len(diffs),
                                                "version": version})
    return report


def run(day: date, *, actor: str, now: datetime | None = None) -> dict[str, Any]:
    """Reconcile a finished day now and store the report. Raises bills.BillNotReady (nothing
    stored) while WeChat Pay has not published the bill."""
    now = now or now_utc()
    check_runnable(day, now)
    previous = _current(day.isoformat())
    content = build(day)
    return store(day.isoformat(), content, actor=actor, previous=previous, at=now)


SYSTEM_ACTOR = "system:reconciliation"
MAX_AUTOMATIC_ATTEMPTS = 4


def run_scheduled(now: datetime) -> str:
    """The hourly worker: yesterday's bill (Beijing), once it is out (10:00) and until a run has
    given clean or differences; errors are tried again up to MAX_AUTOMATIC_ATTEMPTS times, the
    merchant can always re-run. Returns what it did."""
    from shop.adapters.wechat import bills

    local = now.astimezone(SHANGHAI)
    if local.hour < bills_ready_hour():
        return "too_early"
    day = local.date() - timedelta(days=1)
    previous = _current(day.isoformat())
    if previous and (previous.get("status") in ("clean", "differences")
                     or (previous.get("status") == "error" and int(previous.get("attempts") or 0) >= MAX_AUTOMATIC_ATTEMPTS)):
        return "done"
    try:
        content = build(day)
    except bills.BillNotReady:
        if previous is None:
            store(day.isoformat(), {"status": "pending", "differences": []}, actor=SYSTEM_ACTOR, previous=None, at=now)
        return "pending"
    try:
        report = store(day.isoformat(), content, actor=SYSTEM_ACTOR, previous=previous, at=now)
    except Conflict:
        return "raced"
    return str(report["status"])


def bills_ready_hour() -> int:
    return 10


# ---------------------------------------------------------------- reading

def view(day: str, item: dict[str, Any] | None) -> dict[str, Any]:
    if not item:
        return {"day": day, "status": "pending", "version": 0, "differences_count": 0, "differences": []}
    return item


def recent_days(count: int, now: datetime | None = None) -> list[str]:
    last = today(now) - timedelta(days=1)
    return [(last - timedelta(days=n)).isoformat() for n in range(count)]


def read_with_account(day_keys: list[str], account_key: dict[str, Any], *, full: bool,
                      projection: str, projection_names: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """One BatchGetItem (consistent) of the staff account and the days' reports: the raw account item
    (for PendingStaff.confirm) and the reports by day. Without ``full`` only the summary fields are read."""
    names = dict(projection_names)
    fields = list(SUMMARY_FIELDS) + (["differences", "totals", "bill_sha1", "error_message"] if full else [])
    for n, name in enumerate(fields):
        names[f"#f{n}"] = name
    request = {db.table(): {
        "Keys": [account_key, *(report_key(d) for d in day_keys)], "ConsistentRead": True,
        "ProjectionExpression": ", ".join([projection, "PK", "SK", *(f"#f{n}" for n in range(len(fields)))]),
        "ExpressionAttributeNames": names,
    }}
    found: list[dict[str, Any]] = []
    while request:
        resp = db.client().batch_get_item(RequestItems=request)
        found += resp.get("Responses", {}).get(db.table(), [])
        request = resp.get("UnprocessedKeys") or {}
    account = next((i for i in found if i["PK"] == account_key["PK"] and i["SK"] == account_key["SK"]), None)
    reports = {}
    for item in found:
        if item["PK"]["S"].startswith("RECON#"):
            plain = db.from_item(item)
            reports[plain["day"]] = {k: v for k, v in plain.items() if k not in ("PK", "SK")}
    return account, reports
