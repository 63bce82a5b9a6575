"""What 10,000 orders and an idle month cost in AWS, from quantities measured on the real handlers.

A merchant weighs this stack against a SaaS shop fee (有赞 / 微盟: about ¥3,000-20,000 a year).
This script prices what the code actually does, per request of the buying journey:

- Lambda: each handler is invoked in this process against moto and the WeChat simulator (as
  bench/roundtrips.py does), warm, and its wall time is the median of several runs, rounded up to
  1 ms as Lambda bills it, at the function's MemorySize from template.yaml (arm64 price), plus the
  per-request charge.
- DynamoDB: every call the handler's client makes is recorded with botocore events, and the items
  it reads and writes are sized by DynamoDB's rules (attribute names + values; numbers by digits;
  lists and maps 3 bytes + 1 per element): reads in 4 KB units, eventually consistent at half, a
  Query summing the items it evaluated before rounding, transactional reads and writes at double,
  writes in 1 KB units of the larger of the item before and after, and one or two more writes (at
  the standard rate, transaction or not) for every global secondary index (all projected) whose
  entry appears, changes or goes. A transaction's ConditionCheck is priced as a transactional write
  of the item it checks, and a failed condition or cancelled transaction still pays its writes
  (upper bounds where the documentation is vague). moto does not
  reliably return ConsumedCapacity, so the units are computed, not read back. The item before a
  write, after it, and the full items behind a projected or filtered read are fetched with a
  second, unrecorded client in a separate run from the timed ones, so they cost no measured time.
- The table's stream: the records each request writes are read back from moto's stream and run
  through the template's FilterCriteria; each record that passes is one GrowthEvents invocation
  (at this traffic Lambda's batching window rarely holds two), which is measured like a request.
  GetRecords made by Lambda's event source mapping is free.
- CloudWatch Logs: every byte a handler writes to stdout/stderr (Powertools JSON lines, EMF
  metrics) is counted, plus Lambda's own START/END/REPORT lines (text log format, X-Ray line
  included, sized from their documented shape) and the HTTP API's access log line (the template's
  format, filled with typical values).
- API Gateway HTTP API: one request per route call, metered in 512 KB units of request + response.
- X-Ray (Tracing: Active): one trace per invocation. Lambda's default sampling keeps the first
  request each second and 5% of the rest, which at this traffic is nearly all of them.
- CloudWatch custom metrics: the distinct EMF metrics (name + dimensions) the handlers emitted,
  billed per metric-month (a metric published at least once an hour all month).
- Secrets Manager, cold starts and OrderTimers: see ASSUMPTIONS.

PRICES is the one table of prices. They are list prices as I know them (no internet here), written
down on PRICES_TAKEN from the pages named in it; several cn-north-1 figures are estimates (marked).
**Check every figure against the pricing pages before quoting a number to anyone.** Free tiers are
NOT applied in the main tables; one line shows what us-east-1's always-free tier would remove.

The handlers run on this machine's CPU (x86, a shared core) against loopback services, so their
durations differ from Lambda's (arm64, a fraction of a vCPU at 512 MB, real network latency to
DynamoDB and to WeChat); the sensitivity line shows the bill with every duration 10x longer.

  python -m bench.cost [--runs 5]
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import math
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------- prices (ONE table)

PRICES_TAKEN = "2026-12-01"
PRICES_NOTE = "written down from memory of the pricing pages as of 2025 (no internet access here): NOT checked"
USD_CNY = 7.2  # only for comparing with the SaaS fee and for the cn-north-1 estimates marked "est."

# item: (unit, us-east-1 USD, cn-north-1 CNY, source page / note)
PRICES: dict[str, tuple[str, float, float, str]] = {
    "lambda_request": ("per 1M requests", 0.20, 1.36, "aws.amazon.com/lambda/pricing; amazonaws.cn/lambda/pricing"),
    "lambda_gbs_arm": ("per GB-second, arm64", 0.0000133334, 0.0000907816,
                       "same pages; cn: x86 ¥0.000113477 less Arm's 20% (est.)"),
    "apigw_http": ("per 1M requests (512 KB units)", 1.00, 7.20,
                   "aws.amazon.com/api-gateway/pricing; cn est. = USD x 7.2"),
    "ddb_wru": ("per 1M write request units", 0.625, 11.1538,
                "aws.amazon.com/dynamodb/pricing/on-demand (after the Nov 2024 cut); amazonaws.cn/dynamodb/pricing "
                "(may predate a cut)"),
    "ddb_rru": ("per 1M read request units", 0.125, 2.2308,
                "same pages; cn est. = 1/5 of the write price, as in every region"),
    "ddb_storage": ("per GB-month", 0.25, 1.80, "same pages; cn est. = USD x 7.2"),
    "ddb_pitr": ("per GB-month (continuous backups)", 0.20, 1.44, "same pages; cn est. = USD x 7.2"),
    "ddb_stream_lambda": ("GetRecords by a Lambda trigger", 0.0, 0.0, "same pages: free for Lambda triggers"),
    "secret_month": ("per secret per month", 0.40, 2.88, "aws.amazon.com/secrets-manager/pricing; cn est. = USD x 7.2"),
    "secret_calls": ("per 10,000 API calls", 0.05, 0.36, "same; cn est. = USD x 7.2"),
    "logs_ingest": ("per GB ingested (Standard)", 0.50, 3.60,
                    "aws.amazon.com/cloudwatch/pricing; amazonaws.cn/cloudwatch/pricing (cn est. = USD x 7.2)"),
    "logs_storage": ("per GB-month stored", 0.03, 0.22, "same pages (cn est. = USD x 7.2)"),
    "metric_month": ("per custom metric-month (first 10,000)", 0.30, 2.00, "same pages (hourly-prorated)"),
    "xray_trace": ("per 1M traces recorded", 5.00, 36.0, "aws.amazon.com/xray/pricing; cn est. = USD x 7.2"),
    "eventbridge_rule": ("scheduled rule on the default bus", 0.0, 0.0, "aws.amazon.com/eventbridge/pricing: free"),
}
REGIONS = {"us-east-1": ("$", 1), "cn-north-1": ("¥", 2)}  # symbol, column in PRICES

# us-east-1's always-free tier (shown on one line only): Lambda 1M requests + 400,000 GB-s,
# X-Ray 100,000 traces, CloudWatch 5 GB logs ingested + 5 GB stored + 10 metrics, DynamoDB 25 GB.
FREE_TIER = {"lambda_request": 1_000_000, "lambda_gbs": 400_000, "xray": 100_000, "logs_gb": 5,
             "metrics": 10, "ddb_gb": 25}

SAAS_CNY_PER_YEAR = (3_000, 20_000)

# ---------------------------------------------------------------- assumptions

ORDERS = 10_000
NEW_BUYER_SHARE = 0.3        # of orders placed by a buyer logging in for the first time (gift pack)
COLD_START_SHARE = 0.25      # of journey invocations that start a new execution environment
INIT_MS = 400                # billed INIT per cold start (README's cold-start wall time, ~400 ms)
SECRET_MAX_AGE_S = 900       # SHOP_SECRET_MAX_AGE in the template
TIMERS_PER_MONTH = 43_200    # rate(1 minute) x 30 days
TIMERS_RECYCLE_HOURS = 2     # Lambda replaces even a busy environment every few hours (a new INIT)
LOG_RETENTION_MONTHS = 3     # prod: 90 days (the access log keeps 180; counted as 90)
SECRET_FUNCTIONS = {"LoginFunction", "ShareQrcodeFunction", "CreateOrderFunction", "PayOrderFunction",
                    "SyncOrderFunction", "CancelOrderFunction", "PayNotifyFunction", "ApproveRefundFunction",
                    "OrderTimersFunction"}
ITEM_OVERHEAD = 100          # bytes DynamoDB adds to each item (and index entry) for storage

ASSUMPTIONS = [
    f"{ORDERS:,} orders a month; per order the journey below (counts in the 'per order' column)",
    f"{NEW_BUYER_SHARE:.0%} of orders come from a first login (the gift pack runs from the stream); "
    "the rest log in again",
    "every order is paid, notified once (answered 204, so WeChat Pay does not retry), shipped and confirmed; "
    "no abandoned carts, cancellations or refunds",
    f"{COLD_START_SHARE:.0%} of journey invocations are cold starts, each billed {INIT_MS} ms of INIT "
    "(Lambda bills INIT since Aug 2025) and, in a function that reads the secret, one GetSecretValue",
    f"OrderTimers runs {TIMERS_PER_MONTH:,} times a month; its warm environment re-reads the secret every "
    f"{SECRET_MAX_AGE_S // 60} min and is replaced every {TIMERS_RECYCLE_HOURS} h (one INIT each)",
    "every invocation is traced by X-Ray (sampling keeps ~all at this traffic); one GrowthEvents invocation "
    "per stream record that passes the filters",
    f"logs kept {LOG_RETENTION_MONTHS} months (prod) and stored uncompressed (an upper bound); "
    "custom metrics published all month (an upper bound)",
    "storage: a month's new items for the whole month (an upper bound), the demo shop's catalog when idle",
    f"SaaS fee compared at {USD_CNY} CNY/USD",
]

# ---------------------------------------------------------------- DynamoDB unit arithmetic


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value by DynamoDB's item-size rules."""
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode("utf-8"))
    if kind == "N":
        return number_size(v)
    if kind == "B":
        return len(v) if isinstance(v, (bytes, bytearray)) else len(v.encode("utf-8"))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in v)
    if kind == "NS":
        return sum(number_size(n) for n in v)
    if kind == "BS":
        return sum(len(b) for b in v)
    if kind == "L":
        return 3 + sum(1 + value_size(e) for e in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + value_size(e) for k, e in v.items())
    raise ValueError(f"unknown attribute type {kind}")


