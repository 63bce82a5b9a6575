"""What the analytics path costs: per million client events, per 10,000 orders, and the dashboard's
DynamoDB round trips - from what the real handlers do, measured as bench/cost.py measures.

- POST /events: ``--batches`` batches of 20 events (bench.analytics_samples.event_batch) from
  visitors who send 1-5 batches each (uniform, fixed seed: about two batches in three are a
  returning visitor's), in shuffled order, through ClientEventsFunction in this process against
  moto. Every DynamoDB call is priced by bench/cost.py's Recorder (item sizes by DynamoDB's rules,
  transactional writes doubled, BatchGetItem per item), every Firehose PutRecord is sized.
- The table's stream: the records those requests wrote are read back, run through
  AggregateStatsFunction's FilterCriteria from template.yaml, and handed to it as its event source
  mapping would. Three traffic shapes, because the mapping's batching window (1 s) decides how
  many records an invocation gets: "busy" - full batches of 100 records (BatchSize: 100 or more
  batches a second), "moderate" - 10 records per invocation, and "quiet" - one record per
  invocation (a batch every few seconds or less often; a million events a month evenly spread is
  one batch every ~52 s). Moderate and quiet each run on a further quarter of ``--batches`` from new
  visitors. X-Ray's default sampling (the first request each second, 5% of the rest) follows the
  shape's rate.
- Lambda: wall time of each invocation, less the time the Recorder's own item look-ups took,
  rounded up to 1 ms, at the function's MemorySize (arm64); cold starts as bench/cost.py assumes.
- Firehose: billed per record rounded up to 5 KB; S3: one object per buffer flush (see FIREHOSE_*).
- CloudWatch Logs: what the handlers wrote + Lambda's lines (bench/cost.py's PLATFORM_BYTES) + the
  HTTP API's access log line; stored for the log groups' prod retention.
- Orders: World.paid_order() for buyers of whom bench/cost.py's NEW_BUYER_SHARE pay for the first
  time (the others paid before, on another day); their stream records (order placed, order paid,
  the first payment on the profile) through the same filter, busy and quiet as above.
- The dashboard: facts counted into a realistic day (24 hours x 4 shards, 300 products) and a year
  of day totals (see realistic_counters), then GET /admin/dashboard for the day and for 366 days; round trips counted on the
  DynamoDB client's before-send events.

Prices: bench/cost.py's PRICES (taken PRICES_TAKEN), plus Firehose and S3 below in the same shape.
The handlers run on this machine (x86, shared cores) against loopback moto: durations differ from
Lambda's; the sensitivity line has them 10x longer.

  python -m bench.analytics [--batches 500] [--orders 200]
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import cost
from bench.cost import PLATFORM_BYTES, PRICES, PRICES_NOTE, PRICES_TAKEN, Recorder, Usage, access_log_bytes, money

# ---------------------------------------------------------------- prices (bench/cost.py's, extended)

# Same shape as cost.PRICES: (unit, us-east-1 USD, cn-north-1 CNY, source page / note); written down
# from the pricing pages as of cost.PRICES_TAKEN, with cost.PRICES_NOTE's caveat.
EXTRA_PRICES: dict[str, tuple[str, float, float, str]] = {
    "firehose_gb": ("per GB ingested (Direct PUT, first 500 TB; each record rounded up to 5 KB)", 0.029, 0.029 * 7.2,
                    "aws.amazon.com/firehose/pricing; cn est. = USD x 7.2"),
    "s3_put": ("per 1,000 PUT requests (S3 Standard)", 0.005, 0.005 * 7.2,
               "aws.amazon.com/s3/pricing; cn est. = USD x 7.2"),
}
ALL_PRICES = {**PRICES, **{k: v for k, v in EXTRA_PRICES.items() if k not in PRICES}}
REGION = "us-east-1"


def usd(item: str) -> float:
    return ALL_PRICES[item][1]


# ---------------------------------------------------------------- assumptions

EVENTS_PER_MILLION = 1_000_000
ORDERS = 10_000
GOAL_USD_PER_MILLION = 0.50
BATCHES_PER_VISITOR = (1, 5)      # uniform: each visitor sends 1-5 batches
STREAM_BATCH = 100                # AggregateStats' BatchSize in template.yaml
SHAPES = (("busy", STREAM_BATCH), ("moderate", 10), ("quiet", 1))  # stream records per invocation
# event batches a second in each shape: how many hourly roll-ups (RollupStatsFunction) a million events span
SHAPE_RATES = {"busy": 100.0, "moderate": 10.0, "quiet": 1 / 52}
# each hourly run reads the markers of today and yesterday: a marker is read by the runs of the rest of
# its day (12 on average) and by the 24 of the next day (and by three more just after midnight)
ROLLUP_READS_PER_MARKER = 12 + 24 + 3
XRAY_RESERVOIR, XRAY_RATE = 1, 0.05  # X-Ray's default rule: 1 request a second, then 5%
SEED = 20241101
FIREHOSE_UNIT = 5 * 1024          # Firehose bills each record rounded up to 5 KB
GB = 1024 ** 3
FIREHOSE_BUFFER_S = 300           # template.yaml: BufferingHints IntervalInSeconds / SizeInMBs
FIREHOSE_BUFFER_MB = 64
BUSY_HOURS_PER_DAY = 16           # the mini-program's traffic: 08:00-24:00 Beijing time
DAYS_PER_MONTH = 30
LOG_MONTHS_FUNCTIONS = 1          # AnalyticsLogs: RetentionInDays 30 in prod
LOG_MONTHS_ACCESS = 6             # ApiAccessLogs: RetentionInDays 180 in prod
DAY_PRODUCTS = 300                # products seen on the realistic dashboard day
RANGE_DAYS = 366


def firehose_billed_bytes(record_bytes: int) -> int:
    """What Firehose bills for one record: its size rounded up to the next 5 KB, at least 5 KB."""
    return max(math.ceil(record_bytes / FIREHOSE_UNIT), 1) * FIREHOSE_UNIT


def s3_objects_per_month(raw_bytes_per_month: float) -> int:
    """Objects Firehose writes in a month: one per buffer flush - every FIREHOSE_BUFFER_S seconds of
    the busy hours in which data arrived, or every FIREHOSE_BUFFER_MB of data, whichever is more."""
    by_time = DAYS_PER_MONTH * BUSY_HOURS_PER_DAY * 3600 // FIREHOSE_BUFFER_S
    by_size = math.ceil(raw_bytes_per_month / (FIREHOSE_BUFFER_MB * 1024 * 1024))
    return max(by_time, by_size)


def tracing_active(function: str) -> bool:
    """Whether template.yaml traces ``function`` with X-Ray (its own Tracing, else the Globals')."""
    from infra.local.template import Template

    template = Template()
    own = template.resources[function]["Properties"].get("Tracing")
    return (own or template.raw["Globals"]["Function"].get("Tracing")) == "Active"


def xray_share(per_second: float) -> float:
    """The share of invocations X-Ray's default sampling rule records at ``per_second`` a second."""
    if per_second <= XRAY_RESERVOIR:
        return 1.0
    return (XRAY_RESERVOIR + XRAY_RATE * (per_second - XRAY_RESERVOIR)) / per_second


def visitor_mix(batches: int, rng: random.Random, first: int = 0) -> list[int]:
    """Visitor numbers for ``batches`` batches: each visitor sends 1-5, in shuffled order."""
    out: list[int] = []
    visitor = first
    while len(out) < batches:
        out += [visitor] * rng.randint(*BATCHES_PER_VISITOR)
        visitor += 1
    out = out[:batches]
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------- measuring


class TimedRecorder(Recorder):
    """cost.Recorder that also adds up the time its own item look-ups take (subtracted from the
    handler's wall time, so one recorded run is also the timed one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.spent = 0.0
        self.refused = 0       # TransactWriteItems cancelled by a condition
        self.transactions = 0
        super().__init__(*args, **kwargs)

    def _before(self, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            super()._before(**kwargs)
        finally:
            self.spent += time.perf_counter() - start

    def _after(self, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            if self.active and kwargs["model"].name == "TransactWriteItems":
                self.transactions += 1
                self.refused += "Error" in kwargs["parsed"]
            super()._after(**kwargs)
        finally:
            self.spent += time.perf_counter() - start


@dataclass
class Run:
    """What a number of invocations of one function used, summed."""
    function: str
    memory: int
    invocations: int = 0
    billed_ms: int = 0
    walls: list[float] = field(default_factory=list)
    log_bytes: int = 0
    usage: Usage = field(default_factory=Usage)
    transactions: int = 0
    refused: int = 0
    firehose_records: int = 0
    firehose_bytes: int = 0
    firehose_billed: int = 0
    raw: list[bytes] = field(default_factory=list)
    records: int = 0           # stream records handed over (AggregateStats)

    @property
    def gb_s(self) -> float:
        return self.billed_ms / 1000 * self.memory / 1024


class Analytics:
    def __init__(self) -> None:
        self.bench = cost.Bench(runs=1)  # LogCounter, moto + simulator, World, Recorder, stream reader
        self.stack, self.world = self.bench.stack, self.bench.world
        from infra.local.streams import RecordFilter
        from shop.adapters import aws, db

        self.bench.recorder.active = False  # replaced by one that also times itself
        old = self.bench.recorder
        self.recorder = TimedRecorder(db.client(), old.side, old.indexes, old.keys)
        specs = self.bench.specs
        aggregate = specs["AggregateStatsFunction"]
        self.accept = RecordFilter(aggregate.streams[0].filters)
        # every other consumer of the table's stream, to show none of them is handed these records
        self.others = {f.logical_id: RecordFilter(s.filters) for f in specs.values() for s in f.streams
                       if f.logical_id != "AggregateStatsFunction"}
        import os

        env = self.stack.function_environment(specs["ClientEventsFunction"])
        os.environ["EVENTS_DELIVERY_STREAM"] = env["EVENTS_DELIVERY_STREAM"]
        self.firehose: list[bytes] = []
        aws.client("firehose").meta.events.register(
            "before-parameter-build.firehose.PutRecord", lambda params, **_: self.firehose.append(params["Record"]["Data"]))
        self.trips = 0
        db.client().meta.events.register("before-send.dynamodb", self._sent)

    def _sent(self, **_: Any) -> None:
        self.trips += 1

    def invoke(self, run: Run, event: dict[str, Any], expect: int | None = None) -> Any:
        from bench.common import status_of
        from infra.local.worker import LambdaContext
        from shop.adapters.observability import metrics

        handler = self.bench.handler(run.function)
        metrics.clear_metrics()
        rec, logs = self.recorder, self.bench.logs
        rec.usage, rec.spent, rec.transactions, rec.refused = Usage(), 0.0, 0, 0
        self.firehose.clear()
        logs.bytes, logs.counting, rec.active = 0, True, True
        context = LambdaContext(f"analytics-{uuid.uuid4()}", int(time.time() * 1000) + 60_000, run.function)
        start = time.perf_counter()
        try:
            result = handler(event, context)
        finally:
            elapsed = time.perf_counter() - start
            logs.counting, rec.active = False, False
        if expect is not None and status_of(result) != expect:
            raise SystemExit(f"{run.function}: expected {expect}, got {status_of(result)}: {result}")
        if expect is None and result.get("batchItemFailures"):
            raise SystemExit(f"{run.function}: records failed: {result}")
        ms = max(elapsed - rec.spent, 0) * 1000
        run.invocations += 1
        run.walls.append(ms)
        run.billed_ms += max(math.ceil(ms), 1)
        run.log_bytes += logs.bytes
        run.usage.add(rec.usage)
        run.transactions += rec.transactions
        run.refused += rec.refused
        for data in self.firehose:
            run.firehose_records += 1
            run.firehose_bytes += len(data)
            run.firehose_billed += firehose_billed_bytes(len(data))
            run.raw.append(data)
        return result

    def new_run(self, function: str) -> Run:
        return Run(function, self.bench.specs[function].memory)

    def stream_records(self) -> list[dict[str, Any]]:
        return self.bench._drain_stream()

    def deliver(self, run: Run, records: list[dict[str, Any]], size: int) -> None:
        for start in range(0, len(records), size):
            chunk = records[start:start + size]
            run.records += len(chunk)
            self.invoke(run, {"Records": chunk})

    def send_batches(self, run: Run, visitors: list[int]) -> list[dict[str, Any]]:
        """POST /events for each visitor's batch; the stream records AggregateStats would be given."""
        from bench.analytics_samples import event_batch

        self.stream_records()  # what came before is not these requests'
        for visitor in visitors:
            self.invoke(run, self.world.http("POST", "/events", event_batch(visitor), auth=None), expect=202)
        records = self.stream_records()
        for name, accept in self.others.items():
            if any(accept(r) for r in records):
                raise SystemExit(f"{name}'s filter also takes these records: price it too")
        return [r for r in records if self.accept(r)]

    def stop(self) -> None:
        self.bench.stop()


# ---------------------------------------------------------------- orders


def order_records(a: Analytics, orders: int, rng: random.Random) -> tuple[list[dict[str, Any]], int]:
    """Stream records (through the filter) of ``orders`` paid orders, and how many first payments:
    NEW_BUYER_SHARE of the buyers pay for the first time, the others paid before (records dropped,
    never counted - as if on another day). A buyer's sign-up (the profile's INSERT) is the login's
    fact, not the order's: left out."""
    from shop.buying import payments

    w = a.world
    own = w.user_id
    buyers = []
    for _ in range(orders):
        user_id = w.new_buyer()[0]
        if rng.random() >= cost.NEW_BUYER_SHARE:
            w.user_id = user_id
            w.paid_order()  # an earlier payment: sets first_paid_at
        buyers.append(user_id)
    a.stream_records()  # the earlier payments and sign-ups are not these orders'
    first = 0
    for user_id in buyers:
        w.user_id = user_id
        order = w.pending_order()
        w.stack.wechat.pay.pay(out_trade_no=order["order_id"], notify=False)  # type: ignore[union-attr]
        payments.sync(order)
    w.user_id = own
    out = []
    for r in a.stream_records():
        if not a.accept(r):
            continue
        image = r["dynamodb"].get("NewImage", {})
        if image.get("type", {}).get("S") == "user" and r["eventName"] == "INSERT":
            continue
        first += image.get("type", {}).get("S") == "user"
        out.append(r)
    return out, first


# ---------------------------------------------------------------- the dashboard


def realistic_counters(day: str, rng: random.Random) -> None:
    """A busy shop's counters, so the dashboard reads what it would read: ``day`` through facts
    counted by shop.analytics.counters.apply and shop.analytics.rollup.run (not measured) - all 24
    hours, most of their 4 shards, DAY_PRODUCTS products - and the RANGE_DAYS days before it as the
    roll-up's day totals (``STATSDAY#<year>`` / ``<day>``), put directly: counting a year of facts
    through moto's transactions would take minutes and read the same."""
    from shop.adapters import db
    from shop.adapters.clock import SHANGHAI, now_utc
    from shop.analytics import counters, rollup
    from shop.analytics.aggregate import Contribution

    start = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI)
    facts = []
    for n in range(DAY_PRODUCTS):  # the day: traffic and payments in every hour, each fact its product
        at = start + timedelta(hours=n % 24, minutes=rng.randrange(60))
        product = f"p-day-{n:03d}"
        paid = int(n % 5 == 0)
        facts.append(Contribution(key=f"bench#{uuid.uuid4().hex}", at=at.astimezone(UTC),
                                  counts={"visits": 1, "product_views": 3, "cart_adds": 1, "visits_src_share": 1,
                                          "paid_orders": paid, "pay_amount": 9900 * paid},
                                  products={product: {"units": paid, "amount": 9900 * paid}} if paid else {},
                                  viewed={product: {"views": 3}}, titles={product: f"基准商品 {product}"}))
    counters.apply(facts)
    rollup.run(now_utc())
    puts = []
    for back in range(1, RANGE_DAYS + 1):
        other = (start - timedelta(days=back)).date().isoformat()
        counts = {"visits": 800 + back % 50, "visitors": 360, "product_views": 2400, "cart_adds": 160, "orders": 48,
                  "order_amount": 475_200, "order_buyers": 44, "paid_orders": 40, "pay_amount": 396_000,
                  "pay_buyers": 36, "new_buyers": 12, "new_users": 20, "visits_src_share": 240,
                  "visitors_src_share": 120}
        puts.append({"PutRequest": {"Item": {"PK": {"S": f"STATSDAY#{other[:4]}"}, "SK": {"S": other},
                                             "total": {"N": str(sum(counts.values()))},
                                             **{k: {"N": str(v)} for k, v in counts.items()}}}})
    for begin in range(0, len(puts), 25):
        db.client().batch_write_item(RequestItems={db.table(): puts[begin:begin + 25]})


