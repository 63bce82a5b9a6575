"""The data dashboard through the real handlers: shoppers' event batches (POST /events), orders paid
and refunded through the WeChat Pay simulator, the table's stream handed to AggregateStats as its
event source mapping would, and what GET /admin/dashboard then shows the merchant."""

from __future__ import annotations

import gzip
import json
import random
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from shop.adapters.clock import SHANGHAI
from tests.handler.test_buying import ADDRESS, TEE, _paid_order, merchant_token
from tests.handler.test_reconciliation import _refunded_order
from tests.helpers import Api, TableStream, context, load_function, login, together

pytestmark = pytest.mark.usefixtures("seeded", "wechat", "raw_events")


AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
DAY = "2026-12-03"


@pytest.fixture
def raw_events(aws: dict[str, str], template, monkeypatch: pytest.MonkeyPatch) -> str:
    """The template's delivery stream for raw events, in the tests' moto, writing to its bucket."""
    from infra.local import firehose
    from infra.local.s3events import create_buckets, local_bucket_names

    buckets = local_bucket_names(template, prefix="test")
    create_buckets(boto3.client("s3"), template, buckets)
    streams = firehose.local_stream_names(template, prefix="test")
    firehose.create_streams(boto3.client("firehose"), template, streams, buckets)
    monkeypatch.setenv("EVENTS_DELIVERY_STREAM", streams["EventsDeliveryStream"])
    return buckets["EventsBucket"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """The events' arrival time (the dashboard buckets a batch by when it arrived)."""
    from shop.analytics import traffic

    now = {"t": AT}
    monkeypatch.setattr(traffic, "now_utc", lambda: now["t"])
    return now


@pytest.fixture
def owner() -> str:
    return merchant_token("boss", role="owner")


def batch(batch_id: str, events: list[dict[str, Any]], *, anonymous_id: str = "anon-visitor-1", scene: int = 1007,
          query: dict[str, str] | None = None) -> dict[str, Any]:
    return {"batch_id": batch_id, "anonymous_id": anonymous_id,
            "launch": {"scene": scene, "path": "pages/index/index", "query": query or {}}, "events": events}


def event(kind: str, product: str | None = None, at: int = 1_796_000_000_000) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "at": at}
    if product:
        out["product_id"] = product
    return out


@pytest.fixture
def stats() -> TableStream:
    """AggregateStats on the table's stream from now on (what the seed wrote is not the test's)."""
    return TableStream("AggregateStatsFunction")


def dashboard(api: Api, token: str, query: str = f"day={DAY}") -> dict[str, Any]:
    reply = api.get(f"/admin/dashboard?{query}", token=token)
    assert reply.status == 200, reply.text
    return reply.json


def roll_up(at: datetime = AT + timedelta(hours=2)) -> dict[str, int]:
    """RollupStatsFunction's hourly run, as its schedule would start it at ``at``."""
    from infra.local.gateway import scheduled_event

    return load_function("RollupStatsFunction").lambda_handler(scheduled_event("RollupStatsFunction", at.timestamp()),
                                                               context("RollupStatsFunction"))


