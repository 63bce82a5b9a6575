"""Cold start of every function, as a ratio to a floor measured in the same run.

For each function: the wall time of a fresh Python process that, with the environment Lambda would
give it (AWS_LAMBDA_FUNCTION_NAME and the template's variables, pointed at the local backends),
imports the handler AND serves one representative request. The first request is counted, so a lazy
import saves nothing; only not needing the code does.

The floor: a fresh process that imports boto3, creates a DynamoDB client and a Powertools
APIGatewayHttpResolver, and makes one GetItem against the same moto.

Both kinds of process leave with os._exit() once the answer is written: a Lambda execution
environment is frozen after its first invocation, never torn down, so interpreter shutdown
(60-90 ms here, more the more modules are loaded) is not part of any cold start a caller waits for.

Runs are interleaved (floor, each function, floor, ...) and the median of each is reported, so
machine noise hits all rows alike. Target: every function <= 1.5x the floor.

  python -m bench.coldstart [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from bench.common import SAMPLES, World, out, start_backends, table

TARGET = 1.5

CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
sys.path[0:0] = [os.environ["LAMBDA_TASK_ROOT"], os.environ["LOCAL_LAYER_PATH"]]
event = json.loads(os.environ.pop("BENCH_EVENT"))
class Context:
    function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]; function_version = "$LATEST"
    memory_limit_in_mb = 512; aws_request_id = "bench"; log_group_name = ""; log_stream_name = ""
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    def get_remaining_time_in_millis(self): return 10000
import importlib
module_name, attr = os.environ["_HANDLER"].rsplit(".", 1)
handler = getattr(importlib.import_module(module_name), attr)
t1 = time.perf_counter()
result = handler(event, Context())
t2 = time.perf_counter()
status = result["statusCode"] if isinstance(result, dict) and "statusCode" in result else 200
sys.stderr.write(json.dumps({"status": status, "import": t1 - t0, "invoke": t2 - t1}) + "\n")
sys.stderr.flush()
os._exit(0)
"""

FLOOR = r"""
import json, os, sys, time
t0 = time.perf_counter()
import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
client = boto3.client("dynamodb")
app = APIGatewayHttpResolver()
t1 = time.perf_counter()
client.get_item(TableName=os.environ["SHOP_TABLE_NAME"], Key={"PK": {"S": "CATALOG"}, "SK": {"S": "CATEGORY#apparel"}})
t2 = time.perf_counter()
sys.stderr.write(json.dumps({"status": 200, "import": t1 - t0, "invoke": t2 - t1}) + "\n")
sys.stderr.flush()
os._exit(0)
"""


def _run(code: str, env: dict[str, str]) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    try:
        info = json.loads(proc.stderr.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise SystemExit(f"benchmark child failed:\n{proc.stdout}\n{proc.stderr}") from None
    return wall, info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", nargs="*", help="function logical ids (default: all)")
    args = parser.parse_args(argv)

    stack = start_backends()
    world = World(stack)
    functions = {f.logical_id: f for f in stack.template.functions() if not args.only or f.logical_id in args.only}
    # the bench's one buyer holds many unpaid orders (see bench.common.start_backends)
    envs = {name: {**stack.function_environment(spec), "ORDER_MAX_OPEN_UNPAID": os.environ["ORDER_MAX_OPEN_UNPAID"]}
            for name, spec in functions.items()}
    catalog = next(f for f in stack.template.functions() if f.logical_id == "ListCategoriesFunction")
    floor_env = stack.function_environment(catalog)
    samples: dict[str, list[tuple[float, dict[str, float]]]] = {"floor": []}
    for name in functions:
        samples[name] = []
    for _ in range(args.runs):
        samples["floor"].append(_run(FLOOR, floor_env))
        for name, spec in functions.items():
            sample = SAMPLES[name]
            wall, info = _run(CHILD, {**envs[name], "BENCH_EVENT": json.dumps(sample.make(world))})
            if info["status"] != sample.expect:
                raise SystemExit(f"{name}: expected {sample.expect}, got {info['status']}")
            samples[name].append((wall, info))
    stack.stop()

    floor = statistics.median(w for w, _ in samples["floor"])
    rows = [["floor (boto3 + client + resolver + GetItem)", "-", f"{floor * 1000:.0f}",
             f"{statistics.median(i['import'] for _, i in samples['floor']) * 1000:.0f}",
             f"{statistics.median(i['invoke'] for _, i in samples['floor']) * 1000:.0f}", "1.00", "-"]]
    worst = 0.0
    for name in functions:
        med = statistics.median(w for w, _ in samples[name])
        ratio = med / floor
        worst = max(worst, ratio)
        rows.append([
            name, SAMPLES[name].label, f"{med * 1000:.0f}",
            f"{statistics.median(i['import'] for _, i in samples[name]) * 1000:.0f}",
            f"{statistics.median(i['invoke'] for _, i in samples[name]) * 1000:.0f}",
            f"{ratio:.2f}", "ok" if ratio <= TARGET else "OVER",
        ])
    out(f"\nCold start: fresh process, import + first request; median of {args.runs} interleaved runs "
        f"(python {sys.version.split()[0]}, {os.cpu_count()} cpus)\n")
    out(table(["function", "request", "wall ms", "import ms", "1st request ms", "x floor", f"<= {TARGET}x"], rows))
    out(f"\nworst ratio {worst:.2f} (target {TARGET})")
    if worst > TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