def number_size(text: str) -> int:
    """About 1 byte per two significant digits, plus 1 (leading and trailing zeros trimmed)."""
    digits = text.lstrip("-").replace(".", "").split("e")[0].split("E")[0].strip("0")
    return math.ceil(max(len(digits), 1) / 2) + 1


def item_size(item: dict[str, dict[str, Any]] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool = False, transactional: bool = False) -> float:
    """One item read (GetItem, or one item of a BatchGetItem): 4 KB units, at least one; eventually
    consistent half, transactional double. A missing item still costs the minimum."""
    units = max(math.ceil(size / 4096), 1)
    return units * 2 if transactional else units if consistent else units / 2


def query_units(sizes: list[int], *, consistent: bool = False) -> float:
    """A Query or Scan page: the sizes of every item it evaluated are summed, THEN rounded up to 4 KB."""
    units = max(math.ceil(sum(sizes) / 4096), 1)
    return units if consistent else units / 2


def write_units(old_size: int, new_size: int, *, transactional: bool = False) -> int:
    """One item written: 1 KB units of the larger of the item before and after, at least one."""
    units = max(math.ceil(max(old_size, new_size) / 1024), 1)
    return units * 2 if transactional else units


def index_writes(old: dict[str, Any] | None, new: dict[str, Any] | None, keys: tuple[str, ...]) -> list[int]:
    """Sizes of the writes one global secondary index (projection ALL) takes for one item change:
    an entry that appears or goes is one write, one whose key changes is two (delete + put), one
    whose attributes change is one; an item without every key attribute is not in the index."""
    was = bool(old) and all(k in old for k in keys)  # type: ignore[operator]
    now = bool(new) and all(k in new for k in keys)  # type: ignore[operator]
    if was and now:
        if any(old[k] != new[k] for k in keys):  # type: ignore[index]
            return [item_size(old), item_size(new)]
        return [item_size(new)] if old != new else []
    if was:
        return [item_size(old)]
    if now:
        return [item_size(new)]
    return []


