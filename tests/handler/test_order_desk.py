"""The order desk (订单管理) through the real handlers: the list and each of its filters, pagination,
the detail's timeline (placed, paid, shipped, refunds, remarks), remarks never shown to the buyer,
the CSV export of a date range, and who may do what."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from infra.local.wechat_sim import WeChatSimulator
from shop.adapters.clock import SHANGHAI
from tests.handler.test_buying import TEE, checkout, merchant_token, pay_and_notify, place, settle
from tests.helpers import Api, TableStream, login

pytestmark = pytest.mark.usefixtures("seeded", "wechat")
DAY = 86400
MUG = "p-mug.01"


def address(api: Api, token: str, phone: str, name: str = "张三") -> str:
    reply = api.post("/addresses", {"name": name, "phone": phone, "province": "广东省", "city": "深圳市",
                                    "district": "南山区", "detail": "科技园路1号"}, token=token)
    assert reply.status == 201, reply.text
    return reply.json["id"]


class Clock:
    """Moves the shop's clock (time.time / time.time_ns) forward by whole days."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real, real_ns = time.time, time.time_ns
        monkeypatch.setattr(time, "time", lambda: real() + self.offset)
        monkeypatch.setattr(time, "time_ns", lambda: real_ns() + int(self.offset * 1e9))

    def day(self, n: int) -> None:
        self.offset = n * DAY


def beijing_day(iso: str) -> date:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI).date()


