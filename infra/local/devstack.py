"""`make dev`: the whole API on http://127.0.0.1:3000 with a seeded demo shop and the WeChat
simulator, no Docker, no AWS account. Ctrl-C stops it.

``--hot-partition [SETTINGS]`` (or ``SHOP_LOCAL_HOT_PARTITION=SETTINGS``) makes the local DynamoDB
behave like one hot item of real DynamoDB (infra/local/hotpartition.py, infra/local/stack.py):
transactions on one item at once conflict (TransactionConflict; TransactionConflictException for a
single write to an item a transaction holds) and each item takes only ``rate`` write units a
second (ProvisionedThroughputExceededException / ThrottlingError beyond). SETTINGS is
comma-separated: ``on``/``off``, ``rate=N`` (units per second per item, 0: no limit; default 1000),
``window_ms=N`` (how long a transaction holds its items; default 15), e.g.
``--hot-partition rate=50,window_ms=15``; the flag alone means ``on``. It starts after the seed, and
``GET``/``POST /_local/hot-partition`` show and change it while the stack runs."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from infra.local import credentials
from infra.local.hotpartition import ENV_VAR as HOT_PARTITION_ENV
from infra.local.hotpartition import parse_settings
from infra.local.stack import LocalStack


def _banner(stack: LocalStack) -> str:
    assert stack.wechat and stack.moto
    url = stack.url
    creds_dir = os.path.relpath(credentials.DEV_DIR)
    console = f"{stack.console.url}/" if stack.console else "(not served: --console-port -1)"
    shop = f"{stack.shop.url}/" if stack.shop else "(not served: --shop-port -1)"
    return f"""
  minishop local stack is up

  Merchant console {console}   (sign in as the owner you create with `make owner`; README "The console")
  Shop (H5 build)  {shop}   (the mini-program's pages in a browser; docs/miniprogram.md)
  API              {url}
  WeChat simulator {stack.wechat.url}   (code2session, stable_token, getwxacodeunlimit, WeChat Pay v3; see infra/local/wechat_sim.py)
  DynamoDB (moto)  {stack.moto.url}   tables: {", ".join(stack.table_names.values())}
  S3 (moto)        {stack.moto.url}   buckets: {", ".join(stack.bucket_names.values())} (POST policies checked, S3 events delivered; docs/media.md)
  Dev credentials  {creds_dir}/   (AppID {stack.creds["wechat_app_id"]}; WeChat Pay keys, APIv3 key)

  Try it:
    curl -s {url}/categories
    curl -s '{url}/products?sort=sales&limit=5'
    curl -s -X POST {url}/auth/login -H 'Content-Type: application/json' -d '{{"code":"demo-user-1"}}'
    curl -s {url}/me -H "Authorization: Bearer <token from the login answer>"

  Any login code works (the same code is the same user); 'invalid' answers 401, 'busy' 503,
  'ratelimit' 429.

  Buying: POST /orders answers wx.requestPayment parameters; "pay" as the buyer would with
    curl -s -X POST {stack.wechat.url}/_sim/pay/<order id>
  and WeChat Pay's signed notification reaches {url}/pay/notify. Unpaid orders time out after
  {os.environ.get("ORDER_PAYMENT_TIMEOUT_SECONDS", "900")} s (timers run every minute; fire them now, at any time, with
    curl -s -X POST {url}/_local/schedules/OrderTimersFunction -d '{{"time": "2030-01-01T00:00:00Z"}}').
  Merchant token for /admin/... (8 hours, issued by MerchantTokensFunction at start):
    {creds_dir}/merchant_token.txt; a new one: make merchant-token; revoke: make merchant-token ARGS=--revoke

{_hot_partition_lines(stack)}  Function logs follow below. Ctrl-C to stop.
"""


def _hot_partition_lines(stack: LocalStack) -> str:
    hot = stack.hot_partition
    if hot is None or not hot.settings.enabled:
        return ""
    return (f"  Hot-partition mode ON ({hot.settings.describe()}): transactions on one item conflict, one item\n"
            f"  takes {hot.settings.rate:g} write units/s; counters: curl -s {stack.url}/_local/hot-partition\n"
            f"  (off: curl -s -X POST {stack.url}/_local/hot-partition -d '{{\"enabled\": false}}')\n\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("SHOP_LOCAL_HOST", "127.0.0.1"),
                        help="address to serve the API on; 0.0.0.0 lets a phone on the LAN reach it")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SHOP_LOCAL_PORT", "3000")))
    parser.add_argument("--wechat-port", type=int, default=int(os.environ.get("SHOP_LOCAL_WECHAT_PORT", "3100")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("SHOP_LOCAL_MOTO_PORT", "3200")))
    parser.add_argument("--console-port", type=int, default=int(os.environ.get("SHOP_LOCAL_CONSOLE_PORT", "3300")),
                        help="where the merchant console is served (console/dist, built by make console); -1: not at all")
    parser.add_argument("--shop-port", type=int, default=int(os.environ.get("SHOP_LOCAL_SHOP_PORT", "3400")),
                        help="where the shop's H5 build is served (miniprogram/, built by make miniprogram); -1: not at all")
    parser.add_argument("--max-concurrency", type=int, default=10, help="worker processes per function")
    parser.add_argument("--no-seed", action="store_true", help="start with empty tables")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    parser.add_argument("--ready-file", help="write the stack's URLs here as JSON once it serves (ports may be 0)")
    parser.add_argument("--secrets-manager", action="store_true",
                        help="serve credentials from one secret in moto (as in AWS) instead of environment variables")
    parser.add_argument("--hot-partition", nargs="?", const="on", default=os.environ.get(HOT_PARTITION_ENV),
                        metavar="SETTINGS",
                        help="DynamoDB as one hot item: transaction conflicts and a per-item write rate, e.g. "
                             "rate=50,window_ms=15 (alone: on, rate=1000,window_ms=15; env SHOP_LOCAL_HOT_PARTITION)")
    args = parser.parse_args(argv)
    try:
        hot_partition = parse_settings(args.hot_partition)
    except ValueError as exc:
        parser.error(str(exc))

    stack = LocalStack(
        host=args.host, port=args.port, wechat_port=args.wechat_port, moto_port=args.moto_port, seed=not args.no_seed,
        max_concurrency=args.max_concurrency, access_log=None if args.quiet else sys.stderr,
        secrets_manager=args.secrets_manager, console_port=None if args.console_port < 0 else args.console_port,
        shop_port=None if args.shop_port < 0 else args.shop_port, hot_partition=hot_partition,
    )
    try:
        stack.start()
    except OSError as exc:
        sys.exit(f"could not start the local stack: {exc} (is another `make dev` running? try --port)")
    from infra.tools.merchant_token import invoke

    issued = invoke(stack.url, {"merchant": "dev-merchant", "by": "make dev"})
    if "token" not in issued:
        stack.stop()
        sys.exit(f"the MerchantTokens function did not issue a token: {issued}")
    (credentials.DEV_DIR / "merchant_token.txt").write_text(issued["token"] + "\n", "ascii")
    print(_banner(stack), flush=True)
    if args.ready_file:
        assert stack.wechat and stack.moto
        with open(args.ready_file + ".tmp", "w", encoding="utf-8") as fh:
            json.dump({"url": stack.url, "wechat_url": stack.wechat.url, "moto_url": stack.moto.url,
                       "console_url": stack.console.url if stack.console else None,
                       "shop_url": stack.shop.url if stack.shop else None}, fh)
        os.replace(args.ready_file + ".tmp", args.ready_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
