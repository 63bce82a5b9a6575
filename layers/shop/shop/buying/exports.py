"""CSV exports of the order desk: asked for over the API, produced by a worker, read from S3.

POST /admin/orders/exports writes an export item (PK=EXPORT#<id> SK=EXPORT, type=order_export,
status queued) with its audit entry in one transaction and answers 202. The item's INSERT on the
table's stream (filtered in the template) runs OrderExportWorker, which takes the export
(queued -> running, a condition, so a redelivered record does not run it twice), reads the range
from the desk's index (OrdersByDay: every shard of every day, merged by placing time, page by
page), writes the CSV (UTF-8 with BOM, Chinese headers, yuan with two decimals, Beijing times) to a
spooled temporary file and puts it in the exports bucket, then marks the export done with its row
count. A worker that sees its time running out stops and marks the export failed ("split the
range") instead of being killed by the Lambda timeout; any other failure is marked too. The export
item and the file live 7 days (the item's ttl, the bucket's lifecycle rule).
"""

from __future__ import annotations

import csv
import heapq
import io
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shop.adapters import db
from shop.adapters.clock import SHANGHAI, iso_from_epoch, now_epoch
from shop.adapters.config import setting
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.buying import desk
from shop.core import audit
from shop.core.errors import NotFound

KEEP_DAYS = 7
URL_SECONDS = 300
STOP_MARGIN_MS = 60_000  # stop this long before the Lambda timeout
EXPORT_ID_RE = r"^x[0-9a-f]{25}$"
HEADERS = ["订单号", "下单时间", "支付时间", "订单状态", "配送方式", "买家ID", "收货人", "联系电话", "收货地址", "商品明细",
           "件数", "商品金额(元)", "运费(元)", "优惠(元)", "实付金额(元)", "已退款(元)", "有退款"]
STATUS = {"PENDING_PAYMENT": "待付款", "PAID": "待发货", "SHIPPED": "已发货", "COMPLETED": "已完成", "CANCELLED": "已取消",
          "CLOSED": "已关闭", "PAYMENT_EXCEPTION": "支付异常"}
DELIVERY = {"express": "快递", "pickup": "到店自提"}


def export_key(export_id: str) -> dict[str, dict[str, str]]:
    return {"PK": {"S": f"EXPORT#{export_id}"}, "SK": {"S": "EXPORT"}}


def _not_found() -> NotFound:
    return NotFound("导出任务不存在。", code="export_not_found")


# ---------------------------------------------------------------- asking and reading

def create(*, first: date, last: date, status: str | None, delivery: str | None, merchant: str) -> dict[str, Any]:
    export_id = "x" + secrets.token_hex(13)[:25]
    now = now_epoch()
    filters = {k: v for k, v in (("status", status), ("delivery", delivery)) if v}
    item = {
        "PK": f"EXPORT#{export_id}", "SK": "EXPORT", "type": "order_export", "export_id": export_id,
        "status": "queued", "from": first.isoformat(), "to": last.isoformat(), "filters": filters,
        "requested_by": merchant, "created_at": iso_from_epoch(now), "ttl": now + (KEEP_DAYS + 1) * 86400,
    }
    db.transact([
        {"Put": {"TableName": db.table(), "Item": db.to_item(item), "ConditionExpression": "attribute_not_exists(PK)"}},
        audit.entry(db.table(), actor=merchant, action="orders.export.create", target_type="export", target_id=export_id,
                    at=datetime.fromtimestamp(now, UTC), after={"from": item["from"], "to": item["to"], **filters}),
    ])
    metrics.add_metric(name="OrderExportRequested", unit=MetricUnit.Count, value=1)
    return item


def get(export_id: str) -> dict[str, Any]:
    resp = db.client().get_item(TableName=db.table(), Key=export_key(export_id), ConsistentRead=True)
    if "Item" not in resp:
        raise _not_found()
    return db.from_item(resp["Item"])


def view(item: dict[str, Any]) -> dict[str, Any]:
    from shop.adapters import storage

    found = {k: item.get(k) for k in ("status", "requested_by", "created_at", "finished_at", "rows", "error")}
    found.update(id=item["export_id"], date_from=item["from"], date_to=item["to"], filters=item.get("filters") or {})
    if item["status"] == "done" and item.get("s3_key"):
        found["download_url"] = storage.presigned_get(setting("EXPORTS_BUCKET"), item["s3_key"], expires_in=URL_SECONDS,
                                                      filename=f"orders-{item['from']}-{item['to']}.csv")
    return found


# ---------------------------------------------------------------- the worker