def dashboard_rows(a: Analytics, rng: random.Random) -> tuple[list[list[Any]], bool]:
    from shop.adapters import db
    from shop.adapters.clock import business_day

    today = business_day()
    realistic_counters(today.isoformat(), rng)
    table = db.table()
    parts = {"day": a.bench.side.query(TableName=table, Select="COUNT", KeyConditionExpression="PK = :pk",
                                       ExpressionAttributeValues={":pk": {"S": f"STATS#{today.isoformat()}"}})["Count"]}
    first = today - timedelta(days=RANGE_DAYS - 1)
    cases = [
        (f"a day ({parts['day']} counter items: hours x shards + products)", f"/admin/dashboard?day={today}", 2),
        # the staff check + one Query per calendar year touched (<= 2), each at most 2 pages, + yesterday's
        # and today's day Query (their totals are not rolled up yet)
        (f"{RANGE_DAYS} days ({first} .. {today})", f"/admin/dashboard?from={first}&to={today}", 1 + 2 * 2 + 2),
    ]
    rows, ok = [], True
    for label, path, bound in cases:
        run = a.new_run("DashboardFunction")
        event = a.world.http("GET", path, auth="merchant")
        a.invoke(run, event, expect=200)  # warm
        run = a.new_run("DashboardFunction")
        before = a.trips
        result = a.invoke(run, event, expect=200)
        trips = a.trips - before
        good = trips <= bound
        ok &= good
        rows.append([label, trips, f"<= {bound}", "ok" if good else "OVER", f"{run.usage.rru:g}",
                     f"{len(result['body']) / 1024:.1f}"])
    return rows, ok