def raw_lines(bucket: str) -> list[dict[str, Any]]:
    s3 = boto3.client("s3")
    lines = []
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        data = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        lines += [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
    return lines


# ---------------------------------------------------------------- events in, figures out

def test_a_visitors_batches_become_the_days_traffic_once_each(stats: TableStream, api: Api, clock, owner: str, raw_events: str) -> None:
    first = batch("batch-000001", [event("visit"), event("product_view", "p-mug"), event("product_view", "p-mug"),
                                   event("add_to_cart", "p-mug"), event("share")])
    reply = api.post("/events", first)
    assert reply.status == 202 and reply.json == {"accepted": 5, "counted": True, "source": "share"}
    assert api.post("/events", first).json == {"accepted": 5, "counted": False, "source": "share"}  # a resend
    clock["t"] = AT + timedelta(hours=1)
    second = batch("batch-000002", [event("visit"), event("product_view", "p-tee"), event("checkout_started")],
                   scene=1011)
    assert api.post("/events", second).json["source"] == "code"
    stats.drain()
    day = dashboard(api, owner)
    totals = day["totals"]
    assert (totals["visits"], totals["visitors"], totals["product_views"], totals["product_visitors"]) == (2, 1, 3, 1)
    assert (totals["cart_adds"], totals["cart_visitors"], totals["checkout_starts"], totals["shares"]) == (1, 1, 1, 1)
    sources = {s["source"]: (s["visits"], s["visitors"]) for s in day["sources"]}
    assert sources["share"] == (1, 1) and sources["code"] == (1, 1) and sources["search"] == (0, 0)
    assert [h["visits"] for h in day["hours"]][10:12] == [1, 1]  # 10:00 and 11:00 Beijing
    assert day["top_products"] == [] and day["product_traffic_as_of"] is None  # products wait for the roll-up
    assert roll_up() == {"products": 2, "days": 0}
    day = dashboard(api, owner)
    views = {p["product_id"]: (p["views"], p["cart_adds"]) for p in day["top_products"]}
    assert views == {"p-mug": (2, 1), "p-tee": (1, 0)} and day["product_traffic_as_of"] == "2026-12-03T04:00:00Z"
    kept = raw_lines(raw_events)
    assert sorted(line["batch_id"] for line in kept) == ["batch-000001", "batch-000001", "batch-000002"]
    line = next(k for k in kept if k["batch_id"] == "batch-000002")
    assert (line["scene"], line["source"], line["received_at"]) == (1011, "code", "2026-12-03T03:00:00Z")
    assert line["events"][0] == {"type": "visit", "at": 1_796_000_000_000} and "ip" not in line


def test_a_logged_in_visitor_is_the_user_and_a_bad_token_makes_them_anonymous(stats: TableStream, api: Api, clock, owner: str,
                                                                              raw_events: str) -> None:
    token = login(api, "events-buyer")
    assert api.post("/events", batch("batch-user-1", [event("visit")]), token=token).status == 202
    assert api.post("/events", batch("batch-user-2", [event("visit")], anonymous_id="anon-other-9"),
                    token=token).status == 202  # the same user on another phone
    assert api.post("/events", batch("batch-anon-1", [event("visit")]), token="not-a-token").status == 202
    stats.drain()
    assert dashboard(api, owner)["totals"]["visitors"] == 2  # the user, and the anonymous visitor
    visitors = {line["batch_id"]: (line["logged_in"], line["visitor"].startswith("anon:")) for line in raw_lines(raw_events)}
    assert visitors == {"batch-user-1": (True, False), "batch-user-2": (True, False), "batch-anon-1": (False, True)}


def test_openings_that_are_never_shoppers_are_not_counted(stats: TableStream, api: Api, clock, owner: str, raw_events: str) -> None:
    for n, scene in enumerate((1129, 1030, 1101, 1203)):
        reply = api.post("/events", batch(f"batch-bot-{n:03d}", [event("visit")], scene=scene))
        assert reply.status == 202 and reply.json["counted"] is False
    stats.drain()
    assert dashboard(api, owner)["totals"]["visits"] == 0
    assert raw_lines(raw_events) == []


@pytest.mark.parametrize(("body", "code"), [
    ({"anonymous_id": "anon-visitor-1", "launch": {"scene": 1001}, "events": [{"type": "visit", "at": 1}]},
     "invalid_request"),  # no batch_id
    (batch("batch-000001", []), "invalid_request"),
    (batch("batch-000001", [event("visit")] * 51), "invalid_request"),
    (batch("batch-000001", [{"type": "purchase", "at": 1}]), "invalid_request"),
    (batch("batch-000001", [{"type": "product_view", "at": 1}]), "invalid_request"),  # which product?
    (batch("bad id!", [event("visit")]), "invalid_request"),
    (batch("batch-000001", [event("visit")], scene=7), "invalid_request"),
    (batch("batch-000001", [event("visit")], query={f"k{n}": "v" for n in range(11)}), "invalid_request"),
])
def test_bad_batches_are_refused_with_a_clear_400_and_nothing_kept(api: Api, clock, raw_events: str, body: Any,
                                                                    code: str) -> None:
    reply = api.post("/events", body)
    assert (reply.status, reply.error_code) == (400, code), reply.text
    assert raw_lines(raw_events) == []


def test_oversized_and_non_json_batches_are_refused(api: Api, clock, raw_events: str) -> None:
    huge = batch("batch-000001", [{**event("page_view"), "page": "p" * 200}] * 50)
    huge["launch"]["query"] = {f"k{n}": "v" * 200 for n in range(10)}
    assert len(json.dumps(huge)) < 32 * 1024  # the largest batch the model allows fits the limit
    assert api.post("/events", huge).status == 202
    padded = json.dumps(huge) + " " * (33 * 1024 - len(json.dumps(huge)))
    reply = api.request("POST", "/events", body=padded, headers={"content-type": "application/json"})
    assert (reply.status, reply.error_code) == (413, "payload_too_large")
    reply = api.request("POST", "/events", body="{not json", headers={"content-type": "application/json"})
    assert (reply.status, reply.error_code) == (400, "malformed_json")
    assert len(raw_lines(raw_events)) == 1


def test_a_flooding_visitor_is_slowed_down_and_others_are_not(api: Api, clock, owner: str) -> None:
    for n in range(30):
        assert api.post("/events", batch(f"batch-flood-{n:03d}", [event("page_view")])).status == 202
    reply = api.post("/events", batch("batch-flood-030", [event("page_view")]))
    assert (reply.status, reply.error_code) == (429, "too_many_events")
    assert reply.headers["retry-after"] == "60"
    assert api.post("/events", batch("batch-other-000", [event("page_view")], anonymous_id="anon-visitor-2")).status == 202
    clock["t"] = AT + timedelta(minutes=1)  # the next minute
    assert api.post("/events", batch("batch-flood-031", [event("page_view")])).status == 202


# ---------------------------------------------------------------- orders, payments, refunds

def test_a_payment_moves_gmv_paid_orders_and_buyers_by_exactly_that_order(stats: TableStream, api: Api, wechat, owner: str) -> None:
    token = login(api, "dash-buyer")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    stats.drain()
    today = datetime.now(SHANGHAI).date().isoformat()
    before = dashboard(api, owner, f"day={today}")["totals"]
    order_id = _paid_order(api, wechat, token, address, (TEE, 2))
    payable = api.get(f"/orders/{order_id}", token=token).json["payable"]
    stats.drain()
    after = dashboard(api, owner, f"day={today}")
    moved = {k: after["totals"][k] - before[k] for k in ("pay_amount", "paid_orders", "pay_buyers", "new_buyers",
                                                          "orders", "order_buyers", "refund_amount")}
    assert moved == {"pay_amount": payable, "paid_orders": 1, "pay_buyers": 1, "new_buyers": 1, "orders": 1,
                     "order_buyers": 1, "refund_amount": 0}
    top = {p["product_id"]: p for p in after["top_products"]}
    assert top["p-tee-basic"]["units"] >= 2 and top["p-tee-basic"]["title"]


def test_a_refund_moves_refund_figures_not_gmv(stats: TableStream, api: Api, wechat, owner: str) -> None:
    token = login(api, "dash-refunder")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    today = datetime.now(SHANGHAI).date().isoformat()
    stats.drain()
    before = dashboard(api, owner, f"day={today}")["totals"]
    order_id, _, amount = _refunded_order(api, wechat, token, address, merchant_token("desk", role="manager"))
    payable = api.get(f"/orders/{order_id}", token=token).json["payable"]
    assert 0 < amount < payable
    stats.drain()
    after = dashboard(api, owner, f"day={today}")["totals"]
    assert after["refunds"] - before["refunds"] == 1
    assert after["refund_amount"] - before["refund_amount"] == amount
    assert after["paid_orders"] - before["paid_orders"] == 1
    assert after["pay_amount"] - before["pay_amount"] == payable  # refunds are never taken off 支付金额
    assert after["refund_rate"] == round(after["refund_amount"] / after["pay_amount"], 4)


def test_duplicated_and_concurrent_delivery_counts_each_payment_once(stats: TableStream, api: Api, wechat, owner: str,
                                                                     serialized_dynamodb: None,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.analytics import counters
    token = login(api, "dash-racer")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    today = datetime.now(SHANGHAI).date().isoformat()
    stream = stats
    stream.drain()
    before = dashboard(api, owner, f"day={today}")["totals"]
    orders = [_paid_order(api, wechat, token, address, (TEE, 1)) for _ in range(3)]
    records = stream.read()
    assert any(r["eventName"] == "MODIFY" for r in records)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(stream.deliver(records))) for _ in range(4)]
    # every consumer reads the buyer's day before any of them writes it, as concurrent Lambdas do:
    # all but one then find the buyer already counted and must learn it from the table
    everyone_has_read = threading.Barrier(len(threads), timeout=30)
    read_the_table, waited = counters._known_days, set()

    def read_then_wait(facts: Any) -> Any:
        known = read_the_table(facts)
        me = threading.current_thread()
        if me in threads and me not in waited:
            waited.add(me)
            everyone_has_read.wait()
        return known

    monkeypatch.setattr(counters, "_known_days", read_then_wait)
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [{"batchItemFailures": []}] * 4
    assert stream.deliver(list(reversed(records))) == {"batchItemFailures": []}  # redelivered later, out of order
    after = dashboard(api, owner, f"day={today}")["totals"]
    payable = sum(api.get(f"/orders/{o}", token=token).json["payable"] for o in orders)
    assert after["paid_orders"] - before["paid_orders"] == 3
    assert after["pay_amount"] - before["pay_amount"] == payable
    assert after["pay_buyers"] - before["pay_buyers"] == 1  # one buyer, three orders