def _yuan(fen: Any) -> str:
    fen = int(fen or 0)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _beijing(value: Any) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def csv_row(item: dict[str, Any]) -> list[str]:
    address = item.get("address") or {}
    lines = item.get("lines") or []
    goods = "；".join(f"{line['title']}{' ' + '/'.join(line['specs'].values()) if line.get('specs') else ''} x{line['quantity']}"
                     for line in lines)
    where = "".join(address.get(k) or "" for k in ("province", "city", "district", "detail"))
    phone = address.get("phone")
    return [
        item["order_id"], _beijing(item.get("created_at")), _beijing(item.get("paid_at")),
        STATUS.get(item["status"], item["status"]), DELIVERY.get(item.get("delivery") or "", item.get("delivery") or ""),
        item.get("user_id", ""), address.get("name") or "", desk.mask_phone(phone) if phone else "", where, goods,
        str(sum(int(line["quantity"]) for line in lines)), _yuan(item.get("goods_total")), _yuan(item.get("freight")),
        _yuan(item.get("discount")), _yuan(item.get("payable")), _yuan(item.get("refunded_total")),
        "是" if item.get("has_refund") else "否",
    ]


def _shard_items(day: date, shard: int, expression: str | None, names: dict[str, str],
                 values: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One shard of one day, oldest first, page by page."""
    params: dict[str, Any] = {
        "TableName": db.table(), "IndexName": desk.INDEX, "KeyConditionExpression": "desk_pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"DESK#{day.isoformat()}#{shard}"}, **values},
    }
    if expression:
        params["FilterExpression"] = expression
    if names:
        params["ExpressionAttributeNames"] = names
    while True:
        resp = db.client().query(**params)
        for raw in resp.get("Items", []):
            yield db.from_item(raw)
        if "LastEvaluatedKey" not in resp:
            return
        params["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def orders_in(first: date, last: date, *, status: str | None, delivery: str | None) -> Iterator[dict[str, Any]]:
    """Every order placed from ``first`` to ``last`` (Beijing days), oldest first; memory holds one
    page per shard."""
    f = desk.Filters(status=status, delivery=delivery, placed_from=first, placed_to=last)
    expression, names, values = f.expression()
    day = first
    while day <= last:
        streams = [_shard_items(day, s, expression, names, values) for s in range(desk.shards())]
        yield from heapq.merge(*streams, key=lambda i: i["desk_sk"])
        day += timedelta(days=1)


class OutOfTime(Exception):
    pass


def run(item: dict[str, Any], remaining_ms: Callable[[], int]) -> str:
    """Produce one export; returns its final status (or "skipped" when another run has it)."""
    from shop.adapters import storage

    export_id = item["export_id"]
    now = now_epoch()
    if not db.update_if(
        Key=export_key(export_id),
        UpdateExpression="SET #s = :running, started_at = :now",
        ConditionExpression="#s = :queued OR (#s = :running AND started_at < :stale)",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":running": {"S": "running"}, ":queued": {"S": "queued"},
                                   ":now": {"N": str(now)}, ":stale": {"N": str(now - 960)}},
    ):
        return "skipped"
    filters = item.get("filters") or {}
    margin = min(STOP_MARGIN_MS, remaining_ms() // 10)  # a minute of the 15; less for a shorter deadline
    rows = 0
    started = time.monotonic()
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b") as spool:
            text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(HEADERS)
            for order in orders_in(date.fromisoformat(item["from"]), date.fromisoformat(item["to"]),
                                   status=filters.get("status"), delivery=filters.get("delivery")):
                writer.writerow(csv_row(order))
                rows += 1
                if remaining_ms() < margin:
                    raise OutOfTime
            text.flush()
            text.detach()
            spool.seek(0)
            key = f"exports/{export_id}/orders-{item['from']}-{item['to']}.csv"
            storage.put(setting("EXPORTS_BUCKET"), key, spool.read(), content_type="text/csv; charset=utf-8")
    except OutOfTime:
        _finish(export_id, "failed", rows=rows, error="范围太大，未能在时限内完成，请缩短日期范围后重试。")
        logger.error("order export ran out of time", extra={"export_id": export_id, "rows": rows})
        return "failed"
    except Exception as exc:  # noqa: BLE001 - any failure is the merchant's to see, and logged
        _finish(export_id, "failed", rows=rows, error="导出失败，请稍后重试。")
        logger.exception("order export failed", extra={"export_id": export_id, "error": type(exc).__name__})
        return "failed"
    _finish(export_id, "done", rows=rows, s3_key=key)
    metrics.add_metric(name="OrderExportRows", unit=MetricUnit.Count, value=rows)
    logger.info("order export done", extra={"export_id": export_id, "rows": rows,
                                            "seconds": round(time.monotonic() - started, 2)})
    return "done"


def _finish(export_id: str, status: str, *, rows: int, error: str | None = None, s3_key: str | None = None) -> None:
    sets = ["#s = :to", "finished_at = :now", "#rows = :rows"]
    values: dict[str, Any] = {":to": {"S": status}, ":now": {"S": iso_from_epoch(now_epoch())}, ":rows": {"N": str(rows)},
                              ":running": {"S": "running"}}
    if error:
        sets.append("#err = :err")
        values[":err"] = {"S": error}
    if s3_key:
        sets.append("s3_key = :key")
        values[":key"] = {"S": s3_key}
    names = {"#s": "status", "#rows": "rows"}
    if error:
        names["#err"] = "error"
    db.update_if(Key=export_key(export_id), UpdateExpression="SET " + ", ".join(sets), ConditionExpression="#s = :running",
                 ExpressionAttributeNames=names, ExpressionAttributeValues=values)