# ---------------------------------------------------------------- the hourly roll-up


def rollup_run(a: Analytics) -> tuple[Run, int]:
    """One RollupStatsFunction run over everything the shapes and orders counted today, measured; and
    how many fact markers it read."""
    from infra.local.gateway import scheduled_event
    from shop.adapters import db
    from shop.adapters.clock import business_day
    from shop.analytics.counters import FACT_SHARDS, fact_partition

    day = business_day().isoformat()
    markers = sum(a.bench.side.query(TableName=db.table(), Select="COUNT", KeyConditionExpression="PK = :pk",
                                     ExpressionAttributeValues={":pk": {"S": fact_partition(day, shard)}})["Count"]
                  for shard in range(FACT_SHARDS))
    run = a.new_run("RollupStatsFunction")
    a.invoke(run, scheduled_event("RollupStatsFunction"))
    return run, markers


def add_rollup(b: Bill, roll: Run, markers: int, shape: str) -> None:
    """The roll-up's share of a million events in ``shape``: its reads and time per marker, times the
    reads each batch's marker gets; its writes, request and cold start per run, times the runs."""
    from bench.analytics_samples import BATCH_EVENTS

    batches = EVENTS_PER_MILLION / BATCH_EVENTS
    per_marker = ROLLUP_READS_PER_MARKER * batches / max(markers, 1)
    runs = max(1, math.ceil(batches / (SHAPE_RATES[shape] * 3600)))
    b.rru += roll.usage.rru * per_marker
    b.gb_s += roll.gb_s * per_marker
    b.wru += roll.usage.wru * runs
    b.requests += runs
    b.init_gb_s += runs * cost.INIT_MS / 1000 * roll.memory / 1024
    b.log_gb_fn += runs * (roll.log_bytes + PLATFORM_BYTES) / 1e9