@pytest.fixture
def shop(api: Api, wechat: WeChatSimulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Orders on three days: two days ago (A: pending, A: paid express), yesterday (B: paid pickup,
    B: paid express with a refund request), today (A: paid express, B: cancelled)."""
    clock = Clock(monkeypatch)
    made: dict[str, Any] = {}

    clock.day(0)
    a = login(api, "desk-a")
    a_addr = address(api, a, "13800138000")
    made["a_pending"] = place(api, a, checkout(a_addr, (TEE, 1))).json["order"]["id"]
    made["a_paid_old"] = place(api, a, checkout(a_addr, (MUG, 1))).json["order"]["id"]
    pay_and_notify(api, wechat, made["a_paid_old"])

    clock.day(1)
    b = login(api, "desk-b")
    b_addr = address(api, b, "13912345678", "李四")
    reply = place(api, b, {"items": [{"sku_id": MUG, "quantity": 2}], "delivery": "pickup", "pickup_store_id": "sz-nanshan"})
    assert reply.status == 201, reply.text
    made["b_pickup"] = reply.json["order"]["id"]
    pay_and_notify(api, wechat, made["b_pickup"])
    made["b_refund"] = place(api, b, checkout(b_addr, (TEE, 2))).json["order"]["id"]
    pay_and_notify(api, wechat, made["b_refund"])

    clock.day(2)
    a = login(api, "desk-a")
    b = login(api, "desk-b")
    made["a_paid_new"] = place(api, a, checkout(a_addr, (TEE, 1), (MUG, 1))).json["order"]["id"]
    pay_and_notify(api, wechat, made["a_paid_new"])
    made["b_cancelled"] = place(api, b, checkout(b_addr, (MUG, 1))).json["order"]["id"]
    assert api.post(f"/orders/{made['b_cancelled']}/cancel", token=b).status == 200

    stream = TableStream("OrderDeskEventsFunction")
    asked = api.post(f"/orders/{made['b_refund']}/refund", {"reason": "尺码不合适", "lines": [{"sku_id": TEE, "quantity": 1}]},
                     token=b)
    assert asked.status == 201, asked.text
    made["refund_id"] = asked.json["refunds"][0]["id"]
    stream.drain()
    made.update(a=a, b=b, stream=stream, clock=clock, merchant=merchant_token("desk-owner"))
    made["today"] = datetime.fromtimestamp(time.time(), UTC).astimezone(SHANGHAI).date()
    return made


def ids(api: Api, token: str, query: str) -> list[str]:
    reply = api.get(f"/admin/orders?{query}", token=token)
    assert reply.status == 200, reply.text
    return [row["id"] for row in reply.json["items"]]


def test_each_filter_finds_exactly_its_orders(api: Api, shop: dict[str, Any]) -> None:
    m, today = shop["merchant"], shop["today"]
    week = f"placed_from={today - timedelta(days=6)}&placed_to={today}"
    everything = ids(api, m, week)
    assert everything == [shop[k] for k in ("b_cancelled", "a_paid_new", "b_refund", "b_pickup", "a_paid_old", "a_pending")]
    assert ids(api, m, "") == everything  # the default is the last 30 days
    assert ids(api, m, f"placed_from={today}&placed_to={today}") == [shop["b_cancelled"], shop["a_paid_new"]]
    assert ids(api, m, f"placed_from={today - timedelta(days=1)}&placed_to={today - timedelta(days=1)}") == [
        shop["b_refund"], shop["b_pickup"]]
    assert ids(api, m, f"{week}&status=PAID") == [shop["a_paid_new"], shop["b_refund"], shop["b_pickup"], shop["a_paid_old"]]
    assert ids(api, m, f"{week}&status=PENDING_PAYMENT") == [shop["a_pending"]]
    assert ids(api, m, f"{week}&status=CANCELLED") == [shop["b_cancelled"]]
    assert ids(api, m, f"{week}&delivery=pickup") == [shop["b_pickup"]]
    assert ids(api, m, f"{week}&phone=8000") == [shop["a_paid_new"], shop["a_paid_old"], shop["a_pending"]]
    assert ids(api, m, f"{week}&phone=5678&delivery=express") == [shop["b_cancelled"], shop["b_refund"]]
    assert ids(api, m, f"{week}&phone=0000") == []
    assert ids(api, m, f"{week}&has_refund=true") == [shop["b_refund"]]
    assert shop["b_refund"] not in ids(api, m, f"{week}&has_refund=false")
    buyer_a = api.get(f"/admin/orders/{shop['a_paid_new']}", token=m).json["buyer"]
    assert ids(api, m, f"buyer={buyer_a}") == [shop["a_paid_new"], shop["a_paid_old"], shop["a_pending"]]
    assert ids(api, m, f"buyer={buyer_a}&status=PAID&placed_from={today - timedelta(days=2)}&placed_to={today - timedelta(days=2)}") == [
        shop["a_paid_old"]]
    assert ids(api, m, f"order_id={shop['b_pickup']}") == [shop["b_pickup"]]
    assert ids(api, m, f"order_id={shop['b_pickup']}&delivery=express") == []
    assert ids(api, m, f"order_id=o{'0' * 25}") == []
    # paid on a day: the orders whose payment fell on it
    yesterday = today - timedelta(days=1)
    assert ids(api, m, f"paid_from={yesterday}&paid_to={yesterday}") == [shop["b_refund"], shop["b_pickup"]]
    assert ids(api, m, f"paid_from={today}") == [shop["a_paid_new"]]
    row = api.get(f"/admin/orders?order_id={shop['a_paid_new']}", token=m).json["items"][0]
    assert (row["receiver"], row["phone"], row["quantity"], row["delivery"], row["status"]) == (
        "张三", "138****8000", 2, "express", "PAID")
    assert "等2种商品" in row["title"] and row["payable"] > 0


def test_one_order_and_one_buyer_are_found_however_old(api: Api, shop: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    buyer_a = api.get(f"/admin/orders/{shop['a_paid_new']}", token=shop["merchant"]).json["buyer"]
    Clock(monkeypatch).day(45)  # six weeks later: the orders are older than the default 30 days
    m = merchant_token("desk-later")
    assert ids(api, m, "") == []
    assert ids(api, m, f"order_id={shop['a_paid_old']}") == [shop["a_paid_old"]]
    assert ids(api, m, f"buyer={buyer_a}") == [shop["a_paid_new"], shop["a_paid_old"], shop["a_pending"]]


def test_bad_filters_are_400(api: Api, shop: dict[str, Any]) -> None:
    m = shop["merchant"]
    for query in ("placed_from=2026-13-01", "phone=12", "status=NOPE", "placed_from=2026-11-10&placed_to=2026-11-01",
                  "placed_from=2025-01-01&placed_to=2026-01-01", "cursor=bm9wZQ", "delivery=drone", "limit=0"):
        reply = api.get(f"/admin/orders?{query}", token=m)
        assert reply.status == 400, (query, reply.text)


def test_pages_cover_every_order_once(api: Api, shop: dict[str, Any]) -> None:
    m, today = shop["merchant"], shop["today"]
    query = f"placed_from={today - timedelta(days=6)}&placed_to={today}&limit=2"
    seen, cursor, pages = [], None, 0
    while True:
        reply = api.get(f"/admin/orders?{query}" + (f"&cursor={cursor}" if cursor else ""), token=m)
        assert reply.status == 200, reply.text
        assert len(reply.json["items"]) <= 2
        seen += [r["id"] for r in reply.json["items"]]
        pages += 1
        cursor = reply.json["next_cursor"]
        if not cursor:
            break
    assert seen == ids(api, m, query.replace("limit=2", "limit=50")) and len(seen) == 6 and pages in (3, 4)
    # a cursor belongs to its query
    first = api.get(f"/admin/orders?{query}", token=m).json["next_cursor"]
    assert api.get(f"/admin/orders?{query}&status=PAID&cursor={first}", token=m).error_code == "invalid_cursor"


def test_pages_are_the_same_with_sharded_days(api: Api, shop: dict[str, Any], wechat, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raising ORDER_DESK_SHARDS spreads new orders over more partitions; every order is still listed
    once, newest first, across pages (the old ones sit in shard 0)."""
    m, today = shop["merchant"], shop["today"]
    before = ids(api, m, f"placed_from={today - timedelta(days=6)}&placed_to={today}")
    monkeypatch.setenv("ORDER_DESK_SHARDS", "4")
    a = shop["a"]
    addr = api.get("/addresses", token=a).json["items"][0]["id"]
    new = []
    for _ in range(4):
        new.append(place(api, a, checkout(addr, (MUG, 1))).json["order"]["id"])
        pay_and_notify(api, wechat, new[-1])
    query = f"placed_from={today - timedelta(days=6)}&placed_to={today}&limit=3"
    seen, cursor = [], None
    while True:
        reply = api.get(f"/admin/orders?{query}" + (f"&cursor={cursor}" if cursor else ""), token=m).json
        seen += [r["id"] for r in reply["items"]]
        if not (cursor := reply["next_cursor"]):
            break
    assert seen == list(reversed(new)) + before


def test_detail_has_the_whole_timeline_and_remarks(api: Api, shop: dict[str, Any], wechat) -> None:
    m, order_id, refund_id = shop["merchant"], shop["b_refund"], shop["refund_id"]
    shipped = api.post(f"/admin/orders/{order_id}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"}, token=m)
    assert shipped.status == 200, shipped.text
    approved = api.post(f"/admin/refunds/{refund_id}/approve", {"note": "同意退一件"}, token=m)
    assert approved.status == 200, approved.text
    settle(api, wechat, refund_id)
    shop["stream"].drain()
    assert api.post(f"/admin/orders/{order_id}/remarks", {"text": "客户来电：周末送货"}, token=m).status == 201
    added = api.post(f"/admin/orders/{order_id}/remarks", {"text": "已电话确认"}, token=merchant_token("desk-cs", role="customer_service"))
    assert added.status == 201 and [r["text"] for r in added.json["remarks"]] == ["客户来电：周末送货", "已电话确认"]

    detail = api.get(f"/admin/orders/{order_id}", token=m)
    assert detail.status == 200, detail.text
    body = detail.json
    assert (body["id"], body["status"], body["buyer"]) == (order_id, "SHIPPED", body["buyer"]) and body["lines"]
    kinds = [e["kind"] for e in body["timeline"]]
    for kind in ("placed", "paid", "refund_requested", "shipped", "refund_approved", "refund_succeeded", "remark"):
        assert kind in kinds, (kind, kinds)
    assert kinds[:2] == ["placed", "paid"] and kinds.count("remark") == 2
    moments = [datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in body["timeline"]]
    assert moments == sorted(moments)
    (parcel,) = body["parcels"]
    assert (parcel["tracking_no"], parcel["shipped_by"]) == ("SF1234567890", "desk-owner") and parcel["shipped_at"]
    assert next(e for e in body["timeline"] if e["kind"] == "shipped")["text"].endswith("SF1234567890")
    (refund,) = body["refunds"]
    assert (refund["id"], refund["status"], refund["merchant_note"], refund["decided_by"]) == (
        refund_id, "SUCCEEDED", "同意退一件", "desk-owner")
    assert [(r["by"], r["text"]) for r in body["remarks"]] == [("desk-owner", "客户来电：周末送货"), ("desk-cs", "已电话确认")]
    approved_event = next(e for e in body["timeline"] if e["kind"] == "refund_approved")
    assert approved_event["by"] == "desk-owner" and "同意退一件" in approved_event["text"]
    assert body["refunded_total"] == refund["amount"]

    # the buyer sees none of it
    mine = api.get(f"/orders/{order_id}", token=shop["b"])
    assert mine.status == 200 and "客户来电" not in mine.text and "已电话确认" not in mine.text
    assert "remarks" not in mine.json and "merchant_remarks" not in mine.text
    listed = api.get("/orders", token=shop["b"])
    assert "客户来电" not in listed.text