def stored_bytes(item: dict[str, Any] | None, indexes: dict[str, tuple[str, ...]]) -> int:
    """What an item occupies: itself plus an entry in every index holding it, 100 bytes each extra."""
    if not item:
        return 0
    size = item_size(item) + ITEM_OVERHEAD
    return size + sum(size for keys in indexes.values() if all(k in item for k in keys))


# ---------------------------------------------------------------- recording


@dataclass
class Usage:
    rru: float = 0.0
    wru: float = 0.0
    gsi_wru: float = 0.0
    trips: int = 0
    stored: int = 0          # net bytes added to the table and its indexes
    wechat: int = 0          # HTTP calls to WeChat / WeChat Pay

    def add(self, other: Usage) -> None:
        for name in ("rru", "wru", "gsi_wru", "trips", "stored", "wechat"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Recorder:
    """Prices every DynamoDB call of the recorded client while ``active``. Items before and after a
    write, and the full items behind a projected or filtered read, come from ``side`` - a second
    client with no hooks - so only a run whose time is not measured should be recorded."""

    def __init__(self, client: Any, side: Any, indexes: dict[str, dict[str, tuple[str, ...]]],
                 keys: dict[str, tuple[str, ...]]) -> None:
        self.side, self.indexes, self.keys = side, indexes, keys
        self.active = False
        self.usage = Usage()
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    # the items behind a call
    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        return self.side.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def _key(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self.keys[table]}

    def _writes(self, params: dict[str, Any], op: str) -> list[tuple[str, dict[str, Any], str]]:
        """(table, key, kind) of every item a write call touches."""
        if op == "TransactWriteItems":
            out = []
            for action in params["TransactItems"]:
                (kind, body), = action.items()
                key = body.get("Key") or self._key(body["TableName"], body["Item"])
                out.append((body["TableName"], key, kind))
            return out
        if op == "BatchWriteItem":
            out = []
            for table, requests in params["RequestItems"].items():
                for r in requests:
                    if "PutRequest" in r:
                        out.append((table, self._key(table, r["PutRequest"]["Item"]), "Put"))
                    else:
                        out.append((table, r["DeleteRequest"]["Key"], "Delete"))
            return out
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            key = params.get("Key") or self._key(params["TableName"], params["Item"])
            return [(params["TableName"], key, op.removesuffix("Item"))]
        return []

    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self.active:
            return
        context["cost_params"] = params
        context["cost_before"] = [(t, k, kind, self._get(t, k)) for t, k, kind in self._writes(params, model.name)]

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self.active or "cost_params" not in context:
            return
        params, op = context["cost_params"], model.name
        usage = self.usage
        usage.trips += 1
        failed = "Error" in parsed
        if op == "GetItem" and not failed:
            item = parsed.get("Item")
            if item and "ProjectionExpression" in params:
                item = self._get(params["TableName"], params["Key"])
            usage.rru += read_units(item_size(item), consistent=bool(params.get("ConsistentRead")))
        elif op == "BatchGetItem" and not failed:
            for table, request in params["RequestItems"].items():
                for key in request["Keys"]:
                    usage.rru += read_units(item_size(self._get(table, key)),
                                            consistent=bool(request.get("ConsistentRead")))
        elif op == "TransactGetItems" and not failed:
            for action in params["TransactItems"]:
                get = action["Get"]
                usage.rru += read_units(item_size(self._get(get["TableName"], get["Key"])), transactional=True)
        elif op in ("Query", "Scan") and not failed:
            usage.rru += query_units([item_size(i) for i in self._evaluated(params, parsed, op)],
                                     consistent=bool(params.get("ConsistentRead")))
        for table, key, kind, old in context.get("cost_before", []):
            new = old if failed or kind == "ConditionCheck" else None if kind == "Delete" else self._get(table, key)
            usage.wru += write_units(item_size(old), item_size(new), transactional=op == "TransactWriteItems")
            for keys in self.indexes.get(table, {}).values():
                for size in index_writes(old, new, keys):
                    units = write_units(0, size)
                    usage.wru += units
                    usage.gsi_wru += units
            indexes = self.indexes.get(table, {})
            usage.stored += stored_bytes(new, indexes) - stored_bytes(old, indexes)

    def _evaluated(self, params: dict[str, Any], parsed: dict[str, Any], op: str) -> list[dict[str, Any]]:
        """The items a Query/Scan page read, whole: without the filter and projection, which DynamoDB
        applies after it has read (and billed) them."""
        if not ({"FilterExpression", "ProjectionExpression", "Select", "AttributesToGet"} & params.keys()):
            return parsed.get("Items", [])
        kept = {k: v for k, v in params.items()
                if k not in ("FilterExpression", "ProjectionExpression", "Select", "AttributesToGet")}
        condition = kept.get("KeyConditionExpression", "")
        for name in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
            if name in kept:
                kept[name] = {k: v for k, v in kept[name].items() if k in condition}
                if not kept[name]:
                    del kept[name]
        return getattr(self.side, "query" if op == "Query" else "scan")(**kept).get("Items", [])


class Tally:
    """What the handlers logged while ``counting``: bytes, and the EMF metrics among them."""

    def __init__(self) -> None:
        self.counting, self.bytes = False, 0
        self.metrics: set[str] = set()

    def take(self, text: str) -> None:
        self.bytes += len(text.encode("utf-8"))
        for line in text.splitlines():
            if line.startswith('{"_aws"'):
                doc = json.loads(line)
                for directive in doc["_aws"]["CloudWatchMetrics"]:
                    for dims in directive["Dimensions"]:
                        where = ",".join(f"{d}={doc.get(d)}" for d in dims)
                        for metric in directive["Metrics"]:
                            self.metrics.add(f"{directive['Namespace']}/{metric['Name']}[{where}]")


class LogCounter(io.TextIOBase):
    """Stands in for stdout or stderr (Lambda sends both to CloudWatch Logs): while the tally is
    counting, what is written is counted and swallowed; otherwise it passes through, or with
    ``quiet`` is dropped (the domain code's logs while preparing state would drown the tables).
    Powertools Logger binds sys.stdout when it is created, so this must be installed before the
    shop package is imported."""

    def __init__(self, real: Any, tally: Tally, *, quiet: bool = False) -> None:
        self.real, self.tally, self.quiet = real, tally, quiet

    def write(self, text: str) -> int:
        if self.tally.counting:
            self.tally.take(text)
        elif not self.quiet:
            self.real.write(text)
        return len(text)

    def flush(self) -> None:
        self.real.flush()

    def writable(self) -> bool:
        return True


# Lambda's own lines for one invocation (text log format, active tracing), as CloudWatch stores them.
_RID = str(uuid.UUID(int=0x8F5E1B7A3C2D4E6F9A0B1C2D3E4F5A6B))
PLATFORM_LINES = (
    f"START RequestId: {_RID} Version: $LATEST\n"
    f"END RequestId: {_RID}\n"
    f"REPORT RequestId: {_RID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t"
    f"Max Memory Used: 112 MB\t\nXRAY TraceId: 1-674c3a5e-2b1f0c9d8e7a6b5c4d3e2f1a\tSegmentId: 4a3b2c1d0e9f8a7b\t"
    f"Sampled: true\t\n"
)
PLATFORM_BYTES = len(PLATFORM_LINES.encode())


@functools.cache
def access_log_bytes(route_key: str, status: int) -> int:
    """The HTTP API's access log line for one request: the template's format with typical values."""
    from infra.local.template import Template

    api = Template().of_type("AWS::Serverless::HttpApi")["ShopApi"]["Properties"]
    line = str(api["AccessLogSettings"]["Format"])
    for name, value in {"$context.requestId": "Ab1CdEfGhIJKLmN=", "$context.identity.sourceIp": "203.0.113.27",
                        "$context.routeKey": route_key, "$context.status": str(status),
                        "$context.responseLatency": "48", "$context.integrationErrorMessage": "-"}.items():
        line = line.replace(name, value)
    return len(line.replace("\n", "").encode()) + 1


# ---------------------------------------------------------------- the journey


@dataclass
class Step:
    label: str
    function: str
    per_order: float
    make: Callable[[Any], dict[str, Any]]
    expect: int = 200
    route: str | None = None  # "METHOD /path" for the access log; None = not an API request


def _journey() -> list[Step]:
    from bench.common import SAMPLES

    def s(fn: str) -> Callable[[Any], dict[str, Any]]:
        return SAMPLES[fn].make

    return [
        Step("POST /auth/login (first login)", "LoginFunction", NEW_BUYER_SHARE, s("LoginFunction"), 200,
             "POST /auth/login"),
        Step("POST /auth/login (returning user)", "LoginFunction", 1 - NEW_BUYER_SHARE, _returning_login, 200,
             "POST /auth/login"),
        Step("GET /categories", "ListCategoriesFunction", 1, s("ListCategoriesFunction"), 200, "GET /categories"),
        Step("GET /products?sort=sales (20)", "ListProductsFunction", 3, s("ListProductsFunction"), 200,
             "GET /products"),
        Step("GET /products/{id}", "GetProductFunction", 4, s("GetProductFunction"), 200, "GET /products/{id}"),
        Step("PUT /cart/items/{sku}", "PutCartItemFunction", 2, s("PutCartItemFunction"), 200,
             "PUT /cart/items/{sku_id}"),
        Step("GET /cart", "GetCartFunction", 2, s("GetCartFunction"), 200, "GET /cart"),
        Step("GET /addresses", "ListAddressesFunction", 1, s("ListAddressesFunction"), 200, "GET /addresses"),
        Step("POST /orders/preview", "PreviewOrderFunction", 2, s("PreviewOrderFunction"), 200, "POST /orders/preview"),
        Step("POST /orders", "CreateOrderFunction", 1, s("CreateOrderFunction"), 201, "POST /orders"),
        Step("POST /pay/notify (TRANSACTION.SUCCESS)", "PayNotifyFunction", 1, s("PayNotifyFunction"), 204,
             "POST /pay/notify"),
        Step("POST /orders/{id}/sync (already paid)", "SyncOrderFunction", 1, _sync_paid, 200,
             "POST /orders/{id}/sync"),
        Step("GET /orders/{id}", "GetOrderFunction", 2, s("GetOrderFunction"), 200, "GET /orders/{id}"),
        Step("POST /admin/orders/{id}/ship", "ShipOrderFunction", 1, s("ShipOrderFunction"), 200,
             "POST /admin/orders/{id}/ship"),
        Step("POST /orders/{id}/confirm", "ConfirmOrderFunction", 1, s("ConfirmOrderFunction"), 200,
             "POST /orders/{id}/confirm"),
    ]


def _returning_login(w: Any) -> dict[str, Any]:
    from shop.users import accounts
    from shop.adapters.wechat.miniprogram import WxSession

    accounts.find_or_create_user(WxSession(openid=w.stack.wechat.openid_for("cost-again"), session_key="old"))
    return w.http("POST", "/auth/login", {"code": "cost-again"}, auth=None)


def _sync_paid(w: Any) -> dict[str, Any]:
    """The buyer's /sync after wx.requestPayment, the notification having arrived first."""
    return w.http("POST", f"/orders/{w.paid_order()['order_id']}/sync")


def _idle_tick(w: Any) -> dict[str, Any]:
    """A timers run with nothing due: earlier samples' unpaid orders are cancelled first."""
    from infra.local.gateway import scheduled_event
    from shop.buying import orders

    for item in orders.due(2**40):
        if item["status"] == orders.PENDING:
            orders.cancel_pending(item, reason="user", at=item["deadline_at"])
    return scheduled_event("OrderTimersFunction")


@dataclass
class Measured:
    step: Step
    memory: int
    billed_ms: int = 0
    wall_ms: float = 0.0
    log_bytes: int = 0
    api_units: int = 0
    response_bytes: int = 0       # the answer's body: what leaves AWS as data transfer out
    usage: Usage = field(default_factory=Usage)
    stream_records: float = 0.0   # records passing the GrowthEvents filters, per invocation
    records: list[dict[str, Any]] = field(default_factory=list)
    metrics: set[str] = field(default_factory=set)  # EMF metrics emitted (ColdStart aside)


class Bench:
    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.logs = Tally()
        self.real = sys.stdout, sys.stderr
        sys.stdout = LogCounter(sys.stdout, self.logs, quiet=True)  # before the shop package is imported
        sys.stderr = LogCounter(sys.stderr, self.logs)

        from bench.common import World, start_backends

        self.stack = start_backends()
        self.world = World(self.stack)
        import botocore.session

        from infra.local.streams import RecordFilter, StreamReader
        from shop.adapters import aws, db

        props = self.stack.template.tables()["ShopTable"]
        indexes = {g["IndexName"]: tuple(k["AttributeName"] for k in g["KeySchema"])
                   for g in props.get("GlobalSecondaryIndexes", [])}
        table = db.table()
        self.indexes = {table: indexes}
        side_session = botocore.session.get_session()
        self.side = side_session.create_client("dynamodb")
        self.recorder = Recorder(db.client(), self.side, self.indexes,
                                 {table: tuple(k["AttributeName"] for k in props["KeySchema"])})
        self.stream = StreamReader(self.side, side_session.create_client("dynamodbstreams"), table, "LATEST")
        growth = next(f for f in self.stack.template.functions() if f.logical_id == "GrowthEventsFunction")
        self.accept = RecordFilter(growth.streams[0].filters)
        self.specs = {f.logical_id: f for f in self.stack.template.functions()}
        self.modules: dict[str, Any] = {}
        self._wechat_calls = 0
        from shop.adapters import httpclient

        real = httpclient.request

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._wechat_calls += 1
            return real(*args, **kwargs)

        httpclient.request = counted  # type: ignore[assignment]
        self.aws = aws

    def handler(self, fn: str) -> Callable[..., Any]:
        if fn not in self.modules:
            from infra.local.template import load_module

            self.modules[fn] = load_module(self.specs[fn], prefix="cost")
        return self.modules[fn].lambda_handler

    def _drain_stream(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while batch := self.stream.read():
            out += batch
        return out

    def measure(self, step: Step, events: list[dict[str, Any]] | None = None) -> Measured:
        """1 warm-up run, ``runs`` timed runs, 1 recorded run (units; its time is not used)."""
        from bench.common import status_of
        from infra.local.worker import LambdaContext
        from shop.adapters.observability import metrics

        handler = self.handler(step.function)
        m = Measured(step, self.specs[step.function].memory)
        self.logs.metrics = set()
        billed, walls, logs, passing, units = [], [], [], [], []
        for run in range(self.runs + 2):
            event = events[run] if events is not None else step.make(self.world)
            self._drain_stream()  # what preparing the state wrote is not this request's
            metrics.clear_metrics()  # nor the metrics the domain code added while preparing it
            recorded = run == self.runs + 1
            self.recorder.active = recorded
            self.recorder.usage = Usage()
            self._wechat_calls = 0
            self.logs.bytes = 0
            self.logs.counting = True
            context = LambdaContext(f"cost-{uuid.uuid4()}", int(time.time() * 1000) + 30_000, step.function)
            start = time.perf_counter()
            try:
                result = handler(event, context)
            finally:
                elapsed = time.perf_counter() - start
                self.logs.counting = False
                self.recorder.active = False
            if status_of(result) != step.expect:
                raise SystemExit(f"{step.label}: expected {step.expect}, got {status_of(result)}: {result}")
            records = [r for r in self._drain_stream() if self.accept(r)]
            m.records += records
            if run == 0:
                continue
            passing.append(len(records))
            logs.append(self.logs.bytes)
            if recorded:
                m.usage = self.recorder.usage
                m.usage.wechat = self._wechat_calls
                body = event.get("body") or ""
                units.append(math.ceil(max(len(body) + len(json.dumps(result, default=str)), 1) / (512 * 1024)))
                answer = result.get("body") if isinstance(result, dict) else None
                m.response_bytes = len(str(answer or "").encode()) if step.route else 0
            else:
                walls.append(elapsed * 1000)
                billed.append(math.ceil(elapsed * 1000))
        m.wall_ms = statistics.median(walls)
        m.billed_ms = math.ceil(statistics.median(billed))
        m.log_bytes = int(statistics.median(logs))
        m.stream_records = statistics.median(passing)
        m.api_units = units[0] if step.route else 0
        m.metrics = {k for k in self.logs.metrics if "/ColdStart[" not in k}
        return m

    def stop(self) -> None:
        self.aws.reset()
        self.stack.stop()
        sys.stdout, sys.stderr = self.real

    def table_bytes(self) -> int:
        """What the table holds, items and index entries (called first: the demo shop and the
        bench's own buyer and product)."""
        total = 0
        params: dict[str, Any] = {"TableName": next(iter(self.indexes))}
        while True:
            page = self.side.scan(**params)
            total += sum(stored_bytes(i, next(iter(self.indexes.values()))) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return total
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# ---------------------------------------------------------------- pricing


def price(item: str, region: str) -> float:
    return PRICES[item][REGIONS[region][1]]


@dataclass
class Quantities:
    """What a month uses, before prices."""
    invocations: float = 0.0
    gb_s: float = 0.0
    init_gb_s: float = 0.0
    api_requests: float = 0.0
    rru: float = 0.0
    wru: float = 0.0
    stored_gb: float = 0.0
    secrets: float = 0.0      # secrets held
    secret_calls: float = 0.0
    log_gb: float = 0.0
    traces: float = 0.0
    metrics: float = 0.0


def cost_lines(q: Quantities, region: str) -> list[tuple[str, float]]:
    return [
        ("Lambda requests", q.invocations / 1e6 * price("lambda_request", region)),
        ("Lambda duration (arm64)", q.gb_s * price("lambda_gbs_arm", region)),
        ("Lambda INIT of cold starts (arm64)", q.init_gb_s * price("lambda_gbs_arm", region)),
        ("API Gateway HTTP API", q.api_requests / 1e6 * price("apigw_http", region)),
        ("DynamoDB reads (RRU)", q.rru / 1e6 * price("ddb_rru", region)),
        ("DynamoDB writes (WRU, incl. GSIs)", q.wru / 1e6 * price("ddb_wru", region)),
        ("DynamoDB storage + PITR", q.stored_gb * (price("ddb_storage", region) + price("ddb_pitr", region))),
        ("DynamoDB Streams (Lambda trigger)", 0.0),
        ("Secrets Manager (secret + calls)", q.secrets * price("secret_month", region)
         + q.secret_calls / 1e4 * price("secret_calls", region)),
        ("CloudWatch Logs (ingest + storage)", q.log_gb * (price("logs_ingest", region)
                                                       + LOG_RETENTION_MONTHS * price("logs_storage", region))),
        ("CloudWatch custom metrics (EMF)", q.metrics * price("metric_month", region)),
        ("X-Ray traces", q.traces / 1e6 * price("xray_trace", region)),
        ("EventBridge schedule rule", 0.0),
    ]


def with_free_tier(q: Quantities) -> float:
    """us-east-1 month total after the always-free tier."""
    f = FREE_TIER
    free = Quantities(**vars(q))
    free.invocations = max(q.invocations - f["lambda_request"], 0)
    total_gbs = q.gb_s + q.init_gb_s
    free.gb_s, free.init_gb_s = max(total_gbs - f["lambda_gbs"], 0), 0.0
    free.traces = max(q.traces - f["xray"], 0)
    free.log_gb = max(q.log_gb - f["logs_gb"], 0)
    free.metrics = max(q.metrics - f["metrics"], 0)
    free.stored_gb = q.stored_gb if q.stored_gb > f["ddb_gb"] else 0.0  # PITR is not free; it is ~0 here
    return sum(v for _, v in cost_lines(free, "us-east-1"))


def money(value: float, region: str) -> str:
    symbol = REGIONS[region][0]
    if value == 0:
        return f"{symbol}0"
    if value >= 0.995:
        return f"{symbol}{value:,.2f}"
    if value < 0.00001:
        return f"<{symbol}0.00001"
    return f"{symbol}{value:.{1 - math.floor(math.log10(value))}f}"  # two significant digits


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per request (median); default 5")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    bench = Bench(args.runs)
    from bench.common import out, table

    try:
        idle_bytes = bench.table_bytes()
        measured: list[Measured] = []
        for step in _journey():
            measured.append(bench.measure(step))
        # the stream's consumers, on the very records the journey's requests wrote
        stream_steps = []
        for m in list(measured):
            if m.stream_records and len(m.records) >= args.runs + 2:
                kind = "a new user (gift pack)" if m.step.function == "LoginFunction" else "an order paid"
                step = Step(f"stream: {kind}", "GrowthEventsFunction", m.step.per_order * m.stream_records,
                            lambda w: {})
                events = [{"Records": [r]} for r in m.records[: args.runs + 2]]
                stream_steps.append(bench.measure(step, events))
        measured += stream_steps
        tick = bench.measure(Step("scheduled: OrderTimers, nothing due", "OrderTimersFunction", 0, _idle_tick))
    finally:
        bench.stop()

    # ---- quantities
    cold = COLD_START_SHARE
    orders = Quantities()
    for m in measured:
        n = m.step.per_order * ORDERS
        orders.invocations += n
        orders.gb_s += n * m.billed_ms / 1000 * m.memory / 1024
        orders.init_gb_s += n * cold * INIT_MS / 1000 * m.memory / 1024
        orders.rru += n * m.usage.rru
        orders.wru += n * m.usage.wru
        orders.stored_gb += n * m.usage.stored / 1e9
        orders.traces += n
        orders.log_gb += n * (m.log_bytes + PLATFORM_BYTES) / 1e9
        if m.step.route:
            orders.api_requests += n * m.api_units
            orders.log_gb += n * access_log_bytes(m.step.route, m.step.expect) / 1e9
        if m.step.function in SECRET_FUNCTIONS:
            orders.secret_calls += n * cold
    metrics_journey = set().union(*(m.metrics for m in measured))
    orders.metrics = len(metrics_journey)

    idle = Quantities(secrets=1)
    n = TIMERS_PER_MONTH
    recycles = 30 * 24 / TIMERS_RECYCLE_HOURS
    idle.invocations = n
    idle.gb_s = n * tick.billed_ms / 1000 * tick.memory / 1024
    idle.init_gb_s = recycles * INIT_MS / 1000 * tick.memory / 1024
    idle.rru = n * tick.usage.rru
    idle.wru = n * tick.usage.wru
    idle.traces = n
    idle.log_gb = n * (tick.log_bytes + PLATFORM_BYTES) / 1e9
    idle.secret_calls = 30 * 24 * 3600 / SECRET_MAX_AGE_S + recycles
    idle.stored_gb = idle_bytes / 1e9
    idle.metrics = len(tick.metrics)  # published every minute, all month
    month = Quantities(**{k: getattr(idle, k) + getattr(orders, k) for k in vars(idle)})
    month.metrics = len(metrics_journey | tick.metrics)

    # ---- tables
    out(f"\nCost model (bench/cost.py): prices taken {PRICES_TAKEN}, {PRICES_NOTE}; free tier NOT applied "
        "unless said.\n")
    out("Assumptions:")
    for a in ASSUMPTIONS:
        out(f"- {a}")

    out(f"\nPer request, measured (warm, median of {args.runs} runs in-process against moto; RRU/WRU from the "
        "items' sizes by DynamoDB's rules)\n")
    rows = []
    for m in measured + [tick]:
        rows.append([m.step.label, m.step.function, m.memory, f"{m.step.per_order:g}" if m.step.per_order else "-",
                     f"{m.wall_ms:.1f}", m.billed_ms, m.usage.trips, f"{m.usage.rru:g}", f"{m.usage.wru:g}",
                     f"{m.usage.gsi_wru:g}", m.log_bytes, m.usage.wechat, f"{m.stream_records:g}"])
    out(table(["request", "function", "MB", "per order", "ms", "billed ms", "DDB calls", "RRU", "WRU", "of which GSI",
               "log bytes", "WeChat calls", "stream records"], rows))
    per_order = Quantities(**{k: getattr(orders, k) / ORDERS for k in vars(orders)})
    out_kb = sum(m.step.per_order * m.response_bytes for m in measured) / 1024
    gsi_share = sum(m.step.per_order * m.usage.gsi_wru for m in measured) / max(per_order.wru, 1e-9)
    out(f"\nPer order: {per_order.invocations:.1f} invocations ({per_order.api_requests:.1f} API requests), "
        f"{per_order.gb_s * 1000:.1f} GB-ms, {per_order.rru:.1f} RRU, {per_order.wru:.1f} WRU "
        f"({gsi_share:.0%} of them index writes), "
        f"{per_order.log_gb * 1e9 / 1024:.1f} KB of logs, {per_order.stored_gb * 1e9 / 1024:.1f} KB stored, "
        f"{out_kb:.1f} KB of response bodies; Lambda's own log lines {PLATFORM_BYTES} B per invocation")

    regions = list(REGIONS)
    lines = {r: {"orders": cost_lines(orders, r), "idle": cost_lines(idle, r), "month": cost_lines(month, r)}
             for r in regions}
    out(f"\n{ORDERS:,} orders, by service (on top of the idle month)\n")
    rows = [[name] + [money(lines[r]["orders"][i][1], r) for r in regions]
            for i, (name, _) in enumerate(lines[regions[0]]["orders"])]
    totals = {r: {k: sum(v for _, v in lines[r][k]) for k in ("orders", "idle", "month")} for r in regions}
    rows.append(["total"] + [money(totals[r]["orders"], r) for r in regions])
    rows.append(["per order"] + [money(totals[r]["orders"] / ORDERS, r) for r in regions])
    out(table(["service", *regions], rows))

    out("\nIdle month (nobody shops: OrderTimers every minute, the secret, the demo shop's data)\n")
    rows = [[name] + [money(lines[r]["idle"][i][1], r) for r in regions]
            for i, (name, _) in enumerate(lines[regions[0]]["idle"])]
    rows.append(["total"] + [money(totals[r]["idle"], r) for r in regions])
    out(table(["service", *regions], rows))

    low, high = SAAS_CNY_PER_YEAR
    out("\nCompared with a SaaS fee of ¥3,000-20,000 a year (¥250-1,667 a month)\n")
    rows = []
    for label, key in (("idle month", "idle"), (f"month with {ORDERS:,} orders", "month")):
        usd, cny = totals["us-east-1"][key], totals["cn-north-1"][key]
        rows.append([label, money(usd, "us-east-1"), money(cny, "cn-north-1"),
                     f"{cny * 12:,.0f}", f"{cny * 12 / high:.1%} - {cny * 12 / low:.1%}"])
    out(table(["month", "us-east-1", "cn-north-1", "cn-north-1 x 12 (¥/year)", "of the SaaS fee"], rows))
    out(f"\nus-east-1 with the always-free tier applied: idle month {money(with_free_tier(idle), 'us-east-1')}, "
        f"month with {ORDERS:,} orders {money(with_free_tier(month), 'us-east-1')}.")
    slow = Quantities(**vars(orders))
    slow.gb_s *= 10
    out(f"Sensitivity: every handler 10x slower on Lambda (a fraction of a vCPU at 512 MB, real network) makes "
        f"{ORDERS:,} orders {money(sum(v for _, v in cost_lines(slow, 'us-east-1')), 'us-east-1')} / "
        f"{money(sum(v for _, v in cost_lines(slow, 'cn-north-1')), 'cn-north-1')}.")
    names = sorted({k.split("/")[1].split("[")[0] for k in metrics_journey | tick.metrics})
    out(f"Custom metrics emitted: {month.metrics} ({', '.join(names)}); Powertools' ColdStart metric, one per "
        "function, is not counted (published only in hours with a cold start; hourly-prorated).")
    out(f"\nLeaves out: data transfer out to the internet ({out_kb * ORDERS / 1024 / 1024:.2f} GB of response "
        "bodies per 10,000 orders, measured, plus headers and TLS: inside us-east-1's free 100 GB a month, "
        "priced per GB in China), WeChat Pay's 0.6% fee on every payment (¥60 per ¥10,000 of sales - "
        "the largest cost of all, and a SaaS shop pays it too), CloudWatch alarms and dashboards, "
        "a custom domain (Route 53 zone $0.50/month, ICP filing in China), ACM (free), "
        "KMS (the table and the secret use AWS-owned/managed keys), SQS (the failure queue is empty), "
        "the IdempotencyTable (empty), CloudTrail, deployment (CloudFormation, S3 for artifacts), "
        "support plans, and the mini-program's own hosting (WeChat's).")
    out(f"\nPrices used (taken {PRICES_TAKEN}; check them against the pages before quoting)\n")
    plain = lambda v: f"{v:.10f}".rstrip("0").rstrip(".")  # noqa: E731
    out(table(["item", "unit", "us-east-1 (USD)", "cn-north-1 (CNY)", "source"],
              [[name, unit, plain(usd), plain(cny), source] for name, (unit, usd, cny, source) in PRICES.items()]))
    out(f"\n(ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