# ---------------------------------------------------------------- a generated day, replayed

def _generated_day(seed: int, events_wanted: int) -> tuple[list[tuple[datetime, dict[str, Any]]], dict[str, Any]]:
    """A day of traffic (batches at their arrival times) and what the dashboard must show for it,
    counted here independently of the aggregation."""
    rng = random.Random(seed)
    products = [f"p-gen-{n:02d}" for n in range(12)]
    scenes = [1007, 1008, 1011, 1047, 1053, 1035, 1175, 1045, 1001, 1089, 1107, 1234, 1129, 1030]
    from shop.analytics.scenes import source_of

    sent: list[tuple[datetime, dict[str, Any]]] = []
    totals: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    per_product: dict[str, dict[str, int]] = defaultdict(lambda: {"views": 0, "cart_adds": 0})
    sources: dict[str, list[Any]] = defaultdict(lambda: [0, set()])
    count, visitor_no, batch_no = 0, 0, 0
    while count < events_wanted:
        visitor_no += 1
        anonymous = f"anon-gen-{visitor_no:05d}"
        scene = rng.choice(scenes)
        source = source_of(scene)
        start = AT - timedelta(hours=1) + timedelta(seconds=rng.randrange(0, 13 * 3600))
        for b in range(rng.randint(1, 4)):
            events = [event("visit")] if b == 0 else []
            for _ in range(rng.randint(1, 30)):
                kind = rng.choice(["page_view", "page_view", "product_view", "product_view", "add_to_cart",
                                   "checkout_started", "share", "visit"])
                events.append(event(kind, rng.choice(products) if kind in ("product_view", "add_to_cart") else None))
            events = events[:50]
            batch_no += 1
            body = batch(f"gen-batch-{batch_no:06d}", events, anonymous_id=anonymous, scene=scene)
            at = start + timedelta(seconds=b * 20)
            sent.append((at, body))
            if rng.random() < 0.05:
                sent.append((at + timedelta(seconds=3), body))  # a resend after a timeout
            count += len(events)
            if not source.counted:
                continue
            who = f"anon:{anonymous}"
            people["visitors"].add(who)
            sources[source.key][1].add(who)
            for e in events:
                if e["type"] == "visit":
                    totals["visits"] += 1
                    sources[source.key][0] += 1
                elif e["type"] == "product_view":
                    totals["product_views"] += 1
                    people["product_visitors"].add(who)
                    per_product[e["product_id"]]["views"] += 1
                elif e["type"] == "add_to_cart":
                    totals["cart_adds"] += 1
                    people["cart_visitors"].add(who)
                    per_product[e["product_id"]]["cart_adds"] += 1
                elif e["type"] == "checkout_started":
                    totals["checkout_starts"] += 1
                    people["checkout_visitors"].add(who)
                elif e["type"] == "share":
                    totals["shares"] += 1
    expected = {**totals, **{k: len(v) for k, v in people.items()},
                "sources": {k: (v[0], len(v[1])) for k, v in sources.items()}, "products": dict(per_product)}
    sent.sort(key=lambda pair: pair[0])
    return sent, {**expected, "events": count}


