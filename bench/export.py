"""The order desk's CSV export of 10,000 orders: how long OrderExportWorker takes against its
Timeout in the template, and its peak memory (ru_maxrss: the whole process, moto included; with
--tracemalloc also Python's traced allocations) against its MemorySize. moto answers each index
Query by walking the whole table, so the time here is an upper bound far above DynamoDB's (a 1 MB
page in tens of milliseconds).

The orders are written straight into the table with BatchWriteItem (the shape an order item has,
with the desk's index attributes), over three Beijing days and ORDER_DESK_SHARDS shards, so
preparing them takes seconds; then the worker's handler gets the export's stream record, as the
event source mapping would hand it over, and writes the CSV into the local S3.

  python -m bench.export [--orders 10000] [--shards 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
import uuid
from datetime import timedelta
from typing import Any

from bench.common import out, table
from infra.local.gateway import LAYER_PATH
from infra.local.template import Template, create_tables, load_module, local_table_names
from infra.local.worker import LambdaContext


def _orders(count: int, days: list[Any]) -> list[dict[str, Any]]:
    from shop.adapters.clock import iso_from_epoch
    from shop.buying import desk_keys

    items = []
    for n in range(count):
        day = days[n % len(days)]
        created_ms = desk_keys.day_start_ms(day) + 3_600_000 + n * 1000
        order_id = "o" + uuid.uuid4().hex[:25]
        address = {"name": "张三", "phone": f"138{n:08d}", "province": "广东省", "city": "深圳市", "district": "南山区",
                   "detail": f"科技园路{n}号"}
        paid = n % 4 != 0
        items.append({
            "PK": f"ORDER#{order_id}", "SK": "ORDER", "type": "order", "order_id": order_id, "user_id": f"u_bench{n % 97}",
            "status": "PAID" if paid else "PENDING_PAYMENT", "delivery": "express", "address": address,
            "lines": [{"sku_id": "p-tee-basic.02", "product_id": "p-tee-basic", "title": "基础款T恤", "specs": {"颜色": "白", "尺码": "M"},
                       "unit_price": 7900, "quantity": 1 + n % 3, "amount": 7900 * (1 + n % 3), "discount": 0,
                       "refundable": 1 + n % 3}],
            "goods_total": 7900 * (1 + n % 3), "freight": 800, "discount": 0, "payable": 7900 * (1 + n % 3) + 800,
            "refunded_total": 0, "created_at": iso_from_epoch(created_ms // 1000),
            **({"paid_at": iso_from_epoch(created_ms // 1000 + 60)} if paid else {}),
            **desk_keys.index_attributes(order_id, created_ms, address),
        })
    return items


def _batch_write(items: list[dict[str, Any]]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from shop.adapters import db

    def write(chunk: list[dict[str, Any]]) -> None:
        request = {db.table(): [{"PutRequest": {"Item": db.to_item(i)}} for i in chunk]}
        while request:
            request = db.client().batch_write_item(RequestItems=request).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, [items[i:i + 25] for i in range(0, len(items), 25)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python's allocations (slows moto's side several times)")
    args = parser.parse_args()
    import boto3
    from moto import mock_aws

    template = Template()
    globals_env = template.globals.get("Environment", {}).get("Variables", {})
    for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"):
        os.environ[name] = str(globals_env[name])
    os.environ.update({"ORDER_DESK_SHARDS": str(args.shards), "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "EXPORTS_BUCKET": "bench-exports",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    spec = next(f for f in template.functions() if f.logical_id == "OrderExportWorkerFunction")
    with mock_aws():  # in-process: the moto server's HTTP would be most of what is measured
        names = local_table_names(template, prefix="bench")
        create_tables(boto3.client("dynamodb"), template, names)
        os.environ["SHOP_TABLE_NAME"] = names["ShopTable"]
        boto3.client("s3").create_bucket(Bucket="bench-exports")
        from shop.adapters import aws, db, storage
        from shop.buying import exports
        from bench.desk_samples import today

        aws.reset()
        last = today() - timedelta(days=1)
        days = [last - timedelta(days=2), last - timedelta(days=1), last]
        started = time.monotonic()
        _batch_write(_orders(args.orders, days))
        prepared = time.monotonic() - started
        export = exports.create(first=days[0], last=days[-1], status=None, delivery=None, merchant="bench")
        raw = db.client().get_item(TableName=db.table(), Key=exports.export_key(export["export_id"]))["Item"]
        event = {"Records": [{"eventID": uuid.uuid4().hex, "eventName": "INSERT", "eventSource": "aws:dynamodb",
                              "dynamodb": {"Keys": {"PK": raw["PK"], "SK": raw["SK"]}, "NewImage": raw, "SequenceNumber": "1"}}]}
        module = load_module(spec, prefix="bench")
        context = LambdaContext("bench", int(time.time() * 1000) + spec.timeout * 1000, spec.logical_id)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.tracemalloc:
            tracemalloc.start()
        started = time.monotonic()
        cpu = time.process_time()
        result = module.lambda_handler(event, context)
        took, cpu = time.monotonic() - started, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
        tracemalloc.stop()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        done = exports.get(export["export_id"])
        size = len(storage.get("bench-exports", done["s3_key"])) if done.get("s3_key") else 0
        aws.reset()
    memory = template.resources[spec.logical_id]["Properties"].get("MemorySize")
    out(f"\nOrder export of {args.orders:,} orders over {len(days)} days, {args.shards} shard(s), in-process moto "
        f"(prepared by BatchWriteItem in {prepared:.1f} s)\n")
    out(table(["status", "rows", "CSV", "took (CPU)", "Timeout", "tracemalloc peak", "max RSS before / after the run", "MemorySize"], [[
        done["status"], done.get("rows"), f"{size / 1e6:.1f} MB", f"{took:.1f} s ({cpu:.1f} s)", f"{spec.timeout} s",
        f"{peak / 1e6:.1f} MB" if args.tracemalloc else "-", f"{rss_before:.0f} / {rss_mb:.0f} MB", f"{memory} MB"]]))
    out("(the process holds moto's whole table too: the growth during the run bounds the worker's own memory)")
    if result != {"batchItemFailures": []} or done["status"] != "done" or done.get("rows") != args.orders \
            or took > spec.timeout:
        raise SystemExit(f"export did not finish as expected: {result} {done}")


if __name__ == "__main__":
    main()