def test_detail_of_unknown_order_is_404_and_cancelled_orders_say_why(api: Api, shop: dict[str, Any]) -> None:
    m = shop["merchant"]
    assert api.get(f"/admin/orders/o{'0' * 25}", token=m).error_code == "order_not_found"
    body = api.get(f"/admin/orders/{shop['b_cancelled']}", token=m).json
    assert [e["kind"] for e in body["timeline"]] == ["placed", "cancelled"]
    assert body["timeline"][1]["text"] == "买家取消"


def test_remarks_are_audited_and_bounded(api: Api, shop: dict[str, Any]) -> None:
    """(Concurrent writers: tests/e2e/test_order_desk_races.py, against the concurrent local stack.)"""
    m, order_id = shop["merchant"], shop["a_paid_new"]
    for n in range(10):
        assert api.post(f"/admin/orders/{order_id}/remarks", {"text": f"first-{n}"}, token=m).status == 201
    remarks = api.get(f"/admin/orders/{order_id}", token=m).json["remarks"]
    assert [r["text"] for r in remarks] == [f"first-{n}" for n in range(10)]
    for n in range(45):
        api.post(f"/admin/orders/{order_id}/remarks", {"text": f"more-{n}"}, token=m)
    remarks = api.get(f"/admin/orders/{order_id}", token=m).json["remarks"]
    assert len(remarks) == 50 and remarks[0]["text"] == "first-5" and remarks[-1]["text"] == "more-44"
    table = boto3.client("dynamodb")
    import os

    entries = table.query(TableName=os.environ["SHOP_TABLE_NAME"], IndexName="GSI1",
                          KeyConditionExpression="gsi1pk = :pk",
                          ExpressionAttributeValues={":pk": {"S": f"AUDIT_TARGET#order#{order_id}"}})["Items"]
    assert len(entries) == 55 and {e["action"]["S"] for e in entries} == {"orders.remark.add"}
    assert api.post(f"/admin/orders/o{'0' * 25}/remarks", {"text": "x"}, token=m).error_code == "order_not_found"
    assert api.post(f"/admin/orders/{order_id}/remarks", {"text": ""}, token=m).status == 400
    assert api.post(f"/admin/orders/{order_id}/remarks", {"text": "<b>x</b>"}, token=m).status == 400