def test_the_counters_match_a_replayed_day_of_10000_events_exactly(stats: TableStream, api: Api, clock, owner: str) -> None:
    sent, expected = _generated_day(seed=20261203, events_wanted=10_000)
    assert expected["events"] >= 10_000
    stream = stats
    for at, body in sent:
        clock["t"] = at
        assert api.post("/events", body).status == 202
    stream.drain(rounds=50)
    roll_up(AT + timedelta(hours=13))
    day = dashboard(api, owner)
    for name in ("visits", "visitors", "product_views", "product_visitors", "cart_adds", "cart_visitors",
                 "checkout_starts", "checkout_visitors", "shares"):
        assert day["totals"][name] == expected[name], name
    shown = {s["source"]: (s["visits"], s["visitors"]) for s in day["sources"] if s["visits"] or s["visitors"]}
    assert shown == expected["sources"]
    products = {p["product_id"]: {"views": p["views"], "cart_adds": p["cart_adds"]} for p in day["top_products"]}
    assert products == {k: v for k, v in expected["products"].items() if k in products} and len(products) == 10
    assert sum(h["visits"] for h in day["hours"]) == expected["visits"]


# ---------------------------------------------------------------- the hourly roll-up

def test_the_roll_up_sums_products_once_and_takes_in_a_late_batch_on_its_next_run(stats: TableStream, api: Api,
                                                                                  clock, owner: str) -> None:
    for n, visitor in enumerate(("anon-roll-1", "anon-roll-2")):
        api.post("/events", batch(f"roll-batch-{n}", [event("visit"), event("product_view", "p-mug"),
                                                      event("add_to_cart", "p-mug")], anonymous_id=visitor))
    stats.drain()
    assert roll_up() == {"products": 1, "days": 0}
    assert roll_up() == {"products": 0, "days": 0}  # run again: nothing changed, nothing written
    clock["t"] = AT + timedelta(hours=1)
    api.post("/events", batch("roll-batch-late", [event("product_view", "p-mug"), event("product_view", "p-tee")],
                              anonymous_id="anon-roll-1"))
    late = stats.read()
    assert stats.deliver(late) == stats.deliver(late) == {"batchItemFailures": []}  # delivered twice: counted once
    assert roll_up(AT + timedelta(hours=3)) == {"products": 2, "days": 0}
    top = {p["product_id"]: (p["views"], p["cart_adds"]) for p in dashboard(api, owner)["top_products"]}
    assert top == {"p-mug": (3, 2), "p-tee": (1, 0)}