# ---------------------------------------------------------------- pricing


@dataclass
class Bill:
    """Quantities for a number of invocations, before prices."""
    requests: float = 0.0
    gb_s: float = 0.0
    init_gb_s: float = 0.0
    api: float = 0.0
    rru: float = 0.0
    wru: float = 0.0
    firehose_gb: float = 0.0
    s3_puts: float = 0.0
    log_gb_fn: float = 0.0
    log_gb_access: float = 0.0
    traces: float = 0.0

    def add_run(self, run: Run, scale: float, *, api: bool = False, traced: float = 1.0) -> None:
        n = run.invocations * scale
        self.requests += n
        self.gb_s += run.gb_s * scale
        self.init_gb_s += n * cost.COLD_START_SHARE * cost.INIT_MS / 1000 * run.memory / 1024
        self.rru += run.usage.rru * scale
        self.wru += run.usage.wru * scale
        self.firehose_gb += run.firehose_billed * scale / GB
        self.log_gb_fn += (run.log_bytes + run.invocations * PLATFORM_BYTES) * scale / 1e9
        self.traces += n * traced
        if api:
            self.api += n
            self.log_gb_access += n * access_log_bytes("POST /events", 202) / 1e9


def bill_lines(b: Bill) -> list[tuple[str, float]]:
    logs = (b.log_gb_fn * (usd("logs_ingest") + LOG_MONTHS_FUNCTIONS * usd("logs_storage"))
            + b.log_gb_access * (usd("logs_ingest") + LOG_MONTHS_ACCESS * usd("logs_storage")))
    return [
        ("Lambda requests", b.requests / 1e6 * usd("lambda_request")),
        ("Lambda duration (arm64)", b.gb_s * usd("lambda_gbs_arm")),
        ("Lambda INIT of cold starts (arm64)", b.init_gb_s * usd("lambda_gbs_arm")),
        ("API Gateway HTTP API", b.api / 1e6 * usd("apigw_http")),
        ("DynamoDB reads (RRU)", b.rru / 1e6 * usd("ddb_rru")),
        ("DynamoDB writes (WRU)", b.wru / 1e6 * usd("ddb_wru")),
        ("DynamoDB Streams (Lambda trigger)", 0.0),
        ("Firehose ingestion (5 KB per record)", b.firehose_gb * usd("firehose_gb")),
        ("S3 PUTs (Firehose objects)", b.s3_puts / 1000 * usd("s3_put")),
        ("CloudWatch Logs (ingest + storage)", logs),
        ("X-Ray traces", b.traces / 1e6 * usd("xray_trace")),
    ]


