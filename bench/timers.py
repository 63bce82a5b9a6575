"""OrderTimers under load: 100 due orders while WeChat Pay answers slowly (1 s per call).

Each due unpaid order costs a WeChat Pay close before it is cancelled, so one at a time 100 orders
would need 100 s and more: far past the function's 60 s Timeout, and every minute the same backlog
again. The timers work on due items concurrently within the invocation's remaining time; this
prints how long 100 take against the Timeout in the template, with the same run's one-at-a-time
floor (the sum of the WeChat Pay waits) for comparison.

  python -m bench.timers [--orders 100] [--latency 1.0]
"""

from __future__ import annotations

import argparse
import time

from bench.common import World, out, start_backends, table
from infra.local.gateway import scheduled_event
from infra.local.template import load_module
from infra.local.worker import LambdaContext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds every WeChat Pay call takes")
    args = parser.parse_args()
    stack = start_backends()
    world = World(stack)
    spec = next(f for f in stack.template.functions() if f.logical_id == "OrderTimersFunction")
    module = load_module(spec, prefix="bench")
    deadline = max(world.pending_order()["deadline_at"] for _ in range(args.orders))
    stack.wechat.pay.set_latency(args.latency)  # type: ignore[union-attr]
    context = LambdaContext("bench", int(time.time() * 1000) + spec.timeout * 1000, spec.logical_id)
    started = time.monotonic()
    result = module.lambda_handler(scheduled_event(spec.logical_id, deadline + 1), context)
    took = time.monotonic() - started
    stack.wechat.pay.set_latency(0)  # type: ignore[union-attr]
    stack.stop()
    sequential = args.orders * args.latency
    fits = took < spec.timeout and result["cancelled"] == args.orders
    out(f"\nOrderTimers: {args.orders} due unpaid orders, WeChat Pay answering in {args.latency:g} s per call\n")
    out(table(["due", "cancelled", "deferred", "failed", "seconds", "one at a time (floor)", "Timeout", ""], [[
        result["due"], result["cancelled"], result["deferred"], result["failed"], f"{took:.1f}",
        f">= {sequential:.0f}", spec.timeout, "fits" if fits else "DOES NOT FIT"]]))
    if not fits:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