def test_who_may_use_the_desk(api: Api, shop: dict[str, Any]) -> None:
    order_id = shop["a_paid_new"]
    verifier = merchant_token("desk-verifier", role="pickup_verifier")
    finance = merchant_token("desk-finance", role="finance")
    assert api.get("/admin/orders", token=verifier).error_code == "permission_denied"
    assert api.get(f"/admin/orders/{order_id}", token=verifier).error_code == "permission_denied"
    assert api.get("/admin/orders", token=finance).status == 200
    assert api.post(f"/admin/orders/{order_id}/remarks", {"text": "x"}, token=finance).error_code == "permission_denied"
    assert api.get("/admin/orders", token=shop["a"]).status == 401
    assert api.get(f"/admin/orders/{order_id}", token=shop["a"]).status == 401


# ---------------------------------------------------------------- exports

EXPORTS = "test-exportsbucket"  # the name tests/least_privilege.py gives the template's ExportsBucket


@pytest.fixture
def exports_bucket(monkeypatch: pytest.MonkeyPatch) -> str:
    from shop.adapters import storage

    monkeypatch.setenv("EXPORTS_BUCKET", EXPORTS)
    storage.client().create_bucket(Bucket=EXPORTS)
    return EXPORTS


def _csv_of(bucket: str) -> tuple[bytes, list[list[str]]]:
    s3 = boto3.client("s3")
    (obj,) = s3.list_objects_v2(Bucket=bucket)["Contents"]
    raw = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    s3.delete_object(Bucket=bucket, Key=obj["Key"])
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_of_a_range_is_the_right_csv(api: Api, shop: dict[str, Any], exports_bucket: str) -> None:
    m, today = shop["merchant"], shop["today"]
    worker = TableStream("OrderExportWorkerFunction")
    asked = api.post("/admin/orders/exports", {"from": str(today - timedelta(days=2)), "to": str(today - timedelta(days=1))},
                     token=merchant_token("desk-finance", role="finance"))
    assert asked.status == 202, asked.text
    assert asked.json["status"] == "queued" and asked.json["download_url"] is None
    export_id = asked.json["id"]
    assert api.get(f"/admin/orders/exports/{export_id}", token=m).json["status"] == "queued"
    records = worker.read()
    assert len(records) == 1
    for _ in range(2):  # the stream delivers at least once: the second delivery finds it taken
        assert worker.deliver(records) == {"batchItemFailures": []}
    done = api.get(f"/admin/orders/exports/{export_id}", token=m).json
    assert (done["status"], done["rows"], done["requested_by"]) == ("done", 4, "desk-finance")
    assert done["download_url"] and EXPORTS in done["download_url"]
    raw, rows = _csv_of(exports_bucket)  # one file: the export ran once
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    assert rows[0][:4] == ["订单号", "下单时间", "支付时间", "订单状态"] and "实付金额(元)" in rows[0]
    assert [r[0] for r in rows[1:]] == [shop[k] for k in ("a_pending", "a_paid_old", "b_pickup", "b_refund")]  # oldest first
    header = rows[0]
    pending, paid_old, pickup, refunded = (dict(zip(header, r, strict=True)) for r in rows[1:])
    assert (pending["订单状态"], pending["支付时间"], pending["实付金额(元)"]) == ("待付款", "", "87.00")
    assert (paid_old["订单状态"], paid_old["联系电话"], paid_old["收货人"]) == ("待发货", "138****8000", "张三")
    assert (pickup["配送方式"], pickup["件数"], refunded["有退款"]) == ("到店自提", "2", "是")
    order = api.get(f"/admin/orders/{shop['a_pending']}", token=m).json
    placed = datetime.fromisoformat(order["created_at"].replace("Z", "+00:00")).astimezone(SHANGHAI)
    assert pending["下单时间"] == placed.strftime("%Y-%m-%d %H:%M:%S")

    paid_only = api.post("/admin/orders/exports", {"from": str(today - timedelta(days=2)), "to": str(today),
                                                   "status": "PAID"}, token=m).json
    worker.drain()
    assert api.get(f"/admin/orders/exports/{paid_only['id']}", token=m).json["rows"] == 4
    _, rows = _csv_of(exports_bucket)
    assert {r[3] for r in rows[1:]} == {"待发货"}