def total(b: Bill) -> float:
    return sum(v for _, v in bill_lines(b))


def slower(b: Bill, factor: float = 10) -> Bill:
    s = Bill(**vars(b))
    s.gb_s *= factor
    return s


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=500, help="event batches of 20 (busy); default 500")
    parser.add_argument("--orders", type=int, default=200, help="paid orders (busy); default 200")
    args = parser.parse_args(argv)
    more_batches, quiet_orders = max(args.batches // 4, 20), max(args.orders // 4, 10)
    started = time.perf_counter()
    rng = random.Random(SEED)

    def say(text: str) -> None:  # progress, past the LogCounter
        sys.__stderr__.write(f"[bench.analytics {time.perf_counter() - started:5.0f} s] {text}\n")

    a = Analytics()
    from bench.analytics_samples import BATCH_EVENTS
    from bench.common import out, table
    from shop.adapters.observability import logger

    logger.setLevel("INFO")  # the template's LogLevel default (start_backends quiets this process)
    try:
        # warm both handlers on records that are then thrown away
        warm = a.new_run("ClientEventsFunction")
        a.deliver(a.new_run("AggregateStatsFunction"), a.send_batches(warm, [10**6 + 1, 10**6 + 1]), STREAM_BATCH)
        a.stream_records()

        events = a.new_run("ClientEventsFunction")
        shapes: dict[str, tuple[int, list[int], Run]] = {}  # shape: (records per invocation, visitors, run)
        first = 0
        for shape, size in SHAPES:
            batches = args.batches if size == STREAM_BATCH else more_batches
            say(f"{batches} event batches, {shape} ({size} per stream invocation) ...")
            visitors = visitor_mix(batches, rng, first=first)
            first = max(visitors) + 1
            records = a.send_batches(events, visitors)
            agg = a.new_run("AggregateStatsFunction")
            a.deliver(agg, records, size)
            a.stream_records()
            shapes[shape] = (size, visitors, agg)

        say(f"{args.orders} + {quiet_orders} orders ...")
        o_busy_records, o_busy_first = order_records(a, args.orders, rng)
        o_busy = a.new_run("AggregateStatsFunction")
        a.deliver(o_busy, o_busy_records, STREAM_BATCH)
        a.stream_records()
        o_quiet_records, o_quiet_first = order_records(a, quiet_orders, rng)
        o_quiet = a.new_run("AggregateStatsFunction")
        a.deliver(o_quiet, o_quiet_records, 1)
        a.stream_records()

        say("the hourly roll-up ...")
        roll, markers = rollup_run(a)

        say("dashboard ...")
        dash_rows, dash_ok = dashboard_rows(a, rng)
    finally:
        a.stop()

    # ---- per million events
    sent = events.invocations * BATCH_EVENTS
    scale_events = EVENTS_PER_MILLION / sent
    raw_per_million = events.firehose_bytes * scale_events
    gz = len(gzip.compress(b"".join(events.raw), compresslevel=6)) / max(events.firehose_bytes, 1)
    bills: dict[str, Bill] = {}
    traced: dict[str, float] = {}
    for shape, (size, visitors, agg) in shapes.items():
        # a full window of `size` records a second is `size` POST /events a second + 1 AggregateStats
        traced[shape] = xray_share(size + 1) if size > 1 else 1.0
        b = Bill()
        b.add_run(events, scale_events, api=True, traced=traced[shape] if tracing_active(events.function) else 0.0)
        # AggregateStats per event batch of this shape, times the batches of a million events
        b.add_run(agg, EVENTS_PER_MILLION / BATCH_EVENTS / len(visitors),
                  traced=traced[shape] if tracing_active(agg.function) else 0.0)
        b.s3_puts = s3_objects_per_month(raw_per_million)
        add_rollup(b, roll, markers, shape)
        bills[shape] = b
    heads = [f"{shape} ({size} record{'s' if size > 1 else ''} / invocation)" for shape, (size, _, _) in shapes.items()]

    busy_visitors = shapes["busy"][1]
    out(f"\nAnalytics cost (bench/analytics.py): prices taken {PRICES_TAKEN}, {PRICES_NOTE}; us-east-1, "
        "free tier NOT applied.\n")
    out("Assumptions:")
    for line in [
        f"{args.batches} batches of {BATCH_EVENTS} events (bench.analytics_samples.event_batch) from "
        f"{len(set(busy_visitors))} visitors sending {BATCHES_PER_VISITOR[0]}-{BATCHES_PER_VISITOR[1]} batches each "
        f"({1 - len(set(busy_visitors)) / args.batches:.0%} of batches are a returning visitor's), shuffled; the "
        f"moderate and quiet shapes on {more_batches} more batches each, from new visitors of the same mix",
        "AggregateStats is handed the records as its event source mapping would (BatchSize 100, batching window 1 s): "
        "busy = full batches of 100 (100+ event batches a second, a flash sale), moderate = 10, quiet = 1 (a batch "
        "every few seconds or less often; a million events a month evenly spread is one batch every ~52 s)",
        "X-Ray: ClientEvents and AggregateStats are not traced (Tracing: PassThrough in template.yaml)"
        if not tracing_active("ClientEventsFunction") and not tracing_active("AggregateStatsFunction") else
        f"X-Ray (Tracing: Active) keeps the first request each second and {XRAY_RATE:.0%} of the rest: "
        + ", ".join(f"{shape} {share:.1%} of invocations" for shape, share in traced.items()),
        f"{cost.COLD_START_SHARE:.0%} of invocations are cold starts billed {cost.INIT_MS} ms of INIT (as bench/cost.py)",
        f"Firehose: each PutRecord billed rounded up to 5 KB; S3: one object per {FIREHOSE_BUFFER_S} s buffer "
        f"({FIREHOSE_BUFFER_MB} MB takes far longer to fill) during {BUSY_HOURS_PER_DAY} busy hours a day for "
        f"{DAYS_PER_MONTH} days = {s3_objects_per_month(0):,} objects a month, i.e. the million events are a month's "
        f"traffic (at most {DAYS_PER_MONTH * 24 * 3600 // FIREHOSE_BUFFER_S:,} if traffic never stops; the S3 line "
        "does not grow with events until 64 MB arrive within 300 s)",
        f"logs at the template's LogLevel (INFO): the analytics log group kept {LOG_MONTHS_FUNCTIONS} month, the API "
        f"access log {LOG_MONTHS_ACCESS} months (prod retention), stored uncompressed (an upper bound)",
    ]:
        out(f"- {line}")

    out("\nMeasured (in-process against moto; RRU/WRU from the items' sizes by DynamoDB's rules; ms less the "
        "bench's own item look-ups)\n")
    rows = []
    runs = [("POST /events (20 events)", events)] + [(f"stream, {shape} (event batches)", agg)
                                                      for shape, (_, _, agg) in shapes.items()]
    runs += [("stream, busy (orders)", o_busy), ("stream, quiet (orders)", o_quiet),
             (f"hourly roll-up ({markers} markers)", roll)]
    for label, run in runs:
        per = max(run.invocations, 1)
        rows.append([label, run.function, run.memory, run.invocations, run.records or "-",
                     f"{statistics.median(run.walls):.1f}", f"{run.billed_ms / per:.1f}", f"{run.usage.trips / per:.2f}",
                     f"{run.usage.rru / per:.2f}", f"{run.usage.wru / per:.2f}",
                     f"{run.transactions}/{run.refused}" if run.transactions else "-",
                     f"{run.log_bytes / per:.0f}",
                     f"{run.firehose_bytes / run.firehose_records:.0f}" if run.firehose_records else "-"])
    out(table(["work", "function", "MB", "invocations", "records", "median ms", "billed ms / inv.",
               "DDB calls / inv.", "RRU / inv.", "WRU / inv.", "transactions / refused", "log bytes / inv.",
               "Firehose record bytes"], rows))
    for shape, (size, visitors, agg) in shapes.items():
        n = len(visitors)
        out(f"- {shape}: {agg.records} of {n} batches' stream records passed the filter; AggregateStats per event "
            f"batch: {agg.usage.rru / n:.2f} RRU, {agg.usage.wru / n:.2f} WRU, {agg.billed_ms / n:.2f} billed ms")
    out(f"- hourly roll-up: reads every marker of today and yesterday ({markers} here: "
        f"{roll.usage.rru / max(markers, 1):.3f} RRU each), writes what changed ({roll.usage.wru:g} WRU); priced as "
        f"{ROLLUP_READS_PER_MARKER} reads of each batch's marker and one run per hour the million events span "
        "(each run a cold start)")
    per_batch = events.usage.wru / events.invocations
    out(f"- POST /events per batch: {per_batch:.2f} WRU (rate window + summary), {events.usage.rru / events.invocations:g}"
        f" RRU, 1 Firehose record of {events.firehose_bytes / events.firehose_records:.0f} B billed as "
        f"{events.firehose_billed / events.firehose_records / 1024:.0f} KB")

    out(f"\nCost per {EVENTS_PER_MILLION:,} client events ({EVENTS_PER_MILLION // BATCH_EVENTS:,} batches of "
        f"{BATCH_EVENTS}), us-east-1\n")
    names = [n for n, _ in bill_lines(bills["busy"])]
    lines = {k: dict(bill_lines(b)) for k, b in bills.items()}
    rows = [[n, *(money(lines[k][n], REGION) for k in bills)] for n in names]
    rows.append(["total", *(money(total(b), REGION) for b in bills.values())])
    rows.append(["per 1,000 events", *(money(total(b) / 1000, REGION) for b in bills.values())])
    rows.append([f"goal: under ${GOAL_USD_PER_MILLION:.2f} per million",
                 *("met" if total(b) < GOAL_USD_PER_MILLION else "NOT met" for b in bills.values())])
    out(table(["service", *heads], rows))
    for shape, b in bills.items():
        without = total(b) - dict(bill_lines(b))["X-Ray traces"]
        out(f"- {shape}: {b.wru:,.0f} WRU, {b.rru:,.0f} RRU, {b.requests:,.0f} Lambda requests, {b.gb_s:,.0f} GB-s, "
            f"{b.traces:,.0f} traces, {b.firehose_gb:.3f} GB billed by Firehose, "
            f"{(b.log_gb_fn + b.log_gb_access) * 1000:.0f} MB of logs; without X-Ray {money(without, REGION)}; "
            f"every handler 10x slower {money(total(slower(b)), REGION)}")
    met = [shape for shape, b in bills.items() if total(b) < GOAL_USD_PER_MILLION]
    out(f"- goal (under ${GOAL_USD_PER_MILLION:.2f} per million events): "
        + (f"met for {', '.join(met)}" if met else "met for no shape")
        + (f"; NOT met for {', '.join(s for s in bills if s not in met)}" if len(met) < len(bills) else ""))
    out(f"- raw events: {raw_per_million / 1e6:.1f} MB per million as sent to Firehose, about "
        f"{raw_per_million * gz / 1e6:.1f} MB in S3 gzipped (gzip -6 of the batches sent: {gz:.1%}); "
        "S3 storage, Athena queries and the 30-day STANDARD_IA transition are not priced here")

    # ---- per 10,000 orders
    o_bills = {}
    for shape, run, n, share in (("busy", o_busy, args.orders, XRAY_RATE), ("quiet", o_quiet, quiet_orders, 1.0)):
        b = Bill()
        b.add_run(run, ORDERS / n, traced=share if tracing_active(run.function) else 0.0)
        o_bills[shape] = b
    out(f"\nCost per {ORDERS:,} orders of the analytics path only (AggregateStats on order placed, order paid and "
        f"a buyer's first payment; {cost.NEW_BUYER_SHARE:.0%} of buyers pay for the first time)\n")
    out(f"busy: {o_busy.records} stream records for {args.orders} orders ({o_busy_first} first payments) in "
        f"batches of 100, X-Ray keeping {XRAY_RATE:.0%} (the shop's API takes the reservoir); quiet: "
        f"{o_quiet.records} records for {quiet_orders} orders ({o_quiet_first} first payments), one per invocation, "
        "all traced. us-east-1:\n")
    names = [n for n, v in bill_lines(o_bills["busy"])]
    lines = {k: dict(bill_lines(b)) for k, b in o_bills.items()}
    rows = [[n, money(lines["busy"][n], REGION), money(lines["quiet"][n], REGION)] for n in names
            if lines["busy"][n] or lines["quiet"][n]]
    rows.append(["total", money(total(o_bills["busy"]), REGION), money(total(o_bills["quiet"]), REGION)])
    rows.append(["per order", money(total(o_bills["busy"]) / ORDERS, REGION),
                 money(total(o_bills["quiet"]) / ORDERS, REGION)])
    out(table(["service", "busy (100 records / invocation)", "quiet (1 record / invocation)"], rows))

    out("\nGET /admin/dashboard, DynamoDB round trips (before-send events on the client; the staff check included)\n")
    out(table(["request", "round trips", "target", "", "RRU", "response KB"], dash_rows))

    out(f"\nPrices used (taken {PRICES_TAKEN}; check them against the pages before quoting)\n")
    plain = lambda v: f"{v:.10f}".rstrip("0").rstrip(".")  # noqa: E731
    used = ("lambda_request", "lambda_gbs_arm", "apigw_http", "ddb_wru", "ddb_rru", "logs_ingest", "logs_storage",
            "xray_trace", "firehose_gb", "s3_put")
    out(table(["item", "unit", "us-east-1 (USD)", "source"],
              [[k, ALL_PRICES[k][0], plain(ALL_PRICES[k][1]), ALL_PRICES[k][3]] for k in used]))
    out(f"\n(ran in {time.perf_counter() - started:.0f} s)")
    if not dash_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
