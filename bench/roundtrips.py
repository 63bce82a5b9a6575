"""DynamoDB round trips per request, for every route, counted with botocore events.

Each request goes through the real handler (in this process) against moto with the seeded demo
shop; every HTTP request the DynamoDB client sends (retries included) is one round trip.

  python -m bench.roundtrips
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from bench.common import event_for, out, start_backends, table, token_for
from infra.local.gateway import LAYER_PATH
from infra.local.template import Template, load_module
from infra.local.worker import LambdaContext

# (function, label, method, path, body, authenticated, expected status, target)
CASES: list[tuple[str, str, str, str, Any, bool, int, int | None]] = [
    ("LoginFunction", "POST /auth/login (first login)", "POST", "/auth/login", {"code": "rt-new"}, False, 200, 2),
    ("LoginFunction", "POST /auth/login (returning user)", "POST", "/auth/login", {"code": "rt-new"}, False, 200, 2),
    ("MeFunction", "GET /me", "GET", "/me", None, True, 200, 1),
    ("ListCategoriesFunction", "GET /categories", "GET", "/categories", None, False, 200, 1),
    ("ListProductsFunction", "GET /products", "GET", "/products", None, False, 200, 1),
    ("ListProductsFunction", "GET /products?category=&sort=price_asc", "GET",
     "/products?category=apparel&sort=price_asc&limit=2", None, False, 200, 1),
    ("ListProductsFunction", "GET /products?q=", "GET", "/products?q=%E9%80%81%E7%A4%BC", None, False, 200, 1),
    ("ListProductsFunction", "GET /products?cursor= (page 2)", "GET", "CURSOR", None, False, 200, 1),
    ("GetProductFunction", "GET /products/{id}", "GET", "/products/p-tee-basic", None, False, 200, 1),
    ("GetProductFunction", "GET /products/{id} (unknown)", "GET", "/products/p-nope", None, False, 404, 1),
    ("FallbackFunction", "unknown route", "GET", "/nope", None, False, 404, 0),
]


def _load(template: Template, logical_id: str) -> Any:
    return load_module(next(f for f in template.functions() if f.logical_id == logical_id), prefix="bench")


def main() -> None:
    stack = start_backends()
    # The functions' environment (secret in moto, endpoints), applied to this process.
    login_spec = next(f for f in stack.template.functions() if f.logical_id == "LoginFunction")
    os.environ.update(stack.function_environment(login_spec))
    token = token_for(stack)

    from shop import aws, db

    aws.reset()
    sent: list[str] = []
    db.client().meta.events.register("before-send.dynamodb", lambda **kw: sent.append("x"))

    from shop import catalog

    page2 = catalog.list_products(limit=3).next_cursor
    modules: dict[str, Any] = {}
    rows, worst_ok = [], True
    for fn, label, method, path, body, auth, expect, target in CASES:
        modules.setdefault(fn, _load(stack.template, fn))
        if path == "CURSOR":
            path = f"/products?limit=3&cursor={page2}"
        event = event_for(stack.template, method, path, body=body, token=token if auth else None)
        before = len(sent)
        result = modules[fn].lambda_handler(event, LambdaContext("bench", int(time.time() * 1000) + 10_000, fn))
        trips = len(sent) - before
        if result["statusCode"] != expect:
            raise SystemExit(f"{label}: expected {expect}, got {result['statusCode']}: {result['body']}")
        ok = target is None or trips <= target
        worst_ok &= ok
        rows.append([label, fn, trips, "-" if target is None else f"<= {target}", "ok" if ok else "OVER"])
    stack.stop()
    out("\nDynamoDB round trips per request (botocore before-send events; retries would count)\n")
    out(table(["request", "function", "round trips", "target", ""], rows))
    if not worst_ok:
        sys.exit(1)


if __name__ == "__main__":
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))
    main()
