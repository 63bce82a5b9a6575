"""DynamoDB round trips per request, for every function, counted with botocore events.

Each request goes through the real handler (in this process) against moto with the seeded demo
shop; every HTTP request the DynamoDB client sends (retries included) is one round trip. The state
a request needs (an address, a pending or paid order, a refund request) is prepared first and not
counted.

  python -m bench.roundtrips
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from bench.common import SAMPLES, Sample, World, out, start_backends, status_of, table
from infra.local.template import load_module
from infra.local.worker import LambdaContext

TARGETS = {
    "LoginFunction": 2, "ListCategoriesFunction": 1, "ListProductsFunction": 1, "GetProductFunction": 1,
    "PreviewOrderFunction": 2, "CreateOrderFunction": 3, "PayNotifyFunction": 3,
    "ClaimCouponFunction": 2, "ListCouponsFunction": 2, "MyShareFunction": 2,
    # the back office (issue 9): the order detail folds the staff check into its BatchGetItem; the list
    # is its one Query plus the per-call staff check; a product save is one read and one transaction
    "AdminGetOrderFunction": 1, "ListOrdersAdminFunction": 2, "CreateProductFunction": 2, "UpdateProductFunction": 2,
    "ReconciliationGetFunction": 1,
}
# More requests worth a row of their own: (function, sample)
EXTRA: list[tuple[str, Sample]] = [
    ("LoginFunction", Sample("POST /auth/login (returning user)", lambda w: _returning(w))),
    ("ListProductsFunction", Sample("GET /products?category=&sort=price_asc", lambda w: w.http(
        "GET", "/products?category=apparel&sort=price_asc&limit=2", auth=None))),
    ("ListProductsFunction", Sample("GET /products?q=", lambda w: w.http("GET", "/products?q=%E9%80%81%E7%A4%BC", auth=None))),
    ("ListProductsFunction", Sample("GET /products?cursor= (page 2)", lambda w: w.http(
        "GET", f"/products?limit=3&cursor={_page2()}", auth=None))),
    ("GetProductFunction", Sample("GET /products/{id} (unknown)", lambda w: w.http("GET", "/products/p-nope", auth=None), 404)),
    ("PreviewOrderFunction", Sample("POST /orders/preview (pickup, 3 lines)", lambda w: w.http("POST", "/orders/preview", {
        "items": [{"sku_id": s, "quantity": 1} for s in ("p-tee-basic.01", "p-mug.01", "p-candle.01")],
        "delivery": "pickup", "pickup_store_id": "sz-nanshan"}))),
    ("PayNotifyFunction", Sample("POST /pay/notify (the same again)", lambda w: _repeat(w), 204)),
]


def _returning(w: World) -> dict[str, Any]:
    from shop.users import accounts
    from shop.adapters.wechat.miniprogram import WxSession

    accounts.find_or_create_user(WxSession(openid=w.stack.wechat.openid_for("rt-again"), session_key="old"))  # type: ignore[union-attr]
    return w.http("POST", "/auth/login", {"code": "rt-again"}, auth=None)


def _page2() -> str:
    from shop.catalog import products

    return products.list_products(limit=3).next_cursor or ""


_last_notification: dict[str, Any] = {}


def _repeat(w: World) -> dict[str, Any]:
    return _last_notification["event"]


def main() -> None:
    stack = start_backends()
    world = World(stack)
    from shop.adapters import aws, db

    sent: list[str] = []
    db.client().meta.events.register("before-send.dynamodb", lambda **kw: sent.append("x"))
    modules: dict[str, Any] = {}
    rows, all_ok = [], True
    cases = [(fn, sample) for fn, sample in SAMPLES.items()] + EXTRA
    cases.sort(key=lambda c: list(SAMPLES).index(c[0]))
    from infra.local import credentials

    for fn, sample in cases:
        spec = next(f for f in stack.template.functions() if f.logical_id == fn)
        if fn not in modules:
            modules[fn] = load_module(spec, prefix="bench")
        # the function's own settings (a bucket, a stage setting) as the template gives them; its
        # credentials stay the environment's (the secrets' ids are left out)
        os.environ.update({k: v for k, v in stack.function_environment(spec).items()
                           if k not in credentials.SECRET_VARIABLES and k not in ("POWERTOOLS_LOG_LEVEL", "ORDER_MAX_OPEN_UNPAID")})
        event = sample.make(world)  # preparing state is not counted
        if fn == "PayNotifyFunction" and "event" not in _last_notification:
            _last_notification["event"] = event
        before = len(sent)
        result = modules[fn].lambda_handler(event, LambdaContext("bench", int(time.time() * 1000) + 10_000, fn))
        trips = len(sent) - before
        if status_of(result) != sample.expect:
            raise SystemExit(f"{sample.label}: expected {sample.expect}, got {status_of(result)}: {result}")
        target = TARGETS.get(fn)
        ok = target is None or trips <= target
        all_ok &= ok
        rows.append([sample.label, fn, trips, "-" if target is None else f"<= {target}", "ok" if ok else "OVER"])
    aws.reset()
    stack.stop()
    out("\nDynamoDB round trips per request (botocore before-send events; retries would count)\n")
    out(table(["request", "function", "round trips", "target", ""], rows))
    if not all_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