def test_export_failures_are_visible(api: Api, shop: dict[str, Any], exports_bucket: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.buying import exports

    m, today = shop["merchant"], shop["today"]
    worker = TableStream("OrderExportWorkerFunction")
    from botocore.exceptions import ClientError

    from shop.adapters import storage

    def bucket_gone(*args: Any, **kwargs: Any) -> None:  # S3 refuses the write (the bucket was deleted)
        raise ClientError({"Error": {"Code": "NoSuchBucket", "Message": "The specified bucket does not exist"}},
                          "PutObject")

    real_put = storage.put
    monkeypatch.setattr(storage, "put", bucket_gone)
    asked = api.post("/admin/orders/exports", {"from": str(today), "to": str(today)}, token=m).json
    worker.drain()
    monkeypatch.setattr(storage, "put", real_put)
    failed = api.get(f"/admin/orders/exports/{asked['id']}", token=m).json
    assert failed["status"] == "failed" and failed["error"] and failed["download_url"] is None
    # out of time: stopped and marked, never killed by the Lambda timeout
    monkeypatch.setenv("EXPORTS_BUCKET", exports_bucket)
    asked = api.post("/admin/orders/exports", {"from": str(today - timedelta(days=2)), "to": str(today)}, token=m).json
    item = exports.get(asked["id"])
    left = iter([900_000] + [30_000] * 100)  # 15 minutes at the start, then only half a minute
    assert exports.run(item, lambda: next(left)) == "failed"
    late = api.get(f"/admin/orders/exports/{asked['id']}", token=m).json
    assert late["status"] == "failed" and "缩短日期范围" in late["error"]


def test_export_requests_are_checked_and_permitted(api: Api, shop: dict[str, Any], exports_bucket: str) -> None:
    m = shop["merchant"]
    for body in ({"from": "2026-11-10", "to": "2026-11-01"}, {"from": "2026-01-01", "to": "2026-12-31"},
                 {"from": "2026-11-01"}, {"from": "2026-11-01", "to": "2026-11-02", "extra": 1},
                 {"from": "2026-11-01", "to": "2026-11-02", "status": "NOPE"}):
        assert api.post("/admin/orders/exports", body, token=m).status == 400, body
    service = merchant_token("desk-cs2", role="customer_service")
    assert api.post("/admin/orders/exports", {"from": "2026-11-01", "to": "2026-11-02"}, token=service).error_code == "permission_denied"
    assert api.get(f"/admin/orders/exports/x{'0' * 25}", token=m).error_code == "export_not_found"
    assert api.get("/admin/orders/exports/nope", token=m).status == 400