def test_roll_ups_at_once_write_each_figure_once_and_an_older_one_never_lowers_it(
        stats: TableStream, api: Api, clock, owner: str, serialized_dynamodb: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from shop.analytics import rollup

    api.post("/events", batch("race-batch", [event("product_view", "p-mug"), event("add_to_cart", "p-mug")]))
    stats.drain()
    read, everyone_read = rollup.viewed_on, threading.Barrier(4, timeout=30)

    def read_then_wait(day: Any) -> dict[str, dict[str, int]]:
        counted = read(day)
        if day.isoformat() == DAY:
            everyone_read.wait()  # all four have summed the same markers before any of them writes
        return counted

    monkeypatch.setattr(rollup, "viewed_on", read_then_wait)
    assert sum(r["products"] for r in together(*[roll_up] * 4)) == 1  # the others find the same figure there
    fewer = {"p-mug": {"views": 0, "cart_adds": 1}}
    monkeypatch.setattr(rollup, "viewed_on", lambda day: fewer if day.isoformat() == DAY else {})
    assert roll_up() == {"products": 0, "days": 0}  # a run that summed fewer markers writes nothing
    top = {p["product_id"]: (p["views"], p["cart_adds"]) for p in dashboard(api, owner)["top_products"]}
    assert top == {"p-mug": (1, 1)}


def test_a_range_takes_finished_days_from_the_roll_up_and_yesterday_and_today_from_their_hours(api: Api,
                                                                                              owner: str) -> None:
    from shop.analytics import counters
    from shop.analytics.aggregate import Contribution

    today = datetime.now(SHANGHAI).date()
    days = [today - timedelta(days=n) for n in (4, 1, 0)]

    def paid_on(day: Any, order: str, amount: int) -> Contribution:
        at = datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI)
        return Contribution(key=f"order#{order}#paid", at=at, counts={"paid_orders": 1, "pay_amount": amount})

    counters.apply([paid_on(day, f"range-{n}", 1000 * (n + 1)) for n, day in enumerate(days)])
    query = f"from={days[0].isoformat()}&to={today.isoformat()}"
    assert dashboard(api, owner, query)["totals"]["pay_amount"] == 2000 + 3000  # the old day is not totalled yet
    finished_at = datetime(days[0].year, days[0].month, days[0].day, 12, tzinfo=SHANGHAI) + timedelta(days=1)
    assert roll_up(finished_at) == {"products": 0, "days": 1}  # the next day's run totals it
    counters.apply([paid_on(days[0], "range-late", 500)])  # a fact of that day, delivered late
    assert roll_up(finished_at + timedelta(hours=1)) == {"products": 0, "days": 1}
    assert roll_up(finished_at + timedelta(hours=2)) == {"products": 0, "days": 0}
    shown = dashboard(api, owner, query)
    assert shown["totals"]["pay_amount"] == 1500 + 2000 + 3000 and shown["totals"]["paid_orders"] == 4
    assert [d["pay_amount"] for d in shown["days"]] == [1500, 0, 0, 2000, 3000]


# ---------------------------------------------------------------- the dashboard route

def test_a_day_takes_two_round_trips_and_a_range_one_query_per_year(api: Api, owner: str) -> None:
    from shop.adapters import aws

    calls: list[str] = []
    aws.client("dynamodb").meta.events.register("before-send.dynamodb", lambda **kw: calls.append("call"))
    assert api.get(f"/admin/dashboard?day={DAY}", token=owner).status == 200
    assert len(calls) == 2  # the staff check, the day's Query
    calls.clear()
    reply = api.get("/admin/dashboard?from=2025-12-01&to=2026-11-30", token=owner)
    assert reply.status == 200 and len(reply.json["days"]) == 365
    assert len(calls) == 3  # the staff check, one Query per calendar year


@pytest.mark.parametrize(("query", "code"), [
    ("day=2026-02-30", "invalid_date"), ("day=yesterday", "invalid_request"),
    ("from=2026-12-03&to=2026-12-01", "bad_range"), ("from=2025-01-01&to=2026-01-02", "range_too_long"),
    ("from=2026-12-01", "invalid_request"), ("day=2026-12-01&from=2026-12-01&to=2026-12-02", "invalid_request"),
])
def test_bad_days_and_ranges_are_refused(api: Api, owner: str, query: str, code: str) -> None:
    reply = api.get(f"/admin/dashboard?{query}", token=owner)
    assert (reply.status, reply.error_code) == (400, code), reply.text


@pytest.mark.parametrize("role", ["owner", "manager", "customer_service", "finance", "pickup_verifier"])
def test_the_dashboard_is_for_the_roles_that_read_the_business(api: Api, role: str) -> None:
    reply = api.get("/admin/dashboard", token=merchant_token(f"dash-{role}", role=role))
    if role in ("owner", "manager", "finance"):
        assert reply.status == 200 and reply.json["day"] == datetime.now(SHANGHAI).date().isoformat()
    else:
        assert (reply.status, reply.error_code) == (403, "permission_denied")
    assert api.get("/admin/dashboard", token=login(api, "not-staff")).status == 401


def test_a_quiet_day_shows_zeros_and_no_rates(api: Api, owner: str) -> None:
    day = dashboard(api, owner, "day=2020-01-01")
    assert day["totals"]["pay_amount"] == 0 and day["totals"]["avg_order_value"] is None
    assert len(day["hours"]) == 24 and [s["label"] for s in day["sources"]][0] == "分享卡片"
    assert day["top_products"] == []
